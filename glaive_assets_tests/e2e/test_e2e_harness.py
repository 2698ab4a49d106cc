"""The harness itself: a code location that cannot load fails fast with its error, a failed run is
reported with the user's exception, and stopping dagster dev leaves no process of its group behind.
Uses throwaway definitions files, not the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from glaive_assets_tests.harness.dagster_dev import (
    DagsterDev,
    DagsterDevError,
    ProcessInfo,
    live_processes_in_group,
    running_dagster_dev,
    wait_for,
)

pytestmark = [pytest.mark.e2e]

BROKEN_DEFS = "raise RuntimeError('glaive e2e: deliberately broken code location')\n"

# One asset that always fails, and a sensor that requests it once, on its first tick.
FAILING_DEFS = """
import dagster as dg


@dg.asset
def doomed() -> None:
    raise RuntimeError("glaive e2e: deliberate asset failure")


doomed_job = dg.define_asset_job("doomed_job", selection=[doomed])


@dg.sensor(job=doomed_job, minimum_interval_seconds=5, default_status=dg.DefaultSensorStatus.RUNNING)
def request_once(context):
    if context.cursor:
        return dg.SkipReason("requested already")
    return dg.SensorResult(run_requests=[dg.RunRequest()], cursor="requested")


defs = dg.Definitions(assets=[doomed], jobs=[doomed_job], sensors=[request_once])
"""


@pytest.mark.timeout(120)
def test_a_location_that_cannot_load_fails_fast_with_its_error_and_leaves_nothing_running(tmp_path: Path) -> None:
    defs_file = tmp_path / "broken_defs.py"
    defs_file.write_text(BROKEN_DEFS)
    stopped: list[tuple[DagsterDev, list[ProcessInfo]]] = []

    with pytest.raises(DagsterDevError) as failure:
        with running_dagster_dev(
            tmp_path / "dev",
            target=("-f", str(defs_file)),
            location_name=defs_file.name,
            cwd=tmp_path,
            ready_timeout=90,
            on_stop=lambda dev, survivors: stopped.append((dev, survivors)),
        ):
            pytest.fail("a broken code location must not be reported ready")

    message = str(failure.value)
    assert "code location broken_defs.py failed to load" in message
    assert "deliberately broken code location" in message
    assert "lines of" in message and "dagster_dev.log" in message  # the log tail came along
    assert len(stopped) == 1
    dev, survivors = stopped[0]
    assert survivors == []
    assert dev.process.returncode is not None
    assert live_processes_in_group(dev.pgid) == []


@pytest.mark.timeout(150)
def test_a_failed_run_is_reported_with_the_users_exception(tmp_path: Path) -> None:
    defs_file = tmp_path / "failing_defs.py"
    defs_file.write_text(FAILING_DEFS)
    stopped: list[list[ProcessInfo]] = []
    with running_dagster_dev(
        tmp_path / "dev",
        target=("-f", str(defs_file)),
        location_name=defs_file.name,
        cwd=tmp_path,
        on_stop=lambda dev, survivors: stopped.append(survivors),
    ) as dev:
        runs = wait_for(dev.runs, timeout=60, what="the sensor's run", diagnostics=dev.log_tail)
        assert [run.job_name for run in runs] == ["doomed_job"]
        with pytest.raises(DagsterDevError) as failure:
            dev.wait_for_run_to_finish(runs[0].run_id, timeout=90)
        assert dev.run(runs[0].run_id).status == "FAILURE"
    message = str(failure.value)
    assert f"run {runs[0].run_id} ended FAILURE" in message
    assert "RuntimeError: glaive e2e: deliberate asset failure" in message
    assert stopped == [[]]
