"""Write one export folder: the three split files, then its card (hf, openai) or dataset_info.json
(sharegpt). Every file is written atomically (temp file + os.replace) as strict JSON.

    write_export("hf", data_dir / "training" / "hf", {"train": rows, "validation": rows, "test": rows},
                 training_report=report, source_revision="e7f4b64...") -> ExportResult

The split rows are glaive_chatml rows plus "split" and "sample_weight" (the training set's files).
Each iterable is read once, in order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.core.jsonio import dumps_line
from glaive_assets.exports.card import TrainingFacts, render_card
from glaive_assets.exports.hf import HF_FEATURES, hf_row
from glaive_assets.exports.openai import OPENAI_FEATURES, openai_row
from glaive_assets.exports.sharegpt import dataset_info, sharegpt_problems, sharegpt_row
from glaive_assets.storage.artifacts import Artifact, JsonlWriter, atomic_file

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


def _write_split(export_format: str, path: Path, name: str, split: str, rows: Iterable[dict[str, Any]],
                 tally: _Tally) -> Artifact:
    row_of = _ROW_OF[export_format]
    with atomic_file(path) as handle:
        writer = JsonlWriter(handle)
        for split_row in rows:
            if split_row.get("split", split) != split:
                raise ValueError(f"row {split_row.get('id')} is marked {split_row['split']!r} "
                                 f"but was given as {split!r}")
            line = row_of(split_row)
            if export_format == "sharegpt":
                problems = sharegpt_problems(line["conversations"])
                if problems:
                    tally.rows_left_out += 1
                    tally.left_out.update(problems)
                    continue
            calls, text_before = _count_calls(split_row)
            tally.calls += calls
            tally.text_before_call += text_before
            if split == "train" and len(tally.preview) < PREVIEW_ROWS:
                tally.preview.append(line)
            writer.write_line(dumps_line(line))
        digest = writer._finish()
    return Artifact(name, path, writer.rows, digest, writer.size_bytes)


def _write_text(path: Path, name: str, body: bytes) -> Artifact:
    with atomic_file(path) as handle:
        handle.write(body)
    return Artifact(name, path, 1, hashlib.sha256(body).hexdigest(), len(body))


def write_export(export_format: str, folder: Path, splits: Mapping[str, Iterable[dict[str, Any]]],
                 training_report: Mapping[str, Any] | None = None, source_revision: str = "unknown") -> ExportResult:
    """Write `folder`/{train,validation,test}.jsonl in `export_format`, then the card (hf, openai) or
    dataset_info.json (sharegpt). `training_report` gives the card its dedup, decontamination and slice
    figures (see card.TrainingFacts.from_report)."""
    if export_format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {export_format!r}; expected one of {EXPORT_FORMATS}")
    if set(splits) != set(SPLITS):
        raise ValueError(f"splits must be exactly {SPLITS}, got {sorted(splits)}")
    folder = Path(folder)
    tally = _Tally()
    artifacts = [
        _write_split(export_format, folder / SPLIT_FILES[split], f"{export_format}/{split}", split, splits[split],
                     tally)
        for split in SPLITS
    ]
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
