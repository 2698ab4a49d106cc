"""core/transform.py under fuzzing (with to_chatml and dumps_line): any row gives exactly one outcome
and strict JSON lines."""

from __future__ import annotations

import json

import orjson
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from glaive_assets.core import reasons as R
from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.core.records import (
    CALL_BUCKETS,
    CHATML_COLUMNS,
    CHATML_ROLES,
    TURN_ROLES,
    COMPLEXITY_TIERS,
    LIGHT_FEATURE_COLUMNS,
    PROCESSED_COLUMNS,
    REJECT_COLUMNS,
    TURN_BUCKETS,
)
from glaive_assets.core.transform import process_row

CHAT_PIECES = [
    "USER: ", "ASSISTANT: ", "FUNCTION RESPONSE: ", "\n\n\n", "\n\n", "\n", " <|endoftext|>", "<|endoftext|>",
    "<functioncall> ", '{"name": "f", "arguments": ', '{"name": "g", "parameters": ', "'", '{"a": ', '"b"',
    "Infinity", "NaN", "-1e999", "[User provided data]", "}", "}}", "]", "[", '"', "\\'", "\\", "\ud800", "\udfff",
    "é", "東京", "🙂", "AI to= f: ", "null", "[1, 2]", "{", " ", "I'm sorry, but I can't assist with that.",
    '{"error": "down"}', '{"status": "failed"}', "USER:", "ASSISTANT:\n",
]
SYSTEM_PIECES = [
    "SYSTEM: ", "You are a helpful assistant.", "\n", "\n{", "{", "}", '"name": "f"', '"name": "g"', ", ",
    '"parameters": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}',
    '"parameters": {"type": "float"}', '"parameters": {}', '"description": "d"', "NaN", "[", "]", "\ud800",
]


def glued(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=4), max_size=30).map("".join)


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=10,
)
systems = glued(SYSTEM_PIECES) | anything
chats = glued(CHAT_PIECES) | anything
rows = st.one_of(
    st.fixed_dictionaries({"system": systems, "chat": chats}),
    st.fixed_dictionaries({"system": systems}, optional={"chat": chats, "extra": anything}),
    anything,
)


def strict(line: bytes):
    assert line.endswith(b"\n")
    line.decode("utf-8")
    return orjson.loads(line)  # orjson refuses NaN, Infinity and invalid UTF-8


def has_declared_type(value, declared: str) -> bool:
    """`value` is of the column type records declares ("int", "str", "bool", "list[...]", "object")."""
    if declared == "int":
        return type(value) is int
    python_type = {"str": str, "bool": bool, "object": dict}.get(declared, list)
    return isinstance(value, python_type)


def check(row, index: int) -> None:
    outcome = process_row(row, index)
    assert (outcome.processed is None) != (outcome.reject is None)
    if outcome.reject is not None:
        reject = outcome.reject
        event(f"reject: {' '.join(reject['reasons'])}")
        assert list(reject) == list(REJECT_COLUMNS)
        assert reject["reasons"] and set(reject["reasons"]) <= R.REJECT_REASONS
        assert R.INTERNAL_ERROR not in reject["reasons"]
        assert reject["reasons"] == sorted(set(reject["reasons"]))
        if reject["features"] is not None:
            assert list(reject["features"]) == list(LIGHT_FEATURE_COLUMNS)
            assert all(has_declared_type(v, PROCESSED_COLUMNS[k]) for k, v in reject["features"].items())
        assert strict(dumps_line(reject))["source_index"] == index
        return
    record = outcome.processed
    event(f"processed, {record['complexity_tier']}")
    assert list(record) == list(PROCESSED_COLUMNS)
    assert all(has_declared_type(record[k], declared) for k, declared in PROCESSED_COLUMNS.items())
    assert record["complexity_tier"] in COMPLEXITY_TIERS and record["complexity_tier"] != "malformed"
    assert record["turn_bucket"] in TURN_BUCKETS and record["call_bucket"] in CALL_BUCKETS
    assert set(record["structure_warnings"]) <= R.STRUCTURE_WARNINGS
    assert set(record["validation_errors"]) <= R.VALIDATION_ERRORS
    assert record["malformed_reasons"] == [] and record["has_malformed"] is False
    written = strict(dumps_line(record))
    assert written["record_id"] == record["record_id"]
    assert {turn["role"] for turn in record["turns"]} <= set(TURN_ROLES)
    chatml = to_chatml(record)
    written_chatml = strict(dumps_line(chatml))
    assert list(written_chatml) == list(CHATML_COLUMNS)
    assert {message["role"] for message in written_chatml["messages"]} <= set(CHATML_ROLES)
    call_ids = [c["id"] for m in written_chatml["messages"] for c in m.get("tool_calls", [])]
    answered = [m["tool_call_id"] for m in written_chatml["messages"] if m["role"] == "tool"]
    assert set(answered) <= set(call_ids)
    assert len(answered) == len(set(answered))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.integers(0, 10**6))
def test_any_row_gives_one_outcome_and_strict_lines(row, index):
    check(row, index)


# --- Glaive-shaped rows: real structure, with every quirk and some damage mixed in -----------------

# Python's json writes NaN/Infinity tokens, huge integers and lone surrogates: all welcome here.
json_text = anything.map(lambda v: json.dumps(v, ensure_ascii=False))


@st.composite
def damaged(draw, text: str) -> str:
    """Mostly `text` as is; sometimes cut short, or with a piece of Glaive trouble spliced in."""
    how = draw(st.sampled_from(["keep"] * 8 + ["cut", "splice"]))
    if how == "cut" and text:
        return text[: draw(st.integers(0, len(text) - 1))]
    if how == "splice":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from(CHAT_PIECES)) + text[at:]
    return text


fitting_arguments = st.fixed_dictionaries(
    {"a": st.integers(-5, 5)}, optional={"b": st.sampled_from(["x", "y"]), "c": anything})


@st.composite
def argument_texts(draw) -> str:
    value = draw(st.one_of(fitting_arguments, fitting_arguments, fitting_arguments,
                           st.dictionaries(st.text(max_size=5), anything, max_size=4), anything))
    text = json.dumps(value, ensure_ascii=False)
    if draw(st.integers(0, 5)) == 0:
        text = text.replace('"', "'" if draw(st.booleans()) else "\\'", 1)
    return draw(damaged(text))


@st.composite
def call_turns(draw) -> str:
    name = draw(st.sampled_from(["f", "f", "g", "make_to-do", "unknown"]))
    arguments = draw(argument_texts())
    body = draw(st.sampled_from([
        f"{{\"name\": \"{name}\", \"arguments\": '{arguments}'}}",
        f"{{\"name\": \"{name}\", \"arguments\": '{arguments}'}}",
        f"{{\"name\": \"{name}\", \"arguments\": {arguments}}}",
        f"{{\"name\": \"{name}\", \"arguments\": '{arguments}'}}}}",
        f"{{\"name\": \"{name}\", \"parameters\": {arguments}}}",
    ]))
    before = draw(st.sampled_from(["", "", "", "Let me check.\n", "Sure! "]))
    calls = "\n".join([f"<functioncall> {draw(damaged(body))}"] * draw(st.sampled_from([1, 1, 1, 1, 2])))
    return f"ASSISTANT: {before}{calls}{draw(st.sampled_from([' <|endoftext|>'] * 4 + ['']))}"


texts = glued(CHAT_PIECES[-12:]) | st.sampled_from(["Hello", "I'm unable to do that.", "Thanks!", "ok"])
users = texts.map(lambda t: f"USER: {t}")
answers = texts.map(lambda t: f"ASSISTANT: {t} <|endoftext|>")
responses = st.one_of(json_text, texts).map(lambda t: f"FUNCTION RESPONSE: {t}")
any_turn = st.one_of(users, answers, call_turns(), responses)
exchanges = st.one_of(
    st.tuples(users, answers),
    st.tuples(users, call_turns(), responses, answers),
    st.tuples(users, call_turns(), responses, call_turns(), responses, answers),
    st.tuples(users, call_turns(), responses),
    st.lists(any_turn, max_size=3).map(tuple),
)
separators = st.sampled_from(["\n\n\n"] * 6 + ["\n\n", "\n"])


@st.composite
def glaive_rows(draw) -> dict:
    schema_f = {"name": "f", "description": "F", "parameters": {
        "type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string", "enum": ["x"]},
                                         "c": {}},
        "required": ["a"]}}
    schema_g = {"name": "g", "description": "G", "parameters": draw(st.dictionaries(st.text(max_size=4), anything,
                                                                                   max_size=2))}
    schemas = draw(st.lists(st.sampled_from([schema_f, schema_f, schema_g, {"name": "make_to-do"}]), max_size=3))
    system = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
    system += "".join(json.dumps(s, indent=4, ensure_ascii=False) + "\n\n" for s in schemas)
    turns = [t for exchange in draw(st.lists(exchanges, min_size=1, max_size=4)) for t in exchange]
    sep = draw(separators)
    chat = sep.join(turns) + draw(st.sampled_from(["\n\n\n", ""]))
    return {"system": draw(damaged(system)) if draw(st.integers(0, 9)) == 0 else system, "chat": chat}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(glaive_rows(), st.integers(0, 10**6))
def test_glaive_shaped_rows_give_one_outcome_and_strict_lines(row, index):
    check(row, index)
