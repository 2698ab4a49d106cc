"""core/validate.py: calls checked against the row's own schemas by jsonschema; verdicts memoized by
argument shape, never differing from jsonschema's."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import parse_system
from glaive_assets.core.schemas import compile_declared, compile_parameters
from glaive_assets.core.validate import call_codes, jsonschema_codes

LEAD = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"


def prompt_with(*schemas: dict):
    return parse_system(LEAD + "".join(json.dumps(s, indent=4) + "\n\n" for s in schemas))


def validate_call(name: str, arguments: dict, prompt) -> list[str]:
    """call_codes against the prompt's declared functions, compiled as the transform compiles them."""
    return list(call_codes(name, arguments, compile_declared(prompt.signatures)))


def jsonschema_verdict(name: str, arguments: dict, prompt) -> list[str]:
    """jsonschema run on the call every time (no memo), for comparison."""
    return list(jsonschema_codes(compile_declared(prompt.signatures)[name], arguments))


BOOKING = {
    "name": "book_table",
    "description": "Book a restaurant table",
    "parameters": {
        "type": "object",
        "properties": {
            "guests": {"type": "integer", "minimum": 1},
            "time": {"type": "string"},
            "seating": {"type": "string", "enum": ["inside", "terrace"]},
            "allergies": {"type": "array", "items": {"type": "string"}},
            "vip": {"type": "boolean"},
        },
        "required": ["guests", "time"],
    },
}
PROMPT = prompt_with(BOOKING)


@pytest.mark.parametrize(
    "arguments, codes",
    [
        ({"guests": 2, "time": "19:00"}, []),
        ({"guests": 2.0, "time": "19:00"}, []),  # Draft 7: 2.0 is an integer
        ({"guests": 2, "time": "19:00", "seating": "terrace", "allergies": ["nuts"], "vip": False}, []),
        ({"time": "19:00"}, [R.MISSING_REQUIRED_ARGUMENT]),
        ({"guests": 2, "time": "19:00", "dog": True}, [R.UNKNOWN_ARGUMENT]),
        ({"guests": "two", "time": "19:00"}, [R.ARGUMENT_TYPE_MISMATCH]),
        ({"guests": True, "time": "19:00"}, [R.ARGUMENT_TYPE_MISMATCH]),  # a boolean is not an integer
        ({"guests": 2, "time": "19:00", "allergies": ["nuts", 3]}, [R.ARGUMENT_TYPE_MISMATCH]),  # nested
        ({"guests": 2, "time": "19:00", "seating": "roof"}, [R.ARGUMENT_ENUM_MISMATCH]),
        ({"guests": 0, "time": "19:00"}, [R.ARGUMENT_CONSTRAINT_VIOLATION]),
        ({"guests": "x", "seating": "roof", "cat": 1},
         [R.ARGUMENT_ENUM_MISMATCH, R.ARGUMENT_TYPE_MISMATCH, R.MISSING_REQUIRED_ARGUMENT, R.UNKNOWN_ARGUMENT]),
    ],
)
def test_codes_by_failing_keyword(arguments, codes):
    assert validate_call("book_table", arguments, PROMPT) == codes


def test_undeclared_function():
    assert validate_call("book_tabel", {"guests": 2, "time": "19:00"}, PROMPT) == [R.UNDECLARED_FUNCTION]


def test_declared_additional_properties_is_respected():
    open_schema = {**BOOKING, "name": "open", "parameters": {**BOOKING["parameters"], "additionalProperties": True}}
    assert validate_call("open", {"guests": 1, "time": "now", "extra": 1}, prompt_with(open_schema)) == []


def test_no_parameters_means_no_arguments():
    prompt = prompt_with({"name": "ping", "description": "Ping", "parameters": {}})
    assert validate_call("ping", {}, prompt) == []
    assert validate_call("ping", {"host": "x"}, prompt) == [R.UNKNOWN_ARGUMENT]
    missing = prompt_with({"name": "pong", "description": "Pong"})  # no "parameters" key at all
    assert validate_call("pong", {}, missing) == []


@pytest.mark.parametrize(
    "parameters",
    [
        {"type": "object", "properties": {"n": {"type": "float"}}},  # not a JSON-schema type
        {"type": "object", "properties": {"n": {"$ref": "https://example.invalid/n.json"}}},  # never fetched
        {"type": "object", "properties": {"n": {"$ref": "#/$defs/missing"}}},
        {"type": "object", "required": "n"},
    ],
)
def test_invalid_declared_schemas(parameters):
    prompt = prompt_with({"name": "f", "description": "F", "parameters": parameters})
    assert validate_call("f", {"n": 1}, prompt) == [R.INVALID_DECLARED_SCHEMA]


def test_untrusted_regexes_are_not_run():
    catastrophic = "^(a+)+$"
    schema = {
        "name": "f",
        "description": "F",
        "parameters": {
            "type": "object",
            "properties": {
                "s": {"type": "string", "pattern": catastrophic},
                "nested": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string",
                           "pattern": catastrophic},
            },
            "patternProperties": {catastrophic: {"type": "string"}},
        },
    }
    evil = "a" * 40 + "!"
    started = time.perf_counter()
    assert validate_call("f", {"s": evil, "nested": evil}, prompt_with(schema)) == []
    assert validate_call("f", {"s": 5}, prompt_with(schema)) == [R.ARGUMENT_TYPE_MISMATCH]
    assert time.perf_counter() - started < 1.0


def test_a_property_named_pattern_is_still_checked():
    schema = {"name": "grep", "description": "Search", "parameters": {
        "type": "object", "properties": {"pattern": {"type": "string"}}, "required": ["pattern"]}}
    assert validate_call("grep", {"pattern": 3}, prompt_with(schema)) == [R.ARGUMENT_TYPE_MISMATCH]
    assert validate_call("grep", {}, prompt_with(schema)) == [R.MISSING_REQUIRED_ARGUMENT]


# --- the memo replays jsonschema exactly ------------------------------------------------------------

scalars = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-3, 3, allow_nan=False) | st.sampled_from(
    ["a", "b", ""])
leaf_schemas = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "boolean", "null", "array",
                                                    "object"])}),
    st.fixed_dictionaries({"enum": st.lists(scalars, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"const": scalars}),
    st.just({}),
    st.fixed_dictionaries({"type": st.just("string"), "format": st.just("date"), "description": st.text(max_size=5)}),
)


def object_schemas(children):
    return st.builds(
        lambda props, required, extra: {"type": "object", "properties": props,
                                        "required": [k for k in props if k in required], **extra},
        st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
        st.sets(st.sampled_from(["a", "b", "c"])),
        st.sampled_from([{}, {"additionalProperties": True}, {"additionalProperties": {"type": "integer"}}]),
    )


schemas = st.recursive(
    leaf_schemas,
    lambda children: object_schemas(children) | st.fixed_dictionaries({"type": st.just("array"), "items": children}),
    max_leaves=6,
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), children,
                                                                      max_size=3),
    max_leaves=8,
)


def twin_of(data, value):
    """A value of the same JSON structure with other scalars -- often one the memo must not confuse
    with `value` (2.0 vs 2.5 for an integer, True vs 1), so a too-coarse shape would be caught."""
    if value is None:
        return value
    if isinstance(value, bool):
        return data.draw(st.booleans() | st.integers(0, 1))
    if isinstance(value, str):
        return data.draw(st.sampled_from(["a", "b", ""]) | st.text(max_size=3))
    if isinstance(value, (int, float)):
        return data.draw(st.integers(-3, 3) | st.sampled_from([0.5, 2.0, -1.0, 2.5]) | st.booleans())
    if isinstance(value, list):
        return [twin_of(data, item) for item in value]
    return {key: twin_of(data, item) for key, item in value.items()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(object_schemas(schemas), st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), values, max_size=3), st.data())
def test_memoized_verdicts_equal_jsonschema(parameters, arguments, data):
    prompt = prompt_with({"name": "f", "description": "F", "parameters": parameters})
    compiled = compile_parameters(prompt.signatures["f"]["parameters"])
    assert compiled.memo is not None  # these schemas use shape keywords only
    assert validate_call("f", arguments, prompt) == jsonschema_verdict("f", arguments, prompt)
    for _ in range(3):
        twin = twin_of(data, arguments)
        assert validate_call("f", twin, prompt) == jsonschema_verdict("f", twin, prompt)


def test_memo_is_off_for_value_dependent_keywords():
    for parameters in (
        {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}},
        {"type": "object", "properties": {"s": {"type": "string", "maxLength": 3}}},
        {"type": "object", "properties": {"s": {"anyOf": [{"type": "string"}, {"type": "null"}]}}},
    ):
        assert compile_parameters(parameters).memo is None
    assert compile_parameters({"type": "object", "properties": {"e": {"enum": ["x"]}}}).exact_scalars is True
    # and they still validate, value by value
    prompt = prompt_with({"name": "f", "description": "F", "parameters": {
        "type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}})
    assert validate_call("f", {"n": 5}, prompt) == []
    assert validate_call("f", {"n": 0}, prompt) == [R.ARGUMENT_CONSTRAINT_VIOLATION]


@pytest.mark.parametrize(
    "property_schema, first, second, second_codes",
    [
        ({"enum": ["x", "y"]}, "x", "z", [R.ARGUMENT_ENUM_MISMATCH]),  # same type, other value
        ({"const": 3}, 3, 4, [R.ARGUMENT_ENUM_MISMATCH]),
        ({"type": "integer"}, 1, True, [R.ARGUMENT_TYPE_MISMATCH]),  # a boolean is not an integer
        ({"type": "integer"}, 2.0, 2.5, [R.ARGUMENT_TYPE_MISMATCH]),  # integral float vs fraction
        ({"type": "string"}, "x", None, [R.ARGUMENT_TYPE_MISMATCH]),
        ({"type": "array", "items": {"type": "string"}}, ["a"], ["a", 1], [R.ARGUMENT_TYPE_MISMATCH]),
    ],
)
def test_memo_never_confuses_values_the_schema_tells_apart(property_schema, first, second, second_codes):
    prompt = prompt_with({"name": "f", "description": "F", "parameters": {
        "type": "object", "properties": {"v": property_schema}}})
    assert validate_call("f", {"v": first}, prompt) == []
    assert validate_call("f", {"v": second}, prompt) == second_codes
    assert validate_call("f", {"v": first}, prompt) == []


def test_big_arguments_skip_the_memo_and_still_validate():
    prompt = prompt_with({"name": "f", "description": "F", "parameters": {
        "type": "object", "properties": {"xs": {"type": "array", "items": {"type": "integer"}},
                                         "m": {"type": "object"}}}})
    compiled = compile_parameters(prompt.signatures["f"]["parameters"])
    assert validate_call("f", {"xs": list(range(1000))}, prompt) == []
    assert validate_call("f", {"xs": list(range(999)) + ["x"]}, prompt) == [R.ARGUMENT_TYPE_MISMATCH]
    assert validate_call("f", {"m": {str(i): i for i in range(100)}}, prompt) == []
    assert validate_call("f", {"m": {"k" * 1000: 1}}, prompt) == []
    assert compiled.memo is not None and len(compiled.memo) == 0  # none of those shapes was kept
