"""core/schemas.py: declared schemas compiled once, cached by content; the meta-schema verdict memoized
by skeleton."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import SchemaError

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import parse_system
from glaive_assets.core.schemas import CallValidator, compile_declared, compile_parameters, schema_skeleton
from glaive_assets.core.validate import call_codes, jsonschema_codes

LEAD = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
BOOKING = {
    "name": "book_table",
    "description": "Book a restaurant table",
    "parameters": {
        "type": "object",
        "properties": {"guests": {"type": "integer", "minimum": 1}, "time": {"type": "string"}},
        "required": ["guests", "time"],
    },
}


def prompt_with(*schemas: dict):
    return parse_system(LEAD + "".join(json.dumps(s, indent=4) + "\n\n" for s in schemas))


def test_compiled_validators_are_cached_by_schema_content():
    first = compile_parameters({"type": "object", "properties": {"a": {"type": "string"}}})
    same = compile_parameters({"properties": {"a": {"type": "string"}}, "type": "object"})  # other key order
    other = compile_parameters({"type": "object", "properties": {"a": {"type": "number"}}})
    assert first is same
    assert first is not other
    assert first.validator is not None


def test_huge_schemas_are_compiled_but_not_kept():
    parameters = {"type": "object", "description": "d" * 70_000}
    assert compile_parameters(parameters) is not compile_parameters(parameters)
    assert compile_parameters(parameters).validator is not None


def test_compile_declared_compiles_every_declared_function_once():
    broken = {"name": "ping", "description": "Ping", "parameters": {"type": "float"}}
    validators = compile_declared(prompt_with(BOOKING, broken).signatures)
    assert list(validators) == ["book_table", "ping"]
    assert validators["book_table"] is compile_parameters(dict(reversed(BOOKING["parameters"].items())))  # by content
    assert validators["ping"].validator is None
    assert call_codes("ping", {}, validators) == (R.INVALID_DECLARED_SCHEMA,)
    assert call_codes("pong", {}, validators) == (R.UNDECLARED_FUNCTION,)
    assert jsonschema_codes(validators["ping"], {}) == (R.INVALID_DECLARED_SCHEMA,)
    assert jsonschema_codes(validators["book_table"], {"guests": 2}) == (R.MISSING_REQUIRED_ARGUMENT,)


# --- check_schema memo: a schema and its skeleton always get the same verdict -----------------------

keyword_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from(["string", "integer", "object", "x", ""])
    | st.text(max_size=4),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=2),
    max_leaves=5,
)


def raw_schemas(children):
    """Schemas with mostly well-formed keyword values and some broken ones."""
    type_names = st.sampled_from(["string", "integer", "number", "object", "array", "boolean", "null", "float", ""])
    return st.fixed_dictionaries({}, optional={
        "type": type_names | st.lists(type_names, max_size=2) | keyword_values,
        "properties": st.dictionaries(st.text(max_size=3), children, max_size=3) | keyword_values,
        "required": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3) | keyword_values,
        "items": children | st.lists(children, max_size=2) | keyword_values,
        "description": st.text(max_size=4) | keyword_values,
        "title": st.text(max_size=4) | keyword_values,
        "$comment": st.text(max_size=4) | keyword_values,
        "enum": st.lists(keyword_values, max_size=2) | keyword_values,
        "additionalProperties": st.booleans() | children | keyword_values,
        "minimum": st.integers(-2, 2) | keyword_values,
        "anyOf": st.lists(children, min_size=1, max_size=2) | keyword_values,
        "default": keyword_values,
        "format": st.text(max_size=4) | keyword_values,
    })


any_schemas = st.recursive(raw_schemas(st.just({})), raw_schemas, max_leaves=6)


def meta_valid(schema) -> bool:
    try:
        CallValidator.check_schema(schema)
        return True
    except SchemaError:
        return False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_schemas)
def test_schema_skeleton_keeps_the_meta_schema_verdict(schema):
    assert meta_valid(schema_skeleton(schema)) == meta_valid(schema)


def test_schema_skeleton_blanks_only_free_text_and_names():
    schema = {"type": "object", "description": "Book it", "properties": {
        "city": {"type": "string", "description": "Where", "enum": ["A", "B"]}}, "required": ["city"]}
    assert schema_skeleton(schema) == {"type": "object", "description": "", "properties": {
        "0": {"type": "string", "description": "", "enum": ["A", "B"]}}, "required": ["0"]}
    assert schema_skeleton({"required": ["a", "a"]}) == {"required": ["a", "a"]}  # not distinct: kept
    assert schema_skeleton({"description": 5}) == {"description": 5}  # not a string: kept
