"""`python -m glaive_assets.storage.outputs`: one line per file, with its rows from the manifest."""

import subprocess
import sys

from glaive_assets.storage.outputs import output_lines


def test_every_file_of_every_artifact_is_listed_with_its_recorded_rows():
    recorded = {
        "glaive_chatml": {"rows": 1234},
        "bias_report": {"rows": 1},
        "training_set": {"files": {"train": {"rows": 1000}, "dropped": {"rows": 34}}},
        "export_hf": {"files": {"card": {"rows": 1}}},
    }
    lines = {label: (state, relative) for _, label, state, relative in output_lines(recorded)}
    assert lines["glaive_chatml"] == ("1,234 rows", "processed/glaive_chatml.jsonl")
    assert lines["bias_report"] == ("report", "processed/validation/bias_report.json")
    assert lines["glaive_raw"][0] == lines["training_report"][0] == "(not materialized)"
    assert lines["training_set/train"] == ("1,000 rows", "training/train.jsonl")
    assert lines["training_set/dropped"] == ("34 rows", "training/dropped.jsonl")
    assert lines["training_set/test"][0] == "(not materialized)"
    assert lines["export_hf/card"] == ("written", "training/hf/README.md")
    assert lines["export_sharegpt/dataset_info"] == ("(not materialized)", "training/sharegpt/dataset_info.json")
    assert len(lines) == 9 + 4 + 3 * 4


def test_the_command_prints_an_empty_data_dir(tmp_path):
    env = {"GLAIVE_DATA_DIR": str(tmp_path), "PATH": ""}
    printed = subprocess.run([sys.executable, "-m", "glaive_assets.storage.outputs"], env=env, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    assert printed[0] == f"Outputs under {tmp_path}:"
    assert printed[1].split() == ["glaive_raw", "(not", "materialized)", str(tmp_path / "raw" / "glaive_raw.jsonl")]
    assert len(printed) == 1 + 9 + 4 + 3 * 4 + 1


def test_an_object_store_lists_its_published_entries_and_cannot_be_verified_in_place(tmp_path, capsys):
    # fsspec's in-memory store stands in for a bucket (the dask + S3 test uses S3 itself).
    import uuid

    from glaive_assets.storage.artifacts import write_jsonl
    from glaive_assets.storage.manifest import update_manifest
    from glaive_assets.storage.outputs import main
    from glaive_assets.storage.remote import object_store

    url = f"memory://glaive-{uuid.uuid4().hex}/data"
    with write_jsonl(tmp_path, "glaive_rejects") as writer:
        writer.write({"source_index": 0})
    update_manifest(tmp_path, [writer.artifact], run_id="run-1")
    object_store(url).publish(tmp_path, "glaive_rejects")

    assert main(["--data-dir", url]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"Outputs under {url}:"
    assert printed[3].split() == ["glaive_rejects", "1", "rows", f"{url}/processed/glaive_rejects.jsonl"]
    assert main(["--data-dir", url, "--verify"]) == 2
    assert "--verify checks local files" in capsys.readouterr().err
