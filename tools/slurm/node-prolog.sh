#!/bin/sh
# The node agent's job map, kept by slurmd: set it as Prolog in slurm.conf (and node-epilog.sh as Epilog;
# docs/producers.md). For each GPU index the job holds on this node it writes the job id into DIR/<index> (the DCGM
# exporter's HPC convention, which metrics-agent --job-map-dir reads), and the job's institution, looked up from its
# account in the same account,institution file the Slurm collector uses, into the agent's --institutions file.
# The GPU indices come from SLURM_JOB_GPUS (set where gres autodetects or names /dev/nvidia* devices), else from the
# job's GRES=...(IDX:...) for this node in `scontrol show job -d`. It never fails the job: problems go to stderr
# (slurmd's log) and it exits 0, and a GPU it could not map is reported by the agent as unattributed, not billed.
# Environment: METRICS_AGENT_JOB_MAP_DIR (default /run/metrics-agent/gpu-jobs), METRICS_AGENT_INSTITUTIONS
# (default /run/metrics-agent/institutions), METRICS_SLURM_ACCOUNTS (default /etc/metrics/accounts.csv).
map="${METRICS_AGENT_JOB_MAP_DIR:-/run/metrics-agent/gpu-jobs}"
institutions="${METRICS_AGENT_INSTITUTIONS:-/run/metrics-agent/institutions}"
accounts="${METRICS_SLURM_ACCOUNTS:-/etc/metrics/accounts.csv}"
job="${SLURM_JOB_ID:?}"

gpus="${SLURM_JOB_GPUS:-}"
if [ -z "$gpus" ]; then
  detail=$(timeout 10 scontrol show job -d "$job" 2>/dev/null | grep 'GRES=')
  line=$(printf '%s\n' "$detail" | grep "Nodes=${SLURMD_NODENAME:-$(hostname -s)} " | head -n 1)
  [ -n "$line" ] || line=$(printf '%s\n' "$detail" | head -n 1)
  gpus=$(printf '%s\n' "$line" | sed -n 's/.*IDX:\([0-9,-]*\)).*/\1/p')
fi
[ -n "$gpus" ] || exit 0

mkdir -p "$map" "$(dirname "$institutions")" || { echo "metrics-agent job map: cannot create $map" >&2; exit 0; }
institution=$(grep -m 1 "^${SLURM_JOB_ACCOUNT:-}," "$accounts" 2>/dev/null | cut -d, -f2 | tr -d ' \r')
(
  flock 9
  for range in $(echo "$gpus" | tr ',' ' '); do
    first=${range%-*}
    last=${range#*-}
    i=$first
    while [ "$i" -le "$last" ]; do
      echo "$job" >"$map/.$i.tmp" && mv "$map/.$i.tmp" "$map/$i"
      i=$((i + 1))
    done
  done
  if [ -n "$institution" ]; then
    { grep -v "^$job," "$institutions" 2>/dev/null; echo "$job,$institution"; } >"$institutions.tmp" && mv "$institutions.tmp" "$institutions"
  else
    echo "metrics-agent job map: account '${SLURM_JOB_ACCOUNT:-}' of job $job has no institution in $accounts" >&2
  fi
) 9>"$map/.lock"
exit 0
