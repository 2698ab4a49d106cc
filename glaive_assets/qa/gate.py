"""The training gate: whether the schema suite lets this run's records become training data, as data.

The schema suite's blocking check (GATE_CHECK) decides whether glaive_chatml, and everything built from
it, is written. The reports that explain a withheld run must not depend on that check (they would be
held back with the training outputs), so its verdict travels as this plain dict, computed from the
validation report, inside the anomaly report: the Slack alert and pipeline_summary read it there.
"""

from __future__ import annotations

from typing import Any

GATE_CHECK = "schema_suite"
MAX_EXAMPLES = 3  # offending values quoted per failed column expectation
_MAX_EXPECTED_CHARS = 120


def failed_expectations(validation_report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each failed expectation of a validation report (qa/schema.py) with what it expected and saw.

    `observed` is GX's observed value for a table expectation (the row count, the column list), and
    {"unexpected", "of", "examples"} for a per-row one, or {"error"} when GX could not evaluate it.
    """
    failed = []
    for entry in validation_report.get("expectations", []):
        if entry.get("success"):
            continue
        failed.append({
            "expectation": entry["expectation"],
            "column": entry.get("column"),
            "expected": entry.get("kwargs", {}),
            "observed": _observed(entry),
        })
    return failed


def _observed(entry: dict[str, Any]) -> Any:
    if entry.get("errors"):
        return {"error": entry["errors"][0]["message"]}
    if entry.get("observed_value") is not None:
        return entry["observed_value"]
    examples = [example.get("value") for example in entry.get("unexpected_examples", [])[:MAX_EXAMPLES]]
    return {"unexpected": entry.get("unexpected_count"), "of": entry.get("element_count"), "examples": examples}


def training_gate(validation_report: dict[str, Any]) -> dict[str, Any]:
    """The gate's verdict: passed (the training outputs are built) or withheld, with the failures."""
    passed = bool(validation_report.get("success"))
    return {
        "gate": GATE_CHECK,
        "passed": passed,
        "withheld": not passed,
        "expectations_passed": validation_report.get("passed"),
        "expectations_total": validation_report.get("total"),
        "failed_expectations": failed_expectations(validation_report),
    }


def describe_failure(failure: dict[str, Any]) -> str:
    """One failed expectation in a line, e.g.
    "expect_table_row_count_to_be_between: observed 17, expected min_value=24, max_value=29"."""
    name = failure["expectation"] + (f"({failure['column']})" if failure.get("column") else "")
    observed = failure["observed"]
    if isinstance(observed, dict) and "error" in observed:
        seen = f"could not be evaluated: {observed['error']}"
    elif isinstance(observed, dict) and "unexpected" in observed:
        examples = ", ".join(repr(value) for value in observed["examples"])
        seen = f"observed {observed['unexpected']} of {observed['of']} values unexpected"
        seen += f" (e.g. {examples})" if examples else ""
    else:
        seen = f"observed {observed!r}" if isinstance(observed, str) else f"observed {observed}"
    expected = ", ".join(f"{key}={value}" for key, value in failure["expected"].items())
    if len(expected) > _MAX_EXPECTED_CHARS:
        expected = expected[: _MAX_EXPECTED_CHARS - 1] + "…"
    return f"{name}: {seen}" + (f", expected {expected}" if expected else "")
