#!/usr/bin/env python3
"""The README's headline facts ("Where the model stands") from comparison runs.

    python3 scripts/headline-facts.py LABEL=RUN_DIR [LABEL=RUN_DIR ...]

Each RUN_DIR is the --out of `firmsim run ... --compare` (it holds
comparison.csv and comparison.md). Prints one markdown table: a row per fact,
the published figure, then one column per run, so that the README's table is
made from the runs, not typed by hand. Exit status 2 when a run lacks a file or
a cell the table needs (it names which).
"""
import csv
import os
import re
import sys


def fail(message):
    sys.stderr.write(f"headline-facts: {message}\n")
    sys.exit(2)


def read_run(path):
    table = os.path.join(path, "comparison.csv")
    report = os.path.join(path, "comparison.md")
    for f in (table, report):
        if not os.path.isfile(f):
            fail(f"{f}: no such file (is {path} the --out of `firmsim run --compare`?)")
    cells = {}
    with open(table, newline="") as f:
        for row in csv.DictReader(f):
            cells[(row["table"], row["row"], row["column"])] = row
    with open(report) as f:
        text = f.read()
    m = re.search(r"Overall distance: \*\*([0-9.]+)\*\*; (\d+) of (\d+) cells far off; (\d+) of (\d+) cells with an SE", text)
    if not m:
        fail(f"{report}: no 'Overall distance' line")
    overall = {"distance": float(m.group(1)), "far": (int(m.group(2)), int(m.group(3))),
               "inside": (int(m.group(4)), int(m.group(5)))}
    return cells, overall


def cell(cells, key, which, path):
    if key not in cells:
        fail(f"{path}: no cell {key}")
    value = cells[key][which]
    return float(value) if value not in ("", None) else float("nan")


def fmt(x, style):
    if style == "int":
        return f"{x:,.0f}"
    if style == "pct":
        return f"{100 * x:.1f}%"
    if style == "pct0":
        return f"{x:.0f}%"
    return f"{x:.3f}"


# (label, [(table, row, column)], style, share of Table 6's total?)
FACTS = [
    ("export starters 1998-2005 (Table 6)", [("table_06", "total", "total")], "int", False),
    ("born globals / born internationals / traditional / born-again (Table 6)",
     [("table_06", t, "total") for t in ("BG", "BI", "TI", "BAG")], "pct", True),
    ("exit rate: born globals / born internationals / traditional (Table 16)",
     [("table_16", t, "exit rate") for t in ("BG", "BI", "TI")], "rate", False),
    ("exit rate: old traders / old non-traders / young non-traders (Table 16)",
     [("table_16", t, "exit rate") for t in ("old traders", "old non-traders", "young non-traders")], "rate", False),
    ("two-way traders of 1998 still two-way in 2005 (Table 17)", [("table_17", "two way trade", "2005: two way trade")],
     "pct0", False),
    ("exporters-only of 1998 that stopped trading (Table 17)", [("table_17", "export only", "2005: no trade")], "pct0",
     False),
    ("start exporting to a main EU partner: importers / non-traders (Table 20)",
     [("table_20", "main EU trading partners", c) for c in ("import to export", "no trade to export")], "rate", False),
    ("start importing from a main EU partner: exporters / non-traders (Table 21)",
     [("table_21", "main EU trading partners", c) for c in ("export to import", "no trade to import")], "rate", False),
    ("large firms in the 10-FTE sample (`sample_frame`)", [("sample_frame", "large firms", "firms")], "int", False),
    ("SMEs' share of exports (Table 1, total)", [("table_01", "total", "% SMEs in total export")], "pct0", False),
]


def figures(cells, keys, style, share, which, path):
    values = [cell(cells, k, which, path) for k in keys]
    if share:
        total = cell(cells, ("table_06", "total", "total"), which, path)
        values = [v / total for v in values]
    return " / ".join(fmt(v, style) for v in values)


def main(argv):
    if not argv or any("=" not in a for a in argv):
        fail("usage: headline-facts.py LABEL=RUN_DIR [LABEL=RUN_DIR ...]")
    runs = [(a.split("=", 1)[0], a.split("=", 1)[1]) for a in argv]
    loaded = [(label, path, *read_run(path)) for label, path in runs]
    print("| fact (seed 000) | published | " + " | ".join(label for label, *_ in loaded) + " |")
    print("|---|---|" + "---|" * len(loaded))
    print("| overall distance | 0 | " + " | ".join(f"{o['distance']:.3f}" for *_, o in loaded) + " |")
    print("| cells off by a factor of 2 or more | - | " +
          " | ".join(f"{o['far'][0]} of {o['far'][1]}" for *_, o in loaded) + " |")
    print("| cells with an SE inside their 95% interval | - | " +
          " | ".join(f"{o['inside'][0]} of {o['inside'][1]}" for *_, o in loaded) + " |")
    first_cells, first_path = loaded[0][2], loaded[0][1]
    for label, keys, style, share in FACTS:
        published = figures(first_cells, keys, style, share, "empirical", first_path)
        sims = [figures(cells, keys, style, share, "simulated", path) for _, path, cells, _ in loaded]
        print(f"| {label} | {published} | " + " | ".join(sims) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
