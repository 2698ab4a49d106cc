"""The GX schema suite over glaive_processed: the validation_report asset and the blocking check.

Both are produced inside the op that writes glaive_processed (graph/transform/assets.py): a blocking
check makes everything downstream of glaive_processed wait for it, so a report asset downstream
could not feed it without a cycle.
"""

from collections.abc import Iterator

import dagster as dg

from glaive_assets.artifacts import Artifact, write_json
from glaive_assets.graph.automation import downstream_artifact
from glaive_assets.graph.metadata import output
from glaive_assets.graph.storage import GlaiveStorage
from glaive_assets.qa import schema
from glaive_assets.qa.schema_worker import SchemaSuiteWorker

QUALITY_GROUP = "quality"

VALIDATION_REPORT_OUT = dg.AssetOut(**downstream_artifact(
    QUALITY_GROUP,
    (
        "The Great Expectations 1.x schema suite over every processed record: columns, nulls, ranges, "
        "closed sets, booleans, chat length and row-count bounds (processed/validation/validation_report.json)."
    ),
))

SCHEMA_SUITE_SPEC = dg.AssetCheckSpec(
    name="schema_suite",
    asset="glaive_processed",
    blocking=True,
    description="The GX schema suite passes. Blocking at ERROR: glaive_chatml is never built from broken data.",
)


def requested_size(raw: Artifact) -> int:
    return int(raw.extra.get("requested_sample_size", 0))


def validate_processed(
    storage: GlaiveStorage, raw: Artifact, processed: Artifact, suite: SchemaSuiteWorker
) -> Iterator:
    """Run the suite, write validation_report.json, then yield the report asset and the check result."""
    # A source smaller than the request yields every row it has: expect at most that many. (The
    # anomaly rule row_count still warns against the full request.)
    requested = requested_size(raw)
    expected_rows = min(requested, raw.rows) if requested else 0
    report = suite.validate(processed.path, expected_rows, raw.rows)
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
        asset_key="glaive_processed",
        check_name=SCHEMA_SUITE_SPEC.name,
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
