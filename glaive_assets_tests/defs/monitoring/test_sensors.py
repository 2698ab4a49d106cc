"""glaive_dead_runs on real runs: a worker process killed with SIGKILL leaves its run STARTED; the
sensor marks it FAILURE, and leaves runs whose worker is alive alone."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from glaive_assets.defs.monitoring.sensors import fail_dead_runs, glaive_dead_runs, worker_pid

# A run worker of its own: runs a one-op job in this instance and sleeps inside the op.
_WORKER = """
import sys, time
import dagster as dg

@dg.op
def wait() -> None:
    time.sleep(120)

@dg.job
def sleeper():
    wait()

with dg.DagsterInstance.from_config(sys.argv[1]) as instance:
    sleeper.execute_in_process(instance=instance)
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    (folder / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return folder


def start_worker(home: Path) -> tuple[subprocess.Popen, str]:
    """Start a run worker; return it and its run id once the run is STARTED with its pid recorded."""
    process = subprocess.Popen([sys.executable, "-c", _WORKER, str(home)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while time.monotonic() < deadline:
            records = instance.get_run_records()
            if records and worker_pid(instance, records[0].dagster_run.run_id) == process.pid:
                return process, records[0].dagster_run.run_id
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the worker's run never recorded its pid")


def run_status(home: Path, run_id: str) -> dg.DagsterRunStatus:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return instance.get_run_by_id(run_id).status


@pytest.mark.timeout(120)
def test_a_killed_worker_is_marked_failed_and_a_live_one_is_left_alone(home):
    dead, dead_run = start_worker(home)
    alive, alive_run = start_worker(home)
    try:
        os.kill(dead.pid, signal.SIGKILL)
        dead.wait(timeout=10)
        assert run_status(home, dead_run) == dg.DagsterRunStatus.STARTED  # nothing else notices

        with dg.DagsterInstance.from_config(str(home)) as instance:
            result = glaive_dead_runs(dg.build_sensor_context(instance=instance))
            assert result.skip_message == f"marked 1 dead run(s) failed: {dead_run}"
            failure = instance.all_logs(dead_run, of_type=dg.DagsterEventType.RUN_FAILURE)
            assert f"worker process (pid {dead.pid}) is gone" in failure[-1].message
            # The next tick finds nothing more to do.
            assert fail_dead_runs(instance) == []
        assert run_status(home, dead_run) == dg.DagsterRunStatus.FAILURE
        assert run_status(home, alive_run) == dg.DagsterRunStatus.STARTED
    finally:
        alive.kill()
        alive.wait(timeout=10)
