"""The Slack resource, built from the environment: dagster-slack's SlackResource with a base URL, a
channel, a timeout and an optional token. (Sending is glaive_assets.alerts.send, which needs no Dagster.)

SLACK_BOT_TOKEN      bot token; unset or blank -> alerts are skipped, the pipeline still runs
SLACK_CHANNEL        channel to post to, default "#automend-alerts"
SLACK_API_BASE_URL   Web API base URL, default "https://slack.com/api/" (point it at a proxy or a test server)
"""

from __future__ import annotations

import os

import dagster as dg
from dagster_slack import SlackResource
from pydantic import Field
from slack_sdk import WebClient

from glaive_assets.alerts.send import TOKEN_ENV_VAR

CHANNEL_ENV_VAR = "SLACK_CHANNEL"
BASE_URL_ENV_VAR = "SLACK_API_BASE_URL"

DEFAULT_CHANNEL = "#automend-alerts"
DEFAULT_BASE_URL = "https://slack.com/api/"
DEFAULT_TIMEOUT_SECONDS = 5.0


class GlaiveSlackResource(SlackResource):
    """Posts alerts to one channel; every call is bounded by `timeout_seconds` and never retried."""

    # Optional so that the pipeline runs without Slack. repr=False keeps a resolved token out of
    # reprs; the Dagster UI shows only the EnvVar name (see slack_resource_from_env).
    token: str | None = Field(  # type: ignore[assignment]  # SlackResource declares `str`
        default=None,
        repr=False,
        description=f"Slack bot token, from the {TOKEN_ENV_VAR} environment variable. Unset: alerts are skipped.",
    )
    channel: str = Field(default=DEFAULT_CHANNEL, description="Channel the alerts are posted to.")
    base_url: str = Field(default=DEFAULT_BASE_URL, description="Slack Web API base URL.")
    timeout_seconds: float = Field(
        default=DEFAULT_TIMEOUT_SECONDS,
        gt=0,
        description="Upper bound in seconds for one alert, connect to last byte (send_alert allows 0.5 s more).",
    )

    @classmethod
    def _is_dagster_maintained(cls) -> bool:
        return False  # a project subclass, not the Dagster-maintained SlackResource

    def bot_token(self) -> str | None:
        """The token to send, or None when there is none.

        Inside a run or sensor Dagster has already resolved the EnvVar to its value; a resource used
        directly (a script, a test) still holds the EnvVar, whose str() is the variable's *name*.
        """
        token = self.token.get_value() if isinstance(self.token, dg.EnvVar) else self.token
        if token is None or not token.strip():
            return None
        return token.strip()

    def get_client(self) -> WebClient:
        """A WebClient for `base_url`, with the timeout and without slack_sdk's retry handlers."""
        return WebClient(
            token=self.bot_token(),
            base_url=self.base_url,
            timeout=self.timeout_seconds,  # type: ignore[arg-type]  # urllib takes a float
            retry_handlers=[],  # one attempt: a retry would double the time an alert may take
        )


def slack_resource_from_env() -> GlaiveSlackResource:
    """The resource for Definitions, configured from the environment.

    The token is a dg.EnvVar, so Dagster stores and shows only the variable's name and reads the
    value when the run or sensor starts; it is left unset when SLACK_BOT_TOKEN is unset or blank,
    because an EnvVar naming an unset variable fails resource initialisation (and so the run).
    Channel and base URL are not secrets: they are read here, with defaults, and shown as values.
    """
    token = dg.EnvVar(TOKEN_ENV_VAR) if os.environ.get(TOKEN_ENV_VAR, "").strip() else None
    return GlaiveSlackResource(
        token=token,
        channel=os.environ.get(CHANNEL_ENV_VAR, "").strip() or DEFAULT_CHANNEL,
        base_url=os.environ.get(BASE_URL_ENV_VAR, "").strip() or DEFAULT_BASE_URL,
    )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"slack": slack_resource_from_env()})
