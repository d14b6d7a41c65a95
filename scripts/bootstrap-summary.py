#!/usr/bin/env python3
"""The parametric bootstrap's verdict on the standard errors (issue 17).

    python3 scripts/bootstrap-summary.py TRUTH.yaml FIT.md [FIT.md ...]

Each FIT.md is one bootstrap replicate's `firmsim calibrate` report: the same
truth, estimated on targets and with candidates drawn at other seeds
(scripts/bootstrap-round2.sh). Prints per parameter the truth, the mean and
the sd of the estimates, the mean reported s.e., their ratio (sd / s.e.:
above 1, the reported standard errors are too small) and how many replicates
have the truth within 1.96 reported s.e.; then each replicate's objective at
its start, its estimate and the truth (objective-points.txt beside fit.md,
from `bootstrap-round2.sh --score-points`, each point weighted by the noise
measured at itself; objective-shared.txt from `--shared-points`, the truth
and the estimate with the search's own weights, which decides "estimate
below the truth" where it exists); missing files are skipped.
"""
import math
import os
import statistics
import sys

import fit_report

LATER_STAGES = ("continued", "looked")  # folders of a search that went on from an earlier stage


def fail(message):
    sys.stderr.write(f"bootstrap-summary: {message}\n")
    sys.exit(2)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        truth = fit_report.truth_values(sys.argv[1])
        reports = [fit_report.read(p) for p in sys.argv[2:] if os.path.exists(p)]
    except (fit_report.FitReportError, OSError) as e:
        fail(e)
    if not reports:
        fail("no finished replicate (no fit.md yet)")
    fits = [r.estimates for r in reports]
    missing = [k for k in fits[0] if k not in truth]
    if missing:
        fail(f"{sys.argv[1]}: no true value for {', '.join(missing)}")
    print(f"{len(fits)} replicate(s)\n")
    print("| parameter | truth | mean estimate | sd of estimates | mean s.e. | sd / s.e. | truth within 1.96 s.e. |")
    print("|---|---|---|---|---|---|---|")
    inside = counted = 0
    for key in fits[0]:
        values = [f[key].value for f in fits if key in f]
        known = [f[key].se for f in fits if key in f and not math.isnan(f[key].se)]  # not identified: no s.e.
        hits = [abs(f[key].value - truth[key]) <= 1.96 * f[key].se
                for f in fits if key in f and not math.isnan(f[key].se)]
        inside += sum(hits)
        counted += len(hits)
        sd = statistics.stdev(values) if len(values) > 1 else float("nan")
        mean_se = statistics.mean(known) if known else float("nan")
        ratio = sd / mean_se if known and mean_se > 0 else float("nan")
        print(f"| `{key}` | {truth[key]:.4g} | {statistics.mean(values):.4g} | {sd:.3g} | {mean_se:.3g} | "
              f"{ratio:.2f} | {sum(hits)} of {len(hits)} |")
    print(f"\n{inside} of {counted} (replicate, parameter) pairs with the truth within 1.96 s.e.")
    try:
        print_objectives(reports)
    except fit_report.FitReportError as e:  # a later stage whose first stage has no report
        fail(e)


def print_objectives(reports):
    """Each replicate's objective at the start, the estimate and the truth:
    an estimate below the truth means the objective's minimum is not at the
    truth (the estimator's error); above it, that the search stopped short."""
    print("\n| replicate | start (search) | estimate | start (scored) | truth (scored) | estimate below the truth "
          "| truth, the search's weights | estimate, the search's weights |")
    print("|---|---|---|---|---|---|---|---|")
    for report in reports:
        replicate = os.path.dirname(report.path)
        stages = []
        while os.path.basename(replicate) in LATER_STAGES:  # its optimum, the first stage's start and points
            stages.insert(0, os.path.basename(replicate))
            replicate = os.path.dirname(replicate)
        later_stage = bool(stages)
        label = os.path.basename(replicate) + (f" ({'/'.join(stages)})" if stages else "")
        start = fit_report.read(os.path.join(replicate, "fit.md")).start_objective
        optimum = report.optimum
        points = read_points(os.path.join(replicate, "objective-points.txt"))
        shared = read_points(os.path.join(replicate, "objective-shared.txt"))
        if later_stage and "estimate" in shared:  # searched under the first stage's weights: its own optimum
            shared["estimate"] = optimum
        truth = shared.get("truth", points.get("truth"))  # the comparable one where it exists
        below = "-" if truth is None else ("yes" if optimum < truth else "no")
        nan = float("nan")
        print(f"| {label} | {start:.1f} | {optimum:.1f} | "
              f"{points.get('start', nan):.1f} | {points.get('truth', nan):.1f} | {below} | "
              f"{shared.get('truth', nan):.1f} | {shared.get('estimate', nan):.1f} |")


def read_points(path):
    """NAME VALUE lines (objective-points.txt, objective-shared.txt); {} if absent."""
    points = {}
    if os.path.exists(path):
        for line in open(path):
            name, _, value = line.partition(" ")
            if value.strip():
                points[name] = float(value)
    return points


if __name__ == "__main__":
    main()
