#!/usr/bin/env python3
"""Predicted against measured, for every run under results folders written by `invscale run`.

For each run with a prediction in its run.json: the predicted peak RSS of the largest rank
against the measured whole-run peak (peak_rss_mb_max_rank), and the predicted seconds per
iteration against the median over iterations of iteration_time_sec on the slowest rank, with the
relative errors, as a Markdown table. Exits 1 when a run is outside --rss-bound or --time-bound.

    python3 tools/bench/planner_accuracy.py outputs/runs [more folders…] --rss-bound 15 --time-bound 25
"""
import argparse
import csv
import glob
import json
import os
import statistics
import sys


def rows(folder):
    for record_path in sorted(glob.glob(os.path.join(folder, "*", "run.json"))):
        run = os.path.dirname(record_path)
        with open(record_path) as handle:
            record = json.load(handle)
        prediction = record.get("prediction")
        if not prediction or record.get("status") != "finished":
            continue
        medians = []
        for metrics in sorted(glob.glob(os.path.join(run, "metrics_rank*.csv"))):
            with open(metrics) as handle:
                times = [float(r["iteration_time_sec"]) for r in csv.DictReader(handle)]
            if times:
                medians.append(statistics.median(times))
        measured_rss = record.get("peak_rss_mb_max_rank") or record.get("peak_rss_mb")
        yield {
            "config": os.path.basename(os.path.normpath(folder)),
            "index": record["spec"].get("index", 0),
            "label": record.get("label", ""),
            "batch": prediction["max_batch_size"],
            "rss_predicted": prediction["predicted_peak_rss_mb"],
            "rss_measured": measured_rss,
            "time_predicted": prediction["predicted_iteration_s"],
            "time_measured": max(medians) if medians else None,
        }


def error(predicted, measured):
    return None if not measured else 100 * (predicted - measured) / measured


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--rss-bound", type=float, default=15)
    parser.add_argument("--time-bound", type=float, default=25)
    args = parser.parse_args()
    print("| config | run | processes · tiles · batch | peak RSS predicted / measured (MiB) | error | s/it predicted / measured | error |")
    print("|---|---|---|---|---|---|---|")
    outside = 0
    for folder in args.folders:
        for row in sorted(rows(folder), key=lambda r: r["index"]):
            rss_error = error(row["rss_predicted"], row["rss_measured"])
            time_error = error(row["time_predicted"], row["time_measured"])
            if rss_error is None or abs(rss_error) > args.rss_bound or time_error is None or abs(time_error) > args.time_bound:
                outside += 1
            parts = [p for p in row["label"].split(" · ") if "process" in p or "tiles" in p or "batch" in p]
            print(f"| {row['config']} | #{row['index']} | {' · '.join(parts)} | "
                  f"{row['rss_predicted']:.0f} / {row['rss_measured'] or float('nan'):.0f} | {rss_error if rss_error is not None else float('nan'):+.1f} % | "
                  f"{row['time_predicted']:.3f} / {row['time_measured'] or float('nan'):.3f} | {time_error if time_error is not None else float('nan'):+.1f} % |")
    print(f"\n{outside} run(s) outside ±{args.rss_bound:g} % (memory) or ±{args.time_bound:g} % (time)")
    sys.exit(1 if outside else 0)


if __name__ == "__main__":
    main()
