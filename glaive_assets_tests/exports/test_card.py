"""The dataset card: YAML header (license, configs per split, declared features) and the figures."""

from __future__ import annotations

import yaml

from glaive_assets.exports.card import TrainingFacts, render_card
from glaive_assets.exports.hf import HF_FEATURES
from glaive_assets.exports.openai import OPENAI_FEATURES
from glaive_assets.exports.write import SPLIT_FILES

ROWS = {"train": 900, "validation": 50, "test": 49}
REPORT = {
    "chatml_rows": 1_020,
    "rows": {"train": 900, "validation": 50, "test": 49, "dropped": 21},
    "dropped": {"contaminated": 3, "duplicate_exact": 12, "duplicate_near": 4, "duplicate_paraphrase": 2},
    "weights": {"threshold": 0.05, "slice_shares": [
        {"slice": "turn_bucket", "value": "long", "rows": 20, "share_before": 0.0222, "share_after": 0.05,
         "status": "weighted", "note": None},
        {"slice": "call_bucket", "value": "many_calls", "rows": 0, "share_before": 0.0, "share_after": None,
         "status": "unfixable", "note": "no rows"},
    ]},
}


def _split(card: str) -> tuple[dict, str]:
    assert card.startswith("---\n")
    header, body = card[4:].split("\n---\n", 1)
    return yaml.safe_load(header), body


def test_header_declares_license_splits_and_features():
    header, _ = _split(render_card("hf", ROWS, SPLIT_FILES, HF_FEATURES, TrainingFacts.from_report(REPORT), "e7f4b64"))
    assert header["license"] == "apache-2.0"
    assert header["source_datasets"] == ["glaiveai/glaive-function-calling-v2"]
    assert header["configs"] == [{"config_name": "default", "data_files": [
        {"split": "train", "path": "train.jsonl"},
        {"split": "validation", "path": "validation.jsonl"},
        {"split": "test", "path": "test.jsonl"},
    ]}]
    assert header["dataset_info"] == {"features": [
        {"name": "id", "dtype": "string"}, {"name": "messages", "list": "json"},
        {"name": "tools", "dtype": "string"}, {"name": "sample_weight", "dtype": "float64"},
    ]}


def test_body_gives_counts_drops_shares_and_the_revision():
    _, body = _split(render_card("openai", ROWS, SPLIT_FILES, OPENAI_FEATURES, TrainingFacts.from_report(REPORT),
                                 "e7f4b64", ["a note"]))
    for line in [
        "| train | `train.jsonl` | 900 |", "| validation | `validation.jsonl` | 50 |", "| test | `test.jsonl` | 49 |",
        "Built from 1,020 glaive_chatml rows.",
        "| `contaminated` | 3 |", "| `duplicate_exact` | 12 |", "| `duplicate_near` | 4 |", "| `duplicate_paraphrase` | 2 |",
        "| turn_bucket | long | 20 | 2.22% | 5.00% | weighted |",
        "| call_bucket | many_calls | 0 | 0.00% | n/a | unfixable |",
        "- a note",
        "Apache-2.0, the license of the source dataset.",
    ]:
        assert line in body.splitlines(), line
    assert "revision `e7f4b64`" in body
    assert "double-encoded" in body  # the openai card says which trainer not to use it with


def test_a_report_without_figures_says_so():
    assert TrainingFacts.from_report(None) == TrainingFacts()
    _, body = _split(render_card("hf", ROWS, SPLIT_FILES, HF_FEATURES, TrainingFacts.from_report({}), "unknown"))
    assert "Dedup and decontamination counts: not reported." in body
    assert "Slice shares: not reported." in body
    assert "Built from" not in body


def test_hf_card_tells_how_to_pass_tools_to_apply_chat_template():
    _, body = _split(render_card("hf", ROWS, SPLIT_FILES, HF_FEATURES, TrainingFacts(), "x"))
    assert 'tools=json.loads(row["tools"])' in body
