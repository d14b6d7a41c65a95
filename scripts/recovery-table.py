#!/usr/bin/env python3
"""A recovery run's estimates against the truth, as a Markdown table.

    python3 scripts/recovery-table.py FIT.md TRUTH.yaml

FIT.md is `firmsim calibrate`'s report (its Estimates table), TRUTH.yaml the
scenario the targets were simulated at. Prints one row per parameter (truth,
estimate, s.e., start, whether the estimate lies within 1.96 s.e. of the
truth) and the share that does among the parameters with a standard error.
"""
import re
import sys

import yaml

ROW = re.compile(r"\| `([^`]+)` \| \w+ \| [^|]+ \| ([^|]+) \| ([^|]+) \| ([^|]+) \|")


def estimates(path):
    rows = {}
    for line in open(path):
        m = ROW.match(line)
        if m:
            rows[m.group(1)] = (float(m.group(2)), float(m.group(3)), m.group(4).strip())
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = yaml.safe_load(open(sys.argv[2]))["model"]
    truth = {f"{section}.{name}": v for section, d in model.items() for name, v in d.items()}
    print("| parameter | truth | recovered | s.e. | start | within 1.96 s.e. |")
    print("|---|---|---|---|---|---|")
    inside = with_se = 0
    for key, (start, estimate, se) in estimates(sys.argv[1]).items():
        if key not in truth:
            sys.exit(f"{sys.argv[2]}: no true value for '{key}'")
        try:
            ok = abs(estimate - truth[key]) <= 1.96 * float(se)
            with_se += 1
            inside += ok
            verdict = "yes" if ok else "no"
        except ValueError:  # "not identified": no standard error to compare with
            verdict = "-"
        print(f"| `{key}` | {truth[key]:.4g} | {estimate:.4g} | {se} | {start:.4g} | {verdict} |")
    print(f"\n{inside} of {with_se} parameters with a standard error within 1.96 s.e. of the truth.")


if __name__ == "__main__":
    main()
