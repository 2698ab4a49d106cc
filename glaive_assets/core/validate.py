"""Validate each call against the function schemas declared in the same record, with `jsonschema`.

The transform compiles a row's declared functions once per system prompt (schemas.compile_declared)
and asks call_codes about each call. Errors map to codes by the failing JSON-schema keyword:

    required -> missing_required_argument       additionalProperties -> unknown_argument
    type -> argument_type_mismatch               enum, const -> argument_enum_mismatch
    anything else (minimum, items, ...) -> argument_constraint_violation

A declared schema jsonschema rejects, or one that fails while validating (e.g. an unresolvable
"$ref"), gives invalid_declared_schema for that call.

jsonschema costs about 10-30 us per call, more than the rest of a row's parse, so its verdicts are
memoized per compiled schema, keyed by the *shape* of the arguments -- but only for schemas whose
verdict provably depends on nothing else. A schema qualifies when every keyword in it is one of
schemas.SHAPE_KEYWORDS (type, properties, required, items, additionalProperties, enum, const and
annotations); the shape keeps each key, each value's JSON type (a float with an integral value apart,
since 2.0 is an integer in Draft 7), booleans and null exactly, and -- when the schema has an enum or
const anywhere -- every scalar value exactly. Any other keyword (minimum, maxLength, anyOf, $ref, ...)
turns the memo off for that schema. jsonschema stays the only judge: the memo only replays its answer
for arguments it cannot tell apart (the tests check this against jsonschema).
"""

from __future__ import annotations

from typing import Any

from glaive_assets.core import reasons as R
from glaive_assets.core.schemas import CompiledParameters

_CODE_BY_KEYWORD = {
    "required": R.MISSING_REQUIRED_ARGUMENT,
    "additionalProperties": R.UNKNOWN_ARGUMENT,
    "type": R.ARGUMENT_TYPE_MISMATCH,
    "enum": R.ARGUMENT_ENUM_MISMATCH,
    "const": R.ARGUMENT_ENUM_MISMATCH,
}

_MEMO_LIMIT = 512  # argument shapes remembered per schema
_MEMO_MAX_ITEMS = 64  # arrays or objects bigger than this are validated without the memo
_MEMO_MAX_TEXT = 256  # nor are strings longer than this when the shape keeps them exactly


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


_UNDECLARED = (R.UNDECLARED_FUNCTION,)
_INVALID_SCHEMA = (R.INVALID_DECLARED_SCHEMA,)


def call_codes(name: str, arguments: dict, validators: dict[str, CompiledParameters]) -> tuple[str, ...]:
    """Sorted codes for everything wrong with one call, given the compiled declared functions of its
    row (compile_declared); () when valid. The tuple may be shared: never mutate it."""
    compiled = validators.get(name)
    if compiled is None:
        return _UNDECLARED
    if compiled.validator is None:
        return _INVALID_SCHEMA
    memo = compiled.memo
    if memo is None:
        return jsonschema_codes(compiled, arguments)
    try:
        shape = _shape(arguments, compiled.exact_scalars)
    except _TooBig:
        return jsonschema_codes(compiled, arguments)
    codes = memo.get(shape)
    if codes is None:
        codes = jsonschema_codes(compiled, arguments)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[shape] = codes
    return codes


def jsonschema_codes(compiled: CompiledParameters, arguments: dict) -> tuple[str, ...]:
    """jsonschema's verdict on `arguments`, run every time, as sorted unique codes."""
    if compiled.validator is None:
        return _INVALID_SCHEMA
    try:
        errors = list(compiled.validator.iter_errors(arguments))
    except Exception:  # unresolvable $ref, recursion through "$ref": "#", ...
        return _INVALID_SCHEMA
    if not errors:
        return ()
    return tuple(sorted({_CODE_BY_KEYWORD.get(error.validator, R.ARGUMENT_CONSTRAINT_VIOLATION) for error in errors}))
