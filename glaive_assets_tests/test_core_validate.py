"""validate.py: calls checked against the row's own schemas by jsonschema, with cached validators."""

from __future__ import annotations

import json
import time

import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import parse_system
from glaive_assets.core.validate import compile_parameters, validate_call

LEAD = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"


def prompt_with(*schemas: dict):
    return parse_system(LEAD + "".join(json.dumps(s, indent=4) + "\n\n" for s in schemas))


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
        ({"guests": 2.0, "time": "19:00"}, []),  # Draft 2020-12: 2.0 is an integer
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


def test_compiled_validators_are_cached_by_schema_content():
    first = compile_parameters({"type": "object", "properties": {"a": {"type": "string"}}})
    same = compile_parameters({"properties": {"a": {"type": "string"}}, "type": "object"})  # other key order
    other = compile_parameters({"type": "object", "properties": {"a": {"type": "number"}}})
    assert first is same
    assert first is not other
    assert first.validator is not None
