"""The transform's shards, as Dagster steps (the multiprocess executor's form) or as processes of one step
(the in-process and dask executors' form): the same files whatever their number and form."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import orjson
import pytest

from glaive_assets.defs.transform.assets import one_step_transform, sharded_transform
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, COMPANION_PATHS
from glaive_assets.storage.shards import run_scratch, scratch_root
from glaive_assets.storage.worker_processes import JOBS_PER_PROCESS
from glaive_assets_tests.harness.dagster_helpers import (
    code_location, graph_resources, materializations, materialize, run_config,
)

# Everything the transform feeds up to ChatML: the reports read processed and rejects, chatml is built from processed.
UP_TO_CHATML = ["glaive_raw", "glaive_processed", "glaive_rejects", "validation_report", "anomaly_report",
                "bias_report", "glaive_chatml"]
FILES = ["glaive_raw", "glaive_processed", "glaive_rejects", "glaive_chatml"]
REPORTS = ["validation_report", "anomaly_report", "bias_report"]


def with_shards(config: dict, shards: int) -> dict:
    return {"ops": {**config["ops"], "processed_and_rejects": {"config": {"shards": shards}}}}


def outputs(data_dir) -> dict:
    """Each file's bytes; each report without the run id it names."""
    found = {name: (data_dir / ARTIFACT_PATHS[name]).read_bytes() for name in FILES}
    found["checked"] = (data_dir / COMPANION_PATHS["checked"]).read_bytes()  # the suite's view
    for name in REPORTS:
        report = orjson.loads((data_dir / ARTIFACT_PATHS[name]).read_bytes())
        assert len(report.pop("run_id")) == 36
        found[name] = report
    return found


def step_keys(result: dg.ExecuteInProcessResult) -> list[str]:
    return sorted({event.step_key for event in result.all_events if event.is_step_success
                   and event.step_key.startswith("processed_and_rejects")})


def materialize_with(transform: dg.AssetsDefinition, instance, data_dir, config: dict, selection: list[str]):
    """materialize, with the transform in the given form."""
    location = code_location()
    assets = [transform if "processed_and_rejects" in asset.node_def.name else asset for asset in location.assets]
    return dg.materialize([*assets, *location.asset_checks], selection=selection, run_config=config,
                          resources=graph_resources(data_dir), instance=instance)


@pytest.mark.parametrize("form", ["steps", "processes"])
def test_one_to_three_shards_give_identical_files_and_reports(tmp_path, form):
    transform = sharded_transform() if form == "steps" else one_step_transform()
    config = run_config(sample_size=90, seed=5)
    found = {}
    for shards in (1, 2, 3):
        data_dir = tmp_path / f"data_{shards}"
        with dg.instance_for_test() as instance:
            result = materialize_with(transform, instance, data_dir, with_shards(config, shards), UP_TO_CHATML)
        assert result.success
        table = materializations(result)["glaive_processed"].metadata["shards"].value.splitlines()
        # one step: N processes work through JOBS_PER_PROCESS x N shards (one shard is one pass)
        cut = shards if form == "steps" or shards == 1 else shards * JOBS_PER_PROCESS
        assert [line.split("|")[1].strip() for line in table[2:]] == [f"{index} of {cut}" for index in range(1, cut + 1)]
        assert step_keys(result) == (["processed_and_rejects"] if form == "processes" else [
            "processed_and_rejects.merge_transform_shards", "processed_and_rejects.plan_transform_shards",
            *(f"processed_and_rejects.transform_shard[shard_{index}_of_{shards}]" for index in range(1, shards + 1))])
        scratch = scratch_root(data_dir)  # the merge removed the run's shard files (one pass writes none)
        assert not scratch.exists() or list(scratch.iterdir()) == []
        found[shards] = outputs(data_dir)
    assert found[1] == found[2] == found[3]
    processed = found[1]["glaive_processed"].splitlines()
    assert len(processed) > 80
    assert [orjson.loads(line)["source_index"] for line in processed] == sorted(
        orjson.loads(line)["source_index"] for line in processed)


@pytest.mark.parametrize(("executor", "form"), [("in_process", "OpDefinition"), ("dask", "OpDefinition"),
                                                ("multiprocess", "GraphDefinition")])
def test_the_form_follows_the_executor(executor, form):
    """Steps only where each runs in a process of its own; the module reads GLAIVE_EXECUTOR as it loads."""
    probe = "from glaive_assets.defs.transform.assets import processed_and_rejects as t; print(type(t.node_def).__name__)"
    env = {**os.environ, "GLAIVE_EXECUTOR": executor}
    completed = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert completed.stdout.strip() == form, completed.stderr[-2000:]


def test_each_shard_accounts_for_its_rows_in_the_metadata(instance, data_dir):
    result = materialize(instance, data_dir, with_shards(run_config(sample_size=50, seed=2), 2),
                         selection=["glaive_raw", "glaive_processed", "glaive_rejects"])
    metadata = materializations(result)["glaive_processed"].metadata
    processed, rejected = metadata["processed_rows"].value, metadata["rejected_rows"].value
    table = metadata["shards"].value.splitlines()
    assert table[:2] == ["| shard | raw lines | raw bytes | rows | processed | rejected |",
                         "|---|---|---|---:|---:|---:|"]
    cells = [[cell.strip().replace(",", "") for cell in line.strip("|").split("|")] for line in table[2:]]
    raw = (data_dir / ARTIFACT_PATHS["glaive_raw"]).read_bytes()
    starts = [0] + [index + 1 for index, byte in enumerate(raw) if byte == ord("\n")]
    count = 2 * JOBS_PER_PROCESS  # 2 processes work through 4 shards each
    # each cut a line start, near an equal share of raw's bytes; the shards' lines and bytes in order, end to end
    cuts = [starts.index(int(row[2].split("..")[1])) for row in cells[:-1]]
    for number, line in enumerate(cuts, 1):
        assert abs(starts[line] - len(raw) * number / count) < max(b - a for a, b in zip(starts, starts[1:]))
    bounds = [0, *cuts, 50]
    assert [row[:4] for row in cells] == [
        [f"{index + 1} of {count}", f"{first}..{last - 1}", f"{starts[first]}..{len(raw) if last == 50 else starts[last]}",
         str(last - first)] for index, (first, last) in enumerate(zip(bounds, bounds[1:]))]
    assert sum(int(row[4]) for row in cells) == processed and sum(int(row[5]) for row in cells) == rejected
    assert all(int(row[4]) + int(row[5]) == int(row[3]) for row in cells)


def test_a_finished_runs_leftover_shards_are_removed(instance, data_dir):
    leftover = run_scratch(data_dir, "a-run-killed-mid-transform")
    leftover.mkdir(parents=True)
    (leftover / "shard_1_of_2.processed.jsonl").write_bytes(b"{}\n")
    config = with_shards(run_config(sample_size=20, seed=2), 2)
    assert materialize(instance, data_dir, config, selection=["glaive_raw", "glaive_processed", "glaive_rejects"]).success
    assert not leftover.exists()


@pytest.mark.parametrize("shards", [0, -1])
def test_a_bad_shard_count_fails_the_run_before_anything_is_written(instance, data_dir, shards):
    result = materialize(instance, data_dir, with_shards(run_config(sample_size=20, seed=2), shards),
                         raise_on_error=False)
    assert not result.success
    assert not (data_dir / ARTIFACT_PATHS["glaive_raw"]).exists()


def test_under_the_multiprocess_executor_each_shard_runs_in_its_own_process(tmp_path):
    """`dagster asset materialize`, as a person runs it, with GLAIVE_EXECUTOR=multiprocess: the files
    equal an in-process run with one shard."""
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DAGSTER_", "GLAIVE_", "SLACK_"))}
    env.update(DAGSTER_HOME=str(home), GLAIVE_DATA_DIR=str(tmp_path / "data"), GLAIVE_SAMPLE_SIZE="60",
               GLAIVE_SEED="4", GLAIVE_EXECUTOR="multiprocess", GLAIVE_SHARDS="2")
    command = [str(Path(sys.executable).with_name("dagster")), "asset", "materialize", "-m", "glaive_assets",
               "--select", "glaive_raw,glaive_processed,glaive_rejects"]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs()
        starts = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.STEP_START).records
        pids = {record.event_log_entry.step_key: record.event_log_entry.dagster_event.pid for record in starts}
    shard_pids = {pids[f"processed_and_rejects.transform_shard[shard_{index}_of_2]"] for index in (1, 2)}
    assert len(shard_pids) == 2 and completed.returncode == 0

    with dg.instance_for_test() as instance:
        in_process = tmp_path / "in_process"
        config = with_shards(run_config(source="sample", sample_size=60, seed=4), 1)
        assert materialize(instance, in_process, config, selection=FILES[:3]).success
    for name in FILES[:3]:
        assert (tmp_path / "data" / ARTIFACT_PATHS[name]).read_bytes() == (in_process / ARTIFACT_PATHS[name]).read_bytes()
