"""core/parse/chat.py: turns split at their markers, one reader per role, calls paired with responses."""

from __future__ import annotations

import time

import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import parse_chat
from glaive_assets.core.parse.chat import _TURN_SPLIT


def test_chat_split_and_pairing():
    chat = (
        "USER: hi\n\n\nASSISTANT: <functioncall> {\"name\": \"ping\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
        "FUNCTION RESPONSE: {\"up\": true}\n\n\nASSISTANT: It is up. <|endoftext|>\n\n\n"
    )
    parsed = parse_chat(chat)
    assert parsed.turns == [
        {"role": "user", "content": "hi"},
        {"role": "function_call", "content": "", "name": "ping", "arguments": {}, "call_id": "call_0",
         "parallel": False},
        {"role": "function_response", "content": '{"up": true}', "call_id": "call_0"},
        {"role": "assistant", "content": "It is up."},
    ]
    assert parsed.response_values == [{"up": True}]
    assert parsed.warnings == set() and parsed.malformed == set()


def test_turn_texts_keep_paragraphs_and_single_newline_markers():
    chat = "USER: one\n\ntwo\n\n\nASSISTANT: three\nUSER: is quoted here <|endoftext|>"
    parsed = parse_chat(chat)
    assert parsed.turns == [
        {"role": "user", "content": "one\n\ntwo"},
        {"role": "assistant", "content": "three\nUSER: is quoted here"},
    ]
    assert parsed.warnings == {R.STRAY_MARKER}


def test_marker_after_four_newlines_and_leading_whitespace():
    parsed = parse_chat("\n USER: a\n\n\n\nASSISTANT: b <|endoftext|>")
    assert [t["content"] for t in parsed.turns] == ["a", "b"]
    assert parsed.warnings == set()


def test_unmarked_leading_text_is_flagged():
    parsed = parse_chat("hello there\n\nUSER: a\n\nASSISTANT: b <|endoftext|>")
    assert [t["content"] for t in parsed.turns] == ["a", "b"]
    assert parsed.warnings == {R.UNMARKED_LEADING_TEXT}


def test_two_calls_in_one_turn_are_parallel():
    chat = (
        "USER: both\n\n\nASSISTANT: <functioncall> {\"name\": \"a\", \"arguments\": '{}'}\n"
        "<functioncall> {\"name\": \"b\", \"arguments\": '{\"x\": 1}'} <|endoftext|>\n\n\n"
        "FUNCTION RESPONSE: {\"a\": 1}\n\n\nFUNCTION RESPONSE: {\"b\": 2}\n\n\n"
    )
    parsed = parse_chat(chat)
    assert [(t["role"], t.get("call_id"), t.get("parallel")) for t in parsed.turns] == [
        ("user", None, None),
        ("function_call", "call_0", False),
        ("function_call", "call_1", True),
        ("function_response", "call_0", None),
        ("function_response", "call_1", None),
    ]
    assert parsed.max_calls_in_one_turn == 2 and parsed.num_call_attempts == 2


@pytest.mark.parametrize(
    "chat, warnings, malformed",
    [
        ("USER: a\n\n\nFUNCTION RESPONSE: {}\n\n\n", set(), {R.ORPHAN_FUNCTION_RESPONSE}),
        ("USER: a\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
         "USER: b\n\n\n", {R.CALL_WITHOUT_RESPONSE, R.ENDS_ON_USER_TURN}, set()),
        ("USER: a\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
         "FUNCTION RESPONSE: {}\n\n\nFUNCTION RESPONSE: {}\n\n\n", set(), {R.ORPHAN_FUNCTION_RESPONSE}),
        ("USER: a\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
         "FUNCTION RESPONSE: plain words\n\n\n", {R.RESPONSE_NOT_JSON}, set()),
        ("USER: a\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
         "FUNCTION RESPONSE: " + "[" * 2000 + "]" * 2000, {R.RESPONSE_TOO_DEEP}, set()),
        ("USER: a\n\n\nASSISTANT: b\n\n\n", {R.MISSING_ENDOFTEXT}, set()),
        ("USER: \n\n\nASSISTANT: b <|endoftext|>", {R.EMPTY_TURN}, set()),
        ("USER: a <|endoftext|>\n\n\nASSISTANT: b <|endoftext|>", {R.STRAY_MARKER}, set()),
        ("USER: a\n\n\nASSISTANT: b <|endoftext|> c <|endoftext|>", {R.STRAY_MARKER}, set()),
        ("USER: a\n\n\nASSISTANT: Sure.\nAI to= get_x: {\"k\": 1} <|endoftext|>", {R.CALL_WITHOUT_RESPONSE},
         {R.FOREIGN_CALL_SYNTAX}),
    ],
)
def test_chat_shape_codes(chat, warnings, malformed):
    parsed = parse_chat(chat)
    assert parsed.warnings == warnings
    assert parsed.malformed == malformed


def test_not_glaive_text_has_no_turns():
    parsed = parse_chat("Dear diary, today nothing happened.")
    assert parsed.turns == [] and parsed.is_glaive is False
    assert parsed.warnings == {R.UNMARKED_LEADING_TEXT}


def test_one_megabyte_chats_parse_in_linear_time():
    adversarial = [
        "USER: " + "\n" * 1_000_000,  # one long run of newlines
        "USER: " + "\n\nUSER" * 100_000,  # almost-markers everywhere
        "USER: x\n\n\nASSISTANT: " + "I'm sorry" * 100_000 + " <|endoftext|>",
        "USER: x\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": '" + '"' * 1_000_000 + "'}",
        "USER: x\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": '{\"a\": \"" + "\\" * 1_000_000,
        "USER: x\n\n\nASSISTANT: " + "to= " * 250_000 + " <|endoftext|>",
        "USER: x\n\n\nFUNCTION RESPONSE: " + "[" * 1_000_000,
    ]
    for chat in adversarial:
        started = time.perf_counter()
        parse_chat(chat)
        assert time.perf_counter() - started < 2.0, chat[:40]


def test_the_turn_splitter_is_built_from_the_markers():
    chat = "\n\nUSER: a\n\n\nASSISTANT: b\nUSER: c\n\nFUNCTION RESPONSE: {}"
    assert _TURN_SPLIT.split(chat) == ["", "USER:", " a\n", "ASSISTANT:", " b\nUSER: c", "FUNCTION RESPONSE:", " {}"]
