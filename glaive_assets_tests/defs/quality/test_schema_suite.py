"""The schema suite step: its row bound from glaive_raw's typed record, its report and its blocking check."""

import dagster as dg
import orjson
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.quality.schema_suite import (
    SCHEMA_SUITE_CHECK,
    VALIDATION_REPORT_OUT,
    expected_processed_rows,
    validate_processed,
)
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.qa.schema_worker import SchemaSuiteWorker
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, RawArtifact, write_jsonl
from glaive_assets.storage.stages import split_raw, write_raw
from glaive_assets_tests.harness.dagster_helpers import sample_rows


def _raw(rows: int, requested: int) -> RawArtifact:
    return RawArtifact("glaive_raw", None, rows, "", 0, source="sample", requested_sample_size=requested, seed=1,
                       unreadable_rows=0)


@pytest.mark.parametrize(("raw_rows", "requested", "expected"), [(5000, 5000, 5000), (60, 5000, 60), (900, 0, 0)])
def test_the_suite_expects_the_request_or_what_a_smaller_source_has(raw_rows, requested, expected):
    assert expected_processed_rows(_raw(raw_rows, requested)) == expected


def test_the_check_is_blocking_on_glaive_processed_and_the_report_is_in_quality():
    assert (SCHEMA_SUITE_CHECK.name, SCHEMA_SUITE_CHECK.asset_key, SCHEMA_SUITE_CHECK.blocking) == (
        "schema_suite", dg.AssetKey("glaive_processed"), True)
    assert VALIDATION_REPORT_OUT.group_name == "quality"


def _processed(data_dir, rows):
    raw = write_raw(data_dir, list(enumerate(rows)), SourceSettings("sample", len(rows), 1))
    processed, _rejects, _stats = split_raw(data_dir, raw)
    return raw, processed


def test_a_passing_suite_writes_the_report_and_passes_the_check(data_dir):
    raw, processed = _processed(data_dir, sample_rows(40))
    with SchemaSuiteWorker() as suite:
        report_output, check = validate_processed(GlaiveStorage(data_dir=str(data_dir)), raw, processed, suite)
    report = orjson.loads((data_dir / ARTIFACT_PATHS["validation_report"]).read_bytes())
    assert report_output.output_name == "validation_report"
    assert report_output.metadata["passed"] == dg.MetadataValue.int(report["passed"])
    assert report["success"] is True and report["failed"] == 0
    assert (check.check_name, check.passed, check.severity) == ("schema_suite", True, dg.AssetCheckSeverity.ERROR)
    assert check.metadata["failing_expectations"] == dg.MetadataValue.text("none")


def test_a_failing_suite_names_the_failing_expectations(data_dir):
    raw, processed = _processed(data_dir, sample_rows(30))
    with write_jsonl(data_dir, "glaive_processed") as out:  # one record with a wrong type
        for index, record in enumerate(processed.iter_records()):
            out.write({**record, "num_turns": "three"} if index == 0 else record)
    with SchemaSuiteWorker() as suite:
        _, check = validate_processed(GlaiveStorage(data_dir=str(data_dir)), raw, out.artifact, suite)
    assert check.passed is False
    assert "(num_turns)" in check.metadata["failing_expectations"].value
