"""End to end: issue 8's bad file under a real dagster dev. The source sensor starts a good run, then,
when the file changes to 29 rows of which 12 are rejected, a run that the schema suite fails: it still
writes every report, evaluates every check, sends one anomaly alert saying the training outputs were
withheld, keeps glaive_chatml byte-identical and writes a summary naming schema_suite. The daemon's
run-failure sensor then posts the failed run without repeating the schema suite's verdict."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pytest

from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets_tests.harness import withheld_run
from glaive_assets_tests.harness.dagster_dev import DagsterDev, LaunchDagsterDev, wait_for
from glaive_assets_tests.harness.glaive_rows import write_jsonl_atomically, write_lines_atomically
from glaive_assets_tests.harness.slack_server import LoopbackSlackServer

SENSOR = "glaive_source_changed"
INTERVAL_SECONDS = 5
TOKEN = "test-token-for-loopback-e2e-8"  # fake, never a real Slack token

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def slack_server() -> Iterator[LoopbackSlackServer]:
    with LoopbackSlackServer("ok", expected_token=TOKEN) as server:
        yield server


def _texts(server: LoopbackSlackServer) -> list[str]:
    return [post.payload["text"] for post in server.requests_for("chat.postMessage")]


@pytest.mark.timeout(600)
def test_a_sensor_run_on_the_bad_file_withholds_only_the_training_outputs(
    launch_dagster_dev: LaunchDagsterDev, slack_server: LoopbackSlackServer, tmp_path
) -> None:
    source = tmp_path / "glaive_source.jsonl"
    write_jsonl_atomically(source, withheld_run.GOOD_ROWS)
    dev: DagsterDev = launch_dagster_dev("withheld_dev", {
        "GLAIVE_SOURCE": str(source),
        "GLAIVE_SAMPLE_SIZE": "0",
        "GLAIVE_SOURCE_SENSOR_INTERVAL": str(INTERVAL_SECONDS),
        "GLAIVE_AUTOMATION_INTERVAL": str(INTERVAL_SECONDS),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_BASE_URL": slack_server.base_url,
    })

    [first] = wait_for(lambda: dev.runs(tags={"dagster/sensor_name": SENSOR}), timeout=90,
                       what=f"{SENSOR}'s first run", diagnostics=dev.log_tail)
    good_run = dev.wait_for_run_to_finish(first.run_id, timeout=240)
    good_chatml = (dev.data_dir / ARTIFACT_PATHS["glaive_chatml"]).read_bytes()
    assert withheld_run.anomaly_texts(_texts(slack_server)) == []
    slack_server.clear()

    write_lines_atomically(source, withheld_run.BAD_LINES)
    [second] = wait_for(
        lambda: [run for run in dev.runs(tags={"dagster/sensor_name": SENSOR}) if run.run_id != good_run.run_id],
        timeout=INTERVAL_SECONDS * 8, what=f"{SENSOR} to notice the bad file", diagnostics=dev.log_tail)
    bad_run = dev.wait_for_run_to_end(second.run_id, timeout=240)
    assert bad_run.status == "FAILURE", dev.run_errors(bad_run.run_id)

    withheld_run.assert_reports_describe(dev.data_dir, bad_run.run_id)
    withheld_run.assert_rates_breached(dev.data_dir)
    withheld_run.assert_training_outputs_withheld(dev.data_dir, good_chatml, good_run.run_id)
    with dg.DagsterInstance.from_config(str(dev.dagster_home)) as instance:
        withheld_run.assert_every_check_evaluated(instance, bad_run.run_id)

    # The daemon's run-failure sensor posts the failed run too; the anomaly alert stays the only one.
    failure_posts = wait_for(
        lambda: [text for text in _texts(slack_server) if text.startswith("*Glaive run failed*")],
        timeout=90, what="slack_on_run_failure to post the failed run", diagnostics=dev.log_tail)
    assert len(failure_posts) == 1 and bad_run.run_id in failure_posts[0]
    texts = _texts(slack_server)
    withheld_run.assert_one_anomaly_message(texts, bad_run.run_id)
    assert not any("schema_suite` [ERROR]" in text for text in texts if text.startswith("*Glaive asset check"))
