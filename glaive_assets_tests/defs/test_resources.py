"""The storage resource and the IO manager: outputs land in the manifest, inputs come back as the
handles their writers made (glaive_raw with its typed settings)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.resources import ArtifactIOManager, GlaiveStorage, resources, storage_resources
from glaive_assets.storage.artifacts import write_json
from glaive_assets.storage.manifest import read_manifest
from glaive_assets.storage.outputs import main as verify_main
from glaive_assets.storage.lock import LOCK_NAME, read_holder
from glaive_assets.storage.stages import write_raw
from glaive_assets_tests.harness.dagster_helpers import materialize, run_config
from glaive_assets_tests.storage.test_lock import hold_in_another_process


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _io_manager(data_dir) -> ArtifactIOManager:
    return storage_resources(str(data_dir))["io_manager"]


def test_outputs_are_recorded_and_inputs_are_the_recorded_handles(data_dir):
    io_manager = _io_manager(data_dir)
    raw = write_raw(data_dir, [(0, {"system": "s", "chat": "c"})], SourceSettings("sample", 1, 9))
    io_manager.handle_output(dg.build_output_context(asset_key="glaive_raw", run_id="run-7"), raw)
    entry = read_manifest(data_dir)["artifacts"]["glaive_raw"]
    assert (entry["sha256"], entry["run_id"]) == (raw.sha256, "run-7")

    loaded = io_manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("glaive_raw")))
    assert loaded == raw
    assert (loaded.source, loaded.requested_sample_size, loaded.seed) == ("sample", 1, 9)


def test_an_asset_that_returns_something_else_is_refused(data_dir):
    with pytest.raises(TypeError, match="glaive_chatml must return an Artifact, got dict"):
        _io_manager(data_dir).handle_output(dg.build_output_context(asset_key="glaive_chatml"), {"rows": 1})


def test_an_input_that_was_never_materialized_names_the_asset(data_dir):
    with pytest.raises(FileNotFoundError, match="materialize bias_report first"):
        _io_manager(data_dir).load_input(dg.build_input_context(asset_key=dg.AssetKey("bias_report")))


def test_the_resources_follow_glaive_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("GLAIVE_DATA_DIR", str(tmp_path / "elsewhere"))
    built = resources().resources
    assert isinstance(built["storage"], GlaiveStorage)
    assert built["storage"].root == tmp_path / "elsewhere"
    assert built["io_manager"].storage.root == tmp_path / "elsewhere"
    write_json(built["storage"].root, "bias_report", {})
    assert (tmp_path / "elsewhere" / "processed" / "validation" / "bias_report.json").exists()


def test_a_run_on_a_data_dir_another_run_holds_fails_before_writing_anything(instance, data_dir):
    holder = hold_in_another_process(data_dir)  # "run-A"
    try:
        result = materialize(instance, data_dir, run_config(sample_size=20), raise_on_error=False)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert not result.success
    failure = next(event for event in result.all_events if event.event_type == dg.DagsterEventType.RUN_FAILURE
                   or event.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert f"the data dir {data_dir} is being written by run run-A (pid {holder.pid} on " in str(
        failure.event_specific_data.error)
    assert sorted(path.name for path in data_dir.rglob("*")) == [LOCK_NAME]


def _cli_materialize(tmp_path, *extra_env: tuple[str, str]) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DAGSTER_", "GLAIVE_"))}
    env.update(DAGSTER_HOME=str(tmp_path / "home"), GLAIVE_DATA_DIR=str(tmp_path / "data"), GLAIVE_SAMPLE_SIZE="3000",
               **dict(extra_env))
    return subprocess.Popen([str(Path(sys.executable).with_name("dagster")), "asset", "materialize", "-m",
                             "glaive_assets", "--select", "*"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


@pytest.mark.timeout(400)
def test_two_cli_runs_on_one_data_dir_the_second_fails_fast_and_the_first_is_whole(tmp_path):
    (tmp_path / "home").mkdir()
    data = tmp_path / "data"
    first = _cli_materialize(tmp_path)
    try:
        holder = wait_until(lambda: read_holder(data), timeout=180, what="the first run to take the lock")
        second = _cli_materialize(tmp_path)
        output, _ = second.communicate(timeout=180)
        assert first.poll() is None, "the first run ended before the second tried: make it longer"
        assert second.returncode != 0
        assert f"the data dir {data} is being written by run {holder['run_id']}" in output
        assert first.wait(timeout=300) == 0, first.stdout.read()[-3000:]
    finally:
        first.kill()
        first.wait(timeout=30)
    manifest = read_manifest(data)["artifacts"]
    assert {entry["run_id"] for entry in manifest.values()} == {holder["run_id"]}
    assert verify_main(["--verify", "--data-dir", str(data)]) == 0
    assert manifest["glaive_raw"]["rows"] == 3000
    assert manifest["glaive_processed"]["rows"] + manifest["glaive_rejects"]["rows"] == 3000


def test_with_an_object_store_each_working_copy_fetches_what_another_published(instance, tmp_path):
    # Two working copies stand for two machines; fsspec's in-memory store stands in for a bucket here
    # (test_dask_s3.py runs the whole graph against S3 itself).
    from glaive_assets.storage.remote import object_store
    from glaive_assets_tests.harness.dagster_helpers import code_location, graph_resources

    url = f"memory://glaive-{os.getpid()}-{time.monotonic_ns()}/data"
    location = code_location()

    def run_on(machine: str, selection: list[str], config: dict) -> dg.ExecuteInProcessResult:
        return dg.materialize([*location.assets, *location.asset_checks], selection=selection, instance=instance,
                              run_config=config,
                              resources={**graph_resources(tmp_path), **storage_resources(url, str(tmp_path / machine))})

    assert run_on("machine_a", ["glaive_raw"], run_config(sample_size=30, seed=4)).success
    assert run_on("machine_b", ["glaive_processed", "glaive_rejects"], {}).success
    raw = read_manifest(tmp_path / "machine_a")["artifacts"]["glaive_raw"]
    fetched = read_manifest(tmp_path / "machine_b")["artifacts"]["glaive_raw"]
    assert (fetched["sha256"], fetched["run_id"], fetched["rows"]) == (raw["sha256"], raw["run_id"], 30)
    published = object_store(url).manifest()["artifacts"]
    assert sorted(published) == ["glaive_processed", "glaive_raw", "glaive_rejects"]
    assert published["glaive_processed"]["upstream"] == {"glaive_raw": raw["sha256"]}
    assert published["glaive_processed"]["rows"] + published["glaive_rejects"]["rows"] == 30
    assert not (tmp_path / "machine_a" / "processed" / "glaive_processed.jsonl").exists()  # B built it, not A
