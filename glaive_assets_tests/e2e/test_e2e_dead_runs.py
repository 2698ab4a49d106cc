"""End to end: a run whose worker is killed with SIGKILL never blocks automation.

Under a real `dagster dev` (one run at a time, as `make ui` configures it):
1. the worker of a sensor-launched run is killed: the run is marked FAILURE;
2. a CLI run (`dagster asset materialize`) on the same instance is killed mid-run: nothing but the
   glaive_dead_runs sensor can notice it, and until it does, the run holds the only run slot;
then the source changes, and the sensor's next run completes, with the data dir whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import pytest

from glaive_assets.defs.monitoring.sensors import worker_pid
from glaive_assets.storage.outputs import main as verify_main
from glaive_assets_tests.e2e.test_e2e_sensor import assert_artifacts_follow
from glaive_assets_tests.harness.dagster_dev import DAGSTER_BIN, DagsterDev, LaunchDagsterDev, RunInfo, wait_for
from glaive_assets_tests.harness.glaive_rows import glaive_rows, write_jsonl_atomically

SENSOR = "glaive_source_changed"
INTERVAL_SECONDS = 5
DEAD_RUN_BOUND_SECONDS = 120  # the bound: a dead run is marked failed within 2 minutes
FIRST_ROWS = glaive_rows(3000)
CHANGED_ROWS = glaive_rows(400, first_number=5000)

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def dev(launch_dagster_dev: LaunchDagsterDev, source_file: Path) -> DagsterDev:
    return launch_dagster_dev("dead_runs_dev", {
        "GLAIVE_SOURCE": str(source_file),
        "GLAIVE_SAMPLE_SIZE": "0",
        "GLAIVE_SOURCE_SENSOR_INTERVAL": str(INTERVAL_SECONDS),
        "GLAIVE_AUTOMATION_INTERVAL": str(INTERVAL_SECONDS),
        "GLAIVE_DEAD_RUN_INTERVAL": str(INTERVAL_SECONDS),
    })


def started_worker_pid(dev: DagsterDev, run_id: str) -> int:
    """Wait until the run is STARTED and has recorded its worker's pid; return the pid."""
    def pid_when_started() -> int | None:
        if dev.run(run_id).status != "STARTED":
            return None
        with dg.DagsterInstance.from_config(str(dev.dagster_home)) as instance:
            return worker_pid(instance, run_id)
    return wait_for(pid_when_started, timeout=90, what=f"run {run_id} to start", interval=0.2,
                    diagnostics=dev.log_tail)


def wait_for_status(dev: DagsterDev, run_id: str, status: str, timeout: float) -> RunInfo:
    return wait_for(lambda: next((run for run in [dev.run(run_id)] if run.status == status), None),
                    timeout=timeout, what=f"run {run_id} to be {status}",
                    diagnostics=lambda: f"status {dev.run(run_id).status}\n{dev.log_tail()}")


def start_cli_run(dev: DagsterDev) -> subprocess.Popen:
    """`dagster asset materialize` on dev's instance and data dir, as a user would run it beside the UI."""
    return subprocess.Popen(
        [str(DAGSTER_BIN), "asset", "materialize", "-m", "glaive_assets", "--select", "*"],
        env=dev.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.timeout(600)
def test_killed_runs_are_failed_and_the_next_sensor_run_completes(dev: DagsterDev, source_file: Path) -> None:
    # 1. The sensor's first run: kill its worker as soon as it runs.
    first = wait_for(lambda: dev.runs(tags={"dagster/sensor_name": SENSOR}), timeout=60,
                     what="the sensor's first run", diagnostics=dev.log_tail)[0]
    os.kill(started_worker_pid(dev, first.run_id), signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for_status(dev, first.run_id, "FAILURE", timeout=DEAD_RUN_BOUND_SECONDS)
    print(f"\ndaemon-launched run marked FAILURE {time.monotonic() - killed_at:.1f} s after kill -9")

    # 2. A CLI run on the same instance, killed mid-run: only glaive_dead_runs can notice.
    cli = start_cli_run(dev)
    try:
        cli_run = wait_for(lambda: [run for run in dev.runs(limit=5) if run.run_id != first.run_id
                                    and "dagster/sensor_name" not in run.tags],
                           timeout=90, what="the CLI run", diagnostics=dev.log_tail)[0]
        assert started_worker_pid(dev, cli_run.run_id) == cli.pid
        os.killpg(cli.pid, signal.SIGKILL)
        cli.wait(timeout=30)
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
            cli.wait(timeout=30)
    killed_at = time.monotonic()
    assert dev.run(cli_run.run_id).status == "STARTED"  # holds the only run slot now

    # 3. The source changes: the sensor's run queues behind the dead run, then runs and completes.
    write_jsonl_atomically(source_file, CHANGED_ROWS)
    second = wait_for(lambda: [run for run in dev.runs(tags={"dagster/sensor_name": SENSOR})
                               if run.run_id != first.run_id], timeout=INTERVAL_SECONDS * 8,
                      what=f"{SENSOR} to notice the changed file", diagnostics=dev.log_tail)[0]
    wait_for_status(dev, cli_run.run_id, "FAILURE", timeout=DEAD_RUN_BOUND_SECONDS)
    print(f"CLI run marked FAILURE {time.monotonic() - killed_at:.1f} s after kill -9")
    with dg.DagsterInstance.from_config(str(dev.dagster_home)) as instance:
        failure = instance.all_logs(cli_run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    assert f"worker process (pid {cli.pid}) is gone" in failure[-1].message
    dev.wait_for_run_to_finish(second.run_id, timeout=240)
    assert_artifacts_follow(dev.data_dir, CHANGED_ROWS)
    assert verify_main(["--verify", "--data-dir", str(dev.data_dir)]) == 0
