"""The exports' formats in groups side by side, each group in a process of its own
(exports.write.write_exports_from_files): the same files as one pass for all formats."""

from __future__ import annotations

import pytest

from glaive_assets.exports import write
from glaive_assets.exports.write import EXPORT_FORMATS, SPLITS, format_groups, write_exports_from_files
from glaive_assets.storage import worker_processes
from glaive_assets.storage.worker_processes import run_in_processes
from glaive_assets_tests.training.rows import sample_chatml_rows, write_rows


def split_files(folder):
    rows = sample_chatml_rows(30, seed=6)
    share = {"train": rows[:20], "validation": rows[20:25], "test": rows[25:]}
    return {split: write_rows(folder / f"{split}.jsonl", [{**row, "split": split, "sample_weight": 1.0}
                                                          for row in share[split]]) for split in SPLITS}


def test_formats_are_balanced_over_the_processes():
    assert format_groups(EXPORT_FORMATS, 1) == [["hf", "openai", "sharegpt"]]
    assert format_groups(EXPORT_FORMATS, 2) == [["sharegpt"], ["hf", "openai"]]
    assert format_groups(EXPORT_FORMATS, 3) == [["sharegpt"], ["hf"], ["openai"]]
    assert format_groups(["openai"], 4) == [["openai"]]


@pytest.mark.parametrize("processes", [2, 3])
def test_the_formats_in_processes_write_the_files_of_one_pass(tmp_path, monkeypatch, processes):
    monkeypatch.setattr(worker_processes, "MIN_BYTES_PER_PROCESS", 1)  # a few KB: would be written here otherwise
    started = []
    monkeypatch.setattr(write, "run_in_processes", lambda jobs, max_running: started.extend(
        [*(job.name for job in jobs), max_running]) or run_in_processes(jobs, max_running))
    paths = split_files(tmp_path / "training")
    report = {"rows": 30}
    here = write_exports_from_files({name: tmp_path / "here" / name for name in EXPORT_FORMATS}, paths, report, "rev")
    apart = write_exports_from_files({name: tmp_path / "apart" / name for name in EXPORT_FORMATS}, paths, report,
                                     "rev", processes=processes)
    assert list(apart) == list(here) == list(EXPORT_FORMATS)
    for name in EXPORT_FORMATS:
        assert [artifact.path.read_bytes() for artifact in apart[name].artifacts] == [
            artifact.path.read_bytes() for artifact in here[name].artifacts]
        assert (apart[name].rows, apart[name].calls, apart[name].preview) == (here[name].rows, here[name].calls,
                                                                              here[name].preview)
        assert apart[name].folder == tmp_path / "apart" / name
    assert started == {2: ["exports_sharegpt", "exports_hf_openai", 2],  # a process a group
                       3: ["exports_sharegpt", "exports_hf", "exports_openai", 3]}[processes]


def test_a_bad_split_file_fails_with_the_writers_own_error(tmp_path, monkeypatch):
    monkeypatch.setattr(worker_processes, "MIN_BYTES_PER_PROCESS", 1)
    paths = split_files(tmp_path / "training")
    paths["test"] = paths["validation"]  # its rows say "validation"
    with pytest.raises(ValueError, match=r"^row \S+ is marked 'validation' but was given as 'test'$"):
        write_exports_from_files({name: tmp_path / name for name in EXPORT_FORMATS}, paths, None, "rev", processes=2)
