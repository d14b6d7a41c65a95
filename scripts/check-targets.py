#!/usr/bin/env python3
"""Checks the empirical target sets (configs/targets/*.yaml) without building firmsim.

    python3 scripts/check-targets.py            # every configs/targets/*.yaml
    python3 scripts/check-targets.py FILE ...   # these files only

This is an independent check of the shape rules that estimation/targets.cpp
(load_targets) enforces, plus a few it does not:
  - `tables:` is a non-empty list; table ids are unique within a file;
  - every table has id, title, row_labels, column_labels and values; labels are
    unique strings (the comparison looks cells up by row and column label);
  - values, and se / paren / t / z / stars where present, are len(row_labels)
    rows of len(column_labels) cells; cells are numbers or null (stars: strings
    or null);
  - row_units / column_units have one entry per row / column;
  - status (Y/N flags, seed 001) has len(row_labels) rows of len(status_columns)
    cells, each "Y", "N" or null;
  - n_obs / r2 / chi_square / df are a number or one number per column (the
    reader silently drops a list of the wrong length, so that is an error here);
  - window:, when present, has exactly sample_first_year, sample_last_year,
    export_dummy_first_year and export_dummy_last_year, years in 1800-2200, each
    last year not before its first year.
A table id used by two files is reported as a warning: the comparison matches a
target table with the builder of the same id, so two sets should not share ids
unless they target the same builder.

Prints one line per table (file, id, shape, extras, title) and exits 1 if any
check fails (2 if a file cannot be read).
"""
import glob
import numbers
import os
import sys

import yaml

WINDOW_KEYS = ("sample_first_year", "sample_last_year", "export_dummy_first_year", "export_dummy_last_year")
NUMBER_GRIDS = ("values", "se", "paren", "t", "z")
STATISTICS = ("n_obs", "r2", "chi_square", "df")


def is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def check_grid(table, key, rows, cols, cell_ok, what, errors):
    grid = table[key]
    if not isinstance(grid, list):
        errors.append(f"{key}: not a list of rows")
        return
    if len(grid) != rows:
        errors.append(f"{key}: {len(grid)} rows, row_labels has {rows}")
    for i, row in enumerate(grid):
        if not isinstance(row, list):
            errors.append(f"{key} row {i + 1}: not a list")
            continue
        if len(row) != cols:
            errors.append(f"{key} row {i + 1}: {len(row)} cells, expected {cols}")
        for j, cell in enumerate(row):
            if not cell_ok(cell):
                errors.append(f"{key} row {i + 1} cell {j + 1}: {cell!r} is not {what}")


def check_labels(table, key, errors):
    labels = table.get(key)
    if not isinstance(labels, list) or not labels:
        errors.append(f"{key}: missing or empty")
        return []
    for label in labels:
        if not isinstance(label, str):
            errors.append(f"{key}: {label!r} is not a string (quote it)")
    seen = set()
    for label in labels:
        if label in seen:
            errors.append(f"{key}: '{label}' appears twice")
        seen.add(label)
    return labels


def check_table(table):
    """Returns (errors, summary extras)."""
    errors, extras = [], []
    for key in ("id", "title"):
        if not isinstance(table.get(key), str) or not table.get(key):
            errors.append(f"{key}: missing or not a string")
    rows = check_labels(table, "row_labels", errors)
    cols = check_labels(table, "column_labels", errors)
    if "values" not in table:
        errors.append("values: missing")
    r, c = len(rows), len(cols)
    for key in NUMBER_GRIDS:
        if key in table:
            check_grid(table, key, r, c, lambda x: x is None or is_number(x), "a number or null", errors)
            if key != "values":
                extras.append(key)
    if "stars" in table:
        check_grid(table, "stars", r, c, lambda x: x is None or isinstance(x, str), "a string or null", errors)
        extras.append("stars")
    for key, n in (("row_units", r), ("column_units", c)):
        if key in table:
            units = table[key]
            if not isinstance(units, list) or len(units) != n:
                errors.append(f"{key}: {len(units) if isinstance(units, list) else 'not a list'} entries, expected {n}")
    if "status" in table or "status_columns" in table:
        flags = table.get("status_columns")
        if not isinstance(flags, list) or not flags:
            errors.append("status_columns: missing or empty while status is present")
        elif "status" not in table:
            errors.append("status: missing while status_columns is present")
        else:
            check_grid(table, "status", r, len(flags), lambda x: x in (None, "Y", "N"), '"Y", "N" or null', errors)
            extras.append(f"status {r}x{len(flags)}")
    for key in STATISTICS:
        if key not in table:
            continue
        s = table[key]
        if is_number(s):
            extras.append(key)
        elif isinstance(s, list):
            if len(s) != c:
                errors.append(f"{key}: {len(s)} entries, column_labels has {c}")
            elif not all(x is None or is_number(x) for x in s):
                errors.append(f"{key}: entries must be numbers or null")
            extras.append(f"{key}[{len(s)}]")
        elif isinstance(s, dict):
            extras.append(f"{key}{{}} (not read by targets.cpp)")
        else:
            errors.append(f"{key}: {s!r} is neither a number nor a list")
    if "notes" in table and not (isinstance(table["notes"], list) and all(isinstance(n, str) for n in table["notes"])):
        errors.append("notes: not a list of strings")
    return errors, extras, r, c


def check_window(doc, errors):
    if "window" not in doc:
        return "window: none (the reader assumes seed 000's 1998-2005 / 1993-1997)"
    w = doc["window"]
    if not isinstance(w, dict):
        errors.append("window: not a mapping")
        return ""
    for key in WINDOW_KEYS:
        if key not in w:
            errors.append(f"window.{key}: missing")
        elif not isinstance(w[key], int) or isinstance(w[key], bool) or not 1800 <= w[key] <= 2200:
            errors.append(f"window.{key}: {w[key]!r} is not a year in 1800-2200")
    for key in w:
        if key not in WINDOW_KEYS:
            errors.append(f"window.{key}: unknown key (the reader rejects it)")
    if not errors:
        if w["sample_last_year"] < w["sample_first_year"]:
            errors.append("window: sample_last_year is before sample_first_year")
        if w["export_dummy_last_year"] < w["export_dummy_first_year"]:
            errors.append("window: export_dummy_last_year is before export_dummy_first_year")
    return ("window: sample %s-%s, export dummies %s-%s" %
            tuple(w.get(k, "?") for k in WINDOW_KEYS))


def check_file(path, ids_by_file):
    name = os.path.relpath(path)
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"{name}: cannot read: {e}")
        return None
    failures = 0
    file_errors = []
    if not isinstance(doc, dict):
        print(f"{name}: FAIL: not a mapping")
        return 1
    if "source" in doc and not isinstance(doc["source"], str):
        file_errors.append("source: not a string")
    window = check_window(doc, file_errors)
    tables = doc.get("tables")
    if not isinstance(tables, list) or not tables:
        file_errors.append("tables: missing or empty")
        tables = []
    print(f"{name}: source {doc.get('source', '?')}; {window}; {len(tables)} tables")
    ids = []
    for i, table in enumerate(tables):
        if not isinstance(table, dict):
            print(f"  [{i + 1}] FAIL: not a mapping")
            failures += 1
            continue
        errors, extras, r, c = check_table(table)
        tid = table.get("id", f"[{i + 1}]")
        if tid in ids:
            errors.append(f"id '{tid}' is used twice in this file")
        ids.append(tid)
        extra = (" [" + ", ".join(extras) + "]") if extras else ""
        status = "ok  " if not errors else "FAIL"
        print(f"  {status} {tid:<16} {r:>2} x {c:<2}{extra}  {table.get('title', '')}")
        for e in errors:
            print(f"       - {e}")
        failures += bool(errors)
    for e in file_errors:
        print(f"  FAIL {e}")
    failures += len(file_errors)
    ids_by_file[name] = ids
    return failures


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = argv[1:] or sorted(glob.glob(os.path.join(root, "configs", "targets", "*.yaml")))
    if not paths:
        print("no target files found")
        return 2
    ids_by_file, failures, unreadable = {}, 0, 0
    for path in paths:
        result = check_file(path, ids_by_file)
        if result is None:
            unreadable += 1
        else:
            failures += result
    owner = {}
    for name, ids in ids_by_file.items():
        for tid in ids:
            if tid in owner and owner[tid] != name:
                print(f"warning: table id '{tid}' is in both {owner[tid]} and {name}")
            owner.setdefault(tid, name)
    if unreadable:
        return 2
    print("all target tables pass" if not failures else f"{failures} table(s) or file(s) fail")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
