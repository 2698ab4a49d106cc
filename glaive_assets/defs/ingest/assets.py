"""The upstream dataset (observable) and glaive_raw, the rows read from it."""

from typing import Optional

import dagster as dg
from pydantic import Field

from glaive_assets.config.settings import SettingsError, SourceSettings
from glaive_assets.defs.metadata import artifact_metadata, output
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.fingerprint import source_fingerprint, source_state
from glaive_assets.sources.locate import source_names
from glaive_assets.sources.readers import iter_source_rows
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.mixed import open_sources, write_mixed_raw
from glaive_assets.storage.source_check import check_first_rows
from glaive_assets.storage.stages import RAW_COLUMNS, write_raw

INGEST_GROUP = "ingest"
SOURCE_STATE_KEY = "source_state"  # glaive_raw's metadata entry the source sensor compares with


@dg.multi_observable_source_asset(specs=[dg.AssetSpec(
    "glaive_source",
    group_name=INGEST_GROUP,
    description=(
        "The upstream rows named by GLAIVE_SOURCE: the offline `sample` generator, the Hugging Face "
        "dataset (`hf`), or a local .json/.jsonl (also .gz/.bz2/.xz/.zst) or .parquet file of Glaive, "
        "ShareGPT or OpenAI-messages rows, or several of them comma-separated. Its data version is the HF "
        "revision, the file's sha256 as stored, or the generator's settings (several: a sha256 of theirs, in order)."
    ),
)])
def glaive_source(context: dg.AssetExecutionContext) -> dg.ObserveResult:
    settings = SourceSettings.from_env()
    fingerprint = source_fingerprint(settings)
    return dg.ObserveResult(
        data_version=dg.DataVersion(fingerprint["version"]),
        metadata={"source": settings.source, **{k: str(v) for k, v in fingerprint.items()}},
    )


class SourceConfig(dg.Config):
    """Overrides for one run; unset fields fall back to GLAIVE_SOURCE, GLAIVE_SAMPLE_SIZE, GLAIVE_SEED
    and GLAIVE_SOURCE_FORMAT."""

    source: Optional[str] = Field(default=None, description=(
        "sample | hf | /path/to/file.json|.jsonl[.gz|.bz2|.xz|.zst]|.parquet, or several of them comma-separated"))
    sample_size: Optional[int] = Field(default=None, description="rows to sample; 0 means every row")
    seed: Optional[int] = Field(default=None, description="seed of the reproducible sample")
    source_format: Optional[str] = Field(default=None, description="auto | glaive | sharegpt | openai")

    def resolve(self) -> SourceSettings:
        defaults = SourceSettings.from_env()
        return SourceSettings(
            source=self.source if self.source is not None else defaults.source,
            sample_size=self.sample_size if self.sample_size is not None else defaults.sample_size,
            seed=self.seed if self.seed is not None else defaults.seed,
            max_row_bytes=defaults.max_row_bytes,
            source_format=self.source_format if self.source_format is not None else defaults.source_format,
        )


@dg.asset(
    deps=["glaive_source"],
    group_name=INGEST_GROUP,
    description="Every source row as read, one JSON line each with its source_index (raw/glaive_raw.jsonl).",
)
def glaive_raw(context: dg.AssetExecutionContext, config: SourceConfig, storage: GlaiveStorage) -> dg.Output:
    try:
        settings = config.resolve()
    except SettingsError as error:
        raise dg.Failure(description=str(error)) from None
    context.log.info(f"reading source={settings.source!r} sample_size={settings.sample_size} seed={settings.seed}")
    try:
        if len(source_names(settings.source)) == 1:
            row_format, rows = check_first_rows(iter_source_rows(settings), settings)
            artifact = write_raw(storage.root, rows, settings, row_format)
        else:  # several sources, each checked before anything is written
            opened = open_sources(settings)
            artifact = write_mixed_raw(storage.root, opened, settings)
            row_format = ",".join(opened.formats)
    except (SourceError, StorageError) as error:
        # The atomic writer has already removed its partial file; the previous raw artifact stays whole.
        raise dg.Failure(description=str(error)) from None
    metadata = artifact_metadata(artifact, RAW_COLUMNS)
    try:
        metadata[SOURCE_STATE_KEY] = source_state(settings, str(source_fingerprint(settings)["version"]))
    except SourceError as error:  # the source changed or vanished after it was read
        context.log.warning(f"could not fingerprint the source after reading it: {error}")
    metadata.update(
        source=artifact.source,
        requested_sample_size=artifact.requested_sample_size,
        seed=artifact.seed,
        unreadable_rows=artifact.unreadable_rows,
        source_format=row_format,
    )
    if artifact.sources:
        metadata["sources"] = dg.MetadataValue.json(list(artifact.sources))
    return output(artifact, metadata)
