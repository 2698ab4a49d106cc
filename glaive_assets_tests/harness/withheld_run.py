"""Issue 8's situation, shared by the CLI test (defs/test_withheld_run.py) and the dagster dev one
(e2e/test_e2e_withheld.py): a good run on a small file, then a 29-row file of which 12 rows are rejected.
The sources, and what must hold on disk, in the event log and in Slack after the second run."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg
import orjson

from glaive_assets.qa.anomaly import RULES
from glaive_assets.qa.bias import FAMILIES
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets_tests.harness.dagster_helpers import sample_rows
from glaive_assets_tests.harness.glaive_rows import mostly_rejected_lines

GOOD_ROWS = sample_rows(40, seed=8)  # no rejects, no anomaly
BAD_LINES = mostly_rejected_lines(GOOD_ROWS[:17])  # 17 good rows, then 12 that are rejected
ANOMALY_TITLE = "*Glaive data anomalies*"
EVERY_CHECK = {"schema_suite"} | {f"anomaly_{rule}" for rule in RULES} | {f"bias_{family}" for family in FAMILIES}


def report(data_dir: Path, name: str) -> dict:
    return orjson.loads((data_dir / ARTIFACT_PATHS[name]).read_bytes())


def anomaly_texts(texts: list[str]) -> list[str]:
    """The anomaly alerts among Slack messages' texts."""
    return [text for text in texts if text.startswith(ANOMALY_TITLE)]


def assert_reports_describe(data_dir: Path, run_id: str) -> None:
    """Every report and the summary name this run and the raw file it read (29 rows)."""
    raw = (data_dir / ARTIFACT_PATHS["glaive_raw"]).read_bytes()
    assert len(raw.splitlines()) == 29
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    for name in ("validation_report", "anomaly_report", "bias_report", "pipeline_summary"):
        described = report(data_dir, name)
        assert (described["run_id"], described["raw_sha256"]) == (run_id, raw_sha256), name


def assert_rates_breached(data_dir: Path) -> None:
    anomaly = report(data_dir, "anomaly_report")
    checks = {check["check"]: check for check in anomaly["checks"]}
    assert (checks["reject_rate"]["is_anomaly"], checks["reject_rate"]["value"]) == (True, 12 / 29)
    assert (checks["malformed_rate"]["is_anomaly"], checks["malformed_rate"]["value"]) == (True, 4 / 29)
    assert anomaly["training_outputs"]["withheld"] is True


def assert_one_anomaly_message(texts: list[str], run_id: str) -> None:
    """Exactly one anomaly alert: this run's, naming both rates and the withheld training outputs."""
    [text] = anomaly_texts(texts)
    assert run_id in text
    assert "• *reject_rate* [WARN]: value 0.413793" in text
    assert "• *malformed_rate* [WARN]: value 0.137931" in text
    assert "*Training outputs withheld*: the blocking check `schema_suite` failed" in text
    assert "expect_table_row_count_to_be_between: observed 17, expected min_value=24, max_value=29" in text


def assert_every_check_evaluated(instance: dg.DagsterInstance, run_id: str) -> None:
    events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluated = [event.dagster_event.asset_check_evaluation_data for event in events]
    ours = sorted(evaluation.check_name for evaluation in evaluated if evaluation.check_name in EVERY_CHECK)
    assert ours == sorted(EVERY_CHECK)  # 13, each once
    verdicts = {evaluation.check_name: evaluation.passed for evaluation in evaluated}
    assert (verdicts["schema_suite"], verdicts["anomaly_reject_rate"], verdicts["anomaly_malformed_rate"]) == (
        False, False, False)


def assert_training_outputs_withheld(data_dir: Path, good_chatml: bytes, good_run_id: str) -> None:
    """glaive_chatml is the good run's, byte for byte, and the summary says which check kept it."""
    assert (data_dir / ARTIFACT_PATHS["glaive_chatml"]).read_bytes() == good_chatml
    summary = report(data_dir, "pipeline_summary")
    assert summary["status"] == "failed"
    assert summary["stages"]["training_outputs"]["withheld_by"] == "schema_suite"
    assert "glaive_chatml" in summary["from_older_runs"]
    assert summary["artifacts"]["glaive_chatml"]["run_id"] == good_run_id
    assert summary["stages"]["transform"] == {"status": "warning", "processed_rows": 17, "rejected_rows": 12,
                                              "accounted": True, "reject_rate": round(12 / 29, 6)}
