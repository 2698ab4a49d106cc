"""glaive_source (observed) and glaive_raw: what was read, with the settings it was read with."""

import dagster as dg
import orjson
import zstandard

from glaive_assets.config.settings import SourceSettings
from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.transform import process_row
from glaive_assets.defs.ingest.assets import SOURCE_STATE_KEY, SourceConfig, glaive_source
from glaive_assets.exports.openai import openai_row
from glaive_assets.sources.fingerprint import source_fingerprint, source_state
from glaive_assets.sources.sample import SAMPLE_GENERATOR_VERSION
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.lock import LOCK_NAME
from glaive_assets.storage.manifest import load_artifact
from glaive_assets_tests.harness.dagster_helpers import (
    materializations,
    materialize,
    read_lines,
    run_config,
    run_start_failure,
    sample_rows,
    write_jsonl_source,
)


def test_observing_the_source_gives_its_data_version(monkeypatch):
    monkeypatch.setenv("GLAIVE_SOURCE", "sample:500")
    monkeypatch.setenv("GLAIVE_SEED", "4")
    monkeypatch.delenv("GLAIVE_SAMPLE_SIZE", raising=False)
    observed = glaive_source(dg.build_asset_context())
    assert observed.data_version == dg.DataVersion(f"sample-v{SAMPLE_GENERATOR_VERSION}-seed4-rows500")
    assert observed.metadata == {
        "source": "sample:500", "kind": "sample", "version": f"sample-v{SAMPLE_GENERATOR_VERSION}-seed4-rows500",
        "generator_version": SAMPLE_GENERATOR_VERSION, "seed": "4", "rows": "500", "sample_size": "5000",
    }


def test_run_config_overrides_the_environment_field_by_field(monkeypatch):
    monkeypatch.setenv("GLAIVE_SOURCE", "hf")
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "10")
    monkeypatch.setenv("GLAIVE_SEED", "3")
    assert SourceConfig(sample_size=0).resolve() == SourceSettings("hf", 0, 3)
    assert SourceConfig(source="sample", seed=8).resolve() == SourceSettings("sample", 10, 8)


def test_glaive_raw_writes_the_rows_and_records_how_they_were_read(instance, data_dir, tmp_path):
    rows = sample_rows(12)
    source = write_jsonl_source(tmp_path / "rows.jsonl", rows, extra_lines=[b"{not json"])
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=0, seed=5), selection="glaive_raw")
    assert result.success
    assert [line["row"] for line in read_lines(data_dir / ARTIFACT_PATHS["glaive_raw"])][:12] == rows

    raw = load_artifact(data_dir, "glaive_raw")
    assert (raw.rows, raw.source, raw.requested_sample_size, raw.seed, raw.unreadable_rows) == (13, str(source), 0, 5, 1)
    metadata = materializations(result)["glaive_raw"].metadata
    assert metadata["dagster/row_count"].value == 13
    assert (metadata["requested_sample_size"].value, metadata["unreadable_rows"].value) == (0, 1)
    settings = SourceSettings(str(source), 0, 5)
    assert metadata[SOURCE_STATE_KEY].value == source_state(settings, source_fingerprint(settings)["version"])


def test_an_openai_zstd_source_is_detected_and_processed_like_its_glaive_rows(instance, data_dir, tmp_path):
    glaive_rows = sample_rows(8)
    outcomes = [process_row(row, index) for index, row in enumerate(glaive_rows)]
    openai_rows = [openai_row(to_chatml(outcome.processed)) for outcome in outcomes if outcome.processed]
    plain = write_jsonl_source(tmp_path / "rows.jsonl", openai_rows)
    source = tmp_path / "rows.jsonl.zst"
    source.write_bytes(zstandard.ZstdCompressor().compress(plain.read_bytes()))
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=0),
                         selection=["glaive_raw", "glaive_processed", "glaive_rejects"])
    assert result.success
    assert materializations(result)["glaive_raw"].metadata["source_format"].value == "openai"
    processed = read_lines(data_dir / ARTIFACT_PATHS["glaive_processed"])
    expected = [outcome.processed for outcome in outcomes if outcome.processed]
    assert len(processed) == len(openai_rows) >= 6
    assert [(p["turns"], p["tools"], p["function_calls"]) for p in processed] == [
        (p["turns"], p["tools"], p["function_calls"]) for p in expected]


def test_bad_run_config_fails_glaive_raw_with_the_settings_message(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=-5), selection="glaive_raw", raise_on_error=False)
    assert not result.success
    # Checked when the run starts (defs/run_checks.py), before any step writes anything.
    assert ("ops.glaive_raw.config: sample_size must be a whole number >= 0 (0 = every row), got -5"
            in run_start_failure(result))
    assert not (data_dir / ARTIFACT_PATHS["glaive_raw"]).exists()


def test_a_source_without_usable_rows_fails_glaive_raw_and_every_artifact_stays_as_it_was(instance, data_dir, tmp_path):
    assert materialize(instance, data_dir, run_config(sample_size=60, seed=2)).success
    before = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file() and path.name != LOCK_NAME}
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes("".join(orjson.dumps(row).decode() + "\n" for row in sample_rows(20)).encode("utf-16"))
    unknown = write_jsonl_source(tmp_path / "prompts.jsonl", [{"prompt": "p", "completion": "c"}] * 20)
    empty = write_jsonl_source(tmp_path / "empty.jsonl", [])
    expected = {
        utf16: "Top reasons: unreadable_row ×21. The file is UTF-16 text",
        unknown: ("Top reasons: missing_chat ×20, missing_system ×20. The first row is a JSON object with the keys "
                  "`completion`, `prompt`; expected one of the layouts glaive {system, chat}, sharegpt"),
        empty: f"the source {str(empty)!r} yields no rows. The file is empty (0 bytes).",
    }
    for source, message in expected.items():
        result = materialize(instance, data_dir, run_config(source=str(source), sample_size=0), raise_on_error=False)
        assert not result.success
        [failure] = result.get_step_failure_events()
        assert failure.step_key == "glaive_raw"
        assert failure.step_failure_data.error.message.startswith("dagster._core.definitions.events.Failure: "
                                                                  "glaive_raw stopped before replacing anything: ")
        assert message in failure.step_failure_data.user_failure_data.description
        after = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file() and path.name != LOCK_NAME}
        assert after == before


def test_a_file_system_error_fails_glaive_raw_in_one_line_naming_the_path(instance, data_dir):
    (data_dir / "raw").write_text("a file where the raw folder belongs")
    result = materialize(instance, data_dir, run_config(sample_size=10), selection="glaive_raw", raise_on_error=False)
    [failure] = result.get_step_failure_events()
    path = data_dir / ARTIFACT_PATHS["glaive_raw"]
    assert failure.step_failure_data.user_failure_data.description == (
        f"cannot write glaive_raw at {path}: a file is where a folder should be ({path.parent})")
