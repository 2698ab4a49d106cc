"""End to end: a real dagster dev; changing the source file makes the source sensor refresh the graph."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from glaive_assets_tests.harness.dagster_dev import REPOSITORY_NAME, DagsterDev, LaunchDagsterDev, RunInfo, wait_for
from glaive_assets_tests.harness.glaive_rows import glaive_rows, write_jsonl_atomically

SENSOR = "glaive_source_changed"
SENSOR_INTERVAL_SECONDS = 5
FIRST_ROWS = glaive_rows(60)
# The change drops rows, keeps some, and adds new ones: the raw artifact must follow exactly.
CHANGED_ROWS = FIRST_ROWS[:20] + glaive_rows(55, first_number=1000)

pytestmark = [pytest.mark.e2e]


def sensor_runs(dev: DagsterDev) -> list[RunInfo]:
    return dev.runs(tags={"dagster/sensor_name": SENSOR})


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_artifacts_follow(data_dir: Path, rows: list[dict]) -> None:
    """raw holds exactly `rows` in order; processed + rejects account for each of them once."""
    raw = read_jsonl(data_dir / "raw" / "glaive_raw.jsonl")
    assert len(raw) == len(rows)
    assert [entry["source_index"] for entry in raw] == list(range(len(rows)))
    assert [entry["row"] for entry in raw] == rows
    processed = read_jsonl(data_dir / "processed" / "glaive_processed.jsonl")
    rejects = read_jsonl(data_dir / "processed" / "glaive_rejects.jsonl")
    routed = sorted(record["source_index"] for record in processed + rejects)
    assert routed == list(range(len(rows)))
    chatml = read_jsonl(data_dir / "processed" / "glaive_chatml.jsonl")
    assert len(chatml) == len(processed)


def sensor_ticks(dev: DagsterDev) -> list[dict]:
    data = dev.graphql(
        """query E2ETicks($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
             __typename ... on Sensor { sensorState { ticks(limit: 20) { status timestamp runIds skipReason } } } } }""",
        {"s": {"repositoryName": REPOSITORY_NAME, "repositoryLocationName": dev.location_name, "sensorName": SENSOR}},
    )["sensorOrError"]
    assert data["__typename"] == "Sensor", data
    return data["sensorState"]["ticks"]


@pytest.fixture(scope="module")
def sensor_dev(launch_dagster_dev: LaunchDagsterDev, source_file: Path) -> DagsterDev:
    return launch_dagster_dev(
        "sensor_dev",
        {
            "GLAIVE_SOURCE": str(source_file),
            "GLAIVE_SAMPLE_SIZE": "0",
            "GLAIVE_SOURCE_SENSOR_INTERVAL": str(SENSOR_INTERVAL_SECONDS),
            "GLAIVE_AUTOMATION_INTERVAL": str(SENSOR_INTERVAL_SECONDS),
        },
    )


@pytest.mark.timeout(300)
def test_changing_the_source_file_triggers_a_new_run(sensor_dev: DagsterDev, source_file: Path) -> None:
    started = time.monotonic()
    dev = sensor_dev
    assert dev.sensor_status(SENSOR) == "RUNNING"  # on by default, nobody switched it on

    # First sight of the source: the sensor requests a run by itself.
    first = wait_for(lambda: sensor_runs(dev), timeout=60, what=f"{SENSOR} to request a first run",
                     diagnostics=dev.log_tail)
    assert len(first) == 1
    first_run = dev.wait_for_run_to_finish(first[0].run_id, timeout=150)
    assert first_run.job_name == "glaive_refresh"
    first_version = first_run.tags["glaive/source_version"]
    assert_artifacts_follow(dev.data_dir, FIRST_ROWS)
    first_done = time.time()

    # Unchanged source: the next tick skips and requests nothing.
    wait_for(
        lambda: any(tick["status"] == "SKIPPED" and tick["timestamp"] > first_done for tick in sensor_ticks(dev)),
        timeout=SENSOR_INTERVAL_SECONDS * 4, what=f"{SENSOR} to skip the unchanged source", diagnostics=dev.log_tail,
    )
    assert [run.run_id for run in sensor_runs(dev)] == [first_run.run_id]

    # Change the file: a new run starts on its own, with the new data version, and succeeds.
    write_jsonl_atomically(source_file, CHANGED_ROWS)
    new_runs = wait_for(
        lambda: [run for run in sensor_runs(dev) if run.run_id != first_run.run_id],
        timeout=SENSOR_INTERVAL_SECONDS * 6, what=f"{SENSOR} to notice the changed file", diagnostics=dev.log_tail,
    )
    assert len(new_runs) == 1
    second_run = dev.wait_for_run_to_finish(new_runs[0].run_id, timeout=150)
    second_version = second_run.tags["glaive/source_version"]
    assert second_version != first_version
    assert second_version == hashlib.sha256(source_file.read_bytes()).hexdigest()[: len(second_version)]
    assert_artifacts_follow(dev.data_dir, CHANGED_ROWS)
    print(f"\nsensor e2e: first run to changed-file run done in {time.monotonic() - started:.1f} s")
