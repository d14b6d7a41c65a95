#!/usr/bin/env python3
"""Do several starts of one calibration agree? (issue 17, item 5)

    python3 scripts/multistart-summary.py LABEL=FIT.md [LABEL=FIT.md ...]

Each FIT.md is `firmsim calibrate`'s report of one start's search on the same
problem (same moments, weighting, seed and parameters). Prints each start's
objective at its optimum and the spread against the lowest (the criterion:
within 2%), then one row per parameter: every start's estimate and s.e., and
whether each start lies within two standard errors of the lowest start's
estimate, by the s.e. of their difference, sqrt(s1^2 + s2^2) (the
criterion: every parameter). Exit status 2 when a report lacks its
estimates or objective.
"""
import math
import sys

import fit_report


def fail(message):
    sys.stderr.write("multistart-summary: %s\n" % message)
    sys.exit(2)


def read_fit(path):
    """The optimum and {key: (estimate, s.e.)} of one start's report."""
    try:
        fit = fit_report.read(path)
    except fit_report.FitReportError as e:
        fail(e)
    return fit.optimum, {key: (e.value, e.se) for key, e in fit.estimates.items()}


def main(argv):
    if len(argv) < 2 or any("=" not in a for a in argv):
        sys.exit(__doc__)
    starts = []
    for arg in argv:
        label, path = arg.split("=", 1)
        starts.append((label, path) + read_fit(path))
    best = min(starts, key=lambda s: s[2])
    print("| start | objective at its optimum | above the lowest |")
    print("|---|---|---|")
    for label, path, objective, _ in starts:
        print("| %s (`%s`) | %.1f | %.1f%% |" % (label, path, objective, 100 * (objective / best[2] - 1)))
    spread = max(s[2] for s in starts) / best[2] - 1
    print("\nObjectives within 2%% of the lowest: %s (spread %.1f%%).\n" % ("yes" if spread <= 0.02 else "no", 100 * spread))

    names = list(best[3])
    print("| parameter | " + " | ".join("%s estimate (s.e.)" % s[0] for s in starts) + " | within 2 s.e. of %s |" % best[0])
    print("|---|" + "---|" * (len(starts) + 1))
    agreeing = 0
    for name in names:
        cells, verdicts = [], []
        b, b_se = best[3][name]
        for label, _, _, rows in starts:
            if name not in rows:
                fail("%s has no estimate of %s" % (label, name))
            x, se = rows[name]
            cells.append("%.4g (%s)" % (x, "no s.e." if math.isnan(se) else "%.3g" % se))
            if label != best[0]:
                sd = math.hypot(se, b_se)
                if math.isnan(sd):
                    verdicts.append(label + " no s.e.")
                else:
                    verdicts.append(label + (" yes" if sd > 0 and abs(x - b) <= 2 * sd else " no"))
        agreeing += all(v.endswith("yes") for v in verdicts)
        print("| `%s` | %s | %s |" % (name, " | ".join(cells), ", ".join(verdicts) or "-"))
    print("\n%d of %d parameters agree across all starts within 2 s.e. of the difference." % (agreeing, len(names)))


if __name__ == "__main__":
    main(sys.argv[1:])
