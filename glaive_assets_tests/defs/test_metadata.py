"""The metadata every asset shows: exact tables, schemas and the artifact's data version."""

from pathlib import Path

import dagster as dg

from glaive_assets.defs.metadata import artifact_metadata, column_schema, counts_table, json_preview, output
from glaive_assets.storage.artifacts import Artifact

ARTIFACT = Artifact("glaive_chatml", Path("/data/processed/glaive_chatml.jsonl"), 3, "ab" * 32, 120)


def test_column_schema_keeps_the_declared_order():
    schema = column_schema({"source_index": "int", "row": "any"})
    assert [(column.name, column.type) for column in schema.columns] == [("source_index", "int"), ("row", "any")]


def test_counts_table_in_closed_set_order_with_zero_rows_and_shares():
    table = counts_table({"simple": 3, "none": 1}, "tier", order=("none", "simple", "complex"))
    assert table.value == (
        "| tier | rows | share |\n|---|---:|---:|\n"
        "| `none` | 1 | 25.0% |\n| `simple` | 3 | 75.0% |\n| `complex` | 0 | 0.0% |"
    )


def test_counts_table_without_order_is_by_count_then_name_and_limited():
    table = counts_table({"b": 2, "a": 2, "c": 5}, "reason", limit=2)
    assert table.value == "| reason | rows | share |\n|---|---:|---:|\n| `c` | 5 | 55.6% |\n| `a` | 2 | 22.2% |"


def test_counts_table_of_nothing_says_so():
    assert counts_table({}, "reason").value == "| reason | rows | share |\n|---|---:|---:|\n| (none) | 0 | n/a |"


def test_artifact_metadata_carries_row_count_path_size_hash_and_schema():
    metadata = artifact_metadata(ARTIFACT, {"id": "string"})
    assert metadata["dagster/row_count"] == 3
    assert metadata["path"] == dg.MetadataValue.path("/data/processed/glaive_chatml.jsonl")
    assert (metadata["size_bytes"], metadata["sha256"]) == (120, "ab" * 32)
    assert [column.name for column in metadata["dagster/column_schema"].columns] == ["id"]
    assert "dagster/column_schema" not in artifact_metadata(ARTIFACT)


def test_json_preview_is_indented_json_in_markdown():
    assert json_preview([{"id": "a", "n": 1}]).value == '```json\n{\n  "id": "a",\n  "n": 1\n}\n```'


def test_output_is_the_artifact_with_its_hash_as_data_version():
    result = output(ARTIFACT, {"rows": 3}, output_name="glaive_chatml")
    assert result.value is ARTIFACT
    assert result.output_name == "glaive_chatml"
    assert result.data_version == dg.DataVersion("ab" * 32)
    assert result.metadata["rows"] == dg.MetadataValue.int(3)
