#!/usr/bin/env python3
"""Figures of docs/policy/world-2012.md from panels written by `firmsim run`.

    python3 scripts/world-2012-figures.py RUN_DIR [RUN_DIR ...]

For each run directory (a CSV panel of scenarios/belgium_1998_2012.yaml,
with or without the constant-threshold overlay) it prints, summed over the
replicates:
  - by year 2004-2012: firms observed exporting to an EU member that year
    (an observed export flow, i.e. above the Intrastat threshold, to a market
    whose eu_join_year is reached), firms observed exporting at all, and the
    latent and observed export totals;
  - the margins of the change in latent exports 2007->2008 (a year without
    a shock, for the churn), 2008->2009 and 2009->2010:
    at the firm level (continuing exporters selling more or less: intensive;
    firms starting or stopping exporting: extensive) and at the firm-market
    level (continuing firm-market pairs: intensive; pairs that start or end:
    extensive, which includes continuing exporters adding or dropping
    markets).
Reads flows.csv (one row per firm, market and year with a latent flow) and
panel_meta.yaml; standard library and PyYAML only.
"""
import csv
import sys
from collections import defaultdict

import yaml

YEARS = range(2004, 2013)
CHANGES = [(2007, 2008), (2008, 2009), (2009, 2010)]  # 2007->2008: the churn of a year without a shock


def eu_markets(meta):
    """Market index -> first year of EU membership (0 = never)."""
    return [int(m.get("eu_join_year", 0)) for m in meta["markets"]]


def read_flows(run_dir, join):
    by_pair = defaultdict(float)  # (replicate, firm, market, year) -> latent exports
    intra_eu = defaultdict(set)  # year -> {(replicate, firm)} observed exporting intra-EU
    exporters = defaultdict(set)  # year -> {(replicate, firm)} observed exporting anywhere
    latent = defaultdict(float)
    observed = defaultdict(float)
    with open(f"{run_dir}/flows.csv", newline="") as f:
        for row in csv.DictReader(f):
            year = int(row["year"])
            if year < min(YEARS) or year > max(YEARS):
                continue
            firm = (int(row.get("replicate") or 0), int(row["firm"]))
            market = int(row["market"])
            x_true, x_seen = float(row["exports_true"]), float(row["exports"])
            if x_true > 0:
                by_pair[(firm, market, year)] += x_true
                latent[year] += x_true
            if x_seen > 0:
                observed[year] += x_seen
                exporters[year].add(firm)
                if join[market] and year >= join[market]:
                    intra_eu[year].add(firm)
    return by_pair, intra_eu, exporters, latent, observed


def margins(by_pair, before, after):
    pair = {b: defaultdict(float) for b in (before, after)}
    firm = {b: defaultdict(float) for b in (before, after)}
    for (f, m, y), x in by_pair.items():
        if y in pair:
            pair[y][(f, m)] += x
            firm[y][f] += x

    def split(level):
        a, b = level[before], level[after]
        intensive = sum(b[k] - a[k] for k in a.keys() & b.keys())
        entry = sum(b[k] for k in b.keys() - a.keys())
        exit_ = -sum(a[k] for k in a.keys() - b.keys())
        return intensive, entry, exit_

    return split(firm), split(pair), sum(pair[before].values())


def main(dirs):
    for d in dirs:
        with open(f"{d}/panel_meta.yaml") as f:
            meta = yaml.safe_load(f)
        by_pair, intra_eu, exporters, latent, observed = read_flows(d, eu_markets(meta))
        print(f"## {d}\n")
        print("| year | firms observed exporting intra-EU | firms observed exporting | latent exports (EUR m) |"
              " observed exports (EUR m) |")
        print("|---|---|---|---|---|")
        for y in YEARS:
            print(f"| {y} | {len(intra_eu[y])} | {len(exporters[y])} | {latent[y] / 1e6:.1f} | {observed[y] / 1e6:.1f} |")
        print()
        print("| change | total (EUR m, %) | firms: intensive / entry / exit (EUR m) | intensive share |"
              " firm-markets: intensive / entry / exit (EUR m) | intensive share |")
        print("|---|---|---|---|---|---|")
        for before, after in CHANGES:
            (fi, fe, fx), (pi, pe, px), base = margins(by_pair, before, after)
            total = fi + fe + fx
            pct = 100 * total / base if base else float("nan")
            share = lambda i: f"{100 * i / total:.0f}%" if total else "n/a"
            print(f"| {before}->{after} | {total / 1e6:.1f} ({pct:+.1f}%) | {fi / 1e6:.1f} / {fe / 1e6:.1f} / "
                  f"{fx / 1e6:.1f} | {share(fi)} | {pi / 1e6:.1f} / {pe / 1e6:.1f} / {px / 1e6:.1f} | {share(pi)} |")
        print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
