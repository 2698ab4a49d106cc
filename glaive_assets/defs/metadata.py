"""Helpers that turn plain numbers into metadata the Dagster UI renders (tables, schemas, paths)."""

from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
import orjson

from glaive_assets.storage.artifacts import Artifact


def column_schema(columns: Mapping[str, str]) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name=name, type=kind) for name, kind in columns.items()])


def counts_table(counts: Mapping[str, int], label: str, order: tuple[str, ...] | None = None, limit: int | None = None) -> dg.MetadataValue:
    """A Markdown table of value -> count and share, in the closed-set order when one is given."""
    total = sum(counts.values())
    keys = list(order) if order else [key for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    if limit is not None:
        keys = keys[:limit]
    lines = [f"| {label} | rows | share |", "|---|---:|---:|"]
    for key in keys:
        count = counts.get(key, 0)
        share = f"{count / total:.1%}" if total else "n/a"
        lines.append(f"| `{key}` | {count:,} | {share} |")
    if not keys:
        lines.append("| (none) | 0 | n/a |")
    return dg.MetadataValue.md("\n".join(lines))


def sources_table(by_source: Sequence[Mapping[str, Any]]) -> dg.MetadataValue:
    """A Markdown table of the row accounting per source (storage/by_source.source_accounting)."""
    lines = ["| # | source | format | raw | processed | rejected | accounted |", "|---:|---|---|---:|---:|---:|---|"]
    lines += [f"| {position} | `{entry['source']}` | {entry['format']} | {entry['raw_rows']:,} | "
              f"{entry['processed_rows']:,} | {entry['rejected_rows']:,} | {entry['accounted']} |"
              for position, entry in enumerate(by_source)]
    return dg.MetadataValue.md("\n".join(lines))


def artifact_metadata(artifact: Artifact, columns: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What every artifact shows: row count, column schema, path, size and content hash."""
    metadata: dict[str, Any] = {
        "dagster/row_count": artifact.rows,
        "path": dg.MetadataValue.path(str(artifact.path)),
        "size_bytes": artifact.size_bytes,
        "sha256": artifact.sha256,
    }
    if columns is not None:
        metadata["dagster/column_schema"] = column_schema(columns)
    return metadata


def json_preview(records: list[Any]) -> dg.MetadataValue:
    body = "\n".join(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode() for record in records)
    return dg.MetadataValue.md(f"```json\n{body}\n```")


def output(artifact: Artifact, metadata: dict[str, Any], output_name: str = "result") -> dg.Output[Artifact]:
    """The asset's return: the artifact handle, its content hash as the data version, and metadata."""
    return dg.Output(artifact, output_name=output_name, metadata=metadata, data_version=dg.DataVersion(artifact.sha256))
