#!/usr/bin/env bash
# Runs the pipeline locally on Azurite, end to end, with the sample events in tools/samples/:
# starts Azurite (data kept in .azurite/), ingests both streams through the same code path as the Event Hubs
# functions (GPU names mapped by the sample model catalogue, imported first), lists what landed and dead-lettered, inspects one landed Arrow file, imports the sample rate card, runs
# the billing rollup (the timer function's code) and prints finance's usage for November 2026.
# Stops Azurite at the end unless --keep is given (then stop it with tools/azurite/azurite.sh stop).
# Needs only the .NET SDK, Node.js and npm.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
keep=0
[ "${1:-}" = "--keep" ] && keep=1

tools/azurite/azurite.sh start
if [ "$keep" = 0 ]; then
  trap 'tools/azurite/azurite.sh stop' EXIT
fi

dotnet build tools/Metrics.Cli -c Release -v quiet -nologo
metrics() { dotnet run --project tools/Metrics.Cli -c Release --no-build -- "$@"; }

echo "== metrics models import tools/samples/gpu-models.json"
metrics models import tools/samples/gpu-models.json
echo "== ingest GPU samples"
metrics ingest --stream gpu --file tools/samples/gpu.jsonl
echo "== ingest job events"
metrics ingest --stream jobs --file tools/samples/jobs.jsonl
echo "== landed (container telemetry)"
metrics inspect telemetry/gpu/v1/
metrics inspect telemetry/jobs/v1/
echo "== dead letters (container deadletter)"
metrics inspect deadletter/
first="$(metrics inspect telemetry/gpu/v1/ | head -n 1 | cut -f 1)"
echo "== metrics inspect $first --rows 3"
metrics inspect "$first" --rows 3
echo "== metrics rates import tools/samples/rates.json"
metrics rates import tools/samples/rates.json
echo "== metrics rollup"
metrics rollup
echo "== metrics usage --month 2026-11"
metrics usage --month 2026-11
