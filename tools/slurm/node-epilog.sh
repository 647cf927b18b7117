#!/bin/sh
# Undoes node-prolog.sh when the job's run ends on this node: removes every DIR/<index> that names the job and the
# job's line of the institutions file, so the agent reports those GPUs idle from its next sample. Same environment
# as node-prolog.sh; never fails the job.
map="${METRICS_AGENT_JOB_MAP_DIR:-/run/metrics-agent/gpu-jobs}"
institutions="${METRICS_AGENT_INSTITUTIONS:-/run/metrics-agent/institutions}"
job="${SLURM_JOB_ID:?}"
[ -d "$map" ] || exit 0
(
  flock 9
  for file in "$map"/*; do
    [ -f "$file" ] && [ "$(head -n 1 "$file")" = "$job" ] && rm -f "$file"
  done
  if [ -f "$institutions" ]; then
    grep -v "^$job," "$institutions" >"$institutions.tmp"
    mv "$institutions.tmp" "$institutions"
  fi
) 9>"$map/.lock"
exit 0
