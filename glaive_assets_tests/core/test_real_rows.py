"""The core on the real rows in ../shared/glaive (skipped where that folder is absent).

- the 6 raw Glaive v2 rows: exact facts read off the rows by hand, and a byte-identical re-rendering;
- the 2 x 300 LLaMA-Factory rows (ShareGPT, already converted by another project): written as ChatML,
  rendered to Glaive's layout and parsed back, they give the same tools, turns, calls and arguments.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from glaive_assets.core.chatml import render_glaive, to_chatml
from glaive_assets.core.transform import process_row

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "glaive"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"real rows not available: {SHARED} is absent")

TOOL_PROMPT = "You are a helpful assistant with access to the following functions. Use them if required -"
PLAIN_PROMPT = "You are a helpful assistant, with no access to external functions."


def raw_rows() -> list[dict]:
    lines = (SHARED / "glaive_v2_rows_0_4.jsonl").read_bytes().splitlines()
    lines += (SHARED / "glaive_v2_row_25475.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    rows = raw_rows()
    assert len(rows) == 6
    outcomes = [process_row(row, index) for index, row in zip([0, 1, 2, 3, 4, 25475], rows)]
    assert all(outcome.reject is None for outcome in outcomes)
    return [outcome.processed for outcome in outcomes]


def test_raw_rows_facts(records):
    row0, row1, row2, row3, row4, row25475 = records
    assert [r["source_index"] for r in records] == [0, 1, 2, 3, 4, 25475]
    for record in records:
        assert record["instruction"] == TOOL_PROMPT
        assert record["validation_errors"] == [] and record["structure_warnings"] == []

    assert row0["defined_function_names"] == ["get_exchange_rate"]
    assert (row0["num_turns"], row0["num_calls"], row0["complexity_tier"]) == (1, 0, "none")
    assert row0["has_refusal"] is True and row0["has_error_handling"] is True

    assert row1["function_calls"] == [
        {"name": "get_news_headlines", "arguments": {"country": "United States"}},
        {"name": "get_news_headlines", "arguments": {"country": "France"}},
    ]
    assert (row1["num_turns"], row1["num_assistant_turns"], row1["num_function_responses"]) == (2, 4, 2)
    assert (row1["complexity_tier"], row1["call_bucket"], row1["turn_bucket"]) == ("complex", "two_calls", "short")
    assert row1["has_refusal"] is False

    assert row2["defined_function_names"] == ["generate_password", "create_task"]
    assert row2["function_signatures"]["create_task"]["required"] == ["title", "due_date", "priority"]
    assert row2["tools"][1]["parameters"]["properties"]["priority"]["enum"] == ["low", "medium", "high"]
    assert row2["function_calls"] == [{"name": "generate_password", "arguments": {"length": 12, "include_symbols": True}}]
    assert row2["complexity_tier"] == "simple"

    assert row3["function_calls"] == [{"name": "generate_password", "arguments": {
        "length": 12, "include_numbers": True, "include_special_characters": True}}]
    assert row3["complexity_tier"] == "moderate"

    assert row4["function_calls"] == [{"name": "calculate_median", "arguments": {"numbers": [5, 2, 9, 1, 7, 4, 6, 3, 8]}}]
    assert row4["turns"][-2] == {"role": "function_response", "content": '{"median": 5}', "call_id": "call_0"}

    assert row25475["function_calls"] == [{"name": "detect_language", "arguments": {"text": "Je suis un étudiant"}}]
    assert row25475["turns"][2] == {"role": "user", "content": 'Here it is - "Je suis un étudiant"'}


def test_raw_rows_render_back_byte_for_byte(records):
    for record, row in zip(records, raw_rows()):
        assert render_glaive(to_chatml(record)) == row


def sharegpt_to_chatml(row: dict) -> dict:
    """LLaMA-Factory's ShareGPT row as ChatML, call ids numbered in order as to_chatml numbers them.

    An observation that follows no call keeps the id of the last call (or call_-1): rendering ignores ids.
    """
    tools = json.loads(row["tools"]) if row["tools"] else []
    messages: list[dict] = [{"role": "system", "content": TOOL_PROMPT if tools else PLAIN_PROMPT}]
    calls = 0
    for turn in row["conversations"]:
        kind, value = turn["from"], turn["value"]
        if kind == "human":
            messages.append({"role": "user", "content": value})
        elif kind == "gpt":
            messages.append({"role": "assistant", "content": value})
        elif kind == "function_call":
            call = json.loads(value)
            messages.append({"role": "assistant", "content": "", "tool_calls": [{
                "id": f"call_{calls}", "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["arguments"], ensure_ascii=False)}}]})
            calls += 1
        else:
            assert kind == "observation"
            messages.append({"role": "tool", "tool_call_id": f"call_{calls - 1}", "content": value})
    return {"messages": messages, "tools": [{"type": "function", "function": tool} for tool in tools]}


@pytest.mark.parametrize("file_name", ["glaive_toolcall_en_demo.json", "glaive_toolcall_zh_demo.json"])
def test_llama_factory_rows_survive_render_and_parse(file_name):
    rows = json.loads((SHARED / file_name).read_text(encoding="utf-8"))
    assert len(rows) == 300
    with_calls = orphans = 0
    for index, row in enumerate(rows):
        kinds = [turn["from"] for turn in row["conversations"]]
        if any(kind == "observation" and before != "function_call" for before, kind in zip(kinds, kinds[1:])):
            # A few translated rows call in another syntax ("AI 计算折扣: {...}") so an observation answers
            # an ordinary assistant turn: the core must refuse them, not pair them up.
            outcome = process_row(render_glaive(sharegpt_to_chatml(row)), index)
            assert outcome.processed is None and outcome.reject["reasons"] == ["orphan_function_response"]
            orphans += 1
            continue
        chatml = sharegpt_to_chatml(row)
        outcome = process_row(render_glaive(chatml), index)
        assert outcome.reject is None, (index, outcome.reject["reasons"])
        record = outcome.processed
        assert record["tools"] == (json.loads(row["tools"]) if row["tools"] else [])
        expected_turns = []
        for turn in row["conversations"]:
            if turn["from"] == "function_call":
                call = json.loads(turn["value"])
                expected_turns.append(("function_call", call["name"], call["arguments"]))
            else:
                role = {"human": "user", "gpt": "assistant", "observation": "function_response"}[turn["from"]]
                expected_turns.append((role, turn["value"].strip()))
        got = [
            (t["role"], t["name"], t["arguments"]) if t["role"] == "function_call" else (t["role"], t["content"])
            for t in record["turns"]
        ]
        assert got == expected_turns, index
        assert record["function_calls"] == [{"name": t[1], "arguments": t[2]} for t in expected_turns
                                            if t[0] == "function_call"]
        with_calls += bool(record["function_calls"])
        # every call is answered and every row ends on an assistant turn
        assert "call_without_response" not in record["structure_warnings"]
    assert with_calls >= 150
    assert orphans == {"glaive_toolcall_en_demo.json": 0, "glaive_toolcall_zh_demo.json": 2}[file_name]
