"""Issue 8 as a new user meets it through the CLI: a good run on a small file, then a 29-row file of which
12 rows are rejected (truncated calls, unreadable lines, wrong types). The schema suite withholds the
training outputs of the second run, and that run still writes its reports, evaluates every check, alerts
Slack once and writes a summary saying what happened (harness/withheld_run.py holds what must hold)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets_tests.harness import withheld_run
from glaive_assets_tests.harness.glaive_rows import write_jsonl_atomically, write_lines_atomically
from glaive_assets_tests.harness.slack_server import LoopbackSlackServer

TOKEN = "test-token-for-loopback-8d02"  # fake, never a real Slack token


def _materialize_all(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    dagster = Path(sys.executable).with_name("dagster")
    return subprocess.run([str(dagster), "asset", "materialize", "-m", "glaive_assets", "--select", "*"],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


def _texts(server: LoopbackSlackServer) -> list[str]:
    return [post.payload["text"] for post in server.requests_for("chat.postMessage")]


class Situation:
    """What the two CLI runs left: their results, the data dir, the instance, and Slack's messages per run."""

    def __init__(self, tmp: Path, server: LoopbackSlackServer) -> None:
        self.data, home, source = tmp / "data", tmp / "home", tmp / "rows.jsonl"
        home.mkdir()
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DAGSTER_", "GLAIVE_", "SLACK_"))}
        env.update(DAGSTER_HOME=str(home), GLAIVE_DATA_DIR=str(self.data), GLAIVE_SOURCE=str(source),
                   GLAIVE_SAMPLE_SIZE="0", SLACK_BOT_TOKEN=TOKEN, SLACK_API_BASE_URL=server.base_url)
        write_jsonl_atomically(source, withheld_run.GOOD_ROWS)
        self.good = _materialize_all(env, tmp)
        self.good_texts = _texts(server)
        self.good_chatml = (self.data / ARTIFACT_PATHS["glaive_chatml"]).read_bytes()
        server.clear()

        write_lines_atomically(source, withheld_run.BAD_LINES)
        self.bad = _materialize_all(env, tmp)
        self.bad_texts = _texts(server)
        self.instance = dg.DagsterInstance.from_config(str(home))
        [self.bad_run, self.good_run] = self.instance.get_runs(limit=2)


@pytest.fixture(scope="module")
def situation(tmp_path_factory: pytest.TempPathFactory):
    with LoopbackSlackServer("ok", expected_token=TOKEN) as server:
        made = Situation(tmp_path_factory.mktemp("withheld_run"), server)
        yield made
        made.instance.dispose()


def test_the_good_run_succeeds_without_an_alert_and_the_bad_one_exits_non_zero(situation):
    assert situation.good.returncode == 0, situation.good.stderr[-3000:]
    assert withheld_run.anomaly_texts(situation.good_texts) == []
    assert situation.bad.returncode != 0
    assert "validation_report: schema_suite" in situation.bad.stderr
    assert (situation.good_run.status, situation.bad_run.status) == (
        dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)


def test_every_report_describes_the_second_run_and_its_raw_file(situation):
    withheld_run.assert_reports_describe(situation.data, situation.bad_run.run_id)


def test_the_anomaly_report_shows_reject_rate_and_malformed_rate_breached(situation):
    withheld_run.assert_rates_breached(situation.data)


def test_slack_has_exactly_one_anomaly_message_naming_the_rules_and_the_withheld_outputs(situation):
    withheld_run.assert_one_anomaly_message(situation.bad_texts, situation.bad_run.run_id)


def test_the_run_evaluated_every_check(situation):
    withheld_run.assert_every_check_evaluated(situation.instance, situation.bad_run.run_id)


def test_the_training_outputs_stay_byte_identical_and_the_summary_says_why(situation):
    withheld_run.assert_training_outputs_withheld(situation.data, situation.good_chatml, situation.good_run.run_id)
