#!/usr/bin/env bash
# A one-node Slurm on this machine for tests and trying `mixuplab sweep --slurm`:
#   eval "$(scripts/slurm-local.sh start)"   # starts munged, slurmctld, slurmd; prints `export SLURM_CONF=…`
#   scripts/slurm-local.sh stop
# Everything (munge key and socket, slurm.conf, state, logs, pid files) lives in $MIXUPLAB_SLURM_DIR
# (default /tmp/mixuplab-slurm); no cgroups (proctrack/linuxproc, task/none), no accounting
# database, one node "localhost" with this machine's CPUs. Needs Debian's slurm-wlm and munge
# (scripts/setup.sh slurm-wlm munge, as root) and runs the daemons as the current user.
set -euo pipefail
dir="${MIXUPLAB_SLURM_DIR:-/tmp/mixuplab-slurm}"
conf="$dir/slurm.conf"

stop() {
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      pid="$(cat "$dir/$name.pid")"
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
      rm -f "$dir/$name.pid"
    fi
  done
}

case "${1:-}" in
start)
  for tool in munged slurmctld slurmd sbatch; do
    command -v "$tool" >/dev/null || { echo "slurm-local.sh: $tool not found; install slurm-wlm and munge (scripts/setup.sh slurm-wlm munge)" >&2; exit 1; }
  done
  stop
  rm -rf "$dir/state" "$dir/spool"
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 700 "$dir/munge"
  user="$(id -un)"
  host="$(hostname -s)"
  cpus="$(nproc)"
  memory="$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)"
  [ -f "$dir/munge/munge.key" ] || { dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none; chmod 600 "$dir/munge/munge.key"; }
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
         --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/munge.seed" 2>>"$dir/munged.log"
  cat > "$conf" <<CONF
ClusterName=mixuplab
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=16817
SlurmdPort=16818
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmdSpoolDir=$dir/spool
StateSaveLocation=$dir/state
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
MaxArraySize=10001
NodeName=localhost NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$conf"
  slurmctld -f "$conf"
  slurmd -f "$conf" -N localhost
  # Ready when the node accepts jobs.
  for _ in $(seq 100); do
    state="$(sinfo -h -n localhost -o %t 2>/dev/null || true)"
    case "$state" in idle*|mix*|alloc*) echo "export SLURM_CONF=$conf"; exit 0 ;; esac
    sleep 0.2
  done
  echo "slurm-local.sh: node did not become idle (state '${state:-none}'); see $dir/slurmctld.log and $dir/slurmd.log" >&2
  stop
  exit 1
  ;;
stop)
  stop
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
