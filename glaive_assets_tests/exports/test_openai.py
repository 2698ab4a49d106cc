"""openai export rows: OpenAI's two keys, arguments as JSON strings, tools as a list; and back."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings

from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.exports.conversation import calls_of, conversation_of
from glaive_assets.exports.hf import conversation_from_hf
from glaive_assets.exports.openai import conversation_from_openai, openai_row
from glaive_assets_tests.exports.rows import CALL_ROW, PLAIN_ROW, row
from glaive_assets_tests.exports.strategies import conversation_records


def test_rows_hold_only_openais_keys_as_chatml_has_them():
    assert openai_row(CALL_ROW) == {"messages": CALL_ROW["messages"], "tools": CALL_ROW["tools"]}
    assert openai_row(PLAIN_ROW) == {"messages": PLAIN_ROW["messages"], "tools": []}


def test_arguments_must_be_json_strings():
    bad = row(CALL_ROW)
    bad["messages"][2]["tool_calls"][1]["function"]["arguments"] = {}
    with pytest.raises(ValueError, match="JSON string"):
        openai_row(bad)


def test_line_n_is_the_hf_export_line_n(exports, processed_by_id):
    for hf_file, openai_file in zip(exports["hf"].artifacts[:3], exports["openai"].artifacts[:3]):
        hf_lines = [orjson.loads(line) for line in hf_file.iter_lines()]
        openai_lines = [orjson.loads(line) for line in openai_file.iter_lines()]
        assert len(openai_lines) == len(hf_lines) == hf_file.rows
        for hf_line, openai_line in zip(hf_lines, openai_lines):
            assert conversation_from_openai(openai_line) == conversation_from_hf(hf_line)


def test_every_sample_line_converts_back_to_its_processed_record(exports, split_rows, processed_by_id):
    checked = 0
    for split, artifact in zip(("train", "validation", "test"), exports["openai"].artifacts[:3]):
        for split_row, line in zip(split_rows[split], artifact.iter_lines(), strict=True):
            record = processed_by_id[split_row["id"]]
            back = conversation_from_openai(orjson.loads(line))
            assert back == conversation_of(record)
            assert calls_of(back) == record["function_calls"]
            checked += 1
    assert checked == 390


@settings(max_examples=200, deadline=None)
@given(conversation_records())
def test_round_trip_property(record):
    line = orjson.loads(dumps_line(openai_row({**to_chatml(record), "split": "test", "sample_weight": 1.0})))
    assert conversation_from_openai(line) == conversation_of(record)
