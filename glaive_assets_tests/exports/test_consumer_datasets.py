"""Consumer proof: `datasets.load_dataset` on each export folder, offline, as a trainer loads it.

hf and openai: the folder itself (its card's configs) gives DatasetDict(train, validation, test) with
the right row counts, the declared features, and every row equal to its line: the same keys (none
filled with None), the same strings, ints and booleans, in the same order.
sharegpt: each file of dataset_info.json loaded as LLaMA-Factory loads it (the json builder, split
"train"), every row equal to its line.

One thing datasets changes, and the hf card says so: it reads and writes `Json` values with pandas'
ujson (datasets 5.2, pandas 3.1), which decodes some floats one unit in the last place off
(1.7 -> 1.7000000000000002) and keeps 10 decimals when it encodes. The hf rows' arguments are Json
values; the test names every float that moved.
"""

from __future__ import annotations

import json
from typing import Any

import datasets
import pytest
from datasets import Json, List, Value

from glaive_assets.exports.write import SPLITS, write_export
from glaive_assets_tests.exports.rows import ONE_CALL_ROW, PLAIN_ROW, row

FEATURES = {
    "hf": {"id": Value("string"), "messages": List(Json()), "tools": Value("string"), "sample_weight": Value("float64")},
    "openai": {"messages": List(Json()), "tools": List(Json())},
}


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def moved_floats(loaded: Any, written: Any, path: tuple = ()) -> list[tuple[tuple, float, float]]:
    """Assert `loaded` is `written` (same keys in the same order, same types, same values) except for
    floats that differ; return those as (path, loaded, written)."""
    assert type(loaded) is type(written), (path, loaded, written)
    if isinstance(written, dict):
        assert list(loaded) == list(written), path
        return [moved for key in written for moved in moved_floats(loaded[key], written[key], (*path, key))]
    if isinstance(written, list):
        assert len(loaded) == len(written), path
        return [moved for i, (a, b) in enumerate(zip(loaded, written)) for moved in moved_floats(a, b, (*path, i))]
    if isinstance(written, float) and loaded != written:
        return [(path, loaded, written)]
    assert loaded == written, (path, loaded, written)
    return []


ARGUMENTS_PATH = ("messages", 2, "tool_calls", 0, "function", "arguments", "height_m")


@pytest.mark.parametrize("export_format, moved", [
    ("hf", [(("train", 88, *ARGUMENTS_PATH), 1.7000000000000002, 1.7),
            (("train", 227, *ARGUMENTS_PATH[:1], 10, *ARGUMENTS_PATH[2:]), 1.7000000000000002, 1.7),
            (("train", 227, *ARGUMENTS_PATH[:1], 16, *ARGUMENTS_PATH[2:]), 1.7000000000000002, 1.7),
            (("train", 314, *ARGUMENTS_PATH), 1.7000000000000002, 1.7)]),
    ("openai", []),  # its arguments are strings
])
def test_the_folder_loads_as_three_splits_equal_to_the_lines(hf_offline, tmp_path, exports, export_format, moved):
    result = exports[export_format]
    loaded = datasets.load_dataset(str(result.folder), cache_dir=str(tmp_path / "cache"))
    assert list(loaded) == list(SPLITS)
    assert {split: loaded[split].num_rows for split in SPLITS} == result.rows == {"train": 350, "validation": 20, "test": 20}
    found = []
    for split, artifact in zip(SPLITS, result.artifacts):
        assert dict(loaded[split].features) == FEATURES[export_format]
        found += moved_floats(list(loaded[split]), _lines(artifact.path), (split,))
    assert found == moved


def test_sharegpt_files_load_as_llama_factory_loads_them(hf_offline, tmp_path, exports):
    result = exports["sharegpt"]
    info = json.loads((result.folder / "dataset_info.json").read_text())
    counts = {}
    for name, entry in info.items():
        path = result.folder / entry["file_name"]
        loaded = datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / name))
        assert moved_floats(list(loaded), _lines(path)) == []
        counts[name] = loaded.num_rows
    assert counts == {"glaive_train": 337, "glaive_validation": 19, "glaive_test": 20}


def test_the_cards_features_decide_the_schema(hf_offline, tmp_path):
    """Rows without any call would be inferred as List({role, content}); the card keeps List(Json)."""
    plain = [row(PLAIN_ROW, split=split) for split in SPLITS]
    result = write_export("hf", tmp_path / "hf", {split: [line] for split, line in zip(SPLITS, plain)})
    loaded = datasets.load_dataset(str(result.folder), cache_dir=str(tmp_path / "cache"))
    assert dict(loaded["train"].features) == FEATURES["hf"]
    assert loaded["test"][0] == {"id": "b" * 32, "messages": PLAIN_ROW["messages"], "tools": None, "sample_weight": 1.0}


def test_the_cards_note_on_floats_is_true(hf_offline, tmp_path):
    """What the card's note says: the file holds the floats exactly; datasets' Json keeps 10 decimals
    and decodes 1.7 as 1.7000000000000002. If datasets fixes it, this test fails: drop the note."""
    precise = row(ONE_CALL_ROW, split="train")
    precise["messages"][2]["tool_calls"][0]["function"]["arguments"] = '{"city":"Oslo","x":3.141592653589793,"h":1.7}'
    splits = {"train": [precise], "validation": [row(ONE_CALL_ROW)], "test": [row(PLAIN_ROW)]}
    result = write_export("hf", tmp_path / "hf", splits)
    written = _lines(result.artifacts[0].path)[0]["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert written == {"city": "Oslo", "x": 3.141592653589793, "h": 1.7}
    loaded = datasets.load_dataset(str(result.folder), cache_dir=str(tmp_path / "cache"))
    arguments = loaded["train"][0]["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert arguments == {"city": "Oslo", "x": 3.1415926536, "h": 1.7000000000000002}
