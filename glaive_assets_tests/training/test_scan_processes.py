"""The training plan's pass in processes side by side (training/scan.py): the same plan as one pass,
with duplicates and eval matches found across the processes' ranges."""

from __future__ import annotations

import numpy as np
import pytest

from glaive_assets.core.jsonio import JsonlLineError

from glaive_assets.storage import worker_processes
from glaive_assets.storage.ranges import cut_at_line_starts
from glaive_assets.training import scan
from glaive_assets.training.config import TrainingConfig
from glaive_assets.training.decontaminate import build_eval_index
from glaive_assets.training.plan import plan_training_set, plan_training_set_in_processes
from glaive_assets.training.stage import build_training_set
from glaive_assets.training.write import ledger_row
from glaive_assets_tests.training.rows import sample_chatml_rows, write_rows
from glaive_assets_tests.training.test_decontaminate import BFCL, OPENAI, chat
from glaive_assets_tests.training.test_dedup import planted_rows

@pytest.fixture(autouse=True)
def small_files_in_processes_too(monkeypatch):
    """These files are a few KB: below MIN_BYTES_PER_PROCESS they would be one pass."""
    monkeypatch.setattr(worker_processes, "MIN_BYTES_PER_PROCESS", 1)


PLAN_ARRAYS = ("ids", "source_index", "reason", "duplicate_of", "split", "sample_weight", "codes")


def rows_with_copies_in_the_second_half() -> list[dict]:
    """The planted duplicates' originals first, their copies and an eval question after 40 sample rows, so
    two processes see each original and its copy in different ranges."""
    planted = planted_rows()
    eval_question = chat(900, "SPELL-CHECK zephyrine!")
    filler = sample_chatml_rows(40, seed=11)
    return [planted[0], planted[4], planted[10], *filler, planted[1], planted[2], planted[3], planted[5],
            planted[9], eval_question]


def found(plan) -> dict[int, tuple]:
    """Each dropped row's source_index -> its reason and the source_index it duplicates."""
    return {int(plan.source_index[position]): (entry["reason"], entry["duplicate_of_source_index"])
            for position in np.flatnonzero(plan.reason >= 0).tolist()
            for entry in [ledger_row(plan, position)]}


@pytest.mark.parametrize("processes", [2, 3])
def test_the_pass_in_processes_makes_the_plan_of_one_pass(tmp_path, processes):
    rows = rows_with_copies_in_the_second_half()
    path = write_rows(tmp_path / "glaive_chatml.jsonl", rows)
    config = TrainingConfig(eval_sets=(BFCL, OPENAI))
    index = build_eval_index(config.eval_sets, config.ngram_words)
    one = plan_training_set(iter(rows), config, index)
    apart = plan_training_set_in_processes(path, config, index, processes, tmp_path / "scratch")
    assert found(apart) == found(one) == {
        1: ("duplicate_exact", 0), 2: ("duplicate_near", 0), 3: ("duplicate_near", 0),
        5: ("duplicate_paraphrase", 4), 100: ("duplicate_exact", 50), 900: ("contaminated", None)}
    for name in PLAN_ARRAYS:
        assert np.array_equal(getattr(apart, name), getattr(one, name)), name
    assert apart.contamination == one.contamination


def test_the_training_set_is_byte_identical_for_any_number_of_processes(tmp_path):
    path = write_rows(tmp_path / "glaive_chatml.jsonl", rows_with_copies_in_the_second_half())
    digests = {}
    for processes in (1, 2, 3):
        training = build_training_set(tmp_path / f"out-{processes}", path, TrainingConfig(), processes=processes)
        digests[processes] = {name: artifact.sha256 for name, artifact in training.artifacts.items()}
        assert training.accounting.ok
    assert digests[1] == digests[2] == digests[3]


def test_a_broken_line_in_a_later_range_is_the_same_one_line_error(tmp_path):
    rows = sample_chatml_rows(30, seed=2)
    path = write_rows(tmp_path / "glaive_chatml.jsonl", rows)
    path.write_bytes(path.read_bytes() + b'{"messages": [\n')
    broken_at = len(path.read_bytes()) - len(b'{"messages": [\n')
    for processes in (2, 3):  # the same message for any number of processes
        with pytest.raises(JsonlLineError, match=rf"^\S+glaive_chatml\.jsonl \(the line at byte {broken_at}\): "
                                                 r"not a JSON value \("):
            plan_training_set_in_processes(path, TrainingConfig(), build_eval_index(()), processes, tmp_path / "scratch")


def test_a_small_file_is_one_pass_here(tmp_path, monkeypatch):
    monkeypatch.setattr(worker_processes, "MIN_BYTES_PER_PROCESS", 8 << 20)
    monkeypatch.setattr(scan, "run_in_processes", None)  # would fail if called
    path = write_rows(tmp_path / "glaive_chatml.jsonl", sample_chatml_rows(20, seed=4))
    plan = plan_training_set_in_processes(path, TrainingConfig(), build_eval_index(()), 2, tmp_path / "scratch")
    assert plan.rows == 20 and not (tmp_path / "scratch").exists()


def test_the_processes_never_outnumber_the_files_worth_of_work(tmp_path, monkeypatch):
    monkeypatch.setattr(worker_processes, "MIN_BYTES_PER_PROCESS", 10_000)
    asked = []
    real = scan.scan_in_processes
    monkeypatch.setattr(scan, "scan_in_processes", lambda *args: asked.append(args[3]) or real(*args))
    started = []
    run = scan.run_in_processes
    monkeypatch.setattr(scan, "run_in_processes", lambda jobs, processes, **kw: started.append(
        (len(jobs), processes)) or run(jobs, processes, **kw))
    path = write_rows(tmp_path / "glaive_chatml.jsonl", sample_chatml_rows(20, seed=4))
    plan_training_set_in_processes(path, TrainingConfig(), build_eval_index(()), 16, tmp_path / "scratch")
    assert asked == [path.stat().st_size // 10_000] and 1 < asked[0] < 16
    # the processes work through JOBS_PER_PROCESS ranges each (fewer where lines are longer than a range)
    ranges = cut_at_line_starts(path, path.stat().st_size, asked[0] * worker_processes.JOBS_PER_PROCESS)
    assert started == [(len(ranges), asked[0])] and len(ranges) > asked[0]
    assert list((tmp_path / "scratch").glob("*.npy")) == []  # each range's columns removed once joined


def test_a_chatml_file_replaced_during_the_pass_is_refused(tmp_path, monkeypatch):
    path = write_rows(tmp_path / "glaive_chatml.jsonl", sample_chatml_rows(20, seed=4))
    real_cut = scan.cut_at_line_starts

    def cut_then_replace(*args):
        ranges = real_cut(*args)
        write_rows(tmp_path / "new.jsonl", sample_chatml_rows(20, seed=4)).replace(path)  # another inode
        return ranges

    monkeypatch.setattr(scan, "cut_at_line_starts", cut_then_replace)
    with pytest.raises(scan.ChatmlChangedError, match=r"glaive_chatml\.jsonl was replaced while the training plan "
                                                      r"read it: rerun the step$"):
        plan_training_set_in_processes(path, TrainingConfig(), build_eval_index(()), 2, tmp_path / "scratch")
