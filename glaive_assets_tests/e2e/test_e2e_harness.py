"""The harness itself: a code location that cannot load fails fast with its error, and stopping
dagster dev leaves no process of its group behind. Uses a throwaway definitions file, not the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from glaive_assets_tests.e2e.dagster_dev import DagsterDev, DagsterDevError, ProcessInfo, live_processes_in_group, running_dagster_dev

pytestmark = [pytest.mark.e2e]

BROKEN_DEFS = "raise RuntimeError('glaive e2e: deliberately broken code location')\n"


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
