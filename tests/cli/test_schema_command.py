"""``summarizer schema``: the JSON Schema of the brief, and the committed copy in schemas/."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.cli.schema import schema_json

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "summarizer schema --output schemas/brief.schema.json"


def test_committed_json_schema_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "brief.schema.json"
    result = CliRunner().invoke(app, ["schema", "--output", str(fresh)])
    assert result.exit_code == 0, result.output
    committed = (ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8")
    assert committed == fresh.read_text(encoding="utf-8") == schema_json(), (
        f"schemas/brief.schema.json is stale: run `{REGENERATE}`"
    )


def test_json_schema_describes_the_required_keys() -> None:
    schema = json.loads(schema_json())
    assert set(schema["required"]) >= {"summary", "meta"}
    for key in ("parties", "sources", "claims", "unknowns", "open_questions"):
        assert key in schema["properties"]
    evidence = schema["$defs"]["Evidence"]["properties"]
    assert set(evidence) == {"text", "start", "end"}
