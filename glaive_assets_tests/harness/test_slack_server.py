"""The loopback Slack server itself: what other tests (and the end-to-end test) rely on."""

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from glaive_assets.alerts import format_check_failure_message, send_alert
from glaive_assets.defs.alerts.resources import GlaiveSlackResource
from glaive_assets_tests.harness.slack_server import LoopbackSlackServer

TOKEN = "test-bot-token-c41d9e27"  # fake
REPO_ROOT = Path(__file__).resolve().parents[2]


def _client(server: LoopbackSlackServer, token: str | None = TOKEN, timeout: int = 5) -> WebClient:
    return WebClient(token=token, base_url=server.base_url, timeout=timeout, retry_handlers=[])


def test_auth_test_and_post_message_answer_like_slack() -> None:
    with LoopbackSlackServer(expected_token=TOKEN) as server:
        client = _client(server)
        assert client.auth_test()["user_id"] == "U0LOOPBACK"
        posted = client.chat_postMessage(channel="#c", text="hello")

        assert posted["ok"] is True and posted["channel"] == "C0LOOPBACK"
        assert posted["message"]["text"] == "hello"
        assert [request.api_method for request in server.requests] == ["auth.test", "chat.postMessage"]
        assert server.requests_for("chat.postMessage")[0].payload == {"channel": "#c", "text": "hello"}


@pytest.mark.parametrize(("token", "error"), [(None, "not_authed"), ("test-bot-token-other", "invalid_auth")])
def test_the_authorization_header_is_checked(token: str | None, error: str) -> None:
    with LoopbackSlackServer(expected_token=TOKEN) as server:
        with pytest.raises(SlackApiError) as raised:
            _client(server, token=token).chat_postMessage(channel="#c", text="hello")
        assert raised.value.response["error"] == error
        assert len(server.requests) == 1  # recorded even when refused


def test_form_encoded_requests_are_recorded_as_fields_and_unknown_methods_refused() -> None:
    with LoopbackSlackServer() as server:
        client = _client(server)
        client.api_call("chat.postMessage", params={"channel": "#c", "text": "form body"})
        with pytest.raises(SlackApiError) as raised:
            client.api_call("conversations.list")

        assert server.requests[0].payload == {"channel": "#c", "text": "form body"}
        assert server.requests[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert raised.value.response["error"] == "unknown_method"
        server.clear()
        assert server.requests == []


def test_stop_releases_a_request_held_in_slow_mode() -> None:
    server = LoopbackSlackServer("slow", slow_seconds=30.0).start()
    errors: list[Exception] = []

    def call() -> None:
        try:
            _client(server, timeout=20).chat_postMessage(channel="#c", text="x")
        except Exception as error:
            errors.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 5
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    caller.join(timeout=5)

    assert time.monotonic() - started < 2.0
    assert not caller.is_alive() and len(errors) == 1  # the connection closed unanswered


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        LoopbackSlackServer("teapot")
    with pytest.raises(ValueError, match="slow_seconds"):
        LoopbackSlackServer("slow", slow_seconds=600)


def test_standalone_server_prints_its_port_and_records_requests_without_the_token(tmp_path: Path) -> None:
    record = tmp_path / "slack.jsonl"
    env = {**os.environ, "LOOPBACK_EXPECTED_TOKEN": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "glaive_assets_tests.harness.slack_server", "--port", "0", "--record", str(record),
         "--expected-token-env", "LOOPBACK_EXPECTED_TOKEN"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        resource = GlaiveSlackResource(token=TOKEN, channel="#e2e", base_url=f"http://127.0.0.1:{port}/api/")
        message = format_check_failure_message(
            [{"asset_key": "glaive_chatml", "check_name": "schema_valid", "severity": "ERROR", "description": "x"}],
            "http://127.0.0.1:3000/runs/r1",
        )
        outcome = send_alert(resource, message, logging.getLogger(__name__))
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert outcome.status == "sent"
    assert process.returncode == 0
    [line] = record.read_text(encoding="utf-8").splitlines()
    recorded = json.loads(line)
    assert recorded["path"] == "/api/chat.postMessage"
    assert recorded["authorized"] is True
    assert recorded["payload"]["channel"] == "#e2e"
    assert recorded["payload"]["text"] == message["text"]
    assert "Authorization" not in recorded["headers"]
    assert TOKEN not in record.read_text(encoding="utf-8")


def test_standalone_server_refuses_an_unset_token_variable() -> None:
    env = {key: value for key, value in os.environ.items() if key != "LOOPBACK_EXPECTED_TOKEN"}
    finished = subprocess.run(
        [sys.executable, "-m", "glaive_assets_tests.harness.slack_server", "--expected-token-env", "LOOPBACK_EXPECTED_TOKEN"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=30,
    )
    assert finished.returncode == 2
    assert "LOOPBACK_EXPECTED_TOKEN is not set" in finished.stderr
