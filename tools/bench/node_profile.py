#!/usr/bin/env python3
"""Derive a machine profile for a larger CPU node from a calibrated one (invscale calibrate).

The per-core kernel rates are taken from the calibrated profile's 1-thread entry; the node's
entry at --cores threads scales the compute kernels by cores x --efficiency and caps memory
traffic at --memory-gbs; the fabric is given as latency and bandwidth. Every assumption is a
flag, and the output is an ordinary profile for `invscale run --plan --profile FILE`.

    python3 tools/bench/node_profile.py ~/.cache/invscale/machine_profile.json \
        --cores 32 --memory-gib 256 --efficiency 0.7 --memory-gbs 100 \
        --fabric-gbs 12.5 --latency-us 2 > node.json
"""
import argparse
import copy
import json
import sys


def scaled(rates, factor, memory_rate, threads):
    """Every compute rate `factor` times faster (times divided), memory traffic at `memory_rate`."""
    out = copy.deepcopy(rates)
    out["threads"] = threads
    for table in ("convolution_2d", "convolution_3d"):
        for entry in out[table]:
            entry["call_s"] /= factor
            for size in entry["per_position"]:
                size["seconds"] /= factor
    for key in ("im2col_flops_per_s", "resample_flops_per_s", "upsample_flops_per_s", "resample_3d_flops_per_s",
                "upsample_3d_flops_per_s"):
        out[key] *= factor
    for key in ("parallel_beam_forward_s", "parallel_beam_adjoint_s", "cone_beam_forward_s", "cone_beam_adjoint_s", "fft_s"):
        out[key] /= factor
    out["memory_bytes_per_s"] = memory_rate
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", help="calibrated machine_profile.json")
    parser.add_argument("--cores", type=int, required=True)
    parser.add_argument("--memory-gib", type=float, required=True)
    parser.add_argument("--efficiency", type=float, default=0.7, help="parallel efficiency of the compute kernels at --cores threads")
    parser.add_argument("--memory-gbs", type=float, required=True, help="node memory bandwidth, GB/s")
    parser.add_argument("--fabric-gbs", type=float, required=True, help="all-reduce bandwidth between nodes, GB/s")
    parser.add_argument("--latency-us", type=float, required=True, help="all-reduce latency, microseconds")
    parser.add_argument("--name", default=None, help="the profile's source text")
    args = parser.parse_args()

    with open(args.profile) as handle:
        base = json.load(handle)
    one = next(r for r in base["rates"] if r["threads"] == 1)
    node = copy.deepcopy(base)
    node["cores"] = args.cores
    node["memory_mb"] = args.memory_gib * 1024
    node["all_reduce_bytes_per_s"] = args.fabric_gbs * 1e9
    node["all_reduce_latency_s"] = args.latency_us * 1e-6
    per_core_memory = min(one["memory_bytes_per_s"], args.memory_gbs * 1e9 / args.cores)
    # The base machine's busy-node rates describe its own cores; a node of other size has none.
    node.pop("busy_rates", None)
    node["rates"] = [scaled(one, 1, per_core_memory, 1),
                     scaled(one, args.cores * args.efficiency, args.memory_gbs * 1e9, args.cores)]
    node["source"] = args.name or (
        f"{args.cores}-core node, {args.memory_gib:g} GiB, per-core rates of {base['source']}, "
        f"efficiency {args.efficiency:g}, memory {args.memory_gbs:g} GB/s, fabric {args.fabric_gbs:g} GB/s / {args.latency_us:g} us")
    json.dump(node, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
