"""The pipeline's stages as plain functions over artifact files (no Dagster).

The assets call these, so each transform exists once (the core benchmark times the same core
functions without the files). Every stage streams: it holds one row at a time, never the whole
dataset.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import orjson

from glaive_assets.config.settings import SourceSettings
from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.formats import GLAIVE
from glaive_assets.core.jsonio import (
    MAX_WRITE_DEPTH, any_leaf, any_string, dumps_line, has_lone_surrogate, is_wide_integer, loads_exact,
)
from glaive_assets.core.reasons import ROW_TOO_LARGE
from glaive_assets.core.transform import RowOutcome, process_row, reject_unreadable_row
from glaive_assets.qa.schema import checked_view
from glaive_assets.qa.stats import PipelineStats, add_processed, add_reject, compute_pipeline_stats
from glaive_assets.sources.errors import HEAD_CHARS, OversizedRow, UnreadableRow
from glaive_assets.storage.artifacts import (
    COMPANION_PATHS, Artifact, ProcessedArtifact, RawArtifact, artifact_path, write_jsonl, write_jsonl_at,
)
from glaive_assets.storage.by_source import SourceTally
from glaive_assets.storage.errors import path_error

# Shape of one line of raw/glaive_raw.jsonl: the source row as read, with its position. An unreadable
# source line keeps its text under "unreadable", and a row over GLAIVE_MAX_ROW_BYTES its size, hash and
# first characters under "too_large", so that each is rejected, not lost. Strict JSON holds no lone
# surrogates, so they are stored as U+FFFD and the line says so, for the core to flag. A row of the
# sharegpt or openai layout says so under "format" (no key: glaive). With several sources, source_index
# runs on across them and "source"/"source_row" say which source and where in it (storage/mixed.py).
RAW_COLUMNS = {
    "source_index": "int",
    "row": "any",
    "format": "str (only for sharegpt and openai rows)",
    "source": "int (only with several sources: the row's source, 0 for the first listed)",
    "source_row": "int (only with several sources: the row's position in its own source)",
    "unreadable": "object (only for unreadable lines)",
    "too_large": "object {bytes, limit, sha256, head} (only for rows over GLAIVE_MAX_ROW_BYTES)",
    "unicode_repaired": "bool (only when lone surrogates were replaced)",
    "wide_integers": "bool (only when the row holds integers beyond 64 bits, kept exact: read with jsonio.loads_exact)",
}


def _nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether a container sits `limit` levels below `value` (value itself: 0)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth == limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _too_large(source_index: int, row: OversizedRow, origin: dict[str, int]) -> bytes:
    return dumps_line({"source_index": source_index, "row": None, **origin, "too_large": {
        "bytes": row.size_bytes, "limit": row.limit, "sha256": row.sha256, "head": row.head}})


def _text_of(row: Any) -> str:
    """The row as JSON text, for an unreadable row's record (lone surrogates are repaired when written)."""
    try:
        return json.dumps(row, ensure_ascii=False)
    except (ValueError, RecursionError) as error:
        return f"<{type(error).__name__}: the row could not be written back as text>"


def raw_line(source_index: int, row: Any, max_row_bytes: int, row_format: str = GLAIVE,
             origin: dict[str, int] | None = None) -> tuple[bytes, bool]:
    """The line of raw/glaive_raw.jsonl for one source row (RAW_COLUMNS) of `row_format`, and whether
    the row could be read (False: not JSON, or too large). `origin` ({"source", "source_row"}) is
    given for a row of one of several sources; a single source's lines have no such keys."""
    origin = origin or {}
    if isinstance(row, UnreadableRow):
        return dumps_line({"source_index": source_index, "row": None, **origin,
                           "unreadable": {"text": row.text, "error": row.error}}), False
    if isinstance(row, OversizedRow):
        return _too_large(source_index, row, origin), False
    entry = {"source_index": source_index, "row": row, **origin}
    if row_format != GLAIVE:
        entry["format"] = row_format
    try:
        line = orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # orjson refuses lone surrogates, integers beyond 64 bits, nesting past 255 levels
        # dumps_line cuts containers at MAX_WRITE_DEPTH below the line's top, and the row sits one below:
        # such a row is refused, not changed.
        if _nests_deeper_than(row, MAX_WRITE_DEPTH - 1):
            error = f"nested {MAX_WRITE_DEPTH} levels deep or more, deeper than a strict JSON line here holds"
            return dumps_line({"source_index": source_index, "row": None, **origin,
                               "unreadable": {"text": _text_of(row), "error": error}}), False
        if any_string(row, has_lone_surrogate):  # stored as U+FFFD, wherever they were: say so
            entry["unicode_repaired"] = True
        if any_leaf(row, is_wide_integer):  # so the transform reads this line, and only this one, the slow exact way
            entry["wide_integers"] = True
        line = dumps_line(entry)
    if len(line) > max_row_bytes:  # a row no reader measured (parquet, hf, sample): measure it here
        text = dumps_line(row)[:-1]
        if len(text) > max_row_bytes:
            head = text[: HEAD_CHARS * 4].decode("utf-8", "replace")[:HEAD_CHARS]
            oversized = OversizedRow(len(text), max_row_bytes, hashlib.sha256(text).hexdigest(), head)
            return _too_large(source_index, oversized, origin), False
    return line, True


def raw_outcome(entry: dict[str, Any]) -> RowOutcome:
    """What the core makes of one line of glaive_raw (decoded): a processed record or a reject."""
    source_index = entry["source_index"]
    if "unreadable" in entry:
        return reject_unreadable_row(source_index, entry["unreadable"]["text"], entry["unreadable"]["error"])
    if "too_large" in entry:
        too_large = entry["too_large"]
        # The core never sees the row; its reject record is made here, in the core's reject shape.
        return RowOutcome(reject={"source_index": source_index, "record_id": too_large["sha256"][:32],
                                  "reasons": [ROW_TOO_LARGE], "raw": too_large, "features": None})
    return process_row(entry["row"], source_index, entry.get("unicode_repaired", False), entry.get("format", GLAIVE))


def write_raw(data_dir: Path, rows: Iterable[tuple[int, Any]], settings: SourceSettings,
              row_format: str = GLAIVE) -> RawArtifact:
    """Write source rows of `row_format` to raw/glaive_raw.jsonl, recording the settings they were
    read with. Raises whatever the source raises; then no file is left."""
    unreadable = 0
    with write_jsonl(data_dir, "glaive_raw") as out:
        for source_index, row in rows:
            line, readable = raw_line(source_index, row, settings.max_row_bytes, row_format)
            unreadable += not readable
            out.write_line(line)
    written = out.artifact
    assert written is not None
    return RawArtifact(
        written.name, written.path, written.rows, written.sha256, written.size_bytes,
        source=settings.source,
        requested_sample_size=settings.sample_size,
        seed=settings.seed,
        unreadable_rows=unreadable,
    )


class RowAccountingError(RuntimeError):
    """The rows read, written or recorded do not add up."""


@dataclass
class SplitStats:
    """What the processed/rejects split saw, gathered as the records were written: every figure the QA
    reports and the transform's metadata tables need (`qa`; row counts are the artifacts'), and with
    several sources the rows of each."""

    # Several sources only: per source (in order), the processed and the rejected rows.
    processed_by_source: list[int] = field(default_factory=list)
    rejected_by_source: list[int] = field(default_factory=list)
    qa: PipelineStats = field(default_factory=PipelineStats)

    def add(self, other: SplitStats) -> None:
        """Count what another shard saw too."""
        for name in ("processed_by_source", "rejected_by_source"):
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(self, name, [a + b for a, b in zip(mine, theirs)] if mine else list(theirs))
        self.qa.add(other.qa)

    def qa_json(self, raw: Artifact, rejects: Artifact) -> dict[str, Any]:
        """The QA figures as ProcessedArtifact.qa_stats records them, naming the raw file they were split
        from (whose sources the per-source counts follow) and the rejects file they count."""
        return {"raw_sha256": raw.sha256, "rejects_sha256": rejects.sha256, "pipeline": self.qa.to_json(),
                "processed_by_source": self.processed_by_source, "rejected_by_source": self.rejected_by_source}


class LineWriter(Protocol):
    def write_line(self, line: bytes) -> None: ...


@dataclass(frozen=True)
class SplitOutputs:
    """Where split_lines writes: every row to `processed` or `rejects`, and for each processed record its
    ChatML line (`chatml`, staged until the blocking checks pass) and its view for the schema suite
    (`checked`)."""

    processed: LineWriter
    rejects: LineWriter
    chatml: LineWriter
    checked: LineWriter


def raw_sources(raw: Artifact) -> tuple[dict[str, Any], ...]:
    """The sources of a raw artifact read from several ((): one source)."""
    return tuple(raw.sources) if isinstance(raw, RawArtifact) else ()


def split_lines(raw_lines: Iterable[bytes], out: SplitOutputs, stats: SplitStats,
                sources: Sequence[dict[str, Any]] = ()) -> int:
    """Route each raw line to exactly one of processed and rejects, with everything later steps need of
    it (the one pass over the rows); returns how many lines were read. With several sources
    (RawArtifact.sources), count the rows of each in `stats`."""
    processed_tally, rejected_tally = SourceTally(sources), SourceTally(sources)
    read = 0
    for line in raw_lines:
        read += 1
        entry = orjson.loads(line)
        if "wide_integers" in entry:  # orjson rounds them; loads_exact keeps them (only these rare lines pay)
            entry = loads_exact(line)
        outcome = raw_outcome(entry)
        if outcome.processed is not None:
            record = outcome.processed
            add_processed(stats.qa, record)
            if sources:
                processed_tally.add(record["source_index"])
            out.processed.write_line(dumps_line(record))
            out.chatml.write_line(dumps_line(to_chatml(record)))
            out.checked.write_line(dumps_line(checked_view(record)))
        else:
            add_reject(stats.qa, outcome.reject)
            if sources:
                rejected_tally.add(outcome.reject["source_index"])
            out.rejects.write_line(dumps_line(outcome.reject))
    stats.processed_by_source, stats.rejected_by_source = processed_tally.counts, rejected_tally.counts
    return read


def companion_path(data_dir: Path, key: str) -> Path:
    return data_dir / COMPANION_PATHS[key]


def processed_artifact(raw: Artifact, processed: Artifact, rejects: Artifact, checked: Artifact,
                       staged_chatml: Artifact, stats: SplitStats) -> ProcessedArtifact:
    """glaive_processed with the companions its pass over `raw` wrote."""
    return ProcessedArtifact(processed.name, processed.path, processed.rows, processed.sha256, processed.size_bytes,
                             checked=checked, staged_chatml=staged_chatml, qa_stats=stats.qa_json(raw, rejects))


def split_qa_stats(raw: Artifact, processed: Artifact,
                   rejects: Artifact) -> tuple[PipelineStats, list[int], list[int]]:
    """The QA figures of processed and rejects, and per source of raw their processed and rejected rows:
    as the pass that wrote them from this raw file recorded them, or, for files it did not write (an
    older or hand-made entry, another raw file), from one read of both files."""
    recorded = processed.qa_stats if isinstance(processed, ProcessedArtifact) else None
    if recorded is not None and (recorded.get("raw_sha256"), recorded["rejects_sha256"]) == (
            raw.sha256, rejects.sha256):
        stats = PipelineStats.from_json(recorded["pipeline"])
        if (stats.processed_rows, stats.reject_rows) == (processed.rows, rejects.rows):
            return stats, recorded["processed_by_source"], recorded["rejected_by_source"]
    sources = raw_sources(raw)
    processed_tally, rejected_tally = SourceTally(sources), SourceTally(sources)
    stats = compute_pipeline_stats(processed_tally.counted(processed.iter_records()),
                                   rejected_tally.counted(rejects.iter_records()))
    return stats, processed_tally.counts, rejected_tally.counts


def schema_suite_input(processed: Artifact) -> Path:
    """The file the schema suite reads: the view of processed that its pass wrote, else processed."""
    checked = processed.checked if isinstance(processed, ProcessedArtifact) else None
    return checked.path if checked is not None and checked.rows == processed.rows else processed.path


def split_raw(data_dir: Path, raw: Artifact) -> tuple[ProcessedArtifact, Artifact, SplitStats]:
    """Route every raw row to exactly one of glaive_processed and glaive_rejects, in one pass that also
    stages ChatML and writes the suite's view (the transform asset runs the same split in shards:
    storage/shards.py)."""
    stats = SplitStats()
    with write_jsonl(data_dir, "glaive_processed") as processed_out, \
            write_jsonl(data_dir, "glaive_rejects") as rejects_out, \
            write_jsonl_at(companion_path(data_dir, "checked"), "checked") as checked_out, \
            write_jsonl_at(companion_path(data_dir, "staged_chatml"), "staged_chatml") as chatml_out:
        read = split_lines(raw.iter_lines(), SplitOutputs(processed_out, rejects_out, chatml_out, checked_out), stats,
                           raw_sources(raw))
        if read != raw.rows:  # refused before any file is replaced
            raise RowAccountingError(f"{raw.path} holds {read} rows, but its manifest records {raw.rows}")
    written = (processed_out.artifact, rejects_out.artifact, checked_out.artifact, chatml_out.artifact)
    assert all(artifact is not None for artifact in written)
    processed, rejects, checked, chatml = written
    return processed_artifact(raw, processed, rejects, checked, chatml, stats), rejects, stats


def write_chatml(data_dir: Path, processed: Artifact, preview_rows: int = 3) -> tuple[Artifact, list[dict]]:
    """Publish glaive_chatml: the ChatML lines that processed's pass staged (moved into place), or, when
    there are none (processed was recorded without them), one line converted from each processed record.
    Returns the artifact and a few conversations for preview."""
    staged = processed.staged_chatml if isinstance(processed, ProcessedArtifact) else None
    if staged is not None:
        path = artifact_path(data_dir, "glaive_chatml")
        try:
            os.replace(staged.path, path)
        except OSError as error:
            raise path_error(error, path, "glaive_chatml") from None
        chatml = Artifact("glaive_chatml", path, staged.rows, staged.sha256, staged.size_bytes)
        return chatml, list(islice(chatml.iter_records(), preview_rows))
    preview: list[dict] = []
    with write_jsonl(data_dir, "glaive_chatml") as out:
        for record in processed.iter_records():
            conversation = to_chatml(record)
            if len(preview) < preview_rows:
                preview.append(conversation)
            out.write_line(dumps_line(conversation))
    assert out.artifact is not None
    return out.artifact, preview
