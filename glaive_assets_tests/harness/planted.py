"""A source with planted rows for the training and export tests of the Dagster layer: sample rows plus
two rows whose requests are questions of our own BFCL-style eval file (one word for word, one inside a
longer turn), and that eval file with two unrelated questions besides. Written by us; no BFCL data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.core.chatml import render_glaive
from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets_tests.harness.dagster_helpers import read_lines, sample_rows, write_jsonl_source

SAMPLE_ROWS = 120  # the planted rows follow: source_index SAMPLE_ROWS (exact) and SAMPLE_ROWS + 1 (n-gram)
EXACT_QUESTION = "Which lighthouse keeper on the island of Varnholm logged the longest winter storm of the century?"
NGRAM_QUESTION = ("List every ferry that leaves Kellmouth harbour for Arvid Sound during the second week of the "
                  "autumn lantern festival")
EVAL_ITEMS = {
    "planted_exact": EXACT_QUESTION,
    "planted_ngram": NGRAM_QUESTION,
    "unrelated_0": "Convert forty two zorbian credits into the currency of the moon colony Tessaly Prime today",
    "unrelated_1": "Which quasar did the Orrery Nine telescope photograph first after its mirror was recoated?",
}
PLANTED_REQUESTS = (EXACT_QUESTION, f"Good morning! {NGRAM_QUESTION}, and which of them take bicycles?")


def planted_row(request: str, answer: str) -> dict:
    """A raw Glaive row (no functions) whose user asks `request`."""
    return render_glaive({"messages": [
        {"role": "system", "content": "You are a helpful assistant, with no access to external functions."},
        {"role": "user", "content": request},
        {"role": "assistant", "content": answer},
    ], "tools": []})


def write_planted_source(path: Path) -> Path:
    rows = [*sample_rows(SAMPLE_ROWS, seed=4),
            *(planted_row(request, f"Planted answer {number}.") for number, request in enumerate(PLANTED_REQUESTS))]
    return write_jsonl_source(path, rows)


def write_eval_file(path: Path) -> Path:
    items = [{"id": item_id, "question": [[{"role": "user", "content": question}]], "function": []}
             for item_id, question in EVAL_ITEMS.items()]
    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))
    return path


def chatml_ids(data_dir: Path) -> dict[int, str]:
    """source_index -> id of every glaive_chatml row."""
    return {row["metadata"]["source_index"]: row["id"] for row in read_lines(data_dir / ARTIFACT_PATHS["glaive_chatml"])}


def artifact_file(data_dir: Path, name: str, part: str) -> Path:
    """One file of a multi-file artifact (the training set, an export)."""
    return data_dir / ARTIFACT_FILES[name][part]


@dataclass(frozen=True)
class PlantedGraph:
    """The whole graph materialized once on the planted source: its data dir, the run's result, and the
    instance that holds the run (for automation evaluations)."""

    data_dir: Path
    result: Any  # dg.ExecuteInProcessResult
    instance: Any  # dg.DagsterInstance
