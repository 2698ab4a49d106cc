"""core/transform.py, process_row: one outcome per row, whatever the row holds; record ids; reject shape."""

from __future__ import annotations

import hashlib
import re
import time

import orjson
import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.core.records import PROCESSED_COLUMNS, REJECT_COLUMNS
from glaive_assets.core.transform import process_row, reject_unreadable_row

PLAIN = "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n"
LEAD = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
GOOD_CHAT = "USER: Hi\n\n\nASSISTANT: Hello! <|endoftext|>\n\n\n"


def record_id(system: str, chat: str) -> str:
    """The documented record id (core/prompts.py), computed here independently (for texts whose
    surrogates are all lone)."""
    system_bytes = re.sub("[\ud800-\udfff]", "\ufffd", system).encode()
    chat_bytes = re.sub("[\ud800-\udfff]", "\ufffd", chat).encode()
    return hashlib.sha256(len(system_bytes).to_bytes(8, "big") + system_bytes + chat_bytes).hexdigest()[:32]


def reject_of(row) -> dict:
    outcome = process_row(row, 3)
    assert outcome.processed is None
    assert list(outcome.reject) == list(REJECT_COLUMNS)
    strict = orjson.loads(dumps_line(outcome.reject))
    assert strict["source_index"] == 3
    return outcome.reject


@pytest.mark.parametrize(
    "row, reasons",
    [
        (None, [R.ROW_NOT_OBJECT]),
        (42, [R.ROW_NOT_OBJECT]),
        ("USER: hi", [R.ROW_NOT_OBJECT]),
        ([{"system": PLAIN, "chat": GOOD_CHAT}], [R.ROW_NOT_OBJECT]),
        ({}, [R.MISSING_CHAT, R.MISSING_SYSTEM]),
        ({"system": None, "chat": GOOD_CHAT}, [R.MISSING_SYSTEM]),
        ({"system": PLAIN}, [R.MISSING_CHAT]),
        ({"system": 1, "chat": GOOD_CHAT}, [R.FIELD_NOT_STRING]),
        ({"system": PLAIN, "chat": ["USER: hi"]}, [R.FIELD_NOT_STRING]),
        ({"system": PLAIN, "chat": float("nan")}, [R.FIELD_NOT_STRING]),
        ({"system": PLAIN, "chat": ""}, [R.EMPTY_CHAT]),
        ({"system": PLAIN, "chat": " \n\n "}, [R.EMPTY_CHAT]),
        ({"system": PLAIN, "chat": "Once upon a time there was a parser."}, [R.NOT_GLAIVE_CHAT]),
        ({"system": "You are helpful.", "chat": GOOD_CHAT}, [R.NOT_GLAIVE_SYSTEM]),
        ({"system": "", "chat": GOOD_CHAT}, [R.NOT_GLAIVE_SYSTEM]),
        ({"system": LEAD + "{ not json\n", "chat": GOOD_CHAT}, [R.SYSTEM_SCHEMA_UNPARSEABLE]),
        ({"system": "x", "chat": "y"}, [R.NOT_GLAIVE_CHAT, R.NOT_GLAIVE_SYSTEM]),
    ],
)
def test_rows_that_are_not_glaive_records(row, reasons):
    reject = reject_of(row)
    assert reject["reasons"] == reasons
    assert reject["raw"] is row
    assert reject["features"] is None or reject["features"]["complexity_tier"] != "malformed"


def test_a_bad_system_prompt_keeps_the_chat_features():
    reject = reject_of({"system": "You are helpful.", "chat": GOOD_CHAT})
    assert reject["features"]["num_turns"] == 1
    assert reject["features"]["has_defined_functions"] is False


def test_processed_record_columns_and_strict_output():
    outcome = process_row({"system": PLAIN, "chat": GOOD_CHAT, "extra": 1}, 5)
    assert outcome.reject is None
    record = outcome.processed
    assert list(record) == list(PROCESSED_COLUMNS)
    assert record["source_index"] == 5
    assert record["system"] == PLAIN and record["chat"] == GOOD_CHAT
    line = dumps_line(record)
    assert orjson.loads(line) == record
    assert orjson.loads(dumps_line(to_chatml(record)))["id"] == record["record_id"]


def test_record_id_is_a_stable_content_hash():
    expected = hashlib.sha256(len(PLAIN.encode()).to_bytes(8, "big") + PLAIN.encode() + GOOD_CHAT.encode())
    assert process_row({"system": PLAIN, "chat": GOOD_CHAT}, 0).processed["record_id"] == expected.hexdigest()[:32]
    # the boundary between system and chat matters
    assert reject_of({"system": "ab", "chat": "c"})["record_id"] == record_id("ab", "c")
    assert reject_of({"system": "a", "chat": "bc"})["record_id"] == record_id("a", "bc") != record_id("ab", "c")


def test_lone_surrogates_are_repaired_and_flagged():
    row = {"system": PLAIN, "chat": "USER: caf\ud800\n\n\nASSISTANT: ok \udfff <|endoftext|>"}
    record = process_row(row, 0).processed
    assert record["turns"] == [{"role": "user", "content": "caf\ufffd"}, {"role": "assistant", "content": "ok \ufffd"}]
    assert record["structure_warnings"] == [R.INVALID_UNICODE]
    assert record["record_id"] == record_id(row["system"], row["chat"])  # the id is of the text as read
    line = dumps_line(record)
    line.decode("utf-8")
    assert orjson.loads(line)["chat"] == "USER: caf\ufffd\n\n\nASSISTANT: ok \ufffd <|endoftext|>"


def test_reject_keeps_a_malformed_row_verbatim_with_its_light_features():
    row = {"system": PLAIN, "chat": "USER: a\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": "
                                    "'{\"x\": NaN}'} <|endoftext|>"}
    reject = reject_of(row)
    assert reject["reasons"] == [R.NONSTANDARD_JSON]
    assert reject["raw"] == row
    assert reject["record_id"] == record_id(row["system"], row["chat"])
    assert reject["features"]["complexity_tier"] == "malformed"


def test_unreadable_row():
    outcome = reject_unreadable_row(9, '{"system": "SYS', "unexpected end of data")
    assert outcome.processed is None
    assert outcome.reject == {
        "source_index": 9,
        "record_id": hashlib.sha256(b'unreadable:{"system": "SYS').hexdigest()[:32],
        "reasons": [R.UNREADABLE_ROW],
        "raw": {"text": '{"system": "SYS', "error": "unexpected end of data"},
        "features": None,
    }


def test_row_ids_of_non_objects_are_stable():
    assert reject_of([1, 2])["record_id"] == reject_of([1, 2])["record_id"] != reject_of([2, 1])["record_id"]


def test_big_and_deep_rows_finish_quickly():
    started = time.perf_counter()
    megabyte_text = {"system": PLAIN, "chat": "USER: " + "word " * 200_000 + "\n\n\nASSISTANT: ok <|endoftext|>"}
    assert process_row(megabyte_text, 0).processed["num_turns"] == 1
    many_turns = {"system": PLAIN, "chat": "\n\nUSER: hi\n\nASSISTANT: yo <|endoftext|>" * 60_000}
    record = process_row(many_turns, 0).processed
    assert record["num_turns"] == 60_000 and record["turn_bucket"] == "long"
    deep_arguments = {"system": PLAIN, "chat": "USER: a\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", "
                      "\"arguments\": '{\"a\": " + "[" * 10_000 + "]" * 10_000 + "}'} <|endoftext|>"}
    assert reject_of(deep_arguments)["reasons"] == [R.ARGUMENTS_TOO_DEEP]
    deep_row = {"system": PLAIN, "chat": GOOD_CHAT, "x": None}
    cursor = deep_row
    for _ in range(5_000):
        cursor["x"] = {"x": None}
        cursor = cursor["x"]
    assert process_row(deep_row, 0).processed is not None
    deep_list: list = []
    cursor_list = deep_list
    for _ in range(5_000):
        cursor_list.append([])
        cursor_list = cursor_list[0]
    rejected = reject_of(deep_list)
    assert rejected["reasons"] == [R.ROW_NOT_OBJECT]
    dumps_line(rejected).decode("utf-8")
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize("special", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_values_in_a_row_are_written_strictly(special):
    reject = reject_of({"system": special, "chat": GOOD_CHAT})
    assert reject["reasons"] == [R.FIELD_NOT_STRING]
    assert orjson.loads(dumps_line(reject))["raw"] == {"system": None, "chat": GOOD_CHAT}
