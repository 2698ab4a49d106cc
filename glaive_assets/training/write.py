"""Write the plan out: the three splits and the ledger of dropped rows (atomic, strict JSON lines).

Files (config.TRAINING_PATHS, under the data dir):
- training/{train,validation,test}.jsonl: the ChatML row as glaive_chatml holds it, plus
  "split" and "sample_weight" (the train weight; 1.0 in validation and test, which are not reweighted);
- training/dropped.jsonl: one LedgerRow per dropped row;
- training/training_report.json: report.training_report.

The split rows are the ChatML lines with the two keys spliced in before the closing brace, so the
conversation is copied byte for byte and never decoded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypedDict

import orjson

# The project's atomic writer, opened here directly: write_jsonl writes single-file artifacts, and the
# training set is four files (artifacts.ARTIFACT_FILES["training_set"]).
from glaive_assets.storage.artifacts import Artifact, JsonlWriter, atomic_file
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.training.config import DROP_REASONS, SPLITS, TRAINING_PATHS
from glaive_assets.training.plan import NOT_DROPPED, TrainingPlan


class LedgerRow(TypedDict):
    """One line of training/dropped.jsonl. Keys that do not apply to the reason are null."""

    id: str
    source_index: int
    reason: str  # config.DROP_REASONS
    duplicate_of: str | None  # duplicate_*: the id of the kept row it duplicates
    duplicate_of_source_index: int | None
    eval_file: str | None  # contaminated: the eval file and item it matched (the first match)
    eval_id: str | None
    match: str | None  # contaminated: "exact_question" or "ngram"


LEDGER_COLUMNS: dict[str, str] = {
    "id": "str", "source_index": "int", "reason": "str", "duplicate_of": "str|null",
    "duplicate_of_source_index": "int|null", "eval_file": "str|null", "eval_id": "str|null", "match": "str|null",
}
assert tuple(LEDGER_COLUMNS) == tuple(LedgerRow.__annotations__), "LEDGER_COLUMNS must list LedgerRow's keys"


def ledger_row(plan: TrainingPlan, position: int) -> LedgerRow:
    if plan.reason[position] == NOT_DROPPED:
        raise ValueError(f"row {position} is not dropped")
    kept = int(plan.duplicate_of[position])
    found = plan.contamination.get(position)
    return {
        "id": plan.ids[position].decode(),
        "source_index": int(plan.source_index[position]),
        "reason": DROP_REASONS[plan.reason[position]],
        "duplicate_of": plan.ids[kept].decode() if kept >= 0 else None,
        "duplicate_of_source_index": int(plan.source_index[kept]) if kept >= 0 else None,
        "eval_file": found.eval_file if found else None,
        "eval_id": found.eval_id if found else None,
        "match": found.match if found else None,
    }


def split_line(chatml_line: bytes, split_name: str, sample_weight: float) -> bytes:
    """The ChatML line with "split" and "sample_weight" added (it must be one JSON object)."""
    body = chatml_line.rstrip()
    if not body.endswith(b"}"):
        raise ValueError(f"not a JSON object line: {body[:80]!r}")
    extra = b',"split":' + orjson.dumps(split_name) + b',"sample_weight":' + orjson.dumps(float(sample_weight))
    return body[:-1] + extra + b"}\n"


def _check_same_row(line: bytes, plan: TrainingPlan, position: int) -> None:
    """The line must be the row the plan saw at this position (the file may not change in between)."""
    expected = plan.ids[position]
    if line.startswith(b'{"id":"' + expected + b'"'):  # how dumps_line writes a ChatML row
        return
    row_id = orjson.loads(line).get("id")
    if str(row_id).encode() != expected:
        raise ValueError(f"row {position} has id {row_id!r}, but the plan was made with {expected.decode()!r}")


def write_training_set(data_dir: Path, chatml_lines: Iterable[bytes], plan: TrainingPlan) -> dict[str, Artifact]:
    """Stream the ChatML lines the plan was made from into the split files and the ledger.

    Returns an Artifact per file ("train", "validation", "test", "dropped"). Raises ValueError when
    the lines are not the plan's rows (another count or id); then no file is replaced.
    """
    names = (*SPLITS, "dropped")
    paths = {name: data_dir / TRAINING_PATHS[name] for name in names}
    with ExitStack() as stack:
        writers = {name: JsonlWriter(stack.enter_context(atomic_file(paths[name]))) for name in names}
        split_writers = [writers[name] for name in SPLITS]
        position = -1
        for position, line in enumerate(chatml_lines):
            if position >= plan.rows:
                raise ValueError(f"more lines than the {plan.rows} rows the plan was made from")
            _check_same_row(line, plan, position)
            if plan.reason[position] != NOT_DROPPED:
                writers["dropped"].write(ledger_row(plan, position))
                continue
            split = plan.split[position]
            split_writers[split].write_line(split_line(line, SPLITS[split], plan.sample_weight[position]))
        if position + 1 != plan.rows:
            raise ValueError(f"{position + 1} lines, but the plan was made from {plan.rows} rows")
        digests = {name: writer._finish() for name, writer in writers.items()}
    return {
        name: Artifact(name, paths[name], writer.rows, digests[name], writer.size_bytes)
        for name, writer in writers.items()
    }


def write_training_report(data_dir: Path, report: dict[str, Any]) -> Artifact:
    """training/training_report.json, strict JSON, indented (as artifacts.write_json writes reports)."""
    path = data_dir / TRAINING_PATHS["report"]
    body = orjson.dumps(orjson.loads(dumps_line(report)), option=orjson.OPT_INDENT_2) + b"\n"
    with atomic_file(path) as handle:
        handle.write(body)
    return Artifact("training_report", path, 1, hashlib.sha256(body).hexdigest(), len(body))
