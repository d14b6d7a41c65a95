#!/usr/bin/env python3
"""The README's theory-experiment table from a `firmsim experiment` report.

Usage: scripts/theory-table.py DIR   (DIR holds experiment.csv and experiment.md)

One row per world: distance to the data and cells moved (from experiment.md),
Table 6's born-global / born-international / traditional starters, Table 16's
exit rates by starter type (n.s. where the paired change's interval holds 0),
Table 17's 1998 exporters-only trading neither way in 2005, and Table 23's
1-market exporters of 1998 on one market in 2005 (as a share of that row).
"""
import csv
import re
import sys
from collections import defaultdict


def load(directory):
    cells = defaultdict(dict)  # (table, row, column) -> variant -> row dict
    with open(f"{directory}/experiment.csv", newline="") as f:
        for r in csv.DictReader(f):
            cells[(r["table"], r["row"], r["column"])][r["variant"]] = r
    distance = {}
    with open(f"{directory}/experiment.md") as f:
        for line in f:
            m = re.match(r"\| ([^|]+) \| ([0-9.]+) \| \d+ of \d+ \| ([^|]+) \|", line)
            if m:
                distance[m.group(1).strip()] = (float(m.group(2)), m.group(3).strip())
    return cells, distance


def value(cells, key, variant, fmt="{:.3f}", flag=True):
    r = cells.get(key, {}).get(variant)
    if r is None or r["mean"] in ("", "nan"):
        return "-"
    text = fmt.format(float(r["mean"]))
    if flag and variant != "baseline" and r["significant"] == "0":
        text += " (n.s.)"
    return text


def table23_share(cells, variant):
    row = [k for k in cells if k[0] == "table_23" and k[1] == "1" and k[2] != "total"]
    if variant == "data":
        total = sum(float(cells[k]["baseline"]["data"]) for k in row)
        return f"{100 * float(cells[('table_23', '1', '1')]['baseline']['data']) / total:.0f}%"
    total = sum(float(cells[k][variant]["mean"]) for k in row if variant in cells[k])
    return f"{100 * float(cells[('table_23', '1', '1')][variant]['mean']) / total:.1f}%" if total else "-"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cells, distance = load(sys.argv[1])
    variants = list(distance)
    types = ["BG", "BI", "TI"]
    print("| world | distance to the data | cells moved | Table 6: BG / BI / TI starters | "
          "Table 16: exit rate BG / BI / TI | Table 17: 1998 exporters-only trading neither way in 2005 | "
          "Table 23: 1-market exporters of 1998 on 1 market in 2005 |")
    print("|---|---|---|---|---|---|---|")
    data = lambda k: cells[k]["baseline"]["data"]
    print("| data | | | " + " / ".join(f"{float(data(('table_06', t, 'total'))):,.0f}" for t in types) + " | " +
          " / ".join(f"{float(data(('table_16', t, 'exit rate'))):.3f}" for t in types) + " | " +
          f"{float(data(('table_17', 'export only', '2005: no trade'))):.0f}% | {table23_share(cells, 'data')} |")
    for v in variants:
        d, moved = distance[v]
        print(f"| {v} | {d:.3f} | {moved} | " +
              " / ".join(value(cells, ("table_06", t, "total"), v, "{:,.0f}", False) for t in types) + " | " +
              " / ".join(value(cells, ("table_16", t, "exit rate"), v) for t in types) + " | " +
              value(cells, ("table_17", "export only", "2005: no trade"), v, "{:.1f}%") + " | " +
              table23_share(cells, v) + " |")


if __name__ == "__main__":
    main()
