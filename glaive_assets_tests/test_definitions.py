"""The code location: autoloaded from defs/, the artifact policy applied in one place, the executor from
the environment, and Dagster kept off the libraries."""

import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

import glaive_assets
from glaive_assets.definitions import (
    ARTIFACT_CODE_VERSION,
    REFRESH_WHEN_UPSTREAM_UPDATES,
    artifact_policy,
    defs,
    executor,
    settings_read_while_loading,
)
from glaive_assets_tests.harness.dagster_helpers import code_location

EXPORTS = {"export_hf", "export_openai", "export_sharegpt"}
EXPECTED_ASSETS = {
    "glaive_source", "glaive_raw", "glaive_processed", "glaive_rejects", "glaive_chatml",
    "validation_report", "anomaly_report", "bias_report", "pipeline_summary", "training_set", "training_report",
    *EXPORTS,
}
DOWNSTREAM = EXPECTED_ASSETS - {"glaive_source", "glaive_raw"}
GROUPS = {
    "glaive_source": "ingest", "glaive_raw": "ingest", "glaive_processed": "transform", "glaive_rejects": "transform",
    "glaive_chatml": "transform", "validation_report": "quality", "anomaly_report": "quality",
    "bias_report": "quality", "pipeline_summary": "summary", "training_set": "training", "training_report": "training",
    **dict.fromkeys(EXPORTS, "exports"),
}


def _imported_modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_code_location_has_every_asset_check_sensor_schedule_and_resource():
    location = code_location()
    repository = location.get_repository_def()
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert keys == EXPECTED_ASSETS
    check_keys = {(key.asset_key.to_user_string(), key.name) for key in repository.asset_graph.asset_check_keys}
    assert ("validation_report", "schema_suite") in check_keys  # the blocking gate before glaive_chatml
    assert {asset for asset, _ in check_keys} == {"validation_report", "anomaly_report", "bias_report", "training_set"}
    assert len(check_keys) == 1 + 8 + 4 + 4  # schema, eight anomaly rules, four bias families; the training set's four
    assert {name for asset, name in check_keys if asset == "training_set"} == {
        "accounting", "no_split_leakage", "decontaminated", "stratification"}
    sensors = {sensor.name: sensor for sensor in repository.sensor_defs}
    assert set(sensors) == {"glaive_source_changed", "glaive_automation", "glaive_dead_runs", "slack_on_check_failure",
                            "slack_on_run_failure"}
    assert {sensor.default_status for sensor in sensors.values()} == {dg.DefaultSensorStatus.RUNNING}
    assert [schedule.name for schedule in repository.schedule_defs] == ["glaive_weekly_refresh"]
    assert sorted(location.resources) == ["io_manager", "schema_suite_process", "shard_io_manager", "slack", "storage"]


def test_the_policy_gives_every_artifact_asset_kinds_and_code_version_and_downstream_the_refresh_condition():
    graph = code_location().get_repository_def().asset_graph
    for key in graph.get_all_asset_keys():
        node, name = graph.get(key), key.to_user_string()
        assert node.group_name == GROUPS[name], name
        assert node.description, name
        if name == "glaive_source":  # observed, not materialized: no artifact
            assert (node.is_observable, node.kinds, node.code_version, node.automation_condition) == (True, set(), None, None)
            continue
        assert (node.kinds, node.code_version) == ({"python", "json"}, ARTIFACT_CODE_VERSION), name
        expected = REFRESH_WHEN_UPSTREAM_UPDATES if name in DOWNSTREAM else None
        assert node.automation_condition == expected, name


def test_artifact_policy_on_one_spec():
    raw = artifact_policy(dg.AssetSpec("glaive_raw", kinds={"python"}))
    assert (raw.kinds, raw.code_version, raw.automation_condition) == ({"python", "json"}, "1", None)
    report = artifact_policy(dg.AssetSpec("some_report", group_name="quality"))
    assert (report.kinds, report.code_version, report.group_name) == ({"python", "json"}, "1", "quality")
    assert report.automation_condition.get_label() == "eager, unless an upstream blocking check failed"
    assert artifact_policy(dg.AssetSpec("changed_report", code_version="2")).code_version == "2"


def test_executor_is_in_process_by_default(monkeypatch):
    monkeypatch.delenv("GLAIVE_EXECUTOR", raising=False)
    assert executor() is dg.in_process_executor
    assert defs().get_repository_def().get_job("glaive_refresh").executor_def is dg.in_process_executor


def test_multiprocess_executor_forks_its_steps_from_a_preloaded_server(monkeypatch):
    monkeypatch.setenv("GLAIVE_EXECUTOR", "multiprocess")
    chosen = defs().get_repository_def().get_job("glaive_refresh").executor_def
    assert chosen.name == dg.multiprocess_executor.name == "multiprocess"
    assert chosen.apply_config_mapping({}).value["config"]["start_method"] == {
        "forkserver": {"preload_modules": ["glaive_assets.forkserver"]}}


def test_the_fork_server_builds_the_location_once_for_every_step():
    # A step process forked from the server calls defs() twice; both must find the location built.
    script = ("import glaive_assets.forkserver, sys\n"
              "from glaive_assets.definitions import _code_location, defs\n"
              "assert 'dagster._core.storage.sqlite_storage' in sys.modules\n"
              "before = _code_location.cache_info()\n"
              "location = defs()\n"
              "assert defs() is location\n"
              "after = _code_location.cache_info()\n"
              "print(before.misses, after.misses, after.hits - before.hits)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["1", "1", "2"]


def test_the_location_is_built_again_when_its_settings_change_and_never_keeps_the_token(monkeypatch):
    monkeypatch.setenv("GLAIVE_EXECUTOR", "in_process")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "test-token-value-one")
    first = defs()
    assert defs() is first
    monkeypatch.setenv("SOMETHING_ELSE", "changed")  # not read while loading: the same location
    monkeypatch.setenv("SLACK_BOT_TOKEN", "test-token-value-two")  # still set: the same location
    assert defs() is first
    assert "test-token-value" not in repr(settings_read_while_loading())
    monkeypatch.setenv("GLAIVE_EXECUTOR", "multiprocess")
    assert defs() is not first
    assert defs().get_repository_def().get_job("glaive_refresh").executor_def.name == "multiprocess"


@pytest.mark.parametrize(("scheduler", "cluster"), [
    ("tcp://10.0.0.5:8786", {"existing": {"address": "tcp://10.0.0.5:8786"}}),
    (None, {"local": {}}),
])
def test_the_dask_executor_uses_the_scheduler_given_or_a_local_cluster(monkeypatch, scheduler, cluster):
    monkeypatch.setenv("GLAIVE_EXECUTOR", "dask")
    if scheduler is None:
        monkeypatch.delenv("GLAIVE_DASK_SCHEDULER", raising=False)
    else:
        monkeypatch.setenv("GLAIVE_DASK_SCHEDULER", scheduler)
    chosen = defs().get_repository_def().get_job("glaive_refresh").executor_def
    assert chosen.name == "dask"
    assert chosen.config_schema.resolve_config({}).value == {"config": {"cluster": cluster}}
    import dask

    assert dask.config.get("distributed.worker.daemon") is False  # the schema suite starts a GX process


def test_the_package_exposes_the_location_lazily_for_dagster_dash_m():
    # `dagster ... -m glaive_assets` lists the package's attributes and takes the definitions it finds.
    assert "code_location" in dir(glaive_assets)
    assert glaive_assets.code_location is defs
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        glaive_assets.nothing_here  # noqa: B018


def test_libraries_import_no_dagster_and_the_location_imports_no_great_expectations():
    libraries = _imported_modules_after(
        "import glaive_assets.core.transform, glaive_assets.core.chatml, glaive_assets.core.jsonio, "
        "glaive_assets.sources.readers, glaive_assets.sources.fingerprint, glaive_assets.qa.anomaly, "
        "glaive_assets.qa.bias, glaive_assets.qa.summary, glaive_assets.storage.stages, "
        "glaive_assets.storage.manifest, glaive_assets.storage.outputs, glaive_assets.config.settings, "
        "glaive_assets.alerts, glaive_assets.training.stage, glaive_assets.training.report, glaive_assets.exports.write"
    )
    assert not {name for name in libraries if name == "dagster" or name.startswith("dagster.")}
    location = _imported_modules_after("import glaive_assets; glaive_assets.code_location()")
    assert "dagster" in location
    assert "great_expectations" not in location  # GX costs ~3 s: only the schema step imports it


def test_no_module_outside_the_dagster_layer_imports_dagster():
    package = Path(glaive_assets.__file__).parent
    # The shards and graph benchmarks read the steps' times from the run's event log, which only Dagster reads.
    dagster_layer = {package / "definitions.py", package / "forkserver.py", *(package / "defs").rglob("*.py"),
                     package / "benchmarks" / "shards.py", package / "benchmarks" / "graph.py"}
    importing = sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if path not in dagster_layer and re.search(r"^\s*(import dagster|from dagster)", path.read_text(), re.M)
    )
    assert importing == []
