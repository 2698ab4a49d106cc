"""Write one export folder: the three split files, then its card (hf, openai) or dataset_info.json
(sharegpt). Every file is written atomically (temp file + os.replace) as strict JSON.

    write_export("hf", data_dir / "training" / "hf", {"train": rows, "validation": rows, "test": rows},
                 training_report=report, source_revision="e7f4b64...") -> ExportResult
    write_exports({"hf": folder, "openai": folder2}, splits, ...) -> {format: ExportResult}, in one pass
    write_exports_from_files(folders, {"train": path, ...}, ..., processes=2)   # the formats on 2 cores

The split rows are glaive_chatml rows plus "split" and "sample_weight" (the training set's files).
Each iterable is read once, in order.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.core.jsonio import dumps_line, read_jsonl
from glaive_assets.exports.card import TrainingFacts, render_card
from glaive_assets.exports.hf import HF_FEATURES, hf_row
from glaive_assets.exports.openai import OPENAI_FEATURES, openai_row
from glaive_assets.exports.sharegpt import dataset_info, sharegpt_problems, sharegpt_row
from glaive_assets.storage.artifacts import Artifact, JsonlWriter, atomic_file
from glaive_assets.storage.worker_processes import Job, processes_worth, run_in_processes

SPLITS = ("train", "validation", "test")
SPLIT_FILES = {split: f"{split}.jsonl" for split in SPLITS}
EXPORT_FORMATS = ("hf", "openai", "sharegpt")
PREVIEW_ROWS = 3

_ROW_OF: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "hf": hf_row, "openai": openai_row, "sharegpt": sharegpt_row,
}
_FEATURES = {"hf": HF_FEATURES, "openai": OPENAI_FEATURES}
_LOADER_NOTE = ("The card declares each message a `Json` value: loading the folder needs datasets >= 4.7. "
                "`datasets.load_dataset` encodes and decodes `Json` values "
                "with pandas' ujson (datasets 5.2): a float can come back one unit in the last place off "
                "(1.7 as 1.7000000000000002), and one with more than 10 decimals comes back rounded. The "
                "JSON lines hold every value exactly; read them with `json.loads` where exact floats matter.")


@dataclass(frozen=True)
class ExportResult:
    """What one export wrote."""

    export_format: str
    folder: Path
    artifacts: list[Artifact]  # the split files in SPLITS order, then README.md or dataset_info.json
    rows: dict[str, int]  # split -> lines written
    calls: int  # tool calls written
    text_before_call: int  # calls whose assistant turn has text before them (sharegpt: kept, not rendered)
    rows_left_out: int = 0  # sharegpt: conversations LLaMA-Factory's loader would reject
    left_out: dict[str, int] = field(default_factory=dict)  # sharegpt: problem -> rows (a row may have two)
    preview: list[dict[str, Any]] = field(default_factory=list)  # the first PREVIEW_ROWS train lines


def _count_calls(split_row: dict[str, Any]) -> tuple[int, int]:
    calls = text_before = 0
    for message in split_row["messages"]:
        tool_calls = message.get("tool_calls")
        if tool_calls:
            calls += len(tool_calls)
            text_before += bool(message.get("content"))
    return calls, text_before


@dataclass
class _Tally:
    calls: int = 0
    text_before_call: int = 0
    rows_left_out: int = 0
    left_out: Counter = field(default_factory=Counter)
    preview: list[dict[str, Any]] = field(default_factory=list)


def _add_line(export_format: str, split: str, split_row: dict[str, Any], calls: tuple[int, int], tally: _Tally,
              writer: JsonlWriter) -> None:
    line = _ROW_OF[export_format](split_row)
    if export_format == "sharegpt":
        problems = sharegpt_problems(line["conversations"])
        if problems:
            tally.rows_left_out += 1
            tally.left_out.update(problems)
            return
    tally.calls += calls[0]
    tally.text_before_call += calls[1]
    if split == "train" and len(tally.preview) < PREVIEW_ROWS:
        tally.preview.append(line)
    writer.write_line(dumps_line(line))


def _write_split(folders: Mapping[str, Path], split: str, rows: Iterable[dict[str, Any]],
                 tallies: Mapping[str, _Tally]) -> dict[str, Artifact]:
    """One split in every format, each row decoded once for all of them."""
    paths = {export_format: folder / SPLIT_FILES[split] for export_format, folder in folders.items()}
    with ExitStack() as stack:
        writers = {export_format: JsonlWriter(stack.enter_context(atomic_file(path))) for export_format, path in paths.items()}
        for split_row in rows:
            if split_row.get("split", split) != split:
                raise ValueError(f"row {split_row.get('id')} is marked {split_row['split']!r} "
                                 f"but was given as {split!r}")
            calls = _count_calls(split_row)
            for export_format, writer in writers.items():
                _add_line(export_format, split, split_row, calls, tallies[export_format], writer)
        digests = {export_format: writer._finish() for export_format, writer in writers.items()}
    return {export_format: Artifact(f"{export_format}/{split}", paths[export_format], writer.rows,
                                    digests[export_format], writer.size_bytes)
            for export_format, writer in writers.items()}


def _write_text(path: Path, name: str, body: bytes) -> Artifact:
    with atomic_file(path) as handle:
        handle.write(body)
    return Artifact(name, path, 1, hashlib.sha256(body).hexdigest(), len(body))


def write_export(export_format: str, folder: Path, splits: Mapping[str, Iterable[dict[str, Any]]],
                 training_report: Mapping[str, Any] | None = None, source_revision: str = "unknown") -> ExportResult:
    """Write `folder`/{train,validation,test}.jsonl in `export_format`, then the card (hf, openai) or
    dataset_info.json (sharegpt). `training_report` gives the card its dedup, decontamination and slice
    figures (see card.TrainingFacts.from_report)."""
    return write_exports({export_format: folder}, splits, training_report, source_revision)[export_format]


def write_exports(folders: Mapping[str, Path], splits: Mapping[str, Iterable[dict[str, Any]]],
                  training_report: Mapping[str, Any] | None = None,
                  source_revision: str = "unknown") -> dict[str, ExportResult]:
    """write_export for several formats ({format: folder}) in one pass over the split rows: each row is
    decoded once for all of them (at 113k sample rows, three formats cost 5.7 s of CPU instead of 8.3)."""
    unknown = [export_format for export_format in folders if export_format not in EXPORT_FORMATS]
    if unknown:
        raise ValueError(f"unknown export format {unknown[0]!r}; expected one of {EXPORT_FORMATS}")
    if set(splits) != set(SPLITS):
        raise ValueError(f"splits must be exactly {SPLITS}, got {sorted(splits)}")
    folders = {export_format: Path(folder) for export_format, folder in folders.items()}
    tallies = {export_format: _Tally() for export_format in folders}
    artifacts: dict[str, list[Artifact]] = {export_format: [] for export_format in folders}
    for split in SPLITS:
        for export_format, artifact in _write_split(folders, split, splits[split], tallies).items():
            artifacts[export_format].append(artifact)
    return {export_format: _finish(export_format, folder, artifacts[export_format], tallies[export_format],
                                   training_report, source_revision)
            for export_format, folder in folders.items()}


# Each format's CPU seconds written alone at 113k sample rows (decoding the rows included), to balance
# the formats over processes.
_FORMAT_COST = {"hf": 2.7, "openai": 2.3, "sharegpt": 3.3}


def format_groups(formats: Iterable[str], processes: int) -> list[list[str]]:
    """The formats in at most `processes` groups of near-equal cost: the costliest first, each into the
    group that costs least so far (EXPORT_FORMATS order within a group)."""
    groups: list[list[str]] = [[] for _ in range(max(1, processes))]
    for export_format in sorted(formats, key=lambda name: -_FORMAT_COST[name]):
        min(groups, key=lambda group: sum(_FORMAT_COST[name] for name in group)).append(export_format)
    return [sorted(group, key=EXPORT_FORMATS.index) for group in groups if group]


@dataclass(frozen=True)
class _FormatGroup:
    folders: dict[str, Path]
    split_paths: dict[str, Path]
    training_report: Mapping[str, Any] | None
    source_revision: str


def _write_group(group: _FormatGroup) -> dict[str, ExportResult]:
    splits = {split: read_jsonl(path) for split, path in group.split_paths.items()}
    return write_exports(group.folders, splits, group.training_report, group.source_revision)


def write_exports_from_files(folders: Mapping[str, Path], split_paths: Mapping[str, Path],
                             training_report: Mapping[str, Any] | None = None, source_revision: str = "unknown",
                             processes: int = 1) -> dict[str, ExportResult]:
    """write_exports over the split files, the formats in up to `processes` groups side by side, each in a
    process of its own that reads the files itself (format_groups). The files are the same for any
    number; split files under MIN_BYTES_PER_PROCESS a process, or one group, are written here."""
    size = sum(Path(path).stat().st_size for path in split_paths.values())
    groups = format_groups(folders, processes_worth(size, processes))
    if len(groups) <= 1:
        return _write_group(_FormatGroup(dict(folders), dict(split_paths), training_report, source_revision))
    results: dict[str, ExportResult] = {}
    with tempfile.TemporaryDirectory(prefix="glaive-exports-") as scratch:
        jobs = [Job("exports_" + "_".join(group), _write_group,
                    _FormatGroup({name: Path(folders[name]) for name in group}, dict(split_paths),
                                 training_report, source_revision), Path(scratch), reported=(ValueError,))
                for group in groups]
        for group_results in run_in_processes(jobs, len(jobs)):  # a process a group
            results.update(group_results)
    return {export_format: results[export_format] for export_format in folders}


def _finish(export_format: str, folder: Path, artifacts: list[Artifact], tally: _Tally,
            training_report: Mapping[str, Any] | None, source_revision: str) -> ExportResult:
    """The card (hf, openai) or dataset_info.json (sharegpt) after the split files, and the result."""
    rows = {split: artifact.rows for split, artifact in zip(SPLITS, artifacts)}
    if export_format == "sharegpt":
        body = orjson.dumps(dataset_info(SPLIT_FILES), option=orjson.OPT_INDENT_2) + b"\n"
        artifacts.append(_write_text(folder / "dataset_info.json", "sharegpt/dataset_info", body))
    else:
        card = render_card(export_format, rows, SPLIT_FILES, _FEATURES[export_format],
                           TrainingFacts.from_report(training_report), source_revision, [_LOADER_NOTE])
        artifacts.append(_write_text(folder / "README.md", f"{export_format}/README", card.encode("utf-8")))
    return ExportResult(export_format, folder, artifacts, rows, tally.calls, tally.text_before_call,
                        tally.rows_left_out, dict(tally.left_out), tally.preview)
