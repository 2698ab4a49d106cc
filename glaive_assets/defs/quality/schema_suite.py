"""The GX schema suite over glaive_processed: the validation_report asset, the blocking schema_suite
check, and the step that produces both.

The op that writes glaive_processed (defs/transform) runs this step: a blocking check makes everything
downstream of glaive_processed wait for it, so a report asset downstream could not feed it without a
cycle. This module imports nothing from transform.
"""

from collections.abc import Iterator

import dagster as dg

from glaive_assets.defs.metadata import output
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.qa import schema
from glaive_assets.qa.schema_worker import SchemaSuiteWorker
from glaive_assets.storage.artifacts import Artifact, RawArtifact, write_json

QUALITY_GROUP = "quality"
PROCESSED = dg.AssetKey("glaive_processed")

VALIDATION_REPORT_OUT = dg.AssetOut(
    group_name=QUALITY_GROUP,
    description=(
        "The Great Expectations 1.x schema suite over every processed record: columns, nulls, ranges, "
        "closed sets, booleans, chat length and row-count bounds (processed/validation/validation_report.json)."
    ),
)

SCHEMA_SUITE_CHECK = dg.AssetCheckSpec(
    name="schema_suite",
    asset=PROCESSED,
    blocking=True,
    description="The GX schema suite passes. Blocking at ERROR: glaive_chatml is never built from broken data.",
)


def expected_processed_rows(raw: RawArtifact) -> int:
    """The row count the suite bounds: the request, or every raw row for a source smaller than the
    request (the anomaly rule row_count still warns against the full request); 0 when all rows were asked."""
    requested = raw.requested_sample_size
    return min(requested, raw.rows) if requested else 0


def validate_processed(
    storage: GlaiveStorage, raw: RawArtifact, processed: Artifact, suite: SchemaSuiteWorker
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """Run the suite, write validation_report.json, then yield the report asset and the check result."""
    report = suite.validate(processed.path, expected_processed_rows(raw), raw.rows)
    artifact = write_json(storage.root, "validation_report", report)
    table = dg.MetadataValue.md(schema.markdown_table(report))
    yield output(artifact, {
        "success": report["success"],
        "passed": report["passed"],
        "failed": report["failed"],
        "success_rate": report["success_rate"],
        "gx_version": report["gx_version"],
        "expectations": table,
        "path": dg.MetadataValue.path(str(artifact.path)),
    }, output_name="validation_report")

    failing = [entry["expectation"] + (f"({entry['column']})" if entry.get("column") else "")
               for entry in report["expectations"] if not entry["success"]]
    yield dg.AssetCheckResult(
        asset_key=PROCESSED,
        check_name=SCHEMA_SUITE_CHECK.name,
        passed=bool(report["success"]),
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"{report['passed']}/{report['total']} expectations passed",
        metadata={
            "passed": report["passed"],
            "failed": report["failed"],
            "failing_expectations": ", ".join(failing) or "none",
            "expectations": table,
        },
    )
