"""A loopback Slack for the tests of the Dagster layer (the server is glaive_assets_tests/harness/slack_server.py)."""

import pytest

from glaive_assets.defs.alerts.resources import GlaiveSlackResource
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
