#!/usr/bin/env python3
"""A perturbed start for a parameter-recovery run.

    python3 scripts/perturb-start.py PARAMETERS.yaml TRUTH.yaml OUT.yaml [--step 0.1] [--seed 1]

Moves every free parameter of PARAMETERS.yaml (firmsim calibrate's
--parameters file) away from its value in TRUTH.yaml (a scenario, e.g. a
calibration's calibrated.yaml) by STEP of its range in the calibration's own
unit box (log scale: of the log range), up or down by a seeded coin, and
reflected back inside the bounds. The result is a scenario that
`firmsim calibrate --scenario` takes as its start. Written whole or not at
all (a temporary file, then a rename).
"""
import argparse
import math
import os
import random
import sys

import yaml


def to_unit(p, x):
    lo, hi = float(p["lower"]), float(p["upper"])
    if p.get("scale") == "log":
        return (math.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo))
    return (x - lo) / (hi - lo)


def from_unit(p, u):
    lo, hi = float(p["lower"]), float(p["upper"])
    if p.get("scale") == "log":
        return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    return lo + u * (hi - lo)


def moved(u, step, up):
    """u moved by step, reflected at the box's edges so the move keeps its size."""
    v = u + step if up else u - step
    if v > 1.0:
        v = u - step
    if v < 0.0:
        v = u + step
    return min(1.0, max(0.0, v))


def lookup(scenario, key, path):
    node = scenario.get("model", {})
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            sys.exit(f"{path}: key 'model.{key}' is missing (every free parameter needs a true value)")
        node = node[part]
    return float(node)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("parameters")
    ap.add_argument("truth")
    ap.add_argument("out")
    ap.add_argument("--step", type=float, default=0.1, help="move, as a share of each parameter's unit range")
    ap.add_argument("--seed", type=int, default=1, help="seed of the up/down coins")
    a = ap.parse_args()
    try:
        params = yaml.safe_load(open(a.parameters))["parameters"]
        truth = yaml.safe_load(open(a.truth))
    except (OSError, yaml.YAMLError, KeyError, TypeError) as e:
        print(f"perturb-start: {e}", file=sys.stderr)
        sys.exit(2)
    rng = random.Random(a.seed)
    model = {}
    lines = []
    for p in params:
        true_value = lookup(truth, p["key"], a.truth)
        start = from_unit(p, moved(to_unit(p, true_value), a.step, rng.random() < 0.5))
        section, name = p["key"].split(".", 1)
        model.setdefault(section, {})[name] = start
        lines.append(f"#   {p['key']}: {true_value:.6g} -> {start:.6g}")
    header = (f"# A perturbed start: {a.truth} moved by {a.step} of each range (unit box of\n"
              f"# {a.parameters}), coins of seed {a.seed}; made by scripts/perturb-start.py.\n"
              + "\n".join(lines) + "\n")
    body = yaml.safe_dump({"scenario": f"perturbed start ({a.step} of each range, seed {a.seed})",
                           "model": model}, sort_keys=False)
    if os.path.dirname(a.out):
        os.makedirs(os.path.dirname(a.out), exist_ok=True)  # a new run's folder
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(header + body)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
