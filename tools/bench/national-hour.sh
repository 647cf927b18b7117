#!/usr/bin/env bash
# The national-hour benchmark (docs/scale.md): one simulated hour of the centre (5,000 institutions, 2,000 nodes x 8
# GPUs, 10 s samples, across the Shanghai month boundary) through ingest and rollup on an in-memory Azurite, billed
# against the simulator's truth, and timed against gzip -1 of the same JSON in the same run. Prints one line.
#
#   tools/bench/national-hour.sh [work-dir]      # about 8 minutes and 3 GB of disk on a 2-core machine
#
# Not part of tools/test.sh: it measures, it does not test. Needs what the tests need plus GNU time (/usr/bin/time)
# for peak RSS; without it RSS prints as n/a.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/national-hour.XXXXXX")}"
mkdir -p "$work"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 AZURITE_IN_MEMORY=1
AZURITE_LOCATION="$(mktemp -d "${TMPDIR:-/tmp}/national-hour-azurite.XXXXXX")"
export AZURITE_LOCATION
cleanup() { tools/azurite/azurite.sh stop >/dev/null 2>&1 || true; rm -rf "$AZURITE_LOCATION"; }
trap cleanup EXIT

if (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null; then
  echo "national-hour: something already listens on 127.0.0.1:10000; stop it first (the figures need a fresh Azurite)" >&2
  exit 2
fi

# The CLI as the README installs it for big jobs (tools/Metrics.Cli/Properties/PublishProfiles/BigJobs.pubxml):
# compiled ahead, framework included, so its runs do not spend their CPU compiling code.
dotnet publish tools/Metrics.Cli -c Release -r linux-x64 -p:PublishProfile=BigJobs -o "$work/cli" -v quiet -nologo >/dev/null
tools/azurite/azurite.sh start >/dev/null
metrics=("$work/cli/metrics")

# step, field and compare (tools/bench/lib.sh).
source "$repo/tools/bench/lib.sh"

step simulate "${metrics[@]}" simulate --institutions 5000 --nodes 2000 --gpus-per-node 8 --start 2026-10-31T15:30:00Z \
  --hours 1 --interval-s 10 --out "$work" > "$work/simulate.out"
step gzip sh -c "cat '$work/jobs.jsonl' '$work/gpu.jsonl' | gzip -1 > /dev/null"
step ingest_jobs "${metrics[@]}" ingest --stream jobs --file "$work/jobs.jsonl" --partitions 32 --batch-size 1000 --backfill > "$work/jobs.out" 2> "$work/jobs.err"
step ingest_gpu "${metrics[@]}" ingest --stream gpu --file "$work/gpu.jsonl" --partitions 32 --batch-size 1000 --backfill > "$work/gpu.out" 2> "$work/gpu.err"
step rollup "${metrics[@]}" rollup > "$work/rollup.out" 2> "$work/rollup.err"
"${metrics[@]}" usage --month 2026-10 > "$work/oct.csv" 2>/dev/null
"${metrics[@]}" usage --month 2026-11 > "$work/nov.csv" 2>/dev/null

# Compaction of the closed hours (docs/scale.md, "Compaction"), then a forced recompute of them, which now reads one file per stream-hour,
# billed against the truth again. Not in the ratio: compaction runs once per hour, off the ingest-to-bill path.
step compact "${metrics[@]}" compact --from 2026-10-31T12 --to 2026-10-31T17 --grace-minutes 0 > "$work/compact.out" 2> "$work/compact.err"
step recompute "${metrics[@]}" rollup --from 2026-10-31T12 --to 2026-10-31T17 > "$work/recompute.out" 2> "$work/recompute.err"
"${metrics[@]}" usage --month 2026-10 > "$work/oct-compacted.csv" 2>/dev/null
"${metrics[@]}" usage --month 2026-11 > "$work/nov-compacted.csv" 2>/dev/null

# Finance's files of the hour, priced with the sample rate card: kept in the work directory so that two builds' outputs
# can be compared byte for byte (a refactoring must not change a figure). Not timed.
"${metrics[@]}" rates import tools/samples/rates.json > /dev/null 2>&1 || true
for month in 2026-10 2026-11; do
  "${metrics[@]}" usage --month "$month" > "$work/priced-$month.csv" 2>/dev/null || true
  "${metrics[@]}" usage --month "$month" --format focus > "$work/focus-$month.csv" 2>/dev/null || true
done

# The allocations office's pass (docs/billing.md, "Allocations"): two allocations for each of the 5,000 institutions,
# GPU-hours for both whole months and money for a period that cuts both months, small enough that those who used the
# hour cross a threshold. A rollup with nothing pending is the threshold watch alone: its first pass records and queues
# every crossing, its second is the pass every rollup repeats. Not in the ratio.
awk 'BEGIN {
  printf "["
  for (i = 1; i <= 5000; i++) {
    id = sprintf("inst-%05d", i)
    printf "%s{\"id\":\"nh-h-%s\",\"institution\":\"%s\",\"unit\":\"gpu-hours\",\"amount\":10,\"from\":\"2026-10-01\",\"to\":\"2026-11-30\"}", (i > 1 ? "," : ""), id, id
    printf ",{\"id\":\"nh-m-%s\",\"institution\":\"%s\",\"unit\":\"CNY\",\"amount\":200,\"from\":\"2026-10-15\",\"to\":\"2026-11-14\"}", id, id
  }
  printf "]\n" }' > "$work/allocations.json"
"${metrics[@]}" allocations import "$work/allocations.json" > /dev/null
step watch_first "${metrics[@]}" rollup > "$work/watch-first.out" 2> "$work/watch-first.err"
step watch "${metrics[@]}" rollup > "$work/watch.out" 2> "$work/watch.err"

samples=$(field "$work/gpu.out" landed_rows)
files=$(( $(field "$work/gpu.out" files) + $(field "$work/jobs.out" files) ))
# Landed Arrow bytes per GPU sample against the raw JSON's (at most 1/20 after compaction).
landed_bytes=$(field "$work/gpu.out" landed_bytes)
json_bytes=$(stat -c %s "$work/gpu.jsonl")
failed=$(field "$work/rollup.out" failed_hours)
requests=$(( $(field "$work/jobs.out" storage_requests) + $(field "$work/gpu.out" storage_requests) + $(field "$work/rollup.out" storage_requests) ))
read -r truth differ < <(compare "$work/truth.csv" "$work/oct.csv" "$work/nov.csv")
read -r _ differ_compacted < <(compare "$work/truth.csv" "$work/oct-compacted.csv" "$work/nov-compacted.csv")
compacted_bytes=$(field "$work/compact.out" gpu_bytes_out)
json_per_compacted=$(awk -v j="$json_bytes" -v l="$compacted_bytes" 'BEGIN { printf "%.1f", j / l }')
failed_compacted=$(( $(field "$work/compact.out" failed) + $(field "$work/recompute.out" failed_hours) ))
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
ingest=$(calc "${wall[ingest_jobs]} + ${wall[ingest_gpu]}")
total=$(calc "$ingest + ${wall[rollup]}")
ratio=$(calc "$total / ${wall[gzip]}")
json_per_landed=$(awk -v j="$json_bytes" -v l="$landed_bytes" 'BEGIN { printf "%.1f", j / l }')
per_million=$(awk -v r="$requests" -v s="$samples" 'BEGIN { printf "%d", r * 1000000 / s }')

echo "national-hour: samples=$samples ingest_s=$ingest rollup_s=${wall[rollup]} total_s=$total gzip1_s=${wall[gzip]} ratio=$ratio rollup_peak_rss_mb=${rss[rollup]} ingest_peak_rss_mb=${rss[ingest_gpu]} landed_files=$files gpu_landed_bytes=$landed_bytes gpu_json_per_landed_byte=$json_per_landed storage_requests=$requests requests_per_million_samples=$per_million failed_hours=$failed truth_lines=$truth differ=$differ"
echo "national-hour compaction: compact_s=${wall[compact]} compact_peak_rss_mb=${rss[compact]} replays_dropped=$(field "$work/compact.out" replays_dropped) gpu_compacted_bytes=$compacted_bytes gpu_json_per_compacted_byte=$json_per_compacted lake_files=$(field "$work/compact.out" lake_files) lake_rows=$(field "$work/compact.out" lake_rows) lake_bytes=$(field "$work/compact.out" lake_bytes) recompute_s=${wall[recompute]} recompute_peak_rss_mb=${rss[recompute]} failed=$failed_compacted differ=$differ_compacted"
echo "national-hour allocations: allocations=$(field "$work/watch.out" allocations_watched) first_pass_s=${wall[watch_first]} first_pass_events=$(field "$work/watch-first.out" allocation_events) first_pass_requests=$(field "$work/watch-first.out" storage_requests) pass_s=${wall[watch]} pass_peak_rss_mb=${rss[watch]} pass_requests=$(field "$work/watch.out" storage_requests) pass_vs_hour_rollup=$(calc "${wall[watch]} / ${wall[rollup]}")"
[[ "$differ" == 0 && "$failed" == 0 && "$differ_compacted" == 0 && "$failed_compacted" == 0 ]]
