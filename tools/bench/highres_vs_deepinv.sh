#!/usr/bin/env bash
# Times the colour deblurring workload against DeepInverse, alternately, ROUNDS times (ours, then
# DeepInverse, each round), so that both sides see the same machine state; prints medians over the
# rounds of each side's per-round medians and peak RSS.
#   tools/bench/highres_vs_deepinv.sh [ROUNDS=3] [OUT=outputs/bench/highres]
# Cases: one gradient step of 8 blurs on 1366×2048×3 (ours fused and blur by blur; DeepInverse's
# L2.grad as the reference calls it, and Σ A_kᵀ(A_k x − y_k)), and one PnP iteration at 1024
# (683×1024×3, 8 blurs) with the full-size colour DRUNet, random weights. 2 threads each.
# Needs a release build (`make release`) and the peer venv (../shared/peer/setup_venv.sh);
# PEER_VENV defaults to /tmp/peer/venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
out="${2:-outputs/bench/highres}"
python="${PEER_VENV:-/tmp/peer/venv}/bin/python"
mkdir -p "$out"
: > "$out/ours.jsonl"; : > "$out/deepinv.jsonl"
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds" >&2
  .build/release/invscale bench blur --size 2048 --operators 8 --threads 2 --reps 5 --json >> "$out/ours.jsonl"
  .build/release/invscale bench pnp --dataset highres_color_image --size 1024 --operators 8 --denoiser random \
    --threads 2 --reps 2 --json >> "$out/ours.jsonl"
  "$python" -W ignore tools/bench/highres_deepinv.py --reps 3 --threads 2 | sed -n 's/^RESULT //p' >> "$out/deepinv.jsonl"
done
python3 - "$out" <<'PY'
import collections, json, statistics, sys
out = sys.argv[1]
values = collections.defaultdict(list)
for line in open(f"{out}/ours.jsonl"):
    d = json.loads(line)
    for case, stats in d["cases"].items():
        values[("ours", d["benchmark"], case)].append(stats["median_s"])
    values[("ours", d["benchmark"], "peak_rss_mb")].append(d["peak_rss_mb"])
for line in open(f"{out}/deepinv.jsonl"):
    d = json.loads(line)
    values[("deepinv", d["case"], "time")].append(d["median_s"])
    values[("deepinv", d["case"], "peak_rss_mb")].append(d["peak_rss_mb"])
for key, samples in sorted(values.items()):
    unit = "MiB" if key[2] == "peak_rss_mb" else "s"
    print(f"{' '.join(key)}: median {statistics.median(samples):.3f} {unit} over {len(samples)} rounds {['%.3f' % v for v in samples]}")
PY
