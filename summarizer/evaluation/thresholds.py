"""Thresholds: minimum scores per profile (evals/thresholds.yaml), checking a report
against them, and judging a run (baseline regressions, then threshold failures).

``metric?: 0.9`` in the thresholds file checks the metric only when something was
scored; a plain ``metric: 0.9`` fails when it could not be measured.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from summarizer.errors import ConfigError
from summarizer.evaluation.scoring import METRICS, rounded

if TYPE_CHECKING:
    from summarizer.evaluation.report import Delta

IF_MEASURED = "?"  # "metric?: 0.9" in thresholds.yaml: checked only when something was scored


def load_thresholds(path: Path, profile: str) -> dict[str, float]:
    """The minimum micro scores of ``profile`` in ``path`` (keys may end in ``?``);
    ConfigError for a missing file, an unknown profile or metric, or a bad value."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such thresholds file") from None
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read thresholds ({type(error).__name__})") from None
    if not isinstance(data, dict) or profile not in data:
        known = ", ".join(data) if isinstance(data, dict) else "none"
        raise ConfigError(f"{path}: no thresholds for {profile!r} (has: {known})")
    minimums = data[profile] or {}
    if not isinstance(minimums, dict):
        raise ConfigError(f"{path}: {profile} must map metric names to minimum scores")
    for name, value in minimums.items():
        if str(name).removesuffix(IF_MEASURED) not in METRICS:
            raise ConfigError(f"{path}: {profile}: unknown metric {name!r}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ConfigError(f"{path}: {profile}: {name} must be a number in [0, 1]")
    return {str(k): float(v) for k, v in minimums.items()}


def check(report: dict[str, Any], minimums: dict[str, float]) -> list[str]:
    """One line per failure: a metric below its minimum (or unmeasured), or missing cases."""
    failures = []
    missing = [c["id"] for c in report["cases"] if c["status"] == "missing"]
    if missing:
        failures.append(f"{len(missing)} case(s) not run, article missing: {', '.join(missing)}")
    for key, minimum in minimums.items():
        name = key.removesuffix(IF_MEASURED)
        value = report["metrics"][name]["micro"]
        if value is None and key.endswith(IF_MEASURED):
            continue
        if value is None:
            failures.append(f"{name}: not measured (nothing to score), minimum {minimum:.2f}")
        elif value < minimum:
            failures.append(f"{name}: {value:.3f} < minimum {minimum:.2f}")
    return failures


def minimum_of(minimums: dict[str, float], metric: str) -> float | None:
    """The minimum set for ``metric`` (plain or checked-if-measured), None when unset."""
    return minimums.get(metric, minimums.get(metric + IF_MEASURED))


def _fmt3(value: float | None) -> str:
    return "unmeasured" if value is None else f"{value:.3f}"


def judge(
    report: dict[str, Any],
    deltas: list[Delta] | None,
    tolerance: float,
    minimums: dict[str, float] | None,
    profile: str,
) -> list[str]:
    """The failures of a run (regressions, then checks), also recorded in the report."""
    failures: list[str] = []
    if deltas is not None:
        regressions = [
            f"{d.metric}: {_fmt3(d.old)} -> {_fmt3(d.new)} (fell more than {tolerance})"
            for d in deltas
            if d.regressed
        ]
        report["baseline"] = {
            "tolerance": tolerance,
            "change": {d.metric: rounded(d.change) for d in deltas},
            "regressions": regressions,
        }
        failures += regressions
    if minimums is not None:
        below = check(report, minimums)
        report["check"] = {"profile": profile, "minimums": minimums, "failures": below}
        failures += below
    return failures
