"""Shards side by side in processes of their own (the in-process executor's form): the same results as
running each in this process, and a failing shard's own message, never a hang."""

import dataclasses

import pytest

from glaive_assets.storage.shard_processes import ShardProcessError, transform_in_processes
from glaive_assets.storage.shards import ShardAccountingError, plan_shards, run_scratch, transform_shard
from glaive_assets_tests.storage.test_shards import raw_with_quirks


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
