#!/usr/bin/env python3
"""Re-score logged calibration evaluations under other weights.

Usage: scripts/rescore-evaluations.py WEIGHTS.csv EVALUATIONS.csv [...] [--replicates R] [--model-error E]

An EVALUATIONS.csv may also be a `calibrate --score` score.csv (one point,
its `simulated` column).

WEIGHTS.csv is a `calibrate --noise-replicates` noise.csv (moment, group,
published, data_sd, simulation_sd, ...): the published values, their
sampling sd and each moment's measured simulation sd. Every row of each
evaluations.csv (whose moment columns carry the same names) is scored as
`calibrate` would under the floor weighting with that noise:
  w_k = 1 / (data_sd^2 + simulation_sd^2 / R + (E * published)^2),
a missing simulated moment costing 100, and under the same weighting with
the noise assumed equal to the data's (data_sd^2 (1 + 1/R)), the weights
`calibrate` uses without --noise-replicates. Prints the three best rows of
each file under the noise weights. Standard library only.
"""
import argparse
import csv
import math

MISSING = 100.0  # calibrate/moments.hpp, kMissingMomentPenalty


def weights(noise_file, replicates, model_error):
    out = []
    with open(noise_file, newline="") as f:
        for r in csv.DictReader(f):
            published, data_var = float(r["published"]), float(r["data_sd"]) ** 2
            sim_sd = float(r["simulation_sd"])
            floor = (model_error * published) ** 2
            noisy = data_var + sim_sd ** 2 / replicates if math.isfinite(sim_sd) else data_var * (1 + 1 / replicates)
            out.append((r["moment"], published, 1 / (noisy + floor), 1 / (data_var * (1 + 1 / replicates) + floor)))
    return out


def score(moments, w, which):
    q = 0.0
    for (name, published, *ws), value in zip(w, moments):
        q += ws[which] * (value - published) ** 2 if math.isfinite(value) else MISSING
    return q


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights")
    ap.add_argument("evaluations", nargs="+")
    ap.add_argument("--replicates", type=int, default=1)
    ap.add_argument("--model-error", type=float, default=0.1)
    a = ap.parse_args()
    w = weights(a.weights, a.replicates, a.model_error)
    for file in a.evaluations:
        with open(file, newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        if "simulated" in header:  # a score.csv: one point, a row per moment
            by_name = {r[0]: r[header.index("simulated")] for r in rows[1:]}
            rows = [["score", "point"] + [by_name[name] for name, *_ in w]]
            header = ["evaluation", "stage"] + [name for name, *_ in w]
            rows = [header] + rows
        columns = [header.index(name) for name, *_ in w]
        scored = sorted((score([float(r[c]) for c in columns], w, 0), score([float(r[c]) for c in columns], w, 1),
                         r[0], r[1]) for r in rows[1:])
        print(f"{file}: {len(scored)} evaluations")
        for noisy, plain, evaluation, stage in scored[:3]:
            print(f"  evaluation {evaluation} ({stage}): {noisy:.1f} under the noise weights, {plain:.1f} without")


if __name__ == "__main__":
    main()
