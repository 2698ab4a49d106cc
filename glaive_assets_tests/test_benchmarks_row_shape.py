"""benchmarks.row_shape measures rows exactly; benchmarks.real_rows lays ShareGPT rows out in Glaive's raw form.

All rows here are written for this test (none comes from ../shared/glaive).
"""

from __future__ import annotations

import json

import orjson
import pytest

from glaive_assets.benchmarks import real_rows
from glaive_assets.benchmarks.row_shape import (
    TOLERANCE,
    RowShape,
    deviations,
    format_table,
    measure_jsonl,
    measure_lines,
    nearest_rank,
)

TOOLS_SYSTEM = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
PLAIN_SYSTEM = "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n"
SCHEMA_A = {"name": "get_tide", "description": "Tide times",
            "parameters": {"type": "object", "properties": {"port": {"type": "string"}}, "required": ["port"]}}
SCHEMA_B = {"name": "roll_die", "description": "Roll a die", "parameters": {"type": "object", "properties": {}}}

PLAIN = {"system": PLAIN_SYSTEM, "chat": "USER: Hi\n\n\nASSISTANT: Hello! <|endoftext|>\n\n\n"}
ONE_CALL = {
    "system": TOOLS_SYSTEM + json.dumps(SCHEMA_A, indent=4) + "\n",
    "chat": "USER: Tides in Brest?\n\n\n"
            "ASSISTANT: <functioncall> {\"name\": \"get_tide\", \"arguments\": '{\"port\": \"Brest\"}'} <|endoftext|>\n\n\n"
            "FUNCTION RESPONSE: {\"high\": \"06:10\"}\n\n\nASSISTANT: High tide is at 06:10. <|endoftext|>\n\n\n"
            "USER: Thanks!\n\n\nASSISTANT: You're welcome! <|endoftext|>\n\n\n",
}
TWO_FUNCTIONS_TWO_CALLS = {
    "system": TOOLS_SYSTEM + json.dumps(SCHEMA_A, indent=4) + "\n\n" + json.dumps(SCHEMA_B, indent=4) + "\n\n",
    "chat": "USER: Roll twice.\n\n\n"
            "ASSISTANT: <functioncall> {\"name\": \"roll_die\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
            "FUNCTION RESPONSE: {\"roll\": 4}\n\n\n"
            "ASSISTANT: <functioncall> {\"name\": \"roll_die\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
            "FUNCTION RESPONSE: {\"roll\": 2}\n\n\nASSISTANT: 4 then 2. <|endoftext|>\n\n\n",
}


def test_measure_lines_counts_bytes_user_turns_calls_and_functions_of_each_row():
    lines = [orjson.dumps(row) for row in (PLAIN, ONE_CALL, TWO_FUNCTIONS_TWO_CALLS)]
    sizes = sorted(map(len, lines))
    shape = measure_lines(lines)
    assert shape == RowShape(rows=3, bytes_mean=sum(sizes) / 3, bytes_p90=sizes[-1], user_turns_mean=4 / 3,
                             calls_mean=3 / 3, functions_mean=3 / 3)


def test_measure_lines_ignores_newlines_and_blank_lines_and_counts_bytes_not_characters():
    line = orjson.dumps({"system": PLAIN_SYSTEM, "chat": "USER: Ça va ?\n\n\nASSISTANT: Oui 🙂 <|endoftext|>\n\n\n"})
    assert len(line) == len(line.decode()) + 1 + 3  # "Ç" is 2 bytes, the emoji 4
    shape = measure_lines([line + b"\r\n", b"\n", b"   \n"])
    assert (shape.rows, shape.bytes_mean, shape.bytes_p90) == (1, len(line), len(line))


def test_measure_lines_refuses_an_empty_input():
    with pytest.raises(ValueError, match="no rows"):
        measure_lines([b"\n"])


def test_measure_jsonl_reads_a_file_like_the_lines(tmp_path):
    path = tmp_path / "rows.jsonl"
    lines = [orjson.dumps(row) for row in (PLAIN, ONE_CALL)]
    assert real_rows.write_jsonl(iter(lines), path) == sum(map(len, lines)) + 2
    assert measure_jsonl(path) == measure_lines(lines)


@pytest.mark.parametrize(("values", "expected"), [(list(range(1, 11)), 9), (list(range(1, 21)), 18), ([7], 7),
                                                   (list(range(1, 12)), 10)])
def test_nearest_rank_p90(values, expected):
    assert nearest_rank(values, 0.9) == expected


def test_deviations_are_relative_to_the_reference_and_a_15_percent_gap_is_outside_the_tolerance():
    real = RowShape(606, 2000.0, 4000, 2.0, 0.8, 1.0)
    short = RowShape(5000, 1700.0, 4400, 2.0, 0.8, 1.0)
    assert deviations(short, real) == pytest.approx(
        {"bytes_mean": -0.15, "bytes_p90": 0.10, "user_turns_mean": 0.0, "calls_mean": 0.0, "functions_mean": 0.0})
    assert abs(deviations(short, real)["bytes_mean"]) > TOLERANCE
    table = format_table({"real": real, "generated": short})
    assert "bytes_mean" in table and "2,000.00" in table and "1,700.00" in table and "5,000" in table


def test_a_sharegpt_row_is_laid_out_as_a_raw_glaive_row():
    row = {"tools": json.dumps([SCHEMA_A]), "conversations": [
        {"from": "human", "value": "Tides in Brest?"},
        {"from": "function_call", "value": json.dumps({"name": "get_tide", "arguments": {"port": "Brest"}})},
        {"from": "observation", "value": "{\"high\": \"06:10\"}"},
        {"from": "gpt", "value": "High tide is at 06:10."},
        {"from": "human", "value": "Thanks!"},
        {"from": "gpt", "value": "You're welcome!"},
    ]}
    assert real_rows.sharegpt_to_glaive(row) == ONE_CALL


def test_a_sharegpt_row_without_tools_gets_the_no_functions_prompt_and_keeps_non_ascii_raw():
    row = {"tools": "[]", "conversations": [{"from": "human", "value": "你好"}, {"from": "gpt", "value": "Olá!"}]}
    assert real_rows.sharegpt_to_glaive(row) == {
        "system": PLAIN_SYSTEM, "chat": "USER: 你好\n\n\nASSISTANT: Olá! <|endoftext|>\n\n\n"}


def test_real_glaive_lines_reads_the_raw_files_then_the_sharegpt_files(tmp_path):
    # A stand-in for ../shared/glaive with the same file names and our own rows.
    (tmp_path / "glaive_v2_rows_0_4.jsonl").write_text(json.dumps(PLAIN) + "\n" + json.dumps(ONE_CALL) + "\n")
    (tmp_path / "glaive_v2_row_25475.jsonl").write_text(json.dumps(TWO_FUNCTIONS_TWO_CALLS) + "\n\n")
    sharegpt = [{"tools": "", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}]
    (tmp_path / "glaive_toolcall_en_demo.json").write_text(json.dumps(sharegpt))
    (tmp_path / "glaive_toolcall_zh_demo.json").write_text("[]")
    lines = real_rows.real_glaive_lines(tmp_path)
    assert [orjson.loads(line) for line in lines] == [
        PLAIN, ONE_CALL, TWO_FUNCTIONS_TWO_CALLS,
        {"system": PLAIN_SYSTEM, "chat": "USER: Hi\n\n\nASSISTANT: Hello! <|endoftext|>\n\n\n"}]
    assert lines[0] == orjson.dumps(PLAIN)  # compact separators, as the raw artifact writes


def test_repeat_lines_cycles_in_order_to_the_requested_count():
    assert list(real_rows.repeat_lines([b"a", b"b", b"c"], 7)) == [b"a", b"b", b"c", b"a", b"b", b"c", b"a"]
    assert list(real_rows.repeat_lines([b"a", b"b"], 0)) == []
