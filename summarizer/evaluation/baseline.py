"""Comparing a run with a baseline report: which scores fell, and which rule decided it.

A metric regresses when its micro average fell by more than is allowed, or was
measured in the baseline and is not now. What is allowed:

- ``tolerance`` given (``--tolerance X``): X for every metric (the "tolerance" rule);
- else, when either report briefed every case several times (``--repeat N``, N >= 2):
  the metric's spread, the larger of the two reports' spreads, a spread being
  max - min of the repeats' micro averages (the "spread" rule);
- else ``DEFAULT_TOLERANCE``: a single run measures no noise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from summarizer.errors import InputError
from summarizer.evaluation.scoring import METRICS, rounded

DEFAULT_TOLERANCE = 0.02

Rule = Literal["tolerance", "spread"]


@dataclass(frozen=True)
class Delta:
    """One metric's micro value in the baseline and now; ``regressed`` when it fell by more
    than ``allowed``, which ``rule`` set."""

    metric: str
    old: float | None
    new: float | None
    regressed: bool
    allowed: float = DEFAULT_TOLERANCE
    rule: Rule = "tolerance"

    @property
    def change(self) -> float | None:
        """New minus old; None when either is undefined."""
        return None if self.old is None or self.new is None else self.new - self.old

    def line(self) -> str:
        """The FAIL line of a regression: the values and the rule that flagged it."""
        if self.rule == "tolerance":
            why = f"fell more than {self.allowed}"
        else:
            why = f"fell more than the spread {self.allowed:.3f} (max - min over repeats)"
        return f"{self.metric}: {_fmt3(self.old)} -> {_fmt3(self.new)} ({why})"


def _fmt3(value: float | None) -> str:
    return "unmeasured" if value is None else f"{value:.3f}"


def load_json_report(path: Path) -> dict[str, Any]:
    """An earlier report.json, for a baseline; InputError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline report") from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not a readable JSON report ({error})") from None
    if not isinstance(data, dict) or not (
        isinstance(data.get("metrics"), dict) or isinstance(data.get("columns"), list)
    ):
        raise InputError(f"{path}: not an eval report (no 'metrics'); give a report.json")
    return data


def _repeated(report: dict[str, Any]) -> bool:
    return int(report.get("repeats") or 1) > 1


def _spread(report: dict[str, Any], name: str) -> float:
    if not _repeated(report):
        return 0.0
    return float((report["metrics"].get(name) or {}).get("spread") or 0.0)


def rule_of(report: dict[str, Any], baseline: dict[str, Any], tolerance: float | None) -> Rule:
    """Which rule judges this comparison (see the module's docstring)."""
    if tolerance is None and (_repeated(report) or _repeated(baseline)):
        return "spread"
    return "tolerance"


def compare(
    report: dict[str, Any], baseline: dict[str, Any], tolerance: float | None = None
) -> list[Delta]:
    """Micro value of each metric now and in the baseline, and whether it regressed."""
    rule = rule_of(report, baseline, tolerance)
    deltas = []
    for name in METRICS:
        old = (baseline["metrics"].get(name) or {}).get("micro")
        new = report["metrics"][name]["micro"]
        if rule == "spread":
            allowed = max(_spread(report, name), _spread(baseline, name))
        else:
            allowed = DEFAULT_TOLERANCE if tolerance is None else tolerance
        fell = old is not None and (new is None or new < old - allowed - 1e-9)
        deltas.append(Delta(name, old, new, fell, allowed, rule))
    return deltas


def rule_text(deltas: list[Delta], tolerance: float | None) -> str:
    """The rule applied, in words, for reports."""
    if deltas and deltas[0].rule == "spread":
        return ("spread: a drop counts when larger than the metric's spread (max - min of "
                "the repeats' micro averages, the larger of this run's and the baseline's)")
    if tolerance is None:
        return f"tolerance {DEFAULT_TOLERANCE} (default; neither run was repeated)"
    return f"tolerance {tolerance} (--tolerance)"


def judge(report: dict[str, Any], deltas: list[Delta], tolerance: float | None) -> list[str]:
    """The regression lines, also recorded in ``report["baseline"]``."""
    regressions = [d.line() for d in deltas if d.regressed]
    report["baseline"] = {
        "rule": deltas[0].rule if deltas else "tolerance",
        "rule_text": rule_text(deltas, tolerance),
        "tolerance": tolerance,
        "allowed": {d.metric: rounded(d.allowed) for d in deltas},
        "change": {d.metric: rounded(d.change) for d in deltas},
        "regressions": regressions,
    }
    return regressions


def comparability(report: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Why the two reports may not be comparable: other engine or model, other cases."""
    notes = []
    for key in ("engine", "model", "similarity"):
        if baseline.get(key, "lexical" if key == "similarity" else None) != report.get(key):
            notes.append(f"baseline {key} is {baseline.get(key)!r}, this run's is {report[key]!r}")
    scored = {c["id"] for c in report["cases"] if c["status"] != "missing"}
    before = {c["id"] for c in baseline.get("cases", []) if c.get("status") != "missing"}
    if scored != before:
        notes.append(f"baseline scored {len(before)} cases, this run {len(scored)}; "
                     f"{len(scored ^ before)} differ, so averages are over different cases")
    return notes
