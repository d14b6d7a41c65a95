#!/usr/bin/env python3
"""The scripts that compare calibrate reports read them through one parser
(scripts/fit_report.py). These tests feed it small reports shaped as
calibrate/report.cpp writes them, and check what the summaries make of
them. Standard library only (the PyYAML-needing paths are skipped without it).
"""
import math
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")
sys.path.insert(0, SCRIPTS)
import fit_report  # noqa: E402

REPORT = """# Calibration fit

Objective (weighting floor 0.1): start 2,062.5, optimum 1,057.6.

{warning}## Estimates

| parameter | scale | bounds | start | estimate | s.e. | 95% interval |
|---|---|---|---|---|---|---|
| `exports.scale` | log | [500, 2e+04] | 3725 | {scale} | 332 | [3074, 4377] |
| `exports.sunk_cost` | log | [1e+04, 4e+05] | 1e+04 | 1e+04 | 1.92e+03 | [6235, 1.376e+04] (at a bound) |
| `exports.hysteresis_band` | linear | [0, 2] | 0.04 | 0.05 | not identified | - |

## Moments

| `not.a.parameter` | moment | 1 | 2 | 3 | 4 | 5 |
"""


def write(folder, name, text):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


class FitReportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_reads_estimates_objectives_and_flags(self):
        fit = fit_report.read(write(self.dir, "fit.md", REPORT.format(warning="", scale=3800)))
        self.assertEqual(fit.start_objective, 2062.5)
        self.assertEqual(fit.optimum, 1057.6)
        self.assertTrue(fit.converged)
        self.assertEqual(list(fit.estimates), ["exports.scale", "exports.sunk_cost", "exports.hysteresis_band"])
        self.assertEqual(fit.estimates["exports.scale"].value, 3800)
        self.assertEqual(fit.estimates["exports.scale"].start, 3725)
        self.assertEqual(fit.estimates["exports.sunk_cost"].se, 1920)
        self.assertTrue(fit.estimates["exports.sunk_cost"].at_bound)
        self.assertFalse(fit.estimates["exports.scale"].at_bound)
        self.assertTrue(math.isnan(fit.estimates["exports.hysteresis_band"].se))

    def test_a_not_converged_report_says_so(self):
        text = REPORT.format(warning="**Not converged: the budget ran out.**\n\n", scale=3800)
        self.assertFalse(fit_report.read(write(self.dir, "fit.md", text)).converged)

    def test_a_file_that_is_no_report_is_an_error_naming_it(self):
        path = write(self.dir, "notes.md", "# Notes\n\nnothing here\n")
        with self.assertRaisesRegex(fit_report.FitReportError, "notes.md"):
            fit_report.read(path)
        with self.assertRaisesRegex(fit_report.FitReportError, "missing.md"):
            fit_report.read(os.path.join(self.dir, "missing.md"))

    def run_script(self, name, *args):
        return subprocess.run([sys.executable, os.path.join(SCRIPTS, name), *args],
                              capture_output=True, text=True)

    def test_multistart_summary_compares_starts_and_fails_cleanly(self):
        a = write(self.dir, "a/fit.md", REPORT.format(warning="", scale=3725))
        b = write(self.dir, "b/fit.md", REPORT.format(warning="", scale=9000))
        out = self.run_script("multistart-summary.py", f"one={a}", f"two={b}")
        self.assertEqual(out.returncode, 0, out.stderr)
        # The same objective: within 2%; the scale 9,000 against 3,725 with
        # s.e. 332 each: not within 2 s.e. of the difference.
        self.assertIn("within 2% of the lowest: yes", out.stdout)
        self.assertIn("| `exports.scale` | 3725 (332) | 9000 (332) | two no |", out.stdout)
        bad = write(self.dir, "bad.md", "no report\n")
        out = self.run_script("multistart-summary.py", f"one={a}", f"two={bad}")
        self.assertEqual(out.returncode, 2)
        self.assertIn("bad.md", out.stderr)

    def test_bootstrap_summary_labels_later_stages_by_their_path(self):
        try:
            import yaml  # noqa: F401
        except ImportError:
            self.skipTest("PyYAML is not installed")
        truth = write(self.dir, "truth.yaml",
                      "model:\n  exports:\n    scale: 3725\n    sunk_cost: 10000\n    hysteresis_band: 0.05\n")
        write(self.dir, "r1/fit.md", REPORT.format(warning="", scale=5000))
        last = write(self.dir, "r1/continued/continued/fit.md", REPORT.format(warning="", scale=3800))
        out = self.run_script("bootstrap-summary.py", truth, last)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("| r1 (continued/continued) | 2062.5 | 1057.6 |", out.stdout)
        # scale 3,800 against 3,725 (s.e. 332) and the sunk cost at the truth:
        # 2 of the 2 parameters with a standard error.
        self.assertIn("2 of 2 (replicate, parameter) pairs", out.stdout)
        out = self.run_script("bootstrap-summary.py", os.path.join(self.dir, "missing.yaml"), last)
        self.assertEqual(out.returncode, 2)
        self.assertIn("missing.yaml", out.stderr)


if __name__ == "__main__":
    unittest.main()
