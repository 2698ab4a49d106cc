"""Validate each call against the function schemas declared in the same record, with `jsonschema`.

A call's arguments are checked against its function's declared "parameters" by a Draft 7 validator
(Glaive schemas carry no "$schema"; Draft 7 is what OpenAI-style function parameters are written
against, its keywords mean the same as in 2020-12 for everything Glaive uses, 12.0 counts as an
integer in both, and checking a schema against the Draft 7 meta-schema costs a fifth of the 2020-12
one: 0.17 ms against 0.9 ms per schema). The validator is built from the declared schema plus
"additionalProperties": false (unless it says otherwise), so an undeclared argument is reported by
the library too. Errors map to codes by the failing JSON-schema keyword:

    required -> missing_required_argument       additionalProperties -> unknown_argument
    type -> argument_type_mismatch               enum, const -> argument_enum_mismatch
    anything else (minimum, items, ...) -> argument_constraint_violation

Safety: a schema comes from an untrusted row, so three keywords are not enforced: "pattern" and
"patternProperties" (Python's re has no timeout; a crafted regex could run for hours) and
"uniqueItems" (quadratic on large arrays of objects); "$schema" is ignored (it would switch the
validator class back to one that runs regexes). A schema jsonschema rejects (check_schema) or that
fails while validating (e.g. an unresolvable "$ref") gives invalid_declared_schema for that call.

Compiled validators are cached by the schema's canonical JSON, and per parsed system prompt by
function name (SystemPrompt.validators). jsonschema costs about 10-20 us per call, more than the rest of a row's parse, so its
results are memoized too, per compiled schema, keyed by the *shape* of the arguments -- but only for
schemas whose verdict provably depends on nothing else. A schema qualifies when every keyword in it
is one of SHAPE_KEYWORDS (type, properties, required, items, additionalProperties, enum, const and
annotations); the shape keeps each key, each value's JSON type (a float with an integral value apart,
since 2.0 is an integer in Draft 7), booleans and null exactly, and -- when the schema has an
enum or const anywhere -- every scalar value exactly. Any other keyword (minimum, maxLength, anyOf,
$ref, ...) turns the memo off for that schema. jsonschema stays the only judge: the memo only replays
its answer for arguments it cannot tell apart (test_core_validate checks this against jsonschema).

Checking a declared schema itself (check_schema, against the meta-schema) is memoized the same way,
by its skeleton: the schema with the text of description/title/$comment emptied, property names
replaced by their position and a list of distinct required names by positions. The Draft 7
meta-schema constrains none of those beyond "a string" / "distinct strings", so a schema and its
skeleton always get the same verdict (also checked against jsonschema in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import SchemaError

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import SystemPrompt

_UNENFORCED_KEYWORDS = ("pattern", "patternProperties", "uniqueItems", "$schema")
CallValidator = validators.extend(Draft7Validator, {keyword: None for keyword in _UNENFORCED_KEYWORDS[:3]})

_CODE_BY_KEYWORD = {
    "required": R.MISSING_REQUIRED_ARGUMENT,
    "additionalProperties": R.UNKNOWN_ARGUMENT,
    "type": R.ARGUMENT_TYPE_MISMATCH,
    "enum": R.ARGUMENT_ENUM_MISMATCH,
    "const": R.ARGUMENT_ENUM_MISMATCH,
}

# Keywords whose value is one subschema, a list of subschemas, or a map of name -> subschema.
_ONE_SUBSCHEMA = ("items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not",
                  "if", "then", "else", "unevaluatedItems", "unevaluatedProperties")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "dependentSchemas")


# Keywords whose effect depends only on the arguments' shape (see the module docstring).
SHAPE_KEYWORDS = frozenset({
    "type", "properties", "required", "items", "additionalProperties", "enum", "const",
    "description", "title", "default", "examples", "format", "$comment", "deprecated", "readOnly", "writeOnly",
})
_MEMO_LIMIT = 512  # argument shapes remembered per schema
_MEMO_MAX_ITEMS = 64  # arrays or objects bigger than this are validated without the memo
_MEMO_MAX_TEXT = 256  # nor are strings longer than this when the shape keeps them exactly


@dataclass(frozen=True, slots=True)
class CompiledParameters:
    """A declared "parameters" schema ready to validate arguments (validator None: schema invalid).

    memo is None when the schema's verdict may depend on more than the arguments' shape.
    """

    validator: Any | None
    memo: dict[Any, tuple[str, ...]] | None = None
    exact_scalars: bool = False


def _shape_only(schema: Any) -> tuple[bool, bool]:
    """(every keyword is a SHAPE_KEYWORD, the schema holds enum or const somewhere)."""
    if not isinstance(schema, dict):
        return isinstance(schema, bool), False
    exact = "enum" in schema or "const" in schema
    for key, value in schema.items():
        if key not in SHAPE_KEYWORDS:
            return False, exact
        if key == "properties":
            if not isinstance(value, dict):
                return False, exact
            subschemas = list(value.values())
        elif key in ("items", "additionalProperties"):
            subschemas = [value]
        else:
            continue
        for subschema in subschemas:
            ok, sub_exact = _shape_only(subschema)
            if not ok:
                return False, exact
            exact = exact or sub_exact
    return True, exact


class _TooBig(Exception):
    pass


# The shape of a string or an integer when scalars are not kept exactly.
_PLAIN_TAGS = {str: "s", int: "i"}


def _shape(value: Any, exact: bool) -> Any:
    """What a SHAPE_KEYWORDS-only schema can see of `value` (hashable). Raises _TooBig for long arrays,
    objects with many keys and long strings kept exactly, so memo entries stay small."""
    kind = type(value)
    if kind is dict and not exact:  # the usual arguments: an object of strings and numbers
        if len(value) > _MEMO_MAX_ITEMS:
            raise _TooBig
        shape = ["d"]
        tags = _PLAIN_TAGS
        for key, item in value.items():
            if len(key) > _MEMO_MAX_TEXT:
                raise _TooBig
            tag = tags.get(type(item))
            shape.append((key, _shape(item, False) if tag is None else tag))
        return tuple(shape)
    if kind is str:
        if not exact:
            return "s"
        if len(value) > _MEMO_MAX_TEXT:
            raise _TooBig
        return ("s", value)
    if kind is bool or value is None:
        return value
    if kind is int:
        return ("i", value) if exact else "i"
    if kind is float:
        if exact:
            return ("f", value)
        return "fi" if value.is_integer() else "f"
    if kind is dict:
        if len(value) > _MEMO_MAX_ITEMS:
            raise _TooBig
        shape = ["d"]
        for key, item in value.items():
            if len(key) > _MEMO_MAX_TEXT:
                raise _TooBig
            shape.append((key, _shape(item, exact)))
        return tuple(shape)
    if kind is list:
        if len(value) > _MEMO_MAX_ITEMS:
            raise _TooBig
        return ("l", *[_shape(item, exact) for item in value])
    raise _TooBig  # not a JSON value: no memo


_COMPILED: dict[bytes, CompiledParameters] = {}
_COMPILED_LIMIT = 16384  # distinct schemas kept compiled (cleared wholesale when full)
_MAX_CACHED_SCHEMA_BYTES = 65_536  # bigger schemas (hostile rows) are compiled but not kept


def _without_unenforced(schema: Any) -> Any:
    """A copy of `schema` without the unenforced keywords, walking subschema positions only."""
    if not isinstance(schema, dict):
        return schema
    cleaned = {key: value for key, value in schema.items() if key not in _UNENFORCED_KEYWORDS}
    for key in _ONE_SUBSCHEMA:
        if key in cleaned:
            value = cleaned[key]
            cleaned[key] = [_without_unenforced(v) for v in value] if isinstance(value, list) else _without_unenforced(value)
    for key in _SUBSCHEMA_LISTS:
        if isinstance(cleaned.get(key), list):
            cleaned[key] = [_without_unenforced(v) for v in cleaned[key]]
    for key in _SUBSCHEMA_MAPS:
        if isinstance(cleaned.get(key), dict):
            cleaned[key] = {name: _without_unenforced(v) for name, v in cleaned[key].items()}
    return cleaned


def compile_parameters(parameters: Any) -> CompiledParameters:
    """Build (or fetch from the cache) the validator for one declared "parameters" schema."""
    return _compile_parameters(parameters)[0]


def _compile_parameters(parameters: Any) -> tuple[CompiledParameters, bool]:
    """compile_parameters, and whether the result is kept in the cache."""
    try:
        key = orjson.dumps(parameters, option=orjson.OPT_SORT_KEYS)
    except Exception:  # not serializable (cannot come from a parsed row); treat as invalid
        return CompiledParameters(None), False
    compiled = _COMPILED.get(key)
    if compiled is not None:
        return compiled, True
    compiled = _compile(parameters, key)
    if len(key) <= _MAX_CACHED_SCHEMA_BYTES:
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
            _COMPILED_BY_IDENTITY.clear()
        _COMPILED[key] = compiled
        return compiled, True
    return compiled, False


# Parsed prompts share their schema dicts (parse.py caches schema blocks by text), so the
# "parameters" object of a prompt seen for the first time has mostly been compiled already: found by
# identity, without serializing it again. Each entry holds the object, so its id cannot be reused.
_COMPILED_BY_IDENTITY: dict[int, tuple[Any, CompiledParameters]] = {}


def _compiled_for_prompt(parameters: Any) -> CompiledParameters:
    """compile_parameters for the read-only "parameters" of a parsed prompt's signature."""
    entry = _COMPILED_BY_IDENTITY.get(id(parameters))
    if entry is not None and entry[0] is parameters:
        return entry[1]
    compiled, kept = _compile_parameters(parameters)
    if kept:
        if len(_COMPILED_BY_IDENTITY) >= _COMPILED_LIMIT:
            _COMPILED_BY_IDENTITY.clear()
        _COMPILED_BY_IDENTITY[id(parameters)] = (parameters, compiled)
    return compiled


def _compile(parameters: Any, key: bytes) -> CompiledParameters:
    if not isinstance(parameters, dict):
        return CompiledParameters(None)
    schema = parameters
    if any(f'"{keyword}"'.encode() in key for keyword in _UNENFORCED_KEYWORDS):
        schema = _without_unenforced(schema)
    if "additionalProperties" not in schema:
        schema = {**schema, "additionalProperties": False}
    try:
        check_schema(schema)
        shape_only, exact = _shape_only(schema)
        return CompiledParameters(CallValidator(schema), {} if shape_only else None, exact)
    except (SchemaError, RecursionError):
        return CompiledParameters(None)
    except Exception:  # e.g. a "$ref" the referencing library rejects at build time
        return CompiledParameters(None)


_SCHEMA_VERDICTS: dict[bytes, SchemaError | None] = {}
# Annotation keywords the meta-schema only asks to be strings.
_FREE_TEXT = ("description", "title", "$comment")


def schema_skeleton(schema: Any) -> Any:
    """`schema` with what the meta-schema cannot see blanked (see the module docstring)."""
    if not isinstance(schema, dict):
        return schema
    skeleton: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _FREE_TEXT and isinstance(value, str):
            skeleton[key] = ""
        elif key == "properties" and isinstance(value, dict):
            skeleton[key] = {str(position): schema_skeleton(sub) for position, sub in enumerate(value.values())}
        elif key == "required" and isinstance(value, list) and all(isinstance(v, str) for v in value) \
                and len(set(value)) == len(value):
            skeleton[key] = [str(position) for position in range(len(value))]
        elif key in _ONE_SUBSCHEMA:
            skeleton[key] = [schema_skeleton(v) for v in value] if isinstance(value, list) else schema_skeleton(value)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            skeleton[key] = [schema_skeleton(v) for v in value]
        else:
            skeleton[key] = value
    return skeleton


def check_schema(schema: Any) -> None:
    """CallValidator.check_schema, memoized by the schema's skeleton. Raises SchemaError."""
    try:
        key = orjson.dumps(schema_skeleton(schema), option=orjson.OPT_SORT_KEYS)
    except Exception:
        CallValidator.check_schema(schema)
        return
    if key in _SCHEMA_VERDICTS:
        error = _SCHEMA_VERDICTS[key]
    else:
        try:
            CallValidator.check_schema(schema)
            error = None
        except SchemaError as found:
            error = found
        if len(_SCHEMA_VERDICTS) >= _COMPILED_LIMIT:
            _SCHEMA_VERDICTS.clear()
        _SCHEMA_VERDICTS[key] = error
    if error is not None:
        raise error


def validate_call(name: str, arguments: dict, system: SystemPrompt) -> list[str]:
    """Codes for everything wrong with one call against its row's declared functions ([] when valid)."""
    return list(call_codes(name, arguments, system))


_UNDECLARED = (R.UNDECLARED_FUNCTION,)
_INVALID_SCHEMA = (R.INVALID_DECLARED_SCHEMA,)


def call_codes(name: str, arguments: dict, system: SystemPrompt) -> tuple[str, ...]:
    """validate_call's codes as a tuple (shared, never mutate; the transform only reads them)."""
    signature = system.signatures.get(name)
    if signature is None:
        return _UNDECLARED
    table = system.validators
    compiled = table.get(name)
    if compiled is None:
        compiled = table[name] = _compiled_for_prompt(signature["parameters"])
    if compiled.validator is None:
        return _INVALID_SCHEMA
    memo = compiled.memo
    if memo is None:
        return _run_jsonschema(compiled, arguments)
    try:
        shape = _shape(arguments, compiled.exact_scalars)
    except _TooBig:
        return _run_jsonschema(compiled, arguments)
    codes = memo.get(shape)
    if codes is None:
        codes = _run_jsonschema(compiled, arguments)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[shape] = codes
    return codes


def _run_jsonschema(compiled: CompiledParameters, arguments: dict) -> tuple[str, ...]:
    """jsonschema's verdict as sorted unique codes."""
    try:
        errors = list(compiled.validator.iter_errors(arguments))
    except Exception:  # unresolvable $ref, recursion through "$ref": "#", ...
        return (R.INVALID_DECLARED_SCHEMA,)
    if not errors:
        return ()
    return tuple(sorted({_CODE_BY_KEYWORD.get(error.validator, R.ARGUMENT_CONSTRAINT_VIOLATION) for error in errors}))


def validate_without_memo(name: str, arguments: dict, system: SystemPrompt) -> list[str]:
    """validate_call with jsonschema run every time (for tests and measurements)."""
    signature = system.signatures.get(name)
    if signature is None:
        return [R.UNDECLARED_FUNCTION]
    compiled = compile_parameters(signature["parameters"])
    if compiled.validator is None:
        return [R.INVALID_DECLARED_SCHEMA]
    return list(_run_jsonschema(compiled, arguments))


def compiled_parameters() -> list[CompiledParameters]:
    """Every schema compiled so far (for measurements)."""
    return list(_COMPILED.values())


def clear_caches() -> None:
    """Forget every compiled validator (benchmarks start each run cold)."""
    _COMPILED.clear()
    _COMPILED_BY_IDENTITY.clear()
    _SCHEMA_VERDICTS.clear()
