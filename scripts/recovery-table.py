#!/usr/bin/env python3
"""A recovery run's estimates against the truth, as a Markdown table.

    python3 scripts/recovery-table.py FIT.md TRUTH.yaml

FIT.md is `firmsim calibrate`'s report (its Estimates table), TRUTH.yaml the
scenario the targets were simulated at. Prints one row per parameter (truth,
estimate, s.e., start, whether the estimate lies within 1.96 s.e. of the
truth) and the share that does among the parameters with a standard error.
Exit status 2 when a file cannot be read or the truth lacks a parameter.
"""
import math
import sys

import fit_report


def fail(message):
    sys.stderr.write(f"recovery-table: {message}\n")
    sys.exit(2)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        fit = fit_report.read(sys.argv[1])
        truth = fit_report.truth_values(sys.argv[2])
    except (fit_report.FitReportError, OSError) as e:
        fail(e)
    print("| parameter | truth | recovered | s.e. | start | within 1.96 s.e. |")
    print("|---|---|---|---|---|---|")
    inside = with_se = 0
    for key, e in fit.estimates.items():
        if key not in truth:
            fail(f"{sys.argv[2]}: no true value for '{key}'")
        if math.isnan(e.se):  # not identified: no standard error to compare with
            verdict, se = "-", "not identified"
        else:
            ok = abs(e.value - truth[key]) <= 1.96 * e.se
            with_se += 1
            inside += ok
            verdict, se = ("yes" if ok else "no"), f"{e.se:.3g}"
        print(f"| `{key}` | {truth[key]:.4g} | {e.value:.4g} | {se} | {e.start:.4g} | {verdict} |")
    print(f"\n{inside} of {with_se} parameters with a standard error within 1.96 s.e. of the truth.")


if __name__ == "__main__":
    main()
