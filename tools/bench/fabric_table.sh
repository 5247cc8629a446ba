#!/usr/bin/env bash
# The fabric measured: all-reduce and all-gather between 2 ranks, 4 KiB to 64 MiB, over shared
# memory (both ranks on this host, OpenMPI's vader) and over TCP between the two hosts of
# scripts/netns-cluster.sh (a veth pair), alternated for ROUNDS rounds; prints a Markdown table of
# the medians (seconds and GB/s) and the latency and 16 MiB bandwidth the planner's profile takes.
#
#   tools/bench/fabric_table.sh [ROUNDS]     (default 3; needs root, mpirun and a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
bin=$PWD/.build/release/invscale
[ -x "$bin" ] || { echo "fabric_table: $bin missing: run make release" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(mktemp -d /tmp/fabric-table-XXXXXX)
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_plm_rsh_agent=false \
    mpirun -np 2 --bind-to none "$bin" worker --time-collectives --threads 1 >"$out/shm-$round.json"
  scripts/netns-cluster.sh run "$out/cluster" \
    mpirun -np 2 --map-by node --bind-to none "$bin" worker --time-collectives --threads 1 >"$out/tcp-$round.json" 2>/dev/null
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
folder, rounds = sys.argv[1], int(sys.argv[2])
def load(kind):
    return [json.loads(next(l for l in open(f"{folder}/{kind}-{r}.json") if l.startswith("{"))) for r in range(1, rounds + 1)]
runs = {kind: load(kind) for kind in ("shm", "tcp")}
def med(kind, size, key):
    return statistics.median(next(s[key] for s in run["sizes"] if s["bytes"] == size) for run in runs[kind])
def label(size):
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"
print(f"2 ranks, medians of {rounds} alternated rounds; GB/s = result bytes / seconds\n")
print("| message | all-reduce shared memory | all-reduce TCP (veth) | all-gather shared memory | all-gather TCP (veth) |")
print("|---|---|---|---|---|")
for size in [s["bytes"] for s in runs["shm"][0]["sizes"]]:
    cells = []
    for key in ("all_reduce_s", "all_gather_s"):
        for kind in ("shm", "tcp"):
            seconds = med(kind, size, key)
            cells.append(f"{seconds * 1e6:.1f} µs · {size / seconds / 1e9:.2f} GB/s")
    print(f"| {label(size)} | " + " | ".join(cells) + " |")
for kind, name in (("shm", "shared memory"), ("tcp", "TCP (veth)")):
    latency = statistics.median(r["latency_s"] for r in runs[kind]) * 1e6
    bandwidth = statistics.median(r["bytes_per_s"] for r in runs[kind]) / 1e9
    print(f"\n{name}: all-reduce latency {latency:.1f} µs, 16 MiB bandwidth {bandwidth:.2f} GB/s "
          f"(profile: all_reduce_latency_s {latency * 1e-6:.3g}, all_reduce_bytes_per_s {bandwidth * 1e9:.3g})")
PY
