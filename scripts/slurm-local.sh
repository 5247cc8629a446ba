#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying the slurm backend without a real cluster.
#
#   scripts/slurm-local.sh start DIR    installs slurm-wlm and munge when missing, starts munged (when
#                                       munge does not already work), slurmctld and slurmd with every
#                                       state, spool, pid and log file under DIR, waits for the node to be
#                                       idle, and prints `export SLURM_CONF=DIR/slurm.conf` as its last line
#   scripts/slurm-local.sh stop DIR     cancels the jobs left and stops the daemons that `start` started
#   scripts/slurm-local.sh status DIR   prints `sinfo`, or "not running" (exit status 1)
#
# SLURM_LOCAL_NODES=2 at `start` makes two nodes, n1 and n2, out of the network namespaces of
# scripts/netns-cluster.sh (brought up under DIR/net): slurmctld and slurmd n1 run on n1, slurmd n2
# on n2, each slurmd with its own spool, log, pid file and PMIx folder. Only processes on a node
# reach them: submit there (`scripts/netns-cluster.sh exec DIR/net n1 sbatch …`, or `invscale run
# --launcher slurm` the same way). `stop` takes the namespaces down too.
#
# Ports: SLURM_LOCAL_PORT_BASE (default 6817) for slurmctld, the next one for slurmd.
# Needs root or sudo (apt-get, munged); tested as root on Debian 12 without systemd.
# Progress goes to stderr, so `eval "$(scripts/slurm-local.sh start DIR)"` sets SLURM_CONF.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
case $action in start | stop | status) ;; *) usage ;; esac
if [ "$action" = start ]; then mkdir -p "$2"
elif [ ! -d "$2" ]; then
  if [ "$action" = status ]; then echo "not running"; exit 1; fi
  exit 0
fi
dir=$(cd "$2" && pwd)
conf=$dir/slurm.conf
started=$dir/started.pids   # lines "name pid" for the daemons this script started
export SLURM_CONF=$conf
if [ "$action" = start ]; then
  nodes=${SLURM_LOCAL_NODES:-1}
  case $nodes in 1 | 2) ;; *) echo "slurm-local: SLURM_LOCAL_NODES: expected 1 or 2, got $nodes" >&2; exit 2 ;; esac
  if [ "$nodes" = 2 ]; then echo 2 >"$dir/nodes"; fi
else
  nodes=$(cat "$dir/nodes" 2>/dev/null || echo 1)
fi
here=$(cd "$(dirname "$0")" && pwd)
net=$dir/net
subnet=${NETNS_CLUSTER_SUBNET:-10.231.7}

sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
say() { echo "slurm-local: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

# The pid recorded for daemon $1 (slurmd-n1 and slurmd-n2 are slurmd's) when that process is still
# alive and still that daemon.
recorded_pid() {
  local name pid
  [ -f "$started" ] || return 1
  while read -r name pid; do
    if [ "$name" = "$1" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "${1%-n[12]}" ]; then echo "$pid"; return 0; fi
  done <"$started"
  return 1
}

# A SLURM client command (sinfo, squeue, scancel, scontrol) where it reaches slurmctld.
client() {
  if [ "$nodes" = 2 ]; then $sudo nsenter --net=/run/netns/n1 "$@"; else "$@"; fi
}

# The namespaces of the two nodes (names n1 and n2, whatever NETNS_CLUSTER_PREFIX says elsewhere).
netns_cluster() { NETNS_CLUSTER_PREFIX="" "$here/netns-cluster.sh" "$@"; }

record() { { grep -v "^$1 " "$started" 2>/dev/null || true; echo "$1 $2"; } >"$started.tmp"; mv "$started.tmp" "$started"; }

# Waits up to $2 seconds for the file $1 to hold a pid, and prints it.
pid_from() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if [ -s "$1" ]; then cat "$1"; return 0; fi
    sleep 0.1
  done
  return 1
}

install_packages() {
  if have sbatch && have slurmctld && have slurmd && have munged; then return 0; fi
  command -v apt-get >/dev/null 2>&1 || { say "slurm-wlm and munge are missing and there is no apt-get"; exit 1; }
  say "installing slurm-wlm munge"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  local key=/etc/munge/munge.key
  if ! $sudo test -f "$key"; then
    say "creating $key"
    $sudo mkdir -p /etc/munge
    if [ -x /usr/sbin/mungekey ]; then $sudo /usr/sbin/mungekey --create --keyfile="$key"
    elif command -v create-munge-key >/dev/null 2>&1; then $sudo create-munge-key -f
    else $sudo dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
    fi
    $sudo chown munge:munge "$key"
    $sudo chmod 0400 "$key"
  fi
  $sudo mkdir -p /run/munge
  $sudo chown munge:munge /run/munge
  $sudo rm -f /run/munge/munged.pid
  $sudo runuser -u munge -- /usr/sbin/munged
  record munged "$(pid_from /run/munge/munged.pid 10)"
  munge -n | unmunge >/dev/null || { say "munged started but munge -n | unmunge fails"; exit 1; }
}

# slurm.conf (and, with two nodes, mpi.conf). One node: this host at 127.0.0.1 (addresses given: no
# DNS lookup of the host name, which containers often cannot resolve). Two nodes: n1 and n2 at
# their namespaces' addresses, each with the machine's cores and half its memory (they share the
# machine), and files named per node (%n).
write_conf() {
  local host cpus memory suffix="" ctld_port=${SLURM_LOCAL_PORT_BASE:-6817}
  host=$(hostname -s)
  cpus=$(nproc)
  memory=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n 1)
  [ -n "$memory" ] || memory=1000
  local controller="$host(127.0.0.1)" node_lines="NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN"
  local partition_nodes=$host description="one node ($host)"
  if [ "$nodes" = 2 ]; then
    suffix=-%n controller="n1($subnet.1)" partition_nodes=n1,n2 description="two nodes (n1, n2) in network namespaces"
    node_lines="NodeName=n1 NodeAddr=$subnet.1 CPUs=$cpus RealMemory=$((memory / 2)) State=UNKNOWN
NodeName=n2 NodeAddr=$subnet.2 CPUs=$cpus RealMemory=$((memory / 2)) State=UNKNOWN"
    # The PMIx plugin makes a client folder per step under this base; the nodes share /tmp, so
    # each slurmd mounts a folder of its own there.
    mkdir -p "$dir/pmix"
    echo "PMIxCliTmpDirBase=$dir/pmix" >"$dir/mpi.conf"
  fi
  mkdir -p "$dir/state"
  [ "$nodes" = 2 ] || mkdir -p "$dir/spool"
  cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: $description, every file under $dir.
ClusterName=invscale-local
SlurmctldHost=$controller
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool$suffix
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd$suffix.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd$suffix.log
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=pmix
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
$node_lines
PartitionName=debug Nodes=$partition_nodes Default=YES MaxTime=INFINITE State=UP
EOF
}

# Starts daemon $1, which listens on port $2, unless the one recorded is alive. With two nodes,
# slurmctld and slurmd-n1 start on n1 and slurmd-n2 on n2 (the node's network and host name, and
# for a slurmd a mount namespace in which its own folder is the PMIx base).
start_daemon() {
  if recorded_pid "$1" >/dev/null; then return 0; fi
  rm -f "$dir/$1.pid"
  if [ "$nodes" = 2 ]; then
    local node=n1
    [ "$1" != slurmd-n2 ] || node=n2
    if [ "$1" = slurmctld ]; then
      $sudo nsenter --net=/run/netns/$node unshare --uts sh -c "hostname $node && slurmctld -f $conf"
    else
      mkdir -p "$dir/pmix-$node" "$dir/spool-$node"
      $sudo nsenter --net=/run/netns/$node unshare --uts --mount --propagation private \
        sh -c "hostname $node && mount --bind $dir/pmix-$node $dir/pmix && slurmd -f $conf"
    fi
  else
    if (exec 3<>"/dev/tcp/$(hostname -s)/$2") 2>/dev/null; then
      say "port $2 is already in use (another Slurm?); choose other ports with SLURM_LOCAL_PORT_BASE"
      exit 1
    fi
    "$1" -f "$conf"
  fi
  local pid
  pid=$(pid_from "$dir/$1.pid" 10) || { say "$1 did not start; see $dir/$1.log"; tail -n 5 "$dir/$1.log" >&2 || true; exit 1; }
  record "$1" "$pid"
}

wait_idle() {
  local state i host ready
  for ((i = 0; i < 30; i++)); do
    ready=0
    while read -r host state; do
      case $state in
        idle | mixed | allocated | completing) ready=$((ready + 1)) ;;
        down* | drain* | fail*) client scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
      esac
    done < <(client sinfo -h -N -o '%N %T' 2>/dev/null || true)
    [ "$ready" -lt "$nodes" ] || return 0
    sleep 1
  done
  say "the node is not idle after 30 s (state: ${state:-none}); see $dir/slurmctld.log and $dir/slurmd.log"
  exit 1
}

stop_daemon() {
  local pid i
  pid=$(recorded_pid "$1") || return 0
  say "stopping $1 ($pid)"
  $sudo kill "$pid"
  for ((i = 0; i < 300; i++)); do
    [ -d "/proc/$pid" ] || return 0
    # A zombie has exited (its parent, often PID 1 in a container, may never reap it).
    [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] || return 0
    sleep 0.1
  done
  say "$1 ($pid) still alive after 30 s; killing it"
  $sudo kill -KILL "$pid" || true
}

case $action in
  start)
    install_packages
    start_munge
    # A running slurmctld keeps the file it read.
    if [ "$nodes" = 2 ]; then
      daemons=(slurmctld slurmd-n1 slurmd-n2)
      recorded_pid slurmctld >/dev/null || { netns_cluster up "$net"; write_conf; }
    else
      daemons=(slurmctld slurmd)
      recorded_pid slurmctld >/dev/null || write_conf
    fi
    port=$(sed -n 's/^SlurmctldPort=//p' "$conf")
    start_daemon slurmctld "$port"
    for daemon in "${daemons[@]:1}"; do start_daemon "$daemon" $((port + 1)); done
    wait_idle
    for daemon in "${daemons[@]}"; do
      recorded_pid "$daemon" >/dev/null || { say "$daemon exited; see $dir/$daemon.log"; exit 1; }
    done
    say "running: $(client sinfo -h -o '%P %a %D %T %N')"
    [ "$nodes" = 1 ] || say "submit on a node: $here/netns-cluster.sh exec $net n1 COMMAND"
    echo "export SLURM_CONF=$conf"
    ;;
  stop)
    if recorded_pid slurmctld >/dev/null; then
      jobs=$(client squeue -h -o %i 2>/dev/null || true)
      if [ -n "$jobs" ]; then
        say "cancelling jobs" $jobs
        # shellcheck disable=SC2086
        client scancel $jobs || true
        for ((i = 0; i < 10; i++)); do [ -z "$(client squeue -h -o %i 2>/dev/null)" ] && break; sleep 1; done
      fi
    fi
    for daemon in slurmd slurmd-n1 slurmd-n2 slurmctld munged; do stop_daemon "$daemon"; done
    rm -f "$started"
    if [ "$nodes" = 2 ]; then netns_cluster down "$net"; fi
    rm -f "$dir/nodes"
    ;;
  status)
    if recorded_pid slurmctld >/dev/null && client sinfo 2>/dev/null; then exit 0; fi
    echo "not running"
    exit 1
    ;;
esac
