"""The transform in shards, without Dagster: plans cut raw's bytes at line starts, every shard accounts for
its rows, and the merged files are byte-identical to the single pass for any number of shards."""

import dataclasses
import errno
import os
import re
import threading
import time

import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.storage.artifacts import JsonlWriter, artifact_path
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.manifest import load_artifact, update_manifest
from glaive_assets.storage.shards import (
    SHARD_FILES, ShardAccountingError, check_coverage, merge_shards, merge_while_running, plan_shards, remove_finished_scratch, run_scratch,
    scratch_root, transform_shard,
)
from glaive_assets.storage.stages import RowAccountingError, split_raw, write_raw
from glaive_assets.storage.temps import temp_path_for
from glaive_assets_tests.harness.dagster_helpers import read_lines, sample_rows

SOURCE = SourceSettings("sample", 0, 3)


def raw_with_quirks(data_dir, rows: int = 60):
    """Sample rows plus a few that become rejects, recorded in the manifest like glaive_raw's writer does."""
    source = [(index, row) for index, row in enumerate(sample_rows(rows, seed=8))]
    source += [(rows, None), (rows + 1, {"system": "SYSTEM: x"}), (rows + 2, "USER: hi")]
    raw = write_raw(data_dir, source, SOURCE)
    update_manifest(data_dir, [raw])
    return load_artifact(data_dir, "glaive_raw")


def run_shards(data_dir, raw, count):
    plans = plan_shards(raw, count, run_scratch(data_dir, f"run-{count}"))
    return [transform_shard(plan) for plan in plans]


def line_starts(raw):
    body = raw.path.read_bytes()
    return [0] + [index + 1 for index, byte in enumerate(body) if byte == ord("\n")]


def test_plans_cut_raw_into_contiguous_byte_ranges_of_near_equal_size_at_line_starts(tmp_path):
    raw = raw_with_quirks(tmp_path)  # 63 rows
    starts = line_starts(raw)
    plans = plan_shards(raw, 4, tmp_path / "scratch")
    assert [plan.key for plan in plans] == ["shard_1_of_4", "shard_2_of_4", "shard_3_of_4", "shard_4_of_4"]
    assert [plan.start_byte for plan in plans] == [0] + [plan.stop_byte for plan in plans[:-1]]
    assert plans[-1].stop_byte == raw.size_bytes
    longest_line = max(stop - start for start, stop in zip(starts, starts[1:]))
    for index, plan in enumerate(plans):
        assert plan.stop_byte in starts  # each range ends (and so the next begins) at a line start
        cut = raw.size_bytes * (index + 1) // 4
        assert cut <= plan.stop_byte < cut + longest_line  # the first line start at or after the cut


def test_a_cut_on_a_line_start_stays_there(tmp_path):
    raw = raw_with_quirks(tmp_path)
    starts = line_starts(raw)
    exact = dataclasses.replace(raw, size_bytes=2 * starts[10])  # the one cut falls on line 10's start
    assert [(plan.start_byte, plan.stop_byte) for plan in plan_shards(exact, 2, tmp_path)][0] == (0, starts[10])


def test_never_more_shards_than_rows_and_at_least_one(tmp_path):
    raw = write_raw(tmp_path, [(index, row) for index, row in enumerate(sample_rows(3, seed=1))], SOURCE)
    starts = line_starts(raw)
    assert starts[1] < raw.size_bytes // 3 < starts[2] < 2 * raw.size_bytes // 3  # the premise: a long last line
    plans = plan_shards(raw, 8, tmp_path)
    # 8 shards asked, 3 cuts at most: at 1/3 and 2/3 of the bytes, both inside a line, so 2 ranges
    assert [(plan.start_byte, plan.stop_byte) for plan in plans] == [(0, starts[2]), (starts[2], starts[3])]
    assert [plan.key for plan in plans] == ["shard_1_of_2", "shard_2_of_2"]
    with pytest.raises(ValueError, match="the number of shards must be >= 1, got 0"):
        plan_shards(raw, 0, tmp_path)


def test_an_empty_raw_is_one_empty_shard(tmp_path):
    raw = write_raw(tmp_path, [], SOURCE)
    update_manifest(tmp_path, [raw])
    raw = load_artifact(tmp_path, "glaive_raw")
    results = run_shards(tmp_path, raw, 4)
    assert [(result.plan.key, result.rows) for result in results] == [("shard_1_of_1", 0)]
    processed, rejects, _ = merge_shards(tmp_path, raw, results)
    assert (processed.rows, rejects.rows, processed.path.read_bytes()) == (0, 0, b"")


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_merged_shards_are_byte_identical_to_the_single_pass(tmp_path, count):
    raw = raw_with_quirks(tmp_path)
    single_processed, single_rejects, single_stats = split_raw(tmp_path / "single", raw)
    expected = (single_processed.path.read_bytes(), single_rejects.path.read_bytes())

    companions = (single_processed.checked.path.read_bytes(), single_processed.staged_chatml.path.read_bytes())

    results = run_shards(tmp_path, raw, count)
    processed, rejects, stats = merge_shards(tmp_path, raw, results[::-1])  # handed over in any order
    assert (processed.path.read_bytes(), rejects.path.read_bytes()) == expected
    assert (processed.checked.path.read_bytes(), processed.staged_chatml.path.read_bytes()) == companions
    assert processed.qa_stats == single_processed.qa_stats
    assert (processed.sha256, rejects.sha256) == (single_processed.sha256, single_rejects.sha256)
    assert (processed.rows, rejects.rows) == (60, 3)
    assert stats == single_stats
    assert [result.processed.rows + result.rejects.rows for result in results] == [
        result.rows for result in results]
    assert sum(result.rows for result in results) == 63


def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_merge_while_the_shards_run_copies_what_a_running_shard_has_written(tmp_path):
    raw = raw_with_quirks(tmp_path)
    single, _, single_stats = split_raw(tmp_path / "single", raw)
    plans = plan_shards(raw, 3, run_scratch(tmp_path, "running"))
    done_elsewhere = [transform_shard(dataclasses.replace(plan, scratch=tmp_path / "elsewhere")) for plan in plans]
    published = temp_path_for(artifact_path(tmp_path, "glaive_processed"))
    copied_while_running = []

    def run(shards):  # each shard writes the first half of its files, then the rest, then ends
        copied = 0
        for plan, result in zip(plans, done_elsewhere):
            plan.scratch.mkdir(parents=True, exist_ok=True)
            bodies = {kind: getattr(result, kind).path.read_bytes() for kind in SHARD_FILES}
            handles = {kind: open(plan.file(kind), "xb") for kind in SHARD_FILES}
            for kind, handle in handles.items():
                handle.write(bodies[kind][:len(bodies[kind]) // 2])
                handle.flush()
            half = copied + len(bodies["processed"]) // 2
            copied_while_running.append(_wait_for(lambda: _size(published) == half))
            for kind, handle in handles.items():
                handle.write(bodies[kind][len(bodies[kind]) // 2:])
                handle.close()
            copied += len(bodies["processed"])
            shards.finish(dataclasses.replace(result, plan=plan))

    processed, rejects, stats, results = merge_while_running(tmp_path, raw, plans, run)
    assert copied_while_running == [True, True, True]
    assert processed.path.read_bytes() == single.path.read_bytes() and processed.sha256 == single.sha256
    assert processed.staged_chatml.path.read_bytes() == single.staged_chatml.path.read_bytes()
    assert (processed.rows, rejects.rows, stats) == (60, 3, single_stats)
    assert [result.plan.key for result in results] == ["shard_1_of_3", "shard_2_of_3", "shard_3_of_3"]


def _size(path) -> int:
    return path.stat().st_size if path.exists() else -1


def test_shards_that_fail_or_never_report_end_the_merge_and_replace_nothing(tmp_path):
    raw = raw_with_quirks(tmp_path)
    published, _, _ = merge_shards(tmp_path, raw, run_shards(tmp_path, raw, 2))
    before = published.path.read_bytes()
    plans = plan_shards(raw, 2, run_scratch(tmp_path, "failing"))

    def first_then_fail(shards):
        shards.finish(transform_shard(plans[0]))
        raise RuntimeError("shard_2_of_2's process exited with code 1")

    with pytest.raises(RuntimeError, match="^shard_2_of_2's process exited with code 1$"):
        merge_while_running(tmp_path, raw, plans, first_then_fail)
    with pytest.raises(ShardAccountingError, match=r"^shard 2 of 2 ran, but reported no result$"):
        merge_while_running(tmp_path, raw, plans, lambda shards: shards.finish(transform_shard(plans[0])))
    assert published.path.read_bytes() == before
    assert list(tmp_path.rglob("*.tmp")) == []
    assert [thread.name for thread in threading.enumerate() if thread.name.startswith("merge")] == []


def test_a_copy_that_fails_stops_the_running_shards(tmp_path, monkeypatch):
    raw = raw_with_quirks(tmp_path)
    plans = plan_shards(raw, 2, run_scratch(tmp_path, "full"))
    write_block = JsonlWriter.write_block

    def fill_the_disk(writer, block):
        if "glaive_processed.jsonl" in writer._handle.name:
            raise OSError(errno.ENOSPC, "No space left on device")
        write_block(writer, block)

    def running_until_stopped(shards):  # a shard that has written a little and would run for 30 s
        plans[0].scratch.mkdir(parents=True)
        plans[0].file("processed").write_bytes(b'{"id": "a"}\n')
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shards.check()
            time.sleep(0.01)

    monkeypatch.setattr(JsonlWriter, "write_block", fill_the_disk)
    started = time.monotonic()
    with pytest.raises(StorageError, match=r"^cannot write glaive_processed at \S+: no space left on the device$"):
        merge_while_running(tmp_path, raw, plans, running_until_stopped)
    assert time.monotonic() - started < 10
    assert list(tmp_path.rglob("*.tmp")) == []


def test_a_merge_while_running_refuses_raw_replaced_during_the_shards(tmp_path):
    raw = raw_with_quirks(tmp_path)
    plans = plan_shards(raw, 2, run_scratch(tmp_path, "replaced"))

    def shards_then_a_new_raw(shards):
        for plan in plans:
            shards.finish(transform_shard(plan))
        raw_with_quirks(tmp_path)  # the same rows written again: another inode

    with pytest.raises(ShardAccountingError, match="was replaced after the shards were planned"):
        merge_while_running(tmp_path, raw, plans, shards_then_a_new_raw)
    assert not artifact_path(tmp_path, "glaive_processed").exists()


def test_a_shard_whose_range_ends_inside_a_line_fails(tmp_path):
    raw = raw_with_quirks(tmp_path)
    plan = plan_shards(raw, 2, tmp_path / "scratch")[0]
    wrong = dataclasses.replace(plan, stop_byte=plan.stop_byte + 1)  # the next shard's first line, plus one byte
    with pytest.raises(ShardAccountingError, match=(
            rf"^shard_1_of_2 read raw bytes 0\.\.\d+, not its range 0\.\.{plan.stop_byte + 1}: "
            r"the range does not end at a line start$")):
        transform_shard(wrong)


def test_one_pass_refuses_a_raw_file_with_other_rows_than_recorded_before_replacing_anything(tmp_path):
    raw = raw_with_quirks(tmp_path)
    with pytest.raises(RowAccountingError, match=r"holds 63 rows, but its manifest records 64$"):
        split_raw(tmp_path / "out", dataclasses.replace(raw, rows=raw.rows + 1))
    assert not artifact_path(tmp_path / "out", "glaive_processed").exists()
    assert list((tmp_path / "out").rglob("*.tmp")) == []


def test_a_shard_refuses_a_raw_file_replaced_after_the_plan(tmp_path):
    raw = raw_with_quirks(tmp_path)
    plan = plan_shards(raw, 2, tmp_path / "scratch")[1]
    raw_with_quirks(tmp_path)  # the same rows, written again: another inode
    with pytest.raises(ShardAccountingError, match="was replaced after the shards were planned"):
        transform_shard(plan)


def test_the_merge_refuses_shards_that_do_not_cover_raw_once(tmp_path):
    raw = raw_with_quirks(tmp_path)
    results = run_shards(tmp_path, raw, 3)
    first, second, third = ((result.plan.start_byte, result.plan.stop_byte) for result in results)
    with pytest.raises(ShardAccountingError, match=re.escape(
            f"cover raw bytes {[first, third]}, not 0..{raw.size_bytes} once each")):
        check_coverage([results[0], results[2]], raw)
    with pytest.raises(ShardAccountingError, match=re.escape(f"cover raw bytes {[first, first, second]}")):
        check_coverage([results[0], results[0], results[1]], raw)
    with pytest.raises(ShardAccountingError, match=rf"cover raw bytes \[\], not 0\.\.{raw.size_bytes}"):
        check_coverage([], raw)
    assert check_coverage(results[::-1], raw) == results


def test_the_merge_refuses_shards_that_read_other_than_raws_rows(tmp_path):
    raw = raw_with_quirks(tmp_path)
    results = run_shards(tmp_path, raw, 3)
    recorded_more = dataclasses.replace(raw, rows=raw.rows + 1)  # a manifest that records a row the file lacks
    with pytest.raises(ShardAccountingError, match=r"^the shards read 63 rows from raw, but its manifest records 64$"):
        merge_shards(tmp_path, recorded_more, results)
    assert not artifact_path(tmp_path, "glaive_processed").exists()


def test_the_merge_refuses_a_shard_file_changed_after_its_shard_and_replaces_nothing(tmp_path):
    raw = raw_with_quirks(tmp_path)
    published, _, _ = merge_shards(tmp_path, raw, run_shards(tmp_path, raw, 2))
    before = {path: (path.stat().st_ino, path.read_bytes())  # any N writes the same bytes: compare inodes too
              for path in (published.path, published.checked.path, published.staged_chatml.path)}
    results = run_shards(tmp_path, raw, 3)
    with open(results[1].chatml.path, "ab") as shard_chatml:  # one line more than its shard counted
        shard_chatml.write(b'{"messages": []}\n')
    with pytest.raises(ShardAccountingError, match=(
            r"shard_2_of_3\.chatml\.jsonl holds \d+ bytes, but its shard wrote \d+: it was changed after the shard ended")):
        merge_shards(tmp_path, raw, results)
    assert {path: (path.stat().st_ino, path.read_bytes()) for path in before} == before  # nothing replaced
    assert list(tmp_path.rglob("*.tmp")) == []


@pytest.mark.parametrize(("failing", "named"), [
    ("glaive_processed.checked", "checked"), ("glaive_chatml", "staged_chatml"),
    ("glaive_processed.jsonl", "glaive_processed"), ("glaive_rejects", "glaive_rejects")])
def test_a_full_disk_during_the_merge_names_the_file_whose_copy_failed(tmp_path, monkeypatch, failing, named):
    raw = raw_with_quirks(tmp_path)
    results = run_shards(tmp_path, raw, 2)
    write_block = JsonlWriter.write_block

    def fill_the_disk(writer, block):
        if failing in writer._handle.name:
            raise OSError(errno.ENOSPC, "No space left on device")  # a write's error names no file
        write_block(writer, block)

    monkeypatch.setattr(JsonlWriter, "write_block", fill_the_disk)
    with pytest.raises(StorageError, match=rf"^cannot write {named} at \S+: no space left on the device$"):
        merge_shards(tmp_path, raw, results)
    assert list(tmp_path.rglob("*.tmp")) == []
    assert not artifact_path(tmp_path, "glaive_processed").exists()


def test_scratch_of_finished_runs_is_removed_and_a_running_one_kept(tmp_path):
    for run_id in ("done", "running"):
        os.makedirs(run_scratch(tmp_path, run_id))
        (run_scratch(tmp_path, run_id) / "shard_1_of_1.processed.jsonl").write_bytes(b"{}\n")
    removed = remove_finished_scratch(tmp_path, lambda run_id: run_id == "done")
    assert removed == [run_scratch(tmp_path, "done")]
    assert sorted(path.name for path in scratch_root(tmp_path).iterdir()) == ["running"]


def test_shard_files_hold_their_range_in_order(tmp_path):
    raw = raw_with_quirks(tmp_path)
    results = run_shards(tmp_path, raw, 2)
    ranges = [(0, results[0].rows), (results[0].rows, 63)]
    assert results[1].rows == 63 - results[0].rows
    for result, (first, stop) in zip(results, ranges):
        indices = sorted([line["source_index"] for line in read_lines(result.processed.path)]
                         + [line["source_index"] for line in read_lines(result.rejects.path)])
        assert indices == list(range(first, stop))
