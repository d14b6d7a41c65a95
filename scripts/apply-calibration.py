#!/usr/bin/env python3
"""Writes the estimates of a calibration (its calibrated.yaml overlay) into a
config's own lines, keeping every comment, and marks each changed line with
the value it replaced: "(before calibration: X)" the first time, then
"(previous estimate: Y)" beside it.

    python3 scripts/apply-calibration.py docs/calibration/calibrated.yaml configs/belgium.yaml

Each estimated key must already be in the config (model.SECTION.KEY); an
estimate for a key the config lacks is an error (exit 2), nothing written.
"""
import re
import struct
import sys

import yaml


def estimates(overlay_path):
    with open(overlay_path) as f:
        overlay = yaml.safe_load(f)
    out = {}
    for section, keys in (overlay.get("model") or {}).items():
        for key, value in keys.items():
            out[(section, key)] = value
    return out


def same_in_the_model(old_text, estimate):
    """The model reads its parameters as 32-bit floats, and the calibration
    writes back what it read: a value that differs from the config's only
    beyond float precision is the same parameter, not a new estimate."""
    try:
        old = float(old_text)
    except ValueError:
        return False
    pack = lambda v: struct.pack("<f", v)
    return pack(old) == pack(float(estimate))


def apply(config_text, values):
    lines = config_text.split("\n")
    section = None
    in_model = False
    seen = set()
    line_re = re.compile(r"^(    )([a-z_]+):(\s*)([^#\s][^#]*?)(\s*)(#.*)?$")
    for i, line in enumerate(lines):
        if re.match(r"^[a-z_]+:", line):
            in_model = line.startswith("model:")
            section = None
            continue
        m = re.match(r"^  ([a-z_]+):\s*$", line)
        if in_model and m:
            section = m.group(1)
            continue
        m = line_re.match(line)
        if not (in_model and section and m):
            continue
        key = (section, m.group(2))
        if key not in values:
            continue
        old = m.group(4)
        seen.add(key)
        if same_in_the_model(old, values[key]):
            continue  # a parameter the search left where it was: the line stays
        new = repr(float(values[key]))  # the shortest text that reads back as the estimate
        if new.endswith(".0"):
            new = new[:-2]
        comment = m.group(6) or ""
        if old != new:
            # The first calibration notes the hand-set value; a later one keeps
            # that note and notes the estimate it replaced beside it.
            if "(before calibration:" in comment:
                comment = re.sub(r"\s*\(previous estimate: [^)]*\)", "", comment)
                comment += " (previous estimate: %s)" % old
            else:
                comment = (comment + " " if comment else "# ") + "(before calibration: %s)" % old
        width = len(old) + len(m.group(5))  # keep the comments' column where the value fits
        value = new.ljust(width - 1) if comment else new
        lines[i] = "%s%s:%s%s%s%s" % (m.group(1), m.group(2), m.group(3), value, " " if comment else "", comment)
    missing = set(values) - seen
    if missing:
        sys.exit("apply-calibration: the config has no line for " + ", ".join("model.%s.%s" % k for k in sorted(missing)))
    return "\n".join(lines)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    overlay, config = sys.argv[1], sys.argv[2]
    values = estimates(overlay)
    with open(config) as f:
        text = apply(f.read(), values)
    with open(config + ".tmp", "w") as f:
        f.write(text)
    import os
    os.replace(config + ".tmp", config)
    print("apply-calibration: %d estimates written into %s" % (len(values), config))


if __name__ == "__main__":
    main()
