"""parse.py: system prompts, single calls, chat splitting, and hostile inputs (size, depth, Unicode)."""

from __future__ import annotations

import json
import time

import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import (
    MAX_JSON_DEPTH,
    bracket_profile,
    parse_call,
    parse_chat,
    parse_system,
)

LEAD = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
PING = {"name": "ping", "description": "Check the service", "parameters": {}}
ECHO = {
    "name": "echo",
    "description": "Repeat a word",
    "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]},
}


def pretty(schema: dict) -> str:
    return json.dumps(schema, indent=4)


# --- system prompt ---------------------------------------------------------------------------------


def test_system_with_several_schemas():
    prompt = parse_system(LEAD + pretty(PING) + "\n\n" + pretty(ECHO) + "\n\n")
    assert prompt.instruction == "You are a helpful assistant with access to the following functions. Use them if required -"
    assert prompt.tools == (PING, ECHO)
    assert prompt.names == ("ping", "echo")
    assert prompt.signatures["echo"] == {
        "description": "Repeat a word", "parameters": ECHO["parameters"], "required": ["word"]}
    assert prompt.warnings == () and prompt.reject_reasons == ()


def test_system_without_functions():
    prompt = parse_system("SYSTEM: You are a helpful assistant, with no access to external functions.\n\n")
    assert prompt.instruction == "You are a helpful assistant, with no access to external functions."
    assert prompt.tools == () and prompt.reject_reasons == ()


def test_schema_layouts_other_than_glaive_parse_the_same():
    compact = json.dumps(ECHO)
    odd = '{\n"name": "ping", "description": "Check the service", "parameters": {\n}\n}'  # inner } at column 0
    prompt = parse_system(LEAD + compact + "\n" + odd + "\n\n" + pretty(ECHO).replace("echo", "echo2") + "\n")
    assert prompt.names == ("echo", "ping", "echo2")
    assert prompt.tools[:2] == (ECHO, PING)
    assert prompt.reject_reasons == ()


def test_text_after_the_schemas_joins_the_instruction():
    prompt = parse_system(LEAD + pretty(PING) + "\n\nAnswer in French.\n")
    assert prompt.instruction.endswith("Use them if required -\nAnswer in French.")
    assert prompt.tools == (PING,)


@pytest.mark.parametrize(
    "system, code",
    [
        ("You are a helpful assistant.", R.NOT_GLAIVE_SYSTEM),
        ("", R.NOT_GLAIVE_SYSTEM),
        (LEAD + "{\n    \"name\": \"ping\",\n", R.SYSTEM_SCHEMA_UNPARSEABLE),  # cut off
        (LEAD + "{\"description\": \"no name\"}\n", R.SYSTEM_SCHEMA_UNPARSEABLE),
        (LEAD + "{\"name\": \"x\", \"limit\": NaN}\n", R.SYSTEM_SCHEMA_UNPARSEABLE),
        (LEAD + pretty(PING) + "\nthen\n{\"name\": \"y\"}\n", R.SYSTEM_SCHEMA_UNPARSEABLE),
        (LEAD + "{\"name\": \"deep\", \"parameters\": " + "[" * 100 + "]" * 100 + "}\n", R.SYSTEM_SCHEMA_TOO_DEEP),
        (LEAD + "{\"name\": \"deeper\", \"parameters\": " + "[" * 5000 + "]" * 5000 + "}\n", R.SYSTEM_SCHEMA_TOO_DEEP),
    ],
)
def test_bad_system_prompts(system, code):
    assert parse_system(system).reject_reasons == (code,)


# --- one call --------------------------------------------------------------------------------------


def read(text: str) -> tuple:
    call = parse_call(text)
    return call.name, call.arguments, call.malformed, call.repairs


@pytest.mark.parametrize(
    "text, expected",
    [
        (""" {"name": "echo", "arguments": '{"word": "hi"}'} """, ("echo", {"word": "hi"}, [], [])),
        # apostrophes inside the quoted text
        (""" {"name": "echo", "arguments": '{"word": "it's"}'} """, ("echo", {"word": "it's"}, [], [])),
        # the text ends with an apostrophe right before the closing quote
        (""" {"name": "echo", "arguments": '{"word": "boys'"}'} """, ("echo", {"word": "boys'"}, [], [])),
        # pretty-printed inside the quotes
        ("""{"name": "echo", "arguments": '{\n    "word": "hi"\n}'}""", ("echo", {"word": "hi"}, [], [])),
        # no spaces at all
        ("""{"name":"echo","arguments":'{"word":"hi"}'}""", ("echo", {"word": "hi"}, [], [])),
        # non-ASCII and escapes
        (""" {"name": "echo", "arguments": '{"word": "caf\\u00e9 東京"}'} """, ("echo", {"word": "café 東京"}, [], [])),
        # \\' repaired
        (""" {"name": "echo", "arguments": '{"word": "it\\'s"}'} """,
         ("echo", {"word": "it's"}, [], [R.ESCAPED_APOSTROPHE])),
        # an escaped backslash before a quote stays an escaped backslash
        (""" {"name": "echo", "arguments": '{"word": "a\\\\\\\\"}'} """, ("echo", {"word": "a\\\\"}, [], [])),
        # plain object arguments
        (' {"name": "echo", "arguments": {"word": "hi"}} ', ("echo", {"word": "hi"}, [], [R.ARGUMENTS_PLAIN_OBJECT])),
        # arguments as a JSON string in double quotes (OpenAI's form) are read as they are
        (' {"name": "echo", "arguments": "{\\"word\\": \\"hi\\"}"} ', ("echo", {"word": "hi"}, [], [])),
        # one closing brace too many, after the quotes or inside them
        (""" {"name": "echo", "arguments": '{"word": "hi"}'}} """,
         ("echo", {"word": "hi"}, [], [R.EXTRA_CLOSING_BRACE])),
        (""" {"name": "echo", "arguments": '{"word": "hi"}}'} """,
         ("echo", {"word": "hi"}, [], [R.EXTRA_CLOSING_BRACE])),
        (' {"name": "echo", "arguments": {"word": "hi"}}} ',
         ("echo", {"word": "hi"}, [], [R.EXTRA_CLOSING_BRACE, R.ARGUMENTS_PLAIN_OBJECT])),
    ],
)
def test_calls_that_are_read(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("", R.CALL_TRUNCATED),
        (""" {"name": "echo", "arguments": '{"word": "h""", R.CALL_TRUNCATED),
        (""" {"name": "echo", "arguments": '{"word": "hi"}'""", R.CALL_TRUNCATED),  # only the final } missing
        (""" {"name": "echo", "arguments": '{"word": """, R.CALL_TRUNCATED),
        (""" {"name": "ec""", R.CALL_TRUNCATED),
        (' {"name": "echo", "arguments": {"word": "h', R.CALL_TRUNCATED),
        (""" {"name": "echo", "arguments": '{"n": [1, Infinity]}'} """, R.NONSTANDARD_JSON),
        (""" {"name": "echo", "arguments": '{"n": NaN}'} """, R.NONSTANDARD_JSON),
        (""" {"name": "echo", "arguments": '{"n": 1e999}'} """, R.NONSTANDARD_JSON),
        (""" {"name": "echo", "arguments": '{"w": "\\ud800"}'} """, R.NONSTANDARD_JSON),  # lone surrogate escape
        (' {"name": "echo", "arguments": {"n": -Infinity}} ', R.NONSTANDARD_JSON),
        (""" {"name": "echo", "arguments": '{"words": [User provided data]}'} """, R.PLACEHOLDER_ARGUMENT),
        (""" {"name": "echo", "arguments": '[1, 2]'} """, R.ARGUMENTS_NOT_OBJECT),
        (""" {"name": "echo", "arguments": '"hi"'} """, R.ARGUMENTS_NOT_OBJECT),
        (' {"name": "echo", "arguments": null} ', R.ARGUMENTS_NOT_OBJECT),
        (' {"name": "echo", "arguments": 3} ', R.ARGUMENTS_NOT_OBJECT),
        (' {"name": "echo", "parameters": {}} ', R.WRONG_ARGUMENTS_KEY),
        (""" {"name": "echo", "parameters": '{}'} """, R.WRONG_ARGUMENTS_KEY),
        (' {"name": "echo"} ', R.CALL_UNPARSEABLE),
        (' {"name": "", "arguments": {}} ', R.CALL_UNPARSEABLE),
        (' {"name": 5, "arguments": {}} ', R.CALL_UNPARSEABLE),
        (' {"name": "echo", "arguments": {}, "id": 1} ', R.CALL_UNPARSEABLE),  # the id would be lost
        (' ["echo", {}] ', R.CALL_UNPARSEABLE),
        (" echo(word='hi') ", R.CALL_UNPARSEABLE),
        (""" {"name": "echo", "arguments": '{"word": "hi"}'} and then some text""", R.CALL_UNPARSEABLE),
        (""" {"name": "echo", "arguments": '{word: hi}'} """, R.CALL_UNPARSEABLE),
        (""" {"name": "echo", "arguments": ''} """, R.CALL_UNPARSEABLE),
    ],
)
def test_calls_that_cannot_be_read(text, code):
    call = parse_call(text)
    assert call.malformed == [code]
    assert call.arguments is None


def test_arguments_deeper_than_the_cap_are_refused():
    shallow = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    deep = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_call(f""" {{"name": "f", "arguments": '{{"a": {shallow}}}'}} """).malformed == []
    assert parse_call(f""" {{"name": "f", "arguments": '{{"a": {deep}}}'}} """).malformed == [R.ARGUMENTS_TOO_DEEP]
    assert parse_call(f' {{"name": "f", "arguments": {{"a": {deep}}}}} ').malformed == [R.ARGUMENTS_TOO_DEEP]


def test_ten_thousand_nested_brackets_are_refused_quickly():
    nested = "[" * 10_000 + "]" * 10_000
    started = time.perf_counter()
    assert parse_call(f""" {{"name": "f", "arguments": '{{"a": {nested}}}'}} """).malformed == [R.ARGUMENTS_TOO_DEEP]
    assert parse_call(f' {{"name": "f", "arguments": {{"a": {nested}}}}} ').malformed == [R.ARGUMENTS_TOO_DEEP]
    unclosed = "{" * 10_000
    assert parse_call(f""" {{"name": "f", "arguments": '{unclosed}'}} """).malformed == [R.ARGUMENTS_TOO_DEEP]
    assert time.perf_counter() - started < 1.0


def test_bracket_profile_skips_strings():
    assert bracket_profile('{"a": "[[[{", "b": [1]}') == bracket_profile('{"a": "", "b": [1]}')
    profile = bracket_profile('{"a": "x\\"]')
    assert profile.open_string is True
    profile = bracket_profile('{"a": [[1]]')
    assert (profile.max_depth, profile.open_brackets, profile.open_string) == (3, 1, False)


# --- chats -----------------------------------------------------------------------------------------


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


# --- the fast path for well-formed calls agrees with the full reader ------------------------------

from itertools import product  # noqa: E402

from glaive_assets.core.parse import _fast_call  # noqa: E402

HEADS = ['{"name": "f", "arguments": \'', ' {"name":"f","arguments":\'', '{"name": "f\\u00e9", "arguments": \'',
         '{"name": "", "arguments": \'', '{"name": "f", "parameters": \'', '{"name": "f", "arguments": ']
INNERS = ['{"a": 1}', '{"a": "it\'s"}', '{"a": "[User data]"}', "[1]", '{"a": "x\\\'s"}', '{"a": NaN}', "{}",
          '{\n  "a": [1, 2]\n}', '{"a": ' + "[" * 70 + "]" * 70 + "}", '{"a": {"b": "}\'"}}', '{"a": 1}}', '{"a": "']
TAILS = ["'}", "'} ", "'}}", "'", "}", ""]


def test_fast_path_reads_exactly_what_the_full_reader_reads():
    taken = 0
    for head, inner, tail in product(HEADS, INNERS, TAILS):
        text = head + inner + tail
        fast = _fast_call(text)
        if fast is None:
            continue
        taken += 1
        full = parse_call(text)
        assert full.ok and full.repairs == [] and full.validation == [], text
        assert (full.name, full.arguments) == fast, text
    assert taken == 20  # the plain quoted forms; every other combination goes to the full reader


def test_prompts_are_cached_unless_huge():
    small = LEAD + pretty(PING) + "\n"
    assert parse_system(small) is parse_system(small)
    huge = LEAD + pretty({**PING, "description": "x" * 70_000}) + "\n"
    first, second = parse_system(huge), parse_system(huge)
    assert first is not second and first.tools == second.tools
