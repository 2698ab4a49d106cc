"""core/parse/calls.py: one call read into name + arguments, repaired exactly, or refused with a code."""

from __future__ import annotations

import json
import time
from itertools import product

import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import MAX_JSON_DEPTH, calls, parse_call


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


# --- every combination of a few heads, argument texts and endings ---------------------------------

HEADS = ['{"name": "f", "arguments": \'', ' {"name":"f","arguments":\'', '{"name": "f\\u00e9", "arguments": \'',
         '{"name": "", "arguments": \'', '{"name": "f", "parameters": \'', '{"name": "f", "arguments": ']
INNERS = ['{"a": 1}', '{"a": "it\'s"}', '{"a": "[User data]"}', "[1]", '{"a": "x\\\'s"}', '{"a": NaN}', "{}",
          '{\n  "a": [1, 2]\n}', '{"a": ' + "[" * 70 + "]" * 70 + "}", '{"a": {"b": "}\'"}}', '{"a": 1}}', '{"a": "']
TAILS = ["'}", "'} ", "'}}", "'", "}", ""]
# Glaive's own form: a named call, '<a plain JSON object>' and the closing brace.
PLAIN_HEADS = {HEADS[0]: "f", HEADS[1]: "f", HEADS[2]: "f\u00e9"}
PLAIN_INNERS = {'{"a": 1}', '{"a": "it\'s"}', "{}", '{\n  "a": [1, 2]\n}', '{"a": {"b": "}\'"}}'}


def test_plain_quoted_calls_are_read_as_written_and_nothing_else_is_read_silently():
    plain = 0
    for head, inner, tail in product(HEADS, INNERS, TAILS):
        text = head + inner + tail
        call = parse_call(text)
        outcome = (call.name, call.arguments, call.malformed, call.repairs, call.validation)
        if head in PLAIN_HEADS and inner in PLAIN_INNERS and tail.strip() == "'}":
            plain += 1
            assert outcome == (PLAIN_HEADS[head], json.loads(inner), [], [], []), text
        else:  # refused, repaired or flagged: never read as if it were plain
            assert call.malformed or call.repairs or call.validation, text
    assert plain == 30


def test_the_one_match_for_glaives_form_reads_what_the_other_forms_reader_reads():
    matched = 0
    for head, inner, tail in product(HEADS, INNERS, TAILS):
        text = head + inner + tail
        if calls._GLAIVE_CALL.fullmatch(text) is None:
            continue
        matched += 1
        general = calls.ParsedCall()
        calls._read_other_forms(text.strip(), general)
        call = parse_call(text)
        assert (call.name, call.arguments, call.malformed, call.repairs) == (
            general.name, general.arguments, general.malformed, general.repairs), text
    assert matched == 4 * len(INNERS) * 2  # the four heads with "arguments" and a quote; tails "'}", "'} "
