"""Post one alert to Slack without ever failing or stalling the caller."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

TOKEN_ENV_VAR = "SLACK_BOT_TOKEN"

AlertStatus = Literal["sent", "skipped_no_token", "failed"]

# The worker thread gets this much longer than the socket timeout, so that a plain stall is
# reported by urllib's own timeout; the deadline only cuts a server that drips bytes forever.
_DEADLINE_GRACE_SECONDS = 0.5

# Slack tokens are visible ASCII. Anything else would make http.client raise an error quoting the
# header, token included, which slack_sdk then logs.
_TOKEN_PATTERN = re.compile(r"[\x21-\x7e]+")


class SlackTarget(Protocol):
    """Where an alert goes and how to reach it. The Dagster resource (GlaiveSlackResource in
    defs/alerts/resources.py) is one; a test may pass its own."""

    channel: str
    timeout_seconds: float

    def bot_token(self) -> str | None: ...

    def get_client(self) -> WebClient: ...


@dataclass(frozen=True)
class AlertOutcome:
    """What became of one alert. `error` is a Slack error code ("invalid_auth"), "http_<status>",
    "timeout", "unreachable", "invalid_token", "invalid_message" or "unexpected_<ExceptionType>";
    None when sent."""

    status: AlertStatus
    channel: str
    error: str | None = None
    message_ts: str | None = None

    def as_metadata(self) -> dict[str, str]:
        """Flat string values, ready for Dagster metadata or a sensor's log line."""
        metadata = {"slack_alert_status": self.status, "slack_channel": self.channel}
        if self.error is not None:
            metadata["slack_error"] = self.error
        if self.message_ts is not None:
            metadata["slack_message_ts"] = self.message_ts
        return metadata


@dataclass(frozen=True)
class _Failure:
    """A failed post, classified, with a detail free of the token."""

    code: str
    detail: str


def send_alert(slack: SlackTarget, message: dict[str, Any], log: logging.Logger) -> AlertOutcome:
    """Post `message` ({"text": str, "blocks": [...]}) with chat.postMessage to `slack.channel`.

    Never raises and returns within about `slack.timeout_seconds`: a missing token, a Slack error,
    an unreachable server or a timeout is logged as a warning and reported in the outcome.
    """
    channel = slack.channel
    token = slack.bot_token()
    if token is None:
        log.warning("Slack alert to %s skipped: %s is not set.", channel, TOKEN_ENV_VAR)
        return AlertOutcome(status="skipped_no_token", channel=channel)
    if not _TOKEN_PATTERN.fullmatch(token):
        log.warning("Slack alert to %s not sent: %s holds characters no token has.", channel, TOKEN_ENV_VAR)
        return AlertOutcome(status="failed", channel=channel, error="invalid_token")

    text = message.get("text") if isinstance(message, dict) else None
    blocks = message.get("blocks") if isinstance(message, dict) else None
    if not isinstance(text, str) or not text.strip() or not (blocks is None or isinstance(blocks, list)):
        log.warning("Slack alert to %s not sent: the message needs a non-empty 'text' and a list of 'blocks'.", channel)
        return AlertOutcome(status="failed", channel=channel, error="invalid_message")

    result: list[SlackResponse | _Failure] = []

    def post() -> None:
        try:
            client = slack.get_client()
            result.append(client.chat_postMessage(channel=channel, text=text, blocks=blocks))
        except Exception as error:  # every failure becomes an outcome, never an exception
            result.append(_classify(error, token))

    # A daemon thread so that a server dripping one byte per socket timeout cannot hold us.
    worker = threading.Thread(target=post, name="slack-alert", daemon=True)
    worker.start()
    worker.join(slack.timeout_seconds + _DEADLINE_GRACE_SECONDS)

    if not result:
        failure = _Failure("timeout", f"no complete response within {slack.timeout_seconds:g} s")
    elif isinstance(result[0], _Failure):
        failure = result[0]
    else:
        ts = result[0].get("ts")
        return AlertOutcome(status="sent", channel=channel, message_ts=str(ts) if ts else None)

    log.warning("Slack alert to %s failed (%s): %s", channel, failure.code, failure.detail)
    return AlertOutcome(status="failed", channel=channel, error=failure.code)


def _classify(error: Exception, token: str) -> _Failure:
    """Name the failure; every text that leaves here has the token replaced."""
    if isinstance(error, SlackApiError):
        response = error.response
        status = response.status_code
        # A non-200 answer is named by its status: slack_sdk puts its own parse error in "error".
        slack_error = response.get("error") if status == 200 and isinstance(response.data, dict) else None
        code = _redact(str(slack_error), token) if slack_error else f"http_{status}"
        return _Failure(code, f"Slack answered HTTP {status}: {code}")
    if isinstance(error, TimeoutError):
        return _Failure("timeout", "no response within the timeout")
    if isinstance(error, URLError):
        if isinstance(error.reason, TimeoutError):
            return _Failure("timeout", "no connection within the timeout")
        return _Failure("unreachable", _redact(f"cannot reach the Slack API: {error.reason}", token))
    if isinstance(error, OSError):  # reset or refused after connecting
        return _Failure("unreachable", _redact(f"cannot reach the Slack API: {error}", token))
    # Only the type: the text of an unforeseen error might quote the request.
    name = type(error).__name__
    return _Failure(f"unexpected_{name}", f"{name} while posting")


def _redact(text: str, token: str) -> str:
    return text.replace(token, "[redacted]")
