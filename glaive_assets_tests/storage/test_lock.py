"""The data dir's writer lock: re-entrant for one run, refused (naming the holder) for another, and
released by the kernel when its holder dies."""

import os
import signal
import subprocess
import sys
import time

import pytest

from glaive_assets.storage.lock import LOCK_NAME, DataDirBusy, data_dir_lock, read_holder

# Another process holding the lock for run "run-A" until it is killed.
_HOLDER = """
import sys, time
from pathlib import Path
from glaive_assets.storage.lock import data_dir_lock
with data_dir_lock(Path(sys.argv[1]), "run-A"):
    print("held", flush=True)
    time.sleep(120)
"""


def hold_in_another_process(data_dir) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(data_dir)], stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"held\n"
    return holder


def test_the_same_run_reenters_and_releases_only_at_the_outermost_exit(data_dir):
    with data_dir_lock(data_dir, "run-A") as first:
        assert first is True
        with data_dir_lock(data_dir, "run-A") as nested:
            assert nested is False
        holder = read_holder(data_dir)
        assert (holder["run_id"], holder["pid"]) == ("run-A", os.getpid())
        with pytest.raises(DataDirBusy, match=r"being written by run run-A \(pid \d+ on "):
            with data_dir_lock(data_dir, "run-B"):
                pass
    with data_dir_lock(data_dir, "run-B") as first:  # released: another run may take it now
        assert first is True


def test_a_second_run_in_another_process_fails_at_once_naming_the_holder(data_dir):
    holder = hold_in_another_process(data_dir)
    try:
        started = time.monotonic()
        with pytest.raises(DataDirBusy) as raised:
            with data_dir_lock(data_dir, "run-B"):
                pass
        assert time.monotonic() - started < 1.0
        assert f"the data dir {data_dir} is being written by run run-A (pid {holder.pid} on " in str(raised.value)
        assert "this run stops here and writes nothing" in str(raised.value)
        assert raised.value.holder["run_id"] == "run-A"
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_the_same_run_in_another_process_waits_for_its_turn(data_dir):
    holder = hold_in_another_process(data_dir)
    try:
        waited = subprocess.Popen([sys.executable, "-c", _HOLDER.replace("time.sleep(120)", "pass"), str(data_dir)],
                                  stdout=subprocess.PIPE)
        time.sleep(1.0)
        assert waited.poll() is None  # still waiting: run-A's other process holds the lock
        holder.kill()
        assert waited.stdout.readline() == b"held\n"
        assert waited.wait(timeout=30) == 0
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_holder_killed_with_sigkill_leaves_the_lock_free(data_dir):
    holder = hold_in_another_process(data_dir)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    with data_dir_lock(data_dir, "run-B") as first:
        assert first is True
        assert read_holder(data_dir)["run_id"] == "run-B"
    assert (data_dir / LOCK_NAME).exists()


def test_an_unwritable_data_dir_is_one_line_naming_the_lock_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(Exception, match=rf"cannot write the data dir's writer lock at {blocker}/data/{LOCK_NAME}: "):
        with data_dir_lock(blocker / "data", "run-A"):
            pass
