"""Fixtures for the tests of the Dagster layer: a loopback Slack (the server is
glaive_assets_tests/harness/slack_server.py) and the whole graph run once on the planted source
(glaive_assets_tests/harness/planted.py)."""

import shutil

import dagster as dg
import pytest

from glaive_assets.defs.alerts.resources import GlaiveSlackResource
from glaive_assets_tests.harness.dagster_helpers import materialize, run_config
from glaive_assets_tests.harness.planted import PlantedGraph, write_eval_file, write_planted_source
from glaive_assets_tests.harness.slack_server import LoopbackSlackServer

TOKEN = "test-token-for-loopback-7c41"  # fake, never a real Slack token


@pytest.fixture
def slack_server():
    with LoopbackSlackServer("ok", expected_token=TOKEN) as server:
        yield server


@pytest.fixture
def slack(slack_server) -> GlaiveSlackResource:
    """The Slack resource pointed at the loopback server."""
    return GlaiveSlackResource(token=TOKEN, channel="#glaive-test", base_url=slack_server.base_url, timeout_seconds=3)


@pytest.fixture(scope="session")
def planted_eval_file(tmp_path_factory):
    return write_eval_file(tmp_path_factory.mktemp("eval") / "bfcl_style.jsonl")


@pytest.fixture(scope="session")
def planted_graph(tmp_path_factory):
    """The whole graph, every asset and check, once on the planted source (no eval set). Tests must not
    change its data dir: those that rerun steps take `planted_data_copy`."""
    scratch = tmp_path_factory.mktemp("planted_graph")
    source = write_planted_source(scratch / "rows.jsonl")
    (scratch / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(scratch / "home")) as instance:
        result = materialize(instance, scratch / "data", run_config(source=str(source), sample_size=0))
        yield PlantedGraph(scratch / "data", result, instance)


@pytest.fixture
def planted_data_copy(planted_graph, tmp_path):
    """A copy of the planted graph's data dir, for a test that reruns some steps on it."""
    return shutil.copytree(planted_graph.data_dir, tmp_path / "data_copy")
