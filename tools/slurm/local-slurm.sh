#!/usr/bin/env bash
# A single-node Slurm for tests and for trying the producers by hand: Debian's slurmctld, slurmd, slurm-client and
# munge (installed with apt-get when absent, as root or with sudo), configured in a private directory with its own
# munge key and socket, its own ports and fake GPU files, so it never touches /etc/slurm or a Slurm already running.
#
#   tools/slurm/local-slurm.sh start DIR    # prints the SLURM_CONF to export; sinfo shows the node idle
#   tools/slurm/local-slurm.sh stop DIR
#
# The node has 8 GPUs of gres type h100 declared on plain files (no real GPU). The hooks are the ones a centre
# installs (docs/producers.md): the controller runs tools/slurm/slurmctld-hook.sh as PrologSlurmctld and
# EpilogSlurmctld, writing into DIR/hooks; the node runs node-prolog.sh and node-epilog.sh, keeping the agent's job map
# in DIR/agent/gpu-jobs and DIR/agent/institutions from the accounts in DIR/accounts.csv (account,institution lines).
# Environment: SLURM_CPUS (default 8, whatever the machine has), SLURMCTLD_PORT (default 16817), SLURMD_PORT (default 16818).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command="${1:-}"
dir="${2:-}"
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo -n "$@"; fi
}

stop() {
  for name in slurmd slurmctld munged; do
    if [[ -f "$dir/$name.pid" ]]; then
      pid="$(cat "$dir/$name.pid")"
      as_root kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        as_root kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      as_root kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/$name.pid"
    fi
  done
}

case "$command" in
  stop)
    stop
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "installing slurmctld, slurmd, slurm-client and munge (apt-get)" >&2
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

host="$(hostname -s)"
# More CPUs than the machine has (config_overrides below), so that GPU jobs, which take one CPU each, are not
# held back by a 2-core CI machine: the node is for billing tests, not for computing.
cpus="${SLURM_CPUS:-8}"
mkdir -p "$dir"/{state,spool,log,munge,hooks,gpus,agent}
chmod 700 "$dir/munge"
for i in 0 1 2 3 4 5 6 7; do : >"$dir/gpus/gpu$i"; done
if [[ ! -f "$dir/munge/munge.key" ]]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 400 "$dir/munge/munge.key"
fi

cat >"$dir/slurm.conf" <<CONF
ClusterName=metrics-test
SlurmctldHost=$host
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmUser=root
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
PrologSlurmctld=$dir/slurmctld-hook
EpilogSlurmctld=$dir/slurmctld-hook
Prolog=$dir/node-prolog
Epilog=$dir/node-epilog
NodeName=$host CPUs=$cpus RealMemory=2000 Gres=gpu:h100:8 State=UNKNOWN
PartitionName=gpu Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
cat >"$dir/gres.conf" <<CONF
NodeName=$host Name=gpu Type=h100 File=$dir/gpus/gpu[0-7]
CONF
# slurmctld and slurmd run hooks with an environment of their own: these wrappers add ours and run the real hooks.
touch "$dir/accounts.csv"
cat >"$dir/slurmctld-hook" <<HOOK
#!/bin/sh
export SLURM_CONF="$dir/slurm.conf" METRICS_SLURM_HOOK_DIR="$dir/hooks"
exec "$here/slurmctld-hook.sh"
HOOK
for step in prolog epilog; do
  cat >"$dir/node-$step" <<HOOK
#!/bin/sh
export SLURM_CONF="$dir/slurm.conf" METRICS_AGENT_JOB_MAP_DIR="$dir/agent/gpu-jobs" METRICS_AGENT_INSTITUTIONS="$dir/agent/institutions"
export METRICS_SLURM_ACCOUNTS="$dir/accounts.csv"
exec "$here/node-$step.sh"
HOOK
done
chmod +x "$dir/slurmctld-hook" "$dir/node-prolog" "$dir/node-epilog"

stop
for port in "${SLURMCTLD_PORT:-16817}" "${SLURMD_PORT:-16818}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "local Slurm: something already listens on port $port (another local Slurm?); stop it or set SLURMCTLD_PORT/SLURMD_PORT" >&2
    exit 1
  fi
done
as_root munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
export SLURM_CONF="$dir/slurm.conf"
as_root env SLURM_CONF="$SLURM_CONF" slurmctld
as_root env SLURM_CONF="$SLURM_CONF" slurmd
deadline=$((SECONDS + 20))
while ((SECONDS < deadline)); do
  if timeout 2 sinfo -h -o '%T' 2>/dev/null | grep -q '^idle'; then
    echo "SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.2
done
stop
echo "local Slurm did not come up within 20 s; logs in $dir/log" >&2
tail -n 20 "$dir/log/"*.log >&2 || true
exit 1
