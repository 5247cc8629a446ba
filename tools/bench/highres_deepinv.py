#!/usr/bin/env python3
"""DeepInverse's side of the highres_color_image timings (developer tooling, CPU).

Each case runs in a child process (so that its peak RSS is its own) with 2 torch threads, one
untimed warm-up, then REPS timed repetitions; it prints one `RESULT {json}` line per case.

* ``gradient``: one gradient step of 8 circular blurs on a 1366×2048×3 image, as the reference's
  single-process PnP computes it: ``deepinv.optim.L2().grad(x, y, stacked physics)`` with
  ``Blur(filter=gaussian_blur(sigma=(0.01·S, 0.005·S), angle=θ_i), padding="circular",
  use_fft=True)``, θ = linspace(0, 180, 8), S = 2048 (139×139 kernels). deepinv 0.5.0's L2.grad
  computes AᵀA x − Aᵀy: one forward and two adjoints per blur.
* ``gradient_minimal``: the same gradient written as Σ_k A_kᵀ(A_k x − y_k) (one forward and one
  adjoint per blur), the cheapest form with deepinv's operators.
* ``pnp_iteration``: one PnP iteration at S = 1024 (683×1024×3, 8 blurs of 71×71): the gradient
  step as above (step 0.1), then the full-size colour DRUNet (``DRUNet(3, 3, pretrained=None)``,
  random weights: the same cost as trained ones) at σ 0.005, under ``torch.no_grad()``.

Usage: python tools/bench/highres_deepinv.py [--reps 3] [--threads 2] [--cases gradient ...]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def blurs(side: int, height: int, width: int, count: int = 8):
    import torch
    import deepinv as dinv
    from deepinv.physics.blur import gaussian_blur

    angles = torch.linspace(0, 180, count)
    physics = [dinv.physics.Blur(filter=gaussian_blur(sigma=(0.01 * side, 0.005 * side), angle=float(a)),
                                 padding="circular", use_fft=True) for a in angles]
    generator = torch.Generator().manual_seed(0)
    truth = torch.rand(1, 3, height, width, generator=generator)
    measurements = [p.A(truth) for p in physics]
    return physics, truth, measurements


def timed(body, reps: int) -> dict:
    body()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        body()
        samples.append(time.perf_counter() - start)
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples), "runs": reps}


def child(case: str, reps: int, threads: int) -> dict:
    import torch
    import deepinv as dinv

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with torch.no_grad():
        if case in ("gradient", "gradient_minimal"):
            physics, truth, y = blurs(2048, 1366, 2048)
            x = torch.rand_like(truth)
            if case == "gradient":
                stacked = dinv.physics.stack(*physics)
                fidelity = dinv.optim.L2()
                stats = timed(lambda: fidelity.grad(x, dinv.utils.TensorList(y), stacked), reps)
            else:
                stats = timed(lambda: sum(p.A_adjoint(p.A(x) - m) for p, m in zip(physics, y)), reps)
            shape = list(x.shape)
        else:
            physics, truth, y = blurs(1024, 683, 1024)
            stacked = dinv.physics.stack(*physics)
            fidelity = dinv.optim.L2()
            model = dinv.models.DRUNet(in_channels=3, out_channels=3, pretrained=None).eval()
            state = {"x": torch.rand_like(truth)}

            def iteration():
                x = state["x"] - 0.1 * fidelity.grad(state["x"], dinv.utils.TensorList(y), stacked)
                state["x"] = model(x, 0.005)

            stats = timed(iteration, reps)
            shape = list(truth.shape)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peer": "deepinv", "case": case, "shape": shape, "threads": threads, "peak_rss_mb": peak, **stats,
            "torch": torch.__version__, "deepinv": dinv.__version__}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cases", nargs="+", default=["gradient", "gradient_minimal", "pnp_iteration"])
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.reps, args.threads)), flush=True)
        return
    for case in args.cases:
        subprocess.run([sys.executable, __file__, "--child", case, "--reps", str(args.reps),
                        "--threads", str(args.threads)], check=True)


if __name__ == "__main__":
    main()
