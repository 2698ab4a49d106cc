"""`python -m glaive_assets.storage.outputs --verify`: every file against its entry, line by line."""

import pytest

from glaive_assets.storage.artifacts import write_json, write_jsonl
from glaive_assets.storage.manifest import MANIFEST_PATH, update_manifest
from glaive_assets.storage.outputs import main
from glaive_assets.storage.verify import verify_data_dir


def jsonl(data_dir, name, rows, upstream=()):
    with write_jsonl(data_dir, name) as out:
        for index in range(rows):
            out.write({"i": index})
    update_manifest(data_dir, [out.artifact], run_id="run-1", upstream_names=upstream)
    return out.artifact


def kinds(data_dir):
    return [(finding.name, finding.kind) for finding in verify_data_dir(data_dir)]


def test_a_consistent_data_dir_verifies_and_exits_0(data_dir, capsys):
    processed = jsonl(data_dir, "glaive_processed", 3)
    jsonl(data_dir, "glaive_chatml", 3, upstream=["glaive_processed"])
    assert kinds(data_dir) == [("glaive_processed", "ok"), ("glaive_chatml", "ok")]
    assert main(["--verify", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert f"  OK               glaive_processed     3 rows, sha256 {processed.sha256[:12]}, written by run run-1\n" in out
    assert out.endswith("every artifact matches its manifest entry and is fresh\n")


@pytest.mark.parametrize(("body", "message"), [
    (b'{"i": 0}\n{"i": NaN}\n{"i": 2}\n', "not strict JSON: line 2: "),
    (b'{"i": 0}\n{"i": 1}\n{"i"', "not strict JSON: line 3: "),
    (b'{"i": 0}\n{"i": 1}\n{"i": 2}', "not strict JSON: line 3: no newline at the end of the file (truncated?)"),
])
def test_a_line_that_is_not_strict_json_is_named(data_dir, body, message):
    artifact = jsonl(data_dir, "glaive_rejects", 3)
    artifact.path.write_bytes(body)
    findings = {finding.kind: finding.message for finding in verify_data_dir(data_dir)}
    assert findings["bad_json"].startswith(message)
    assert findings["mismatch"].startswith("sha256: manifest ")


def test_a_file_that_differs_from_its_entry_is_a_mismatch_naming_each_field(data_dir, capsys):
    artifact = jsonl(data_dir, "glaive_rejects", 3)
    artifact.path.write_bytes(b'{"i":0}\n')
    [finding] = [f for f in verify_data_dir(data_dir) if f.kind == "mismatch"]
    assert finding.message.startswith(f"sha256: manifest {artifact.sha256}, file ")
    assert f"; size_bytes: manifest {artifact.size_bytes}, file 8; rows: manifest 3, file 1" in finding.message
    assert main(["--verify", "--data-dir", str(data_dir)]) == 1
    assert capsys.readouterr().out.endswith("1 problem(s)\n")


def test_missing_unrecorded_stale_and_temp_files_are_each_reported(data_dir):
    jsonl(data_dir, "glaive_processed", 3)
    jsonl(data_dir, "glaive_chatml", 3, upstream=["glaive_processed"])
    jsonl(data_dir, "glaive_processed", 4)  # rewritten and recorded: chatml was built from the old one
    report = jsonl(data_dir, "glaive_rejects", 1)
    report.path.unlink()
    write_json(data_dir, "bias_report", {})  # never recorded
    (data_dir / "processed" / ".glaive_chatml.jsonl.999999.tmp").write_bytes(b"x")
    assert kinds(data_dir) == [
        ("glaive_processed", "ok"), ("glaive_rejects", "missing"), ("glaive_chatml", "stale"),
        ("bias_report", "unrecorded"), (".glaive_chatml.jsonl.999999.tmp", "temp_file")]


def test_an_unreadable_data_dir_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "processed").mkdir()
    (tmp_path / MANIFEST_PATH).mkdir()  # a folder where the manifest should be
    assert main(["--data-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: cannot read the manifest at {tmp_path / MANIFEST_PATH}: the path is a folder\n"


def test_the_suite_view_beside_processed_is_verified_too(data_dir):
    from glaive_assets_tests.storage.test_shards import raw_with_quirks
    from glaive_assets.storage.stages import split_raw

    processed, rejects, _ = split_raw(data_dir, raw_with_quirks(data_dir))
    update_manifest(data_dir, [processed, rejects], run_id="run-1", upstream_names=["glaive_raw"])
    assert ("glaive_processed", "ok") in kinds(data_dir)
    assert not [f for f in verify_data_dir(data_dir) if f.name == "glaive_processed/checked"]
    # A failed transform may replace the view and stop before processed: the steps then read processed
    # instead, so verify reports it without failing.
    processed.checked.path.write_bytes(b'{"i":0}\n')
    [finding] = [f for f in verify_data_dir(data_dir) if f.name == "glaive_processed/checked"]
    assert finding.kind == "companion_unused" and "rows: manifest 60, file 1" in finding.message
    assert finding.message.endswith("; not used: the schema suite reads processed instead")
    assert main(["--verify", "--data-dir", str(data_dir)]) == 0
    processed.checked.path.unlink()
    assert ("glaive_processed/checked", "companion_unused") in kinds(data_dir)


def test_a_data_dir_that_does_not_exist_or_holds_nothing_fails_with_one_line(tmp_path, capsys):
    missing = tmp_path / "typo"
    assert main(["--verify", "--data-dir", str(missing)]) == 2
    assert main(["--data-dir", str(missing)]) == 2
    assert not missing.exists()
    errors = capsys.readouterr().err.splitlines()
    assert errors == [f"error: the data dir {missing} does not exist (GLAIVE_DATA_DIR or --data-dir)"] * 2

    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["--verify", "--data-dir", str(empty)]) == 2
    [error] = capsys.readouterr().err.splitlines()
    assert error.startswith(f"error: {empty} holds no {MANIFEST_PATH} and no artifact: nothing to verify")
