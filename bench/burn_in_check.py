"""Compares two arms (two seeds each) of firmsim comparison.csv files cell by
cell: (mean_b - mean_a)^2 / pooled seed variance, F(1, 2) under no effect.
Usage: burn_in_check.py A1 A2 B1 B2 (run directories with comparison.csv)."""
import csv
import statistics
import sys


def load(run):
    cells = {}
    with open(f"{run}/comparison.csv") as f:
        for row in csv.DictReader(f):
            try:
                cells[(row["table"], row["row"], row["column"])] = float(row["simulated"])
            except ValueError:
                pass
    return cells


a1, a2, b1, b2 = (load(r) for r in sys.argv[1:5])
by_table = {}
for key in a1:
    if key not in a2 or key not in b1 or key not in b2:
        continue
    pooled = ((a1[key] - a2[key]) ** 2 / 2 + (b1[key] - b2[key]) ** 2 / 2) / 2
    if pooled <= 0:
        continue
    diff = (b1[key] + b2[key]) / 2 - (a1[key] + a2[key]) / 2
    by_table.setdefault(key[0], []).append(diff * diff / pooled)
everything = [r for v in by_table.values() for r in v]
print(f"{len(everything)} cells: median ratio {statistics.median(everything):.2f} (0.67 with no effect), "
      f"{sum(r > 18.5 for r in everything) / len(everything):.0%} above 18.5 (5% with no effect)")
print(f"{'table':14} {'cells':>5} {'median':>7} {'> 18.5':>7}")
for table in sorted(by_table):
    v = by_table[table]
    print(f"{table:14} {len(v):5d} {statistics.median(v):7.2f} {sum(r > 18.5 for r in v) / len(v):7.0%}")
