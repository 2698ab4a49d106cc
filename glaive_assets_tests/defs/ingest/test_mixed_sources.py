"""The whole graph on three comma-separated sources of three layouts: one glaive_raw, the row accounting
of each source in the metadata, the bias report and the summary; a failing second source leaves every
artifact as it was; the data version combines each file's sha256."""

import hashlib

import dagster as dg

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.ingest.assets import glaive_source
from glaive_assets.defs.run_checks import run_settings_problems
from glaive_assets.sources.fingerprint import source_fingerprint
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, read_json
from glaive_assets.storage.lock import LOCK_NAME
from glaive_assets.storage.manifest import load_artifact
from glaive_assets_tests.fixtures.sources.mixed import EXPECTED, write_mixed_sources
from glaive_assets_tests.harness.dagster_helpers import materializations, materialize, read_lines, run_config


def expected_by_source(folder):
    return [{"source": str(folder / name), "format": fmt, "raw_rows": raw, "processed_rows": done,
             "rejected_rows": dropped, "reject_rate": round(dropped / raw, 6), "accounted": True}
            for name, fmt, raw, done, dropped in EXPECTED]


def test_three_sources_of_three_layouts_are_read_into_one_graph_and_accounted_per_source(instance, data_dir, tmp_path):
    source = ",".join(map(str, write_mixed_sources(tmp_path)))
    result = materialize(instance, data_dir, run_config(source=source, sample_size=0), raise_on_error=False)
    # Five records of eight raw rows are fewer than the suite's row-count bound (min_row_fraction): it withholds
    # the training outputs; everything this test reads is written on every run.
    assert [failure.step_key for failure in result.get_step_failure_events()] == ["validation_report_schema_suite"]
    shown = materializations(result)
    assert shown["glaive_raw"].metadata["source_format"].value == "glaive,sharegpt,openai"
    assert [entry["raw_rows"] for entry in shown["glaive_raw"].metadata["sources"].value] == [3, 3, 2]
    assert "| 1 | `" + str(tmp_path / "sharegpt.json.gz") + "` | sharegpt | 3 | 2 | 1 | True |" in (
        shown["glaive_processed"].metadata["rows_by_source"].value)
    raw = load_artifact(data_dir, "glaive_raw")
    assert [source["first_source_index"] for source in raw.sources] == [0, 3, 6]
    assert [line["source_index"] for line in read_lines(data_dir / ARTIFACT_PATHS["glaive_raw"])] == list(range(8))
    assert [r["source_index"] for r in read_lines(data_dir / ARTIFACT_PATHS["glaive_processed"])] == [0, 1, 3, 4, 6]

    bias_report = read_json(data_dir / ARTIFACT_PATHS["bias_report"])
    assert bias_report["sources"] == expected_by_source(tmp_path)
    transform = read_json(data_dir / ARTIFACT_PATHS["pipeline_summary"])["stages"]["transform"]
    assert transform["by_source"] == expected_by_source(tmp_path)
    assert (transform["accounted"], transform["processed_rows"], transform["rejected_rows"]) == (True, 5, 3)


def test_one_source_keeps_no_per_source_breakdown(planted_graph):
    assert "sources" not in read_json(planted_graph.data_dir / ARTIFACT_PATHS["bias_report"])
    summary = read_json(planted_graph.data_dir / ARTIFACT_PATHS["pipeline_summary"])
    assert "by_source" not in summary["stages"]["transform"]
    assert "source" not in read_lines(planted_graph.data_dir / ARTIFACT_PATHS["glaive_raw"])[0]


def test_a_failing_second_source_fails_glaive_raw_naming_it_and_leaves_every_artifact(instance, data_dir, tmp_path):
    assert materialize(instance, data_dir, run_config(sample_size=60, seed=2)).success
    before = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file() and path.name != LOCK_NAME}
    glaive, _, openai = write_mixed_sources(tmp_path)
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_bytes(b'{"prompt": "p", "completion": "c"}\n' * 3)
    result = materialize(instance, data_dir, run_config(source=f"{glaive},{prompts},{openai}", sample_size=0),
                         raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert failure.step_key == "glaive_raw"
    assert failure.step_failure_data.user_failure_data.description.startswith(
        f"source 2 of 3 ({str(prompts)!r}): glaive_raw stopped before replacing anything: none of the 3 rows")
    missing = tmp_path / "missing.jsonl"
    result = materialize(instance, data_dir, run_config(source=f"{glaive},{missing}", sample_size=0), raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert failure.step_failure_data.user_failure_data.description.startswith(
        f"source 2 of 2 ({str(missing)!r}): source file not found: {str(missing)!r}")
    after = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file() and path.name != LOCK_NAME}
    assert after == before


def test_the_data_version_of_several_sources_combines_each_files_sha256(monkeypatch, tmp_path):
    paths = write_mixed_sources(tmp_path)
    digests = [hashlib.sha256(path.read_bytes()).hexdigest() for path in paths]
    combined = hashlib.sha256("".join(f"{i}\0{digest}\n" for i, digest in enumerate(digests)).encode()).hexdigest()
    source = ",".join(map(str, paths))
    fingerprint = source_fingerprint(SourceSettings(source, 0, 1))
    assert (fingerprint["kind"], fingerprint["version"], fingerprint["versions"]) == ("mixed", combined, ",".join(digests))
    reversed_order = source_fingerprint(SourceSettings(",".join(map(str, paths[::-1])), 0, 1))["version"]
    assert reversed_order != combined  # the order is part of what is read
    monkeypatch.setenv("GLAIVE_SOURCE", source)
    assert glaive_source(dg.build_asset_context()).data_version == dg.DataVersion(combined)


def test_the_run_start_check_locates_every_listed_source(monkeypatch, tmp_path):
    glaive = write_mixed_sources(tmp_path)[0]
    monkeypatch.setenv("GLAIVE_SOURCE", f"{glaive},{tmp_path / 'missing.jsonl'}")
    [problem] = run_settings_problems(None)
    assert problem.startswith("ops.glaive_raw.config: source file not found: ")
    monkeypatch.setenv("GLAIVE_SOURCE", f"{glaive},sample:20")
    assert run_settings_problems(None) == []
