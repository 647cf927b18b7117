#!/usr/bin/env bash
# The growth benchmark (docs/scale.md, "Growth"): the national hour (2,000 nodes x 8 GPUs, 10 s samples) and ten times
# it (1 s samples, about 57 M samples and 12.4 GB of JSON), each through ingest and the queued rollup, with one worker
# (the rollup process runs its units) and with two (`rollup --workers 2`, a forced recompute of the same hours), billed
# against the simulator's truth. Prints one line per scale and worker count, then the time per sample at 10x against
# 1x for each worker count, measured in the same run (linear growth is 1.0).
#
#   tools/bench/growth.sh [work-dir]      # about 25 minutes and 14 GB of disk on a 2-core machine
#
# The simulated JSON is kept in work-dir/x1 and work-dir/x10 and reused by a later run of the same work-dir. Not part
# of tools/test.sh: it measures, it does not test. Needs GNU time (/usr/bin/time) for peak RSS, which it reports as the
# largest of the rollup process and its worker processes.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/growth.XXXXXX")}"
mkdir -p "$work"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 AZURITE_IN_MEMORY=1
AZURITE_LOCATION="$(mktemp -d "${TMPDIR:-/tmp}/growth-azurite.XXXXXX")"
export AZURITE_LOCATION
cleanup() { tools/azurite/azurite.sh stop >/dev/null 2>&1 || true; rm -rf "$AZURITE_LOCATION"; }
trap cleanup EXIT

if (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null; then
  echo "growth: something already listens on 127.0.0.1:10000; stop it first (the figures need a fresh Azurite)" >&2
  exit 2
fi
[[ -x /usr/bin/time ]] || { echo "growth: needs GNU time (/usr/bin/time)" >&2; exit 2; }

dotnet publish tools/Metrics.Cli -c Release -r linux-x64 -p:PublishProfile=BigJobs -o "$work/cli" -v quiet -nologo >/dev/null
tools/azurite/azurite.sh start >/dev/null
metrics="$work/cli/metrics"

# step, field and compare (tools/bench/lib.sh).
source "$repo/tools/bench/lib.sh"

# One scale: its own storage names (MetricsStoragePrefix), simulated once, ingested, rolled up by one worker, then
# recomputed by two.
scale() {
  local name="$1" interval="$2" dir="$work/$1"
  mkdir -p "$dir"
  export MetricsStoragePrefix="$name"
  if [[ ! -s "$dir/truth.csv" ]]; then
    "$metrics" simulate --institutions 5000 --nodes 2000 --gpus-per-node 8 --start 2026-10-31T15:30:00Z --hours 1 \
      --interval-s "$interval" --out "$dir" > "$dir/simulate.out"
  fi
  step "$name-ingest-jobs" "$metrics" ingest --stream jobs --file "$dir/jobs.jsonl" --partitions 32 --batch-size 1000 --backfill > "$dir/jobs.out" 2>&1
  step "$name-ingest-gpu" "$metrics" ingest --stream gpu --file "$dir/gpu.jsonl" --partitions 32 --batch-size 1000 --backfill > "$dir/gpu.out" 2>&1
  step "$name-w1" "$metrics" rollup > "$dir/rollup-w1.out" 2> "$dir/rollup-w1.err"
  "$metrics" usage --month 2026-10 > "$dir/oct-w1.csv" 2>/dev/null
  "$metrics" usage --month 2026-11 > "$dir/nov-w1.csv" 2>/dev/null
  step "$name-w2" "$metrics" rollup --workers 2 --from 2026-10-31T12 --to 2026-10-31T17 > "$dir/rollup-w2.out" 2> "$dir/rollup-w2.err"
  "$metrics" usage --month 2026-10 > "$dir/oct-w2.csv" 2>/dev/null
  "$metrics" usage --month 2026-11 > "$dir/nov-w2.csv" 2>/dev/null
  samples[$name]=$(field "$dir/gpu.out" landed_rows)
  ingest[$name]=$(awk -v a="${wall[$name-ingest-jobs]}" -v b="${wall[$name-ingest-gpu]}" 'BEGIN { printf "%.2f", a + b }')
  for w in w1 w2; do
    read -r truth differ < <(compare "$dir/truth.csv" "$dir/oct-$w.csv" "$dir/nov-$w.csv")
    local total per
    total=$(awk -v a="${ingest[$name]}" -v b="${wall[$name-$w]}" 'BEGIN { printf "%.2f", a + b }')
    per=$(awk -v t="$total" -v s="${samples[$name]}" 'BEGIN { printf "%.3f", t * 1000000 / s }')
    per_sample[$name-$w]=$per
    echo "growth $name $w: samples=${samples[$name]} ingest_s=${ingest[$name]} rollup_s=${wall[$name-$w]} total_s=$total" \
      "s_per_million_samples=$per rollup_peak_rss_mb=${rss[$name-$w]} ingest_peak_rss_mb=${rss[$name-ingest-gpu]}" \
      "landed_files=$(field "$dir/gpu.out" files) hours=$(field "$dir/rollup-$w.out" hours) hour_units=$(field "$dir/rollup-$w.out" hour_units)" \
      "failed_hours=$(field "$dir/rollup-$w.out" failed_hours) truth_lines=$truth differ=$differ"
    [[ "$differ" == 0 ]] || status=1
  done
}

declare -A samples ingest per_sample
status=0
scale x1 10
scale x10 1
for w in w1 w2; do
  echo "growth ratio $w: time_per_sample_x10_vs_x1=$(awk -v a="${per_sample[x10-$w]}" -v b="${per_sample[x1-$w]}" 'BEGIN { printf "%.2f", a / b }')"
done
exit "$status"
