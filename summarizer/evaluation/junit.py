"""JUnit XML of an eval, for CI test reports: one test suite per column, holding a test
case per eval case (failed when the engine failed on it or its article is missing),
per threshold (with ``--check``) and per baseline metric (with ``--baseline``)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from summarizer.evaluation.report import CASE_COLUMNS, fmt
from summarizer.evaluation.thresholds import IF_MEASURED

if TYPE_CHECKING:
    from summarizer.evaluation.side_by_side import ColumnRun

# Characters XML 1.0 cannot carry, even escaped (a model may answer with them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _case(suite: ET.Element, classname: str, name: str, seconds: float = 0.0) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=_text(classname), name=_text(name),
                         time=f"{seconds:.3f}")  # fmt: skip


def _fail(case: ET.Element, message: str, kind: str) -> None:
    failure = ET.SubElement(case, "failure", message=_text(message), type=kind)
    failure.text = _text(message)


def _eval_cases(suite: ET.Element, prefix: str, report: dict[str, Any]) -> None:
    for entry in report["cases"]:
        case = _case(suite, f"{prefix}.cases", entry["id"], entry["seconds"])
        if entry["status"] != "ok":
            _fail(case, f"{entry['status']}: {entry['message']}", entry["status"])
        scores = entry.get("scores") or {}
        out = ET.SubElement(case, "system-out")
        out.text = _text(" · ".join(f"{h} {fmt(scores.get(n))}" for n, h in CASE_COLUMNS))


def _thresholds(suite: ET.Element, prefix: str, report: dict[str, Any]) -> None:
    check = report["check"]
    failures: list[str] = check["failures"]
    case = _case(suite, f"{prefix}.thresholds", "every case run")
    for line in failures:
        if "not run" in line:
            _fail(case, line, "missing")
    for key, minimum in check["minimums"].items():
        name = key.removesuffix(IF_MEASURED)
        when = " when measured" if key.endswith(IF_MEASURED) else ""
        case = _case(suite, f"{prefix}.thresholds", f"{name} >= {minimum:.2f}{when}")
        for line in failures:
            if line.startswith(f"{name}: "):
                _fail(case, line, "threshold")


def _baseline(suite: ET.Element, prefix: str, run: ColumnRun) -> None:
    for delta in run.deltas or []:
        case = _case(suite, f"{prefix}.baseline", delta.metric)
        if delta.regressed:
            _fail(case, delta.line(), "regression")


def to_junit(runs: list[ColumnRun]) -> str:
    """The JUnit XML document of ``runs`` (judged: checks and baselines recorded)."""
    root = ET.Element("testsuites", name="summarizer eval")
    for run in runs:
        prefix = "eval." + run.column.folder
        suite = ET.SubElement(root, "testsuite", name=_text(f"eval {run.column.name}"))
        _eval_cases(suite, prefix, run.report)
        if "check" in run.report:
            _thresholds(suite, prefix, run.report)
        _baseline(suite, prefix, run)
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
        suite.set("errors", "0")
        suite.set("time", f"{sum(float(c.get('time') or 0) for c in cases):.3f}")
    root.set("tests", str(sum(int(s.get("tests") or 0) for s in root)))
    root.set("failures", str(sum(int(s.get("failures") or 0) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
