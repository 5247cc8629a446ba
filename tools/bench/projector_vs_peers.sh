#!/usr/bin/env bash
# Times our 2-D projector and the reference stack (ASTRA CPU, deepinv Tomography) alternately,
# ROUNDS times, so that both sides see the same machine state; prints medians over the rounds.
#   tools/bench/projector_vs_peers.sh [ROUNDS=3] [OUT=outputs/bench/vs_peers]
# Needs a release build (`make release`) and the peer venv (../shared/peer/setup_venv.sh);
# PEER_VENV defaults to /tmp/peer/venv. Set WITH_DEEPINV=0 to skip deepinv (slow: ~3 min a round).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
out="${2:-outputs/bench/vs_peers}"
venv="${PEER_VENV:-/tmp/peer/venv}"
peer="$(cd ../shared/peer && pwd)"
sizes=(256 512 1024)
mkdir -p "$out"
: > "$out/ours.jsonl"; : > "$out/astra.jsonl"; : > "$out/deepinv.jsonl"
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds" >&2
  for n in "${sizes[@]}" 2048; do
    .build/release/invscale bench projector --size "$n" --angles 100 --threads 2 --reps 7 --json >> "$out/ours.jsonl"
  done
  (cd "$peer" && "$venv/bin/python" bench_astra.py --sizes "${sizes[@]}" --reps 5) \
    | sed -n 's/^RESULT //p' >> "$out/astra.jsonl"
  if [ "${WITH_DEEPINV:-1}" = 1 ]; then
    (cd "$peer" && "$venv/bin/python" bench_tomo.py --sizes "${sizes[@]}" --reps 5 --threads 2) \
      | sed -n 's/^RESULT //p' >> "$out/deepinv.jsonl"
  fi
done
python3 - "$out" <<'PY'
import json, statistics, sys, collections
out = sys.argv[1]
ours = collections.defaultdict(list)
for line in open(f"{out}/ours.jsonl"):
    d = json.loads(line)
    for case in ("forward", "adjoint"):
        ours[(d["size"], case)].append(d["cases"][case]["median_s"])
    ours[(d["size"], "rss")].append(d["peak_rss_mb"])
peers = collections.defaultdict(list)
for name in ("astra", "deepinv"):
    for line in open(f"{out}/{name}.jsonl"):
        d = json.loads(line)
        if "median_s" in d:
            peers[(name, d["size"], d.get("projector", ""), d["case"])].append(d["median_s"])
print("ours (median over rounds of the per-round medians, ms):")
for (n, case), values in sorted(ours.items()):
    scale = 1 if case == "rss" else 1000
    print(f"  N={n} {case}: {statistics.median(values) * scale:.1f} over {len(values)} rounds")
print("peers (ms):")
for key, values in sorted(peers.items(), key=str):
    print(f"  {key}: {statistics.median(values) * 1000:.1f} over {len(values)} rounds")
PY
