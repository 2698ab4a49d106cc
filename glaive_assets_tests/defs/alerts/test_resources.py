"""GlaiveSlackResource and slack_resource_from_env: configuration from the environment, and the token
shown nowhere but in the request to Slack."""

import dagster as dg
import pydantic
import pytest

# Internal API: the snapshot of the code location that the webserver serves to the UI.
from dagster._core.remote_representation.external_data import RepositorySnap, ResourceConfigEnvVarSnap
from dagster._serdes import serialize_value

from glaive_assets.defs.alerts.resources import (
    DEFAULT_BASE_URL,
    DEFAULT_CHANNEL,
    DEFAULT_TIMEOUT_SECONDS,
    GlaiveSlackResource,
    slack_resource_from_env,
)

TOKEN = "test-bot-token-5b2e8d40"  # fake


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _ui_snapshot(resource: GlaiveSlackResource) -> tuple[dict, str]:
    snap = RepositorySnap.from_def(dg.Definitions(resources={"slack": resource}).get_repository_def())
    [slack_snap] = [resource_snap for resource_snap in snap.resources if resource_snap.name == "slack"]
    return slack_snap.configured_values, serialize_value(snap)


def test_without_env_the_factory_gives_defaults_and_no_token(clean_env: pytest.MonkeyPatch) -> None:
    resource = slack_resource_from_env()

    assert resource.token is None
    assert resource.bot_token() is None
    assert (resource.channel, resource.base_url, resource.timeout_seconds) == (
        "#automend-alerts", "https://slack.com/api/", 5.0)
    assert (DEFAULT_CHANNEL, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_SECONDS) == (
        "#automend-alerts", "https://slack.com/api/", 5.0)


@pytest.mark.parametrize("blank", ["", "  \t"])
def test_a_blank_token_variable_counts_as_unset(clean_env: pytest.MonkeyPatch, blank: str) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", blank)
    assert slack_resource_from_env().token is None


def test_with_env_the_token_is_an_env_var_and_channel_and_url_are_values(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", TOKEN)
    clean_env.setenv("SLACK_CHANNEL", "#data-alerts")
    clean_env.setenv("SLACK_API_BASE_URL", "http://127.0.0.1:9/api/")
    resource = slack_resource_from_env()

    assert isinstance(resource.token, dg.EnvVar)
    assert resource.token.env_var_name == "SLACK_BOT_TOKEN"
    assert resource.bot_token() == TOKEN
    assert (resource.channel, resource.base_url) == ("#data-alerts", "http://127.0.0.1:9/api/")


def test_the_ui_snapshot_shows_the_variable_name_never_the_token(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", TOKEN)
    configured, serialized = _ui_snapshot(slack_resource_from_env())

    assert configured["token"] == ResourceConfigEnvVarSnap(name="SLACK_BOT_TOKEN")
    assert configured["channel"] == '"#automend-alerts"'
    assert "SLACK_BOT_TOKEN" in serialized
    assert TOKEN not in serialized


def test_the_ui_snapshot_without_a_token_has_no_token_value(clean_env: pytest.MonkeyPatch) -> None:
    configured, _ = _ui_snapshot(slack_resource_from_env())
    assert configured["token"] == "null"


def test_repr_of_a_resolved_resource_leaves_the_token_out(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", TOKEN)
    resolved = slack_resource_from_env().process_config_and_initialize()  # what a run or sensor receives

    assert resolved.token == TOKEN
    assert TOKEN not in repr(resolved) and TOKEN not in str(resolved)


def test_a_pipeline_without_slack_env_still_initialises_the_resource(clean_env: pytest.MonkeyPatch) -> None:
    @dg.asset
    def reads_token(slack: GlaiveSlackResource) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"has_token": slack.bot_token() is not None})

    result = dg.materialize([reads_token], resources={"slack": slack_resource_from_env()})
    assert result.success
    assert result.asset_materializations_for_node("reads_token")[0].metadata["has_token"].value is False


def test_the_client_targets_the_base_url_with_the_timeout_and_no_retries() -> None:
    resource = GlaiveSlackResource(token=TOKEN, base_url="http://127.0.0.1:9/api", timeout_seconds=1.5)
    client = resource.get_client()

    assert client.base_url == "http://127.0.0.1:9/api/"
    assert client.timeout == 1.5
    assert client.retry_handlers == []
    assert client.token == TOKEN


def test_the_timeout_must_be_positive() -> None:
    with pytest.raises(pydantic.ValidationError, match="timeout_seconds"):
        GlaiveSlackResource(timeout_seconds=0)


def test_the_resource_is_not_labelled_dagster_maintained(clean_env: pytest.MonkeyPatch) -> None:
    snap = RepositorySnap.from_def(dg.Definitions(resources={"slack": slack_resource_from_env()}).get_repository_def())
    [slack_snap] = [resource_snap for resource_snap in snap.resources if resource_snap.name == "slack"]
    assert slack_snap.dagster_maintained is False
    assert slack_snap.resource_type == "glaive_assets.defs.alerts.resources.GlaiveSlackResource"
