"""Crashes at the worst instants, with real runs of the graph: a run killed with SIGKILL mid-write or
between a file's replace and its manifest entry; a failed run; a corrupt manifest. The next run
repairs what it must, and `outputs --verify` tells the truth at each point.

The crashing runs execute in a child process (SIGKILL would end pytest); the hook that kills them is
a patch in that child only: the production code has no crash switch.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import orjson
import pytest

from glaive_assets.storage.artifacts import artifact_path
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.storage.outputs import main as outputs_main
from glaive_assets.storage.reconcile import stale_artifacts
from glaive_assets.storage.verify import FAILING_KINDS, verify_data_dir
from glaive_assets_tests.harness.dagster_helpers import (
    check_results, materialize, run_config, sample_rows, write_jsonl_source,
)

# Runs the whole graph into argv[1] (sample of argv[2] rows, seed argv[3]) and kills itself with
# SIGKILL at the instant named by argv[4].
_CRASHING_RUN = """
import os, signal, sys
from pathlib import Path
import dagster as dg
import glaive_assets.defs.resources as resources
import glaive_assets.storage.artifacts as artifacts
from glaive_assets_tests.harness.dagster_helpers import materialize, run_config

data_dir, rows, seed, instant = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if instant == "after_replacing_chatml":  # its file is in place, its manifest entry not yet written
    record = resources.update_manifest
    def crash_before_recording(data_dir, outputs, **kwargs):
        outputs = list(outputs)
        if any(output.name == "glaive_chatml" for output in outputs):
            die()
        return record(data_dir, outputs, **kwargs)
    resources.update_manifest = crash_before_recording
elif instant == "mid_processed":  # half of the shards' processed lines copied into the merged temp file
    write_block = artifacts.JsonlWriter.write_block
    def write_half_then_crash(self, block):
        if "glaive_processed.jsonl" in self._handle.name:
            write_block(self, block[: len(block) // 2])
            self._handle.flush()
            die()
        write_block(self, block)
    artifacts.JsonlWriter.write_block = write_half_then_crash

config = run_config(sample_size=rows, seed=seed)
config["ops"]["processed_and_rejects"] = {"config": {"shards": 2}}  # a merge, whatever the cores
with dg.DagsterInstance.ephemeral() as instance:
    materialize(instance, data_dir, config)
"""


def crashing_run(data_dir: Path, rows: int, seed: int, instant: str) -> None:
    child = subprocess.run([sys.executable, "-c", _CRASHING_RUN, str(data_dir), str(rows), str(seed), instant],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr[-3000:]


def problems(data_dir: Path) -> dict[str, set[str]]:
    """artifact -> the kinds of its findings that fail verification."""
    found: dict[str, set[str]] = {}
    for finding in verify_data_dir(data_dir):
        if finding.kind in FAILING_KINDS:
            found.setdefault(finding.name, set()).add(finding.kind)
    return found


def run_log(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> list[str]:
    """Every message of the run's log, the resources' log lines included."""
    return [entry.user_message for entry in instance.all_logs(result.run_id)]


def line_count(data_dir: Path, name: str) -> int:
    return len(artifact_path(data_dir, name).read_bytes().splitlines())


@pytest.mark.timeout(400)
def test_a_run_killed_mid_write_keeps_the_old_files_and_the_rerun_removes_its_temp(instance, data_dir, capsys):
    assert materialize(instance, data_dir, run_config(sample_size=200, seed=7)).success
    processed_before = artifact_path(data_dir, "glaive_processed").read_bytes()

    crashing_run(data_dir, 200, 8, "mid_processed")
    [temp] = data_dir.rglob(".glaive_processed.jsonl.*.tmp")
    assert temp.stat().st_size > 0
    assert artifact_path(data_dir, "glaive_processed").read_bytes() == processed_before  # never half-written
    # raw was replaced (and recorded) by the killed run; everything built from the old raw is stale now.
    assert problems(data_dir) == {name: {"stale"} for name in (
        "glaive_processed", "glaive_rejects", "validation_report", "anomaly_report", "bias_report", "pipeline_summary",
        "glaive_chatml", "training_set", "training_report", "export_hf", "export_openai", "export_sharegpt")}
    # The merge replaces nothing until its four copies are complete: processed's companions (the suite's
    # view, the staged ChatML) are still the old entry's, and in use.
    assert [finding for finding in verify_data_dir(data_dir) if finding.kind == "companion_unused"] == []
    assert outputs_main(["--verify", "--data-dir", str(data_dir)]) == 1
    assert "TEMP_FILE" in capsys.readouterr().out

    rerun = materialize(instance, data_dir, run_config(sample_size=200, seed=8))
    assert rerun.success
    assert not temp.exists()
    assert any(message.startswith(f"removed {temp} (") for message in run_log(instance, rerun))
    assert problems(data_dir) == {}
    assert outputs_main(["--verify", "--data-dir", str(data_dir)]) == 0


@pytest.mark.timeout(400)
def test_a_run_killed_between_a_replace_and_its_manifest_entry_is_reconciled_by_the_next_run(instance, data_dir):
    assert materialize(instance, data_dir, run_config(sample_size=200, seed=7)).success
    crashing_run(data_dir, 150, 8, "after_replacing_chatml")
    # The file is the new run's, the entry still the old one's (built from the old processed): verify says so.
    assert problems(data_dir)["glaive_chatml"] == {"mismatch", "stale"}
    [mismatch] = [finding.message for finding in verify_data_dir(data_dir)
                  if (finding.name, finding.kind) == ("glaive_chatml", "mismatch")]
    assert mismatch.endswith("(the file was replaced after its entry was written: a run was killed or failed in "
                             "between; the next run reconciles the entry)")
    assert read_manifest(data_dir)["artifacts"]["glaive_chatml"]["rows"] != line_count(data_dir, "glaive_chatml")

    # A downstream-only run: it starts by reconciling the manifest, so the summary counts the real file.
    after = materialize(instance, data_dir, {}, selection=["pipeline_summary"])
    assert after.success
    assert any(message.startswith("glaive_chatml: ") and "was replaced without its manifest entry" in message
               for message in run_log(instance, after))
    entry = read_manifest(data_dir)["artifacts"]["glaive_chatml"]
    assert (entry["rows"], entry["run_id"], entry["upstream"]) == (line_count(data_dir, "glaive_chatml"), None, None)
    summary = orjson.loads(artifact_path(data_dir, "pipeline_summary").read_bytes())
    assert summary["artifacts"]["glaive_chatml"] == {"run_id": None, "from_this_run": False,
                                                     "rows": line_count(data_dir, "glaive_chatml")}
    assert "glaive_chatml" not in problems(data_dir)
    assert [finding.kind for finding in verify_data_dir(data_dir) if finding.name == "glaive_chatml"] == [
        "unknown_lineage", "ok"]


@pytest.mark.timeout(400)
def test_after_a_failed_run_the_artifacts_it_did_not_rebuild_are_reported_stale(instance, data_dir, tmp_path, capsys):
    assert materialize(instance, data_dir, run_config(sample_size=40, seed=3)).success
    # A quarter of the rows are not Glaive records: the blocking schema suite fails, chatml is not rebuilt.
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    failed = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), raise_on_error=False)
    assert check_results(failed)["schema_suite"].passed is False

    # Every report and the summary are the failed run's; chatml, held back by the gate, is stale, and so
    # is everything built from it (the training set also read the new bias report, the exports raw).
    assert stale_artifacts(data_dir) == {
        "glaive_chatml": ["glaive_processed", "validation_report"],
        "training_set": ["bias_report", "glaive_chatml"],
        "training_report": ["training_set"],
        **{export: ["glaive_raw", "training_report", "training_set"]
           for export in ("export_hf", "export_openai", "export_sharegpt")},
    }
    assert outputs_main(["--data-dir", str(data_dir)]) == 0
    table = capsys.readouterr().out
    assert "glaive_chatml.jsonl  STALE: built from glaive_processed, validation_report, changed or stale since" in table
    assert outputs_main(["--verify", "--data-dir", str(data_dir)]) == 1
    assert "STALE            glaive_chatml        built from glaive_processed " in capsys.readouterr().out


@pytest.mark.timeout(400)
def test_a_corrupt_manifest_is_set_aside_and_the_next_run_succeeds(instance, data_dir):
    assert materialize(instance, data_dir, run_config(sample_size=60, seed=3)).success
    manifest_path = data_dir / MANIFEST_PATH
    manifest_path.write_bytes(manifest_path.read_bytes()[:100])  # truncated
    rerun = materialize(instance, data_dir, run_config(sample_size=60, seed=3))
    assert rerun.success
    assert any("could not be read" in message and "set aside as manifest.json.corrupt-" in message
               for message in run_log(instance, rerun))
    assert len(list(manifest_path.parent.glob("manifest.json.corrupt-*"))) == 1
    assert problems(data_dir) == {}
