#!/usr/bin/env python3
"""Issue 20's acceptance figures from a results folder of `invscale run configs/solvers_cpu.yml`.

For each problem (dataset and its parameters): T_ref, the solver time PnP takes to first reach
the PSNR it has after its last iteration (100 in the config); then for every run the solver time
at which it first reached that PSNR, the ratio T_ref / that time, and its PSNR after T_ref seconds
(its last row at or before T_ref; a run that ended sooner keeps its final PSNR).

    python3 tools/bench/solver_targets.py outputs/solvers
"""
import csv
import glob
import json
import os
import sys


def runs(results):
    for folder in sorted(glob.glob(os.path.join(results, "*", "run.json"))):
        folder = os.path.dirname(folder)
        record = json.load(open(os.path.join(folder, "run.json")))
        with open(os.path.join(folder, "metrics_rank0.csv")) as handle:
            rows = [(int(r["iteration"]), float(r["time_sec"]), float(r["psnr"]))
                    for r in csv.DictReader(handle) if r["psnr"]]
        spec = record["spec"]
        problem = spec["dataset"] + " " + json.dumps(spec["dataset_parameters"], sort_keys=True)
        yield problem, spec["solver"], record.get("status"), rows


def first_reach(rows, level):
    return next(((it, t) for it, t, p in rows if p >= level), None)


def main(results):
    problems = {}
    for problem, solver, status, rows in runs(results):
        problems.setdefault(problem, []).append((solver, status, rows))
    for problem, entries in problems.items():
        reference = next((rows for solver, _, rows in entries if solver == "PnP"), None)
        if not reference:
            print(f"{problem}: no PnP run")
            continue
        target = reference[-1][2]
        t_ref = first_reach(reference, target)[1]
        print(f"{problem}\n  PnP after {reference[-1][0]} iterations: {target:.2f} dB; T_ref = {t_ref:.1f} s")
        print(f"  {'solver':<10} {'status':<9} {'iters':>5} {'final dB':>9} {'reach it':>8} {'reach s':>8} "
              f"{'T_ref/reach':>11} {'dB at T_ref':>11} {'gain dB':>8}")
        for solver, status, rows in entries:
            reach = first_reach(rows, target)
            at_ref = [p for _, t, p in rows if t <= t_ref]
            psnr_at_ref = at_ref[-1] if at_ref else float("nan")
            reach_text = (f"{reach[0]:>8} {reach[1]:>8.2f} {t_ref / reach[1]:>11.1f}" if reach
                          else f"{'never':>8} {'':>8} {'':>11}")
            print(f"  {solver:<10} {status:<9} {rows[-1][0]:>5} {rows[-1][2]:>9.2f} {reach_text} "
                  f"{psnr_at_ref:>11.2f} {psnr_at_ref - target:>8.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "outputs/solvers")
