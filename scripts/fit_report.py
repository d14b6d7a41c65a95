"""Reading `firmsim calibrate`'s report (fit.md): one parser for the scripts
that compare reports (recovery-table.py, bootstrap-summary.py, which
`bootstrap-round2.sh --summary` and `recovery-shipped.sh --summary` call,
and multistart-summary.py).

    import fit_report
    fit = fit_report.read("docs/calibration/.../fit.md")
    fit.optimum, fit.estimates["exports.scale"].se

The Estimates table's rows are

    | `key` | scale | bounds | start | estimate | s.e. | 95% interval |

where s.e. may be "not identified" (read as nan), and the objective line
says "start X, optimum Y" with thousands separators or not. A report that
lacks either raises FitReportError naming the file. Standard library only.
"""
import math
import re
from dataclasses import dataclass, field

_ROW = re.compile(r"^\| `([^`]+)` \| (\w+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|(.*)$")
_OBJECTIVE = re.compile(r"start ([0-9][0-9,]*(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?), "
                        r"optimum ([0-9][0-9,]*(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)")


class FitReportError(Exception):
    """A file that is not a readable calibrate report."""


@dataclass
class Estimate:
    start: float
    value: float
    se: float  # nan: not identified
    at_bound: bool


@dataclass
class FitReport:
    path: str
    start_objective: float
    optimum: float
    converged: bool  # no "Not converged" warning
    estimates: dict = field(default_factory=dict)  # key -> Estimate, in the report's order


def number(text):
    """A report's number; nan where it has none ("not identified", "-")."""
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return math.nan


def read(path):
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise FitReportError(f"{path}: {e.strerror}") from None
    estimates = {}
    for line in text.splitlines():
        m = _ROW.match(line)
        if m and m.group(2) in ("log", "linear"):
            estimates[m.group(1)] = Estimate(number(m.group(4)), number(m.group(5)), number(m.group(6)),
                                             "(at a bound)" in m.group(7))
    objective = _OBJECTIVE.search(text)
    if not estimates or not objective:
        raise FitReportError(f"{path}: no Estimates table or no 'start X, optimum Y' line "
                             "(is it a calibrate fit.md?)")
    return FitReport(path, number(objective.group(1)), number(objective.group(2)),
                     "Not converged" not in text, estimates)


def truth_values(scenario_path):
    """The model values of a scenario (e.g. a calibrated.yaml) as {"section.key": value}."""
    import yaml  # only the callers that compare with a truth need PyYAML

    with open(scenario_path) as f:
        model = (yaml.safe_load(f) or {}).get("model") or {}
    return {f"{section}.{name}": v for section, d in model.items() for name, v in d.items()}
