#!/usr/bin/env bash
# Two "hosts" on this machine: network namespaces n1 and n2 joined by a veth pair, each with an
# address of its own and nothing else on its network, for running mpirun (and SLURM) across hosts
# over TCP without a second machine.
#
#   scripts/netns-cluster.sh up DIR           creates the namespaces and the link, and writes under DIR:
#                                             hostfile (one line per host, 2 slots each), hosts (address
#                                             and namespace per line), rsh-agent (what mpirun runs instead
#                                             of ssh: `ip netns exec` into the host's namespace) and env
#                                             (the OMPI_MCA_* settings that make mpirun use them, TCP only)
#   scripts/netns-cluster.sh down DIR         removes the namespaces (and so the link) and kills what still
#                                             runs in them
#   scripts/netns-cluster.sh exec DIR HOST CMD...
#                                             CMD on host n1 or n2 (of a cluster that is up), DIR/env loaded
#   scripts/netns-cluster.sh run DIR CMD...   up, then CMD on n1 (as exec), then down, even when CMD
#                                             fails or is interrupted; exits with CMD's status
#
# A host's processes enter its network namespace (nsenter: the file systems, /sys and the cgroups
# stay the machine's) and a UTS namespace of their own, with the host's name (n1, n2) as their
# hostname, as on two machines.
#   scripts/netns-cluster.sh check            exit status 0 when namespaces can be created here, else 1 and
#                                             the reason on stderr
#
# NETNS_CLUSTER_PREFIX (default empty) is put before the namespace and link names, so that two
# harnesses can run at once; NETNS_CLUSTER_SUBNET (default 10.231.7) is the /24 the hosts live in.
# Needs root (or sudo), iproute2 (`check` installs it with apt-get when missing) and util-linux's
# nsenter and unshare. Progress goes to stderr.
set -euo pipefail

prefix=${NETNS_CLUSTER_PREFIX:-}
subnet=${NETNS_CLUSTER_SUBNET:-10.231.7}
hosts=("${prefix}n1" "${prefix}n2")
sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
say() { echo "netns-cluster: $*" >&2; }
usage() { echo "usage: $0 up DIR | down DIR | exec DIR n1|n2 CMD... | run DIR CMD... | check" >&2; exit 2; }

check() {
  if ! command -v ip >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    say "installing iproute2"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends iproute2 >/dev/null 2>&1 \
      || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends iproute2 >/dev/null; } || true
  fi
  command -v ip >/dev/null 2>&1 || { say "no 'ip' command (iproute2) and it could not be installed"; return 1; }
  command -v nsenter >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 || { say "no nsenter/unshare (util-linux)"; return 1; }
  local probe="${prefix}nc-probe-$$"
  if ! $sudo ip netns add "$probe" 2>/dev/null; then
    say "cannot create a network namespace here (needs root and a kernel that allows it)"
    return 1
  fi
  $sudo ip netns del "$probe"
}

down() {
  local dir=$1 ns pid left
  for ns in "${hosts[@]}"; do
    if $sudo ip netns list 2>/dev/null | grep -qw "^$ns"; then
      left=$($sudo ip netns pids "$ns" 2>/dev/null || true)
      [ -z "$left" ] || say "$(echo $left | wc -w) process(es) still ran in $ns: killed ($(echo $left))"
      for pid in $left; do $sudo kill -9 "$pid" 2>/dev/null || true; done
      $sudo ip netns del "$ns" 2>/dev/null || true
    fi
  done
  rm -f "$dir/hostfile" "$dir/hosts" "$dir/env" "$dir/rsh-agent"
}

up() {
  local dir=$1 i ns address
  mkdir -p "$dir"
  down "$dir"
  local a="${prefix}veth-n1" b="${prefix}veth-n2"
  local links=("$a" "$b")
  for i in 0 1; do $sudo ip netns add "${hosts[$i]}"; done
  $sudo ip link add "$a" type veth peer name "$b"
  $sudo ip link set "$a" netns "${hosts[0]}"
  $sudo ip link set "$b" netns "${hosts[1]}"
  : >"$dir/hostfile"
  : >"$dir/hosts"
  for i in 0 1; do
    ns=${hosts[$i]} address="$subnet.$((i + 1))"
    local link=${links[$i]}
    $sudo ip -n "$ns" addr add "$address/24" dev "$link"
    $sudo ip -n "$ns" link set "$link" up
    $sudo ip -n "$ns" link set lo up
    echo "$address slots=2" >>"$dir/hostfile"
    echo "$address $ns" >>"$dir/hosts"
  done
  # mpirun calls the agent as `AGENT HOST COMMAND...`; the command is a shell line (the daemon's
  # environment and arguments), run here inside the host's namespace.
  cat >"$dir/rsh-agent" <<EOF
#!/usr/bin/env bash
set -eu
host=\$1; shift
ns=\$(awk -v h="\$host" '\$1 == h || \$2 == h { print \$2 }' "$dir/hosts")
[ -n "\$ns" ] || { echo "rsh-agent: unknown host \$host (expected one of $dir/hosts)" >&2; exit 255; }
exec $sudo nsenter --net=/run/netns/"\$ns" unshare --uts sh -c "hostname \$ns && \$*"
EOF
  chmod +x "$dir/rsh-agent"
  cat >"$dir/env" <<EOF
export OMPI_MCA_orte_default_hostfile=$dir/hostfile
export OMPI_MCA_plm_rsh_agent=$dir/rsh-agent
export OMPI_MCA_btl=tcp,self
export OMPI_MCA_btl_tcp_if_include=$subnet.0/24
export OMPI_MCA_oob_tcp_if_include=$subnet.0/24
EOF
  # Both ends up and carrying a carrier (no ping on a minimal Debian): wait up to 5 s.
  for i in $(seq 50); do
    if $sudo ip -n "${hosts[0]}" link show "$a" | grep -q LOWER_UP && $sudo ip -n "${hosts[1]}" link show "$b" | grep -q LOWER_UP; then
      break
    fi
    if [ "$i" -eq 50 ]; then say "the link between ${hosts[0]} and ${hosts[1]} did not come up"; down "$dir"; return 1; fi
    sleep 0.1
  done
  say "up: ${hosts[0]} $subnet.1, ${hosts[1]} $subnet.2 (hostfile $dir/hostfile)"
}

# CMD on host $2 (its namespace name) with the cluster's environment, as `exec` describes.
on_host() {
  local dir=$1 ns=$2; shift 2
  [ -f "$dir/env" ] || { say "$dir: no cluster is up there (run: $0 up $dir)"; return 1; }
  $sudo nsenter --net=/run/netns/"$ns" unshare --uts env $(sed -n 's/^export //p' "$dir/env") \
    sh -c 'hostname "$0" && exec "$@"' "$ns" "$@"
}

[ $# -ge 1 ] || usage
case $1 in
  check) [ $# -eq 1 ] || usage; check ;;
  up) [ $# -eq 2 ] || usage; check; up "$(mkdir -p "$2" && cd "$2" && pwd)" ;;
  down) [ $# -eq 2 ] || usage; [ -d "$2" ] || exit 0; down "$(cd "$2" && pwd)" ;;
  run)
    [ $# -ge 3 ] || usage
    check
    dir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2
    trap 'down "$dir"' EXIT
    trap 'exit 130' INT TERM
    up "$dir"
    status=0
    on_host "$dir" "${hosts[0]}" "$@" || status=$?
    exit "$status"
    ;;
  exec)
    [ $# -ge 4 ] || usage
    [ -d "$2" ] || { say "$2: no cluster is up there"; exit 1; }
    dir=$(cd "$2" && pwd) host=$3; shift 3
    case $host in n1 | n2) ;; *) say "host: expected n1 or n2, got $host"; exit 2 ;; esac
    on_host "$dir" "$prefix$host" "$@"
    ;;
  *) usage ;;
esac
