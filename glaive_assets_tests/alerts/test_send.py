"""send_alert with the real slack_sdk WebClient against the loopback Slack server.

Nothing is mocked: each test runs an HTTP server on 127.0.0.1 and asserts on what it received.
"""

import logging
import socket
import time
from collections.abc import Iterator

import dagster as dg
import pytest

from glaive_assets.alerts import AlertOutcome, format_anomaly_message, send_alert
from glaive_assets.defs.alerts.resources import GlaiveSlackResource, slack_resource_from_env
from glaive_assets_tests.harness.slack_server import LoopbackSlackServer

TOKEN = "test-bot-token-3f9a7c1e"  # fake; unique so that its absence from logs means something
CHANNEL = "#glaive-test-alerts"
RUN_ID = "9d0e5b7a-1c2f-4e3d-8a6b-5f4c3d2e1a0b"
RUN_URL = f"http://127.0.0.1:3000/runs/{RUN_ID}"
REPORT = {  # the shape of qa/anomaly.py's anomaly_report.json
    "total_checks": 2,
    "checks": [
        {"check": "reject_rate", "value": 0.125, "threshold": 0.05, "comparison": ">", "is_anomaly": True,
         "severity": "WARN", "message": "", "description": "all rejects / raw rows"},
        {"check": "row_count", "value": 812, "threshold": 4000, "comparison": "<", "is_anomaly": True,
         "severity": "ERROR", "message": "", "description": "processed records"},
    ],
}
LOG = logging.getLogger("glaive_assets_tests.alerts")


@pytest.fixture
def slack_server() -> Iterator[LoopbackSlackServer]:
    with LoopbackSlackServer(expected_token=TOKEN, slow_seconds=4.0) as server:
        yield server


@pytest.fixture(autouse=True)
def _capture_everything(caplog: pytest.LogCaptureFixture) -> None:
    # DEBUG on the root logger: slack_sdk's own request/response logging is captured too.
    caplog.set_level(logging.DEBUG)


def _resource(server: LoopbackSlackServer, token: str | None = TOKEN, timeout: float = 5.0) -> GlaiveSlackResource:
    return GlaiveSlackResource(token=token, channel=CHANNEL, base_url=server.base_url, timeout_seconds=timeout)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _assert_token_absent(caplog: pytest.LogCaptureFixture, outcome: AlertOutcome) -> None:
    assert caplog.records, "expected log records to search"
    assert TOKEN not in caplog.text
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert TOKEN not in repr(outcome) and TOKEN not in repr(outcome.as_metadata())


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOG.name and r.levelno == logging.WARNING]


def test_sent_alert_reaches_the_channel_with_rules_values_thresholds_and_run_link(
    slack_server: LoopbackSlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    message = format_anomaly_message(REPORT, RUN_ID, RUN_URL)
    outcome = send_alert(_resource(slack_server), message, LOG)

    [request] = slack_server.requests
    assert request.path == "/api/chat.postMessage"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.payload["channel"] == CHANNEL
    assert request.payload["text"] == message["text"]
    assert request.payload["blocks"] == message["blocks"]
    for fragment in ("reject_rate", "value 0.125", "max 0.05", "row_count", "value 812", "min 4000", RUN_URL):
        assert fragment in request.payload["text"]

    assert outcome == AlertOutcome(status="sent", channel=CHANNEL, message_ts=f"{request.received_at:.6f}")
    assert _warnings(caplog) == []
    _assert_token_absent(caplog, outcome)


@pytest.mark.parametrize(
    ("mode", "token", "error"),
    [
        ("http_500", TOKEN, "http_500"),
        ("invalid_auth", TOKEN, "invalid_auth"),
        ("ok", "test-bot-token-wrong", "invalid_auth"),  # the server's own Authorization check
    ],
)
def test_slack_errors_become_a_failed_outcome_after_one_attempt(
    slack_server: LoopbackSlackServer, caplog: pytest.LogCaptureFixture, mode: str, token: str, error: str
) -> None:
    slack_server.mode = mode
    outcome = send_alert(_resource(slack_server, token=token), format_anomaly_message(REPORT, RUN_ID, RUN_URL), LOG)

    assert outcome == AlertOutcome(status="failed", channel=CHANNEL, error=error)
    assert len(slack_server.requests) == 1  # no retry
    assert len(_warnings(caplog)) == 1 and f"failed ({error})" in _warnings(caplog)[0]
    _assert_token_absent(caplog, outcome)
    assert "test-bot-token-wrong" not in caplog.text


def test_a_dropped_connection_is_not_retried(
    slack_server: LoopbackSlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    # slack_sdk's default retry handler would send this request a second time.
    slack_server.mode = "drop"
    outcome = send_alert(_resource(slack_server), format_anomaly_message(REPORT, RUN_ID, RUN_URL), LOG)

    assert outcome == AlertOutcome(status="failed", channel=CHANNEL, error="unreachable")
    assert len(slack_server.requests) == 1
    _assert_token_absent(caplog, outcome)


def test_closed_port_is_unreachable_and_returns_at_once(caplog: pytest.LogCaptureFixture) -> None:
    resource = GlaiveSlackResource(token=TOKEN, channel=CHANNEL, base_url=f"http://127.0.0.1:{_closed_port()}/api/")
    started = time.monotonic()
    outcome = send_alert(resource, format_anomaly_message(REPORT, RUN_ID, RUN_URL), LOG)

    assert time.monotonic() - started < 2.0
    assert outcome == AlertOutcome(status="failed", channel=CHANNEL, error="unreachable")
    assert "Connection refused" in _warnings(caplog)[0]
    _assert_token_absent(caplog, outcome)


@pytest.mark.parametrize("mode", ["slow", "drip"])
def test_a_slow_server_is_cut_off_by_the_timeout(
    slack_server: LoopbackSlackServer, caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    # slow: one long silence (urllib's socket timeout); drip: a byte every 0.2 s, which no socket
    # timeout catches, so only send_alert's own deadline ends it.
    slack_server.mode = mode
    started = time.monotonic()
    outcome = send_alert(_resource(slack_server, timeout=1.0), format_anomaly_message(REPORT, RUN_ID, RUN_URL), LOG)
    elapsed = time.monotonic() - started

    assert 0.9 < elapsed < 2.5  # the server would take >= 4 s
    assert outcome == AlertOutcome(status="failed", channel=CHANNEL, error="timeout")
    assert len(slack_server.requests) == 1
    _assert_token_absent(caplog, outcome)


@pytest.mark.parametrize("token", [None, "", "   "])
def test_without_a_token_nothing_is_sent_and_a_warning_names_the_variable(
    slack_server: LoopbackSlackServer, caplog: pytest.LogCaptureFixture, token: str | None
) -> None:
    outcome = send_alert(_resource(slack_server, token=token), format_anomaly_message(REPORT, RUN_ID, RUN_URL), LOG)

    assert outcome == AlertOutcome(status="skipped_no_token", channel=CHANNEL)
    assert slack_server.requests == []
    assert _warnings(caplog) == [f"Slack alert to {CHANNEL} skipped: SLACK_BOT_TOKEN is not set."]


@pytest.mark.parametrize("bad_token", ["test-bot\ntoken-8e1f", "test-bot token-8e1f", "test-bot-tökén-8e1f"])
def test_a_token_with_impossible_characters_is_not_sent(
    slack_server: LoopbackSlackServer, caplog: pytest.LogCaptureFixture, bad_token: str
) -> None:
    # Sent as a header, http.client would raise an error quoting it, and slack_sdk would log that.
    outcome = send_alert(_resource(slack_server, token=bad_token), format_anomaly_message(REPORT, RUN_ID, RUN_URL), LOG)

    assert outcome == AlertOutcome(status="failed", channel=CHANNEL, error="invalid_token")
    assert slack_server.requests == []
    assert _warnings(caplog) == [f"Slack alert to {CHANNEL} not sent: SLACK_BOT_TOKEN holds characters no token has."]
    assert "test-bot" not in caplog.text and "8e1f" not in caplog.text


@pytest.mark.parametrize("message", [{}, {"text": ""}, {"text": "x", "blocks": "not a list"}, "text"])
def test_a_malformed_message_is_refused_without_a_request(
    slack_server: LoopbackSlackServer, caplog: pytest.LogCaptureFixture, message: object
) -> None:
    outcome = send_alert(_resource(slack_server), message, LOG)  # type: ignore[arg-type]
    assert outcome == AlertOutcome(status="failed", channel=CHANNEL, error="invalid_message")
    assert slack_server.requests == []


def test_unresolved_env_var_token_sends_the_value_not_the_variable_name(
    slack_server: LoopbackSlackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Used outside a run, the resource still holds the EnvVar, whose str() is "SLACK_BOT_TOKEN".
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    resource = GlaiveSlackResource(token=dg.EnvVar("SLACK_BOT_TOKEN"), channel=CHANNEL, base_url=slack_server.base_url)
    outcome = send_alert(resource, format_anomaly_message(REPORT, RUN_ID, RUN_URL), LOG)

    assert outcome.status == "sent"
    assert slack_server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_no_proxy_lets_a_loopback_base_url_bypass_a_configured_proxy(
    slack_server: LoopbackSlackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # slack_sdk hands HTTPS_PROXY to urllib, whose ProxyHandler still applies NO_PROXY; an end-to-end
    # test on a machine with a proxy relies on that. A proxy on a closed port shows which way we went.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{_closed_port()}")
    message = format_anomaly_message(REPORT, RUN_ID, RUN_URL)

    assert send_alert(_resource(slack_server), message, LOG).error == "unreachable"
    assert slack_server.requests == []

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert send_alert(_resource(slack_server), message, LOG).status == "sent"
    assert len(slack_server.requests) == 1


@pytest.mark.parametrize("mode", ["ok", "invalid_auth"])
def test_inside_a_dagster_run_the_env_var_token_is_used_and_never_logged(
    slack_server: LoopbackSlackServer, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_CHANNEL", CHANNEL)
    monkeypatch.setenv("SLACK_API_BASE_URL", slack_server.base_url)
    slack_server.mode = mode

    @dg.asset
    def alerting_asset(context: dg.AssetExecutionContext, slack: GlaiveSlackResource) -> dg.MaterializeResult:
        outcome = send_alert(slack, format_anomaly_message(REPORT, context.run.run_id, RUN_URL), context.log)
        return dg.MaterializeResult(metadata=outcome.as_metadata())

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([alerting_asset], resources={"slack": slack_resource_from_env()}, instance=instance)

    assert result.success  # a Slack failure never fails the run
    metadata = result.asset_materializations_for_node("alerting_asset")[0].metadata
    expected_status = "sent" if mode == "ok" else "failed"
    assert metadata["slack_alert_status"].value == expected_status
    assert slack_server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert f"Run `{result.run_id}`" in slack_server.requests[0].payload["text"]

    # Everything Dagster stored for the run: events, the run's config and tags.
    stored = repr(instance.all_logs(result.run_id)) + repr(instance.get_run_by_id(result.run_id))
    assert "slack_alert_status" in stored
    if mode == "invalid_auth":
        assert f"Slack alert to {CHANNEL} failed (invalid_auth)" in stored  # the warning went to the event log
    assert TOKEN not in stored
