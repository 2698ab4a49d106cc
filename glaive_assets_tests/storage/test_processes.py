"""process_alive on real processes: this one, a child that exited, a zombie, and a reused pid."""

import os
import subprocess
import time

from glaive_assets.storage.processes import process_alive, process_start_time


def test_this_process_is_alive_and_started_in_the_past():
    started = process_start_time(os.getpid())
    assert started is not None and started <= time.time()
    assert process_alive(os.getpid())
    assert process_alive(os.getpid(), started_by=time.time())


def test_an_exited_child_is_dead_even_before_it_is_reaped():
    child = subprocess.Popen(["sleep", "30"])
    assert process_alive(child.pid)
    child.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process_alive(child.pid):  # a zombie until wait()
        time.sleep(0.05)
    assert not process_alive(child.pid)
    child.wait(timeout=10)
    assert not process_alive(child.pid)


def test_a_pid_whose_process_started_after_the_owner_did_is_not_the_owner():
    """A reused pid: the live process started after the time its owner must have started by."""
    started = process_start_time(os.getpid())
    assert started is not None
    assert not process_alive(os.getpid(), started_by=started - 60)


def test_pids_that_cannot_exist_are_dead():
    assert not process_alive(0)
    assert not process_alive(-1)
