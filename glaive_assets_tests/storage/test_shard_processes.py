"""Shards side by side in processes of their own (the in-process executor's form): the same results as
running each in this process, and a failing shard's own message, never a hang."""

import dataclasses
import os
import pickle
import subprocess
import sys
import time

import pytest

from glaive_assets.storage.shard_processes import ShardProcessError, transform_in_processes
from glaive_assets.storage.shards import (
    SHARD_FILES, ShardAccountingError, merge_while_running, plan_shards, run_scratch, transform_shard,
)
from glaive_assets.storage.stages import split_raw
from glaive_assets.storage.stages import write_raw
from glaive_assets_tests.harness.dagster_helpers import sample_rows
from glaive_assets_tests.storage.test_shards import SOURCE, raw_with_quirks


def test_each_shard_in_its_own_process_gives_what_it_gives_here(tmp_path):
    raw = raw_with_quirks(tmp_path)
    here = [transform_shard(plan) for plan in plan_shards(raw, 3, run_scratch(tmp_path, "here"))]
    apart = transform_in_processes(plan_shards(raw, 3, run_scratch(tmp_path, "apart")))
    assert [result.plan.key for result in apart] == ["shard_1_of_3", "shard_2_of_3", "shard_3_of_3"]
    for mine, theirs in zip(here, apart):
        assert (theirs.rows, theirs.stats) == (mine.rows, mine.stats)
        for kind in ("processed", "rejects", "chatml", "checked"):
            assert getattr(theirs, kind).path.read_bytes() == getattr(mine, kind).path.read_bytes()
            assert getattr(theirs, kind).rows == getattr(mine, kind).rows


def test_a_shard_whose_rows_do_not_add_up_fails_with_its_own_message(tmp_path):
    raw = raw_with_quirks(tmp_path)
    first, second = plan_shards(raw, 2, run_scratch(tmp_path, "run"))
    inside_a_line = dataclasses.replace(first, stop_byte=first.stop_byte + 1)
    with pytest.raises(ShardAccountingError, match=r"^shard_1_of_2 read raw bytes 0\.\.\d+, not its range 0\.\.\d+: "
                                                   r"the range does not end at a line start$"):
        transform_in_processes([inside_a_line, second])


def test_a_shard_process_that_crashes_is_an_error_naming_the_shard(tmp_path):
    raw = raw_with_quirks(tmp_path)
    first, second = plan_shards(raw, 2, run_scratch(tmp_path, "run"))
    gone = dataclasses.replace(second, raw=dataclasses.replace(second.raw, path=tmp_path / "no-such-raw.jsonl"))
    with pytest.raises(ShardProcessError, match=(
            r"^shard_2_of_2's process exited with code 1: FileNotFoundError: .*no-such-raw\.jsonl'$")):
        transform_in_processes([first, gone])


def test_at_most_max_running_processes_give_the_same_results(tmp_path):
    raw = raw_with_quirks(tmp_path)
    side_by_side = transform_in_processes(plan_shards(raw, 3, run_scratch(tmp_path, "three")))
    one_at_a_time = transform_in_processes(plan_shards(raw, 3, run_scratch(tmp_path, "one")), max_running=1)
    assert [result.processed.path.read_bytes() for result in one_at_a_time] == [
        result.processed.path.read_bytes() for result in side_by_side]


def test_a_merge_beside_the_processes_ignores_files_an_earlier_attempt_left(tmp_path):
    """The merge reads each shard's files as they grow, from the moment it starts: files of the same names
    left in the scratch folder are removed before each shard's process starts, never copied."""
    raw = raw_with_quirks(tmp_path)
    single, single_rejects, _ = split_raw(tmp_path / "single", raw)
    plans = plan_shards(raw, 2, run_scratch(tmp_path, "retried"))
    plans[0].scratch.mkdir(parents=True)
    for plan in plans:
        for kind in SHARD_FILES:
            plan.file(kind).write_bytes(b'{"left": "by an earlier attempt"}\n' * 5000)
    processed, rejects, _, _ = merge_while_running(
        tmp_path, raw, plans,
        lambda shards: transform_in_processes(plans, on_finished=shards.finish, check=shards.check))
    assert processed.path.read_bytes() == single.path.read_bytes()
    assert processed.checked.path.read_bytes() == single.checked.path.read_bytes()
    assert rejects.path.read_bytes() == single_rejects.path.read_bytes()


def _shard_pids(scratch) -> list[int]:
    """The shard processes whose command names a plan in `scratch`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            command = open(f"/proc/{entry}/cmdline", "rb").read().decode()
        except (OSError, ValueError):
            continue
        if "worker_processes" in command and str(scratch) in command:
            found.append(int(entry))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_shard_processes_end_with_a_step_killed_by_sigkill(tmp_path):
    """A run killed mid-transform must not leave its shards running."""
    source = [(index, row) for index, row in enumerate(sample_rows(12000, seed=5))]  # seconds a shard
    raw = write_raw(tmp_path, source, SOURCE)
    scratch = run_scratch(tmp_path, "killed")
    step = subprocess.Popen([sys.executable, "-c", (
        "import pickle, sys; from glaive_assets.storage.shard_processes import transform_in_processes; "
        "transform_in_processes(pickle.loads(sys.stdin.buffer.read()))")], stdin=subprocess.PIPE)
    step.stdin.write(pickle.dumps(plan_shards(raw, 2, scratch)))
    step.stdin.close()
    deadline = time.monotonic() + 30
    while len(_shard_pids(scratch)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    shards = _shard_pids(scratch)
    assert len(shards) == 2, "the shard processes never started"
    step.kill()
    step.wait()
    deadline = time.monotonic() + 1  # the kernel ends them at once; on their own they would run on
    while _shard_pids(scratch) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _shard_pids(scratch) == []
