"""Issue 8 as a new user meets it through the CLI: a good run on a small file, then a 29-row file of which
12 rows are rejected (truncated calls, unreadable lines, wrong types). The schema suite withholds the
training outputs of the second run, and that run still writes its reports, evaluates every check, alerts
Slack once and writes a summary saying what happened."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import orjson
import pytest

from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.manifest import read_manifest
from glaive_assets_tests.harness.dagster_helpers import sample_rows
from glaive_assets_tests.harness.glaive_rows import mostly_rejected_lines, write_jsonl_atomically, write_lines_atomically
from glaive_assets_tests.harness.slack_server import LoopbackSlackServer

TOKEN = "test-token-for-loopback-8d02"  # fake, never a real Slack token
GOOD_ROWS = sample_rows(40, seed=8)  # no rejects, no anomaly
ANOMALY_TITLE = "*Glaive data anomalies*"
EVERY_CHECK = {"schema_suite"} | {f"anomaly_{rule}" for rule in (
    "malformed_rate", "reject_rate", "validation_error_rate", "none_tier_share", "row_count", "avg_turns",
    "avg_calls", "defined_functions_share")} | {f"bias_{family}" for family in ("complexity", "conversation",
                                                                             "capability", "domain")}


def _materialize_all(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    dagster = Path(sys.executable).with_name("dagster")
    return subprocess.run([str(dagster), "asset", "materialize", "-m", "glaive_assets", "--select", "*"],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


def _anomaly_texts(server: LoopbackSlackServer) -> list[str]:
    return [post.payload["text"] for post in server.requests_for("chat.postMessage")
            if post.payload["text"].startswith(ANOMALY_TITLE)]


class Situation:
    """What the two runs left: the CLI results, the data dir, the instance, and Slack's messages per run."""

    def __init__(self, tmp: Path, server: LoopbackSlackServer) -> None:
        self.data, home, self.source = tmp / "data", tmp / "home", tmp / "rows.jsonl"
        home.mkdir()
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DAGSTER_", "GLAIVE_", "SLACK_"))}
        env.update(DAGSTER_HOME=str(home), GLAIVE_DATA_DIR=str(self.data), GLAIVE_SOURCE=str(self.source),
                   GLAIVE_SAMPLE_SIZE="0", SLACK_BOT_TOKEN=TOKEN, SLACK_API_BASE_URL=server.base_url)
        write_jsonl_atomically(self.source, GOOD_ROWS)
        self.good = _materialize_all(env, tmp)
        self.good_anomaly_texts = _anomaly_texts(server)
        self.good_chatml = (self.data / ARTIFACT_PATHS["glaive_chatml"]).read_bytes()
        server.clear()

        write_lines_atomically(self.source, mostly_rejected_lines(GOOD_ROWS[:17]))
        self.bad = _materialize_all(env, tmp)
        self.bad_anomaly_texts = _anomaly_texts(server)
        self.instance = dg.DagsterInstance.from_config(str(home))
        [self.bad_run, self.good_run] = self.instance.get_runs(limit=2)

    def report(self, name: str) -> dict:
        return orjson.loads((self.data / ARTIFACT_PATHS[name]).read_bytes())


@pytest.fixture(scope="module")
def situation(tmp_path_factory: pytest.TempPathFactory):
    with LoopbackSlackServer("ok", expected_token=TOKEN) as server:
        made = Situation(tmp_path_factory.mktemp("withheld_run"), server)
        yield made
        made.instance.dispose()


def test_the_good_run_succeeds_quietly_and_the_bad_one_exits_non_zero(situation):
    assert situation.good.returncode == 0, situation.good.stderr[-3000:]
    assert situation.good_anomaly_texts == []
    assert situation.bad.returncode != 0
    assert "schema_suite" in situation.bad.stderr
    assert situation.good_run.status == dg.DagsterRunStatus.SUCCESS
    assert situation.bad_run.status == dg.DagsterRunStatus.FAILURE


def test_every_report_describes_the_second_run_and_its_raw_file(situation):
    raw_sha256 = hashlib.sha256((situation.data / ARTIFACT_PATHS["glaive_raw"]).read_bytes()).hexdigest()
    assert read_manifest(situation.data)["artifacts"]["glaive_raw"]["rows"] == 29
    for name in ("validation_report", "anomaly_report", "bias_report", "pipeline_summary"):
        report = situation.report(name)
        assert (report["run_id"], report["raw_sha256"]) == (situation.bad_run.run_id, raw_sha256), name


def test_the_anomaly_report_shows_reject_rate_and_malformed_rate_breached(situation):
    checks = {check["check"]: check for check in situation.report("anomaly_report")["checks"]}
    assert (checks["reject_rate"]["is_anomaly"], checks["reject_rate"]["value"]) == (True, 12 / 29)
    assert (checks["malformed_rate"]["is_anomaly"], checks["malformed_rate"]["value"]) == (True, 4 / 29)
    assert situation.report("anomaly_report")["training_outputs"]["withheld"] is True


def test_slack_has_exactly_one_anomaly_message_naming_the_rules_and_the_withheld_outputs(situation):
    [text] = situation.bad_anomaly_texts
    assert situation.bad_run.run_id in text
    assert "• *reject_rate* [WARN]: value 0.413793" in text
    assert "• *malformed_rate* [WARN]: value 0.137931" in text
    assert "*Training outputs withheld*: the blocking check `schema_suite` failed" in text
    assert "expect_table_row_count_to_be_between: observed 17, expected min_value=24, max_value=29" in text


def test_the_run_evaluated_every_check(situation):
    events = situation.instance.all_logs(situation.bad_run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluated = [event.dagster_event.asset_check_evaluation_data for event in events]
    ours = sorted(evaluation.check_name for evaluation in evaluated if evaluation.check_name in EVERY_CHECK)
    assert ours == sorted(EVERY_CHECK)  # 13, each once
    verdicts = {evaluation.check_name: evaluation.passed for evaluation in evaluated}
    assert (verdicts["schema_suite"], verdicts["anomaly_reject_rate"], verdicts["anomaly_malformed_rate"]) == (
        False, False, False)


def test_the_training_outputs_stay_byte_identical_and_the_summary_says_why(situation):
    assert (situation.data / ARTIFACT_PATHS["glaive_chatml"]).read_bytes() == situation.good_chatml
    summary = situation.report("pipeline_summary")
    assert summary["status"] == "failed"
    assert summary["stages"]["training_outputs"]["withheld_by"] == "schema_suite"
    assert "glaive_chatml" in summary["from_older_runs"]
    assert summary["artifacts"]["glaive_chatml"]["run_id"] == situation.good_run.run_id
    assert summary["stages"]["transform"] == {"status": "warning", "processed_rows": 17, "rejected_rows": 12,
                                              "accounted": True, "reject_rate": round(12 / 29, 6)}
