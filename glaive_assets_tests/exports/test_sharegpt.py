"""sharegpt export: LLaMA-Factory's layout and loader rules, dataset_info.json, and the round trip.

The rules come from LLaMA-Factory's data/README.md (sharegpt format) and its SharegptDatasetConverter:
after an optional system message, human/observation sit at odd positions and gpt/function_call at
even ones (1-based), the count is even, a function_call value is JSON with name and arguments (it
json.loads the value and dumps "arguments" itself), and `tools` is a JSON string.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings

from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.exports import sharegpt as S
from glaive_assets.exports.conversation import calls_of, conversation_of
from glaive_assets.exports.sharegpt import conversation_from_sharegpt, dataset_info, sharegpt_problems, sharegpt_row
from glaive_assets_tests.exports.strategies import conversation_records
from glaive_assets_tests.exports.rows import CALL_ROW, ONE_CALL_ROW, PLAIN_ROW, TIME_SCHEMA, WEATHER_SCHEMA

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "glaive"


def test_one_call_row_exactly():
    assert sharegpt_row(ONE_CALL_ROW) == {
        "id": "c" * 32,
        "conversations": [
            {"from": "human", "value": "Weather in Oslo?"},
            {"from": "function_call", "value": '{"name":"get_weather","arguments":{"city":"Oslo"}}'},
            {"from": "observation", "value": '{"temp": 3}'},
            {"from": "gpt", "value": "3 degrees."},
        ],
        "system": "You are a helpful assistant.",
        "tools": orjson.dumps([WEATHER_SCHEMA]).decode(),
    }


def test_text_before_a_call_and_parallel_calls_are_kept_in_the_call_value():
    line = sharegpt_row(CALL_ROW)
    assert json.loads(line["conversations"][1]["value"]) == [
        {"name": "get_weather", "arguments": {"city": "Zürich", "unit": "C"}, "text_before_call": "Let me look both up."},
        {"name": "get_time", "arguments": {}},
    ]
    assert json.loads(line["tools"]) == [WEATHER_SCHEMA, TIME_SCHEMA]
    # two responses to one call turn: two observations in a row, which LLaMA-Factory's loader refuses
    assert [m["from"] for m in line["conversations"]] == ["human", "function_call", "observation", "observation", "gpt"]
    assert sharegpt_problems(line["conversations"]) == [
        S.ROLE_OUT_OF_TURN, S.ENDS_WITHOUT_ANSWER, S.OBSERVATION_WITHOUT_CALL]


def test_no_system_and_no_tools_are_null():
    assert sharegpt_row(PLAIN_ROW) == {
        "id": "b" * 32,
        "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello! How can I help?"}],
        "system": None,
        "tools": None,
    }


def _conversation(*roles: str) -> list[dict[str, str]]:
    return [{"from": role, "value": "x"} for role in roles]


@pytest.mark.parametrize("roles, problems", [
    (("human", "gpt"), []),
    (("human", "function_call", "observation", "gpt"), []),
    (("human", "function_call", "human", "gpt"), []),  # a call left without a response still alternates
    (("human", "gpt", "human"), [S.ENDS_WITHOUT_ANSWER]),
    (("human", "human", "gpt", "gpt"), [S.ROLE_OUT_OF_TURN]),
    (("human", "gpt", "gpt", "human"), [S.ROLE_OUT_OF_TURN]),
    (("gpt", "human"), [S.ROLE_OUT_OF_TURN]),
    (("human", "function_call", "observation"), [S.ENDS_WITHOUT_ANSWER]),
    (("observation", "gpt"), [S.OBSERVATION_WITHOUT_CALL]),
    (("human", "gpt", "observation", "gpt"), [S.OBSERVATION_WITHOUT_CALL]),
    ((), [S.NO_MESSAGES]),
])
def test_loader_rules(roles, problems):
    assert sharegpt_problems(_conversation(*roles)) == problems


def test_dataset_info_declares_the_three_files():
    assert dataset_info({"train": "train.jsonl", "validation": "validation.jsonl", "test": "test.jsonl"}) == {
        name: {
            "file_name": f"{split}.jsonl",
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
            "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                     "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"},
        }
        for split, name in (("train", "glaive_train"), ("validation", "glaive_validation"), ("test", "glaive_test"))
    }


def test_the_written_dataset_info_is_the_one_for_the_split_files(exports):
    result = exports["sharegpt"]
    info_file = result.artifacts[3]
    assert info_file.path == result.folder / "dataset_info.json"
    info = json.loads(info_file.path.read_text())
    assert sorted(info) == ["glaive_test", "glaive_train", "glaive_validation"]
    assert all((result.folder / entry["file_name"]).is_file() for entry in info.values())


def test_the_export_keeps_every_documented_rule(exports):
    """Each written line: alternation and an even count, function_call values JSON with a name and
    OBJECT arguments, observations right after a function_call, system and tools strings or null,
    tools a JSON list of schemas with names."""
    lines = [orjson.loads(line) for artifact in exports["sharegpt"].artifacts[:3] for line in artifact.iter_lines()]
    assert len(lines) == 376
    calls = 0
    for line in lines:
        assert set(line) == {"id", "conversations", "system", "tools"}
        conversation = line["conversations"]
        assert sharegpt_problems(conversation) == []
        for position, message in enumerate(conversation):
            expected = ("human", "observation") if position % 2 == 0 else ("gpt", "function_call")
            assert message["from"] in expected and isinstance(message["value"], str)
            if message["from"] == "observation":
                assert conversation[position - 1]["from"] == "function_call"
            if message["from"] == "function_call":
                value = json.loads(message["value"])
                for call in value if isinstance(value, list) else [value]:
                    assert isinstance(call["name"], str) and call["name"]
                    assert isinstance(call["arguments"], dict)
                    calls += 1
        assert line["system"] is None or isinstance(line["system"], str)
        if line["tools"] is not None:
            tools = json.loads(line["tools"])
            assert tools and all(isinstance(tool["name"], str) for tool in tools)
    assert calls == exports["sharegpt"].calls == 276


def test_what_was_left_out_and_why(exports):
    """14 of the 390 sample conversations break the loader's rules: 14 end on a user turn (the
    sample's ends_on_user_turn quirk and its truncated chats), 5 have two turns of one role in a row;
    3 calls have text before them, kept in text_before_call."""
    result = exports["sharegpt"]
    assert result.rows == {"train": 337, "validation": 19, "test": 20}
    assert result.rows_left_out == 14
    assert result.left_out == {S.ENDS_WITHOUT_ANSWER: 14, S.ROLE_OUT_OF_TURN: 5}
    assert result.text_before_call == 3


def test_every_written_line_converts_back_to_its_processed_record(exports, processed_by_id):
    lines = [orjson.loads(line) for artifact in exports["sharegpt"].artifacts[:3] for line in artifact.iter_lines()]
    with_text = 0
    for line in lines:
        record = processed_by_id[line["id"]]
        back = conversation_from_sharegpt(line)
        assert back == conversation_of(record)
        assert calls_of(back) == record["function_calls"]
        with_text += sum(1 for turn in back["turns"] if turn["role"] == "function_call" and turn["content"])
    assert with_text == 3


@settings(max_examples=200, deadline=None)
@given(conversation_records())
def test_round_trip_property(record):
    """Whatever the layout (even one the loader would refuse), the line reads back to the record."""
    line = orjson.loads(dumps_line(sharegpt_row({**to_chatml(record), "split": "train", "sample_weight": 1.0})))
    assert conversation_from_sharegpt(line) == conversation_of(record)


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"real rows not available: {SHARED} is absent")
@pytest.mark.parametrize("name, flagged", [
    ("glaive_toolcall_en_demo.json", {}),
    # two machine-translated rows where the call became a gpt turn: the loader's alternation takes
    # them, but their observation answers no call
    ("glaive_toolcall_zh_demo.json", {197: [S.OBSERVATION_WITHOUT_CALL], 293: [S.OBSERVATION_WITHOUT_CALL]}),
])
def test_the_rules_on_llama_factorys_own_glaive_rows(name, flagged):
    """LLaMA-Factory's own sharegpt Glaive demo (300 rows each) against our reading of its rules."""
    rows = json.loads((SHARED / name).read_text(encoding="utf-8"))
    assert len(rows) == 300
    problems = {index: sharegpt_problems(row["conversations"]) for index, row in enumerate(rows)}
    assert {index: found for index, found in problems.items() if found} == flagged
    for index, row in enumerate(rows):
        if index in flagged:
            continue
        # read back to processed turns, written out again through ChatML: the same conversation
        back = conversation_from_sharegpt({**row, "system": None})
        record = {**back, "record_id": str(index), "source_index": index, "num_turns": len(back["turns"]),
                  "num_calls": len(calls_of(back)), "complexity_tier": "none", "has_error_handling": False}
        again = sharegpt_row({**to_chatml(record), "split": "train", "sample_weight": 1.0})
        assert (json.loads(again["tools"]) if again["tools"] else []) == json.loads(row["tools"])  # theirs: "[]"
        assert [m["from"] for m in again["conversations"]] == [m["from"] for m in row["conversations"]]
        for ours, theirs in zip(again["conversations"], row["conversations"]):
            if ours["from"] == "function_call":  # same JSON, their spacing
                assert json.loads(ours["value"]) == json.loads(theirs["value"])
            else:
                assert ours["value"] == theirs["value"]


def test_an_observation_without_a_call_reads_back_unanswered():
    line = {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "one moment"},
                              {"from": "observation", "value": "{}"}, {"from": "gpt", "value": "done"}],
            "system": "be brief", "tools": None}
    assert conversation_from_sharegpt(line) == {"instruction": "be brief", "tools": [], "turns": [
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": "one moment"},
        {"role": "function_response", "content": "{}", "call_id": None}, {"role": "assistant", "content": "done"},
    ]}
