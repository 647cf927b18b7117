#!/bin/sh
# The Metrics Slurm collector's controller hook: set it as both PrologSlurmctld and EpilogSlurmctld in slurm.conf
# (docs/producers.md). It runs on the controller as each job run starts and ends and writes one record of it into
# the collector's hook directory:
#   METRICS_HOOK_TIME       when the hook ran (Unix seconds, to the nanosecond): the run's start or end
#   SLURM_*                 the job's environment as slurmctld gives it (context, job id, restart count, account, ...)
#   METRICS_SCONTROL        `scontrol show job -d -o` of the job, times as Unix seconds
# The record is written to a hidden temporary name and renamed, so the collector never reads half of one. A requeued
# run's end is visible nowhere else without accounting. The hook never fails or delays a job: whatever goes wrong is
# written to stderr (slurmctld's log) and it exits 0.
# Environment: METRICS_SLURM_HOOK_DIR (default /var/spool/metrics-slurm/hooks), SLURM_CONF as for any Slurm command.
now=$(date +%s.%N)
dir="${METRICS_SLURM_HOOK_DIR:-/var/spool/metrics-slurm/hooks}"
name="$(date +%s%N)-${SLURM_JOB_ID:-none}-${SLURM_SCRIPT_CONTEXT:-none}"
if ! mkdir -p "$dir" 2>/dev/null; then
  echo "metrics-slurm hook: cannot create $dir; job ${SLURM_JOB_ID:-?} not recorded" >&2
  exit 0
fi
tmp="$dir/.$name.tmp"
{
  echo "METRICS_HOOK_TIME=$now"
  env | grep -E '^SLURM_(SCRIPT_CONTEXT|JOB_ID|JOB_RESTART_COUNT|JOB_ACCOUNT|JOB_USER|JOB_PARTITION|JOB_EXIT_CODE|CLUSTER_NAME)='
  printf 'METRICS_SCONTROL=%s\n' "$(SLURM_TIME_FORMAT=%s timeout 10 scontrol show job -d -o "${SLURM_JOB_ID:-0}" 2>/dev/null | head -n 1)"
} >"$tmp" 2>/dev/null && mv "$tmp" "$dir/$name.hook" || echo "metrics-slurm hook: cannot write $dir; job ${SLURM_JOB_ID:-?} not recorded" >&2
exit 0
