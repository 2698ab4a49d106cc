"""Orphaned temp files (their writer died) are removed at the start of each write, with their size."""

import logging
import os
import subprocess

from glaive_assets.storage.artifacts import artifact_path, write_json
from glaive_assets.storage.temps import remove_orphaned_temps, temp_path_for


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait(timeout=10)
    return child.pid


def test_a_dead_writers_temp_is_removed_at_the_next_write_and_logged(data_dir, caplog):
    report = artifact_path(data_dir, "bias_report")
    report.parent.mkdir(parents=True)
    pid = dead_pid()
    orphan = report.parent / f".anomaly_report.json.{pid}.tmp"
    orphan.write_bytes(b"x" * 1234)
    live = report.parent / f".glaive_chatml.jsonl.{os.getpid()}.tmp"  # ours, and we are alive
    live.write_bytes(b"y" * 10)
    unrelated = report.parent / ".notes.tmp"  # no pid in the name: not ours to remove
    unrelated.write_bytes(b"z")
    with caplog.at_level(logging.WARNING, logger="glaive_assets.storage"):
        write_json(data_dir, "bias_report", {"findings": []})
    assert not orphan.exists()
    assert live.exists() and unrelated.exists()
    assert caplog.messages == [
        f"removed {orphan} (1234 bytes): a temp file left by process {pid}, which no longer exists"]


def test_the_recursive_sweep_finds_temps_in_every_folder(data_dir):
    pid = dead_pid()
    nested = data_dir / "processed" / "validation"
    nested.mkdir(parents=True)
    orphans = [data_dir / f".a.{pid}.tmp", nested / f".b.json.{pid}.tmp"]
    for orphan in orphans:
        orphan.write_bytes(b"12345")
    removed = remove_orphaned_temps(data_dir, recursive=True)
    assert sorted((temp.path, temp.size_bytes, temp.pid) for temp in removed) == sorted(
        (orphan, 5, pid) for orphan in orphans)
    assert remove_orphaned_temps(data_dir, recursive=True) == []


def test_temp_names_carry_the_writers_pid(tmp_path):
    assert temp_path_for(tmp_path / "x.jsonl") == tmp_path / f".x.jsonl.{os.getpid()}.tmp"
