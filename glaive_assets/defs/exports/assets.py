"""The trainer-ready exports of the training set, one asset per format (hf, openai, sharegpt), written by
one step: the formats in groups side by side on the cores (GLAIVE_SHARDS), each group in one pass over
the split files. Downstream of training_set, so they wait for its
blocking checks. The logic is glaive_assets.exports."""

from typing import Any, Optional

import dagster as dg
from pydantic import Field

from glaive_assets.config.settings import export_formats_from_env, shards_from_env
from glaive_assets.defs.metadata import counts_table, json_preview, output
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.exports.write import EXPORT_FORMATS, SPLITS, ExportResult, write_exports_from_files
from glaive_assets.sources.readers.hf import HF_REVISION
from glaive_assets.storage.artifacts import Artifact, ArtifactSet, RawArtifact, artifact_files, artifact_folder, read_json

EXPORTS_GROUP = "exports"
TRAINING_SET = dg.AssetKey("training_set")
TRAINING_REPORT = dg.AssetKey("training_report")
RAW = dg.AssetKey("glaive_raw")
_FOR = {
    "hf": "TRL SFTTrainer and transformers chat templates: arguments as JSON objects, tools as a JSON string",
    "openai": "OpenAI fine-tuning (and axolotl): arguments as JSON strings, tools as a list",
    "sharegpt": "LLaMA-Factory (dataset_dir): ShareGPT conversations, system and tools, and dataset_info.json",
}


def asset_name(export_format: str) -> str:
    return f"export_{export_format}"


class TrainingExportsConfig(dg.Config):
    """Which exports to write in this run; unset: GLAIVE_EXPORT_FORMATS (all three by default)."""

    formats: Optional[list[str]] = Field(default=None, description="any of hf, openai, sharegpt")

    def resolve(self) -> tuple[str, ...]:
        formats = tuple(self.formats) if self.formats is not None else export_formats_from_env()
        unknown = [name for name in formats if name not in EXPORT_FORMATS]
        if unknown:
            raise ValueError(f"unknown export format {', '.join(map(repr, unknown))}: use any of {', '.join(EXPORT_FORMATS)} "
                             "(GLAIVE_EXPORT_FORMATS or run config formats)")
        return formats


@dg.multi_asset(
    outs={
        asset_name(export_format): dg.AssetOut(group_name=EXPORTS_GROUP, is_required=False, description=(
            f"{_FOR[export_format]} (training/{export_format}/)."))
        for export_format in EXPORT_FORMATS
    },
    ins={"training_set": dg.AssetIn(TRAINING_SET), "training_report": dg.AssetIn(TRAINING_REPORT),
         "glaive_raw": dg.AssetIn(RAW)},
    can_subset=True,
)
def training_exports(context: dg.AssetExecutionContext, config: TrainingExportsConfig, storage: GlaiveStorage,
                     training_set: ArtifactSet, training_report: Artifact, glaive_raw: RawArtifact):
    """Each chosen format (config) of those selected: three split files and the card or dataset_info.json,
    the formats in groups side by side (exports.write.write_exports_from_files), each one pass over the
    training set's split files."""
    try:
        formats = config.resolve()
    except ValueError as error:
        raise dg.Failure(description=f"export config: {error}") from None
    chosen = {}
    for export_format in EXPORT_FORMATS:
        name = asset_name(export_format)
        if dg.AssetKey(name) not in context.selected_asset_keys:
            continue
        if export_format not in formats:
            context.log.info(f"{name}: not written, the format is off (formats: {', '.join(formats) or 'none'})")
            continue
        chosen[export_format] = artifact_folder(storage.root, name)
    if not chosen:
        return
    split_paths = {split: training_set.parts[split].path for split in SPLITS}
    results = write_exports_from_files(chosen, split_paths, read_json(training_report.path), source_revision(glaive_raw),
                                       processes=shards_from_env())
    for export_format, result in results.items():
        name = asset_name(export_format)
        _check_rows(result, training_set)
        artifact = ArtifactSet.of(name, _parts(storage, name, result))
        yield output(artifact, _export_metadata(artifact, result), output_name=name)


def source_revision(raw: RawArtifact) -> str:
    """What the card gives as the source's revision: the pinned hub revision for `hf`, else where the rows
    came from."""
    read = f"{raw.rows:,} rows read, sample_size {raw.requested_sample_size or 'all'}, seed {raw.seed}"
    if raw.source.strip().lower() == "hf":
        return f"{HF_REVISION} ({read})"
    return f"none: GLAIVE_SOURCE={raw.source}, not read from the hub ({read})"


def _parts(storage: GlaiveStorage, name: str, result: ExportResult) -> dict[str, Artifact]:
    """The written files by part, as storage.artifacts.ARTIFACT_FILES names them (the two must agree)."""
    by_path = {artifact.path: artifact for artifact in result.artifacts}
    expected = artifact_files(storage.root, name)
    if set(by_path) != set(expected.values()):
        raise dg.Failure(description=f"{name} wrote {sorted(map(str, by_path))}, "
                                     f"but storage lists {sorted(map(str, expected.values()))}")
    return {part: by_path[path] for part, path in expected.items()}


def _check_rows(result: ExportResult, training_set: ArtifactSet) -> None:
    """Every split row is exported, or (sharegpt) counted as left out."""
    written = sum(result.rows.values()) + result.rows_left_out
    expected = sum(training_set.parts[split].rows for split in SPLITS)
    if written != expected or (not result.rows_left_out and any(
            result.rows[split] != training_set.parts[split].rows for split in SPLITS)):
        raise dg.Failure(description=f"{result.export_format}: {result.rows} rows written and "
                                     f"{result.rows_left_out} left out, but the training set has {expected}")


def _export_metadata(artifact: ArtifactSet, result: ExportResult) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "dagster/row_count": sum(result.rows.values()),
        "path": dg.MetadataValue.path(str(artifact.path)),
        "size_bytes": artifact.size_bytes,
        "sha256": artifact.sha256,
        **{f"{split}_rows": rows for split, rows in result.rows.items()},
        "rows_per_split": counts_table(result.rows, "split", SPLITS),
        "tool_calls": result.calls,
        "text_before_call": result.text_before_call,
        "preview": json_preview(result.preview),
    }
    if result.export_format == "sharegpt":
        metadata["rows_left_out"] = result.rows_left_out
        metadata["left_out_per_problem"] = counts_table(result.left_out, "problem")
        metadata["dataset_info"] = dg.MetadataValue.path(str(artifact.parts["dataset_info"].path))
    else:
        metadata["card"] = dg.MetadataValue.path(str(artifact.parts["card"].path))
    return metadata
