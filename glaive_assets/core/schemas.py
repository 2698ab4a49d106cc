"""The function schemas a row declares, compiled into validators for its calls' arguments.

A declared "parameters" schema becomes a Draft 7 validator (Glaive schemas carry no "$schema"; Draft 7
is what OpenAI-style function parameters are written against, its keywords mean the same as in
2020-12 for everything Glaive uses, 12.0 counts as an integer in both, and checking a schema against
the Draft 7 meta-schema costs a fifth of the 2020-12 one: 0.17 ms against 0.9 ms per schema). The
validator is built from the declared schema plus "additionalProperties": false (unless it says
otherwise), so an undeclared argument is reported by the library too.

Safety: a schema comes from an untrusted row, so three keywords are not enforced: "pattern" and
"patternProperties" (Python's re has no timeout; a crafted regex could run for hours) and
"uniqueItems" (quadratic on large arrays of objects); "$schema" is ignored (it would switch the
validator class back to one that runs regexes). A schema jsonschema rejects (check_schema) gets no
validator: its calls get invalid_declared_schema.

Compiled schemas are cached by their canonical JSON. Checking a schema against the meta-schema
(check_schema) is memoized by its skeleton: the schema with the text of description/title/$comment
emptied, property names replaced by their position and a list of distinct required names by
positions. The Draft 7 meta-schema constrains none of those beyond "a string" / "distinct strings",
so a schema and its skeleton always get the same verdict (checked against jsonschema in the tests).

A schema whose every keyword is one of SHAPE_KEYWORDS gets a memo for its verdicts (see validate.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import SchemaError

from glaive_assets.core.jsonio import dumps_exact

_UNENFORCED_KEYWORDS = ("pattern", "patternProperties", "uniqueItems", "$schema")
CallValidator = validators.extend(Draft7Validator, {keyword: None for keyword in _UNENFORCED_KEYWORDS[:3]})

# Keywords whose value is one subschema, a list of subschemas, or a map of name -> subschema.
_ONE_SUBSCHEMA = ("items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not",
                  "if", "then", "else", "unevaluatedItems", "unevaluatedProperties")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "dependentSchemas")


# Keywords whose effect depends only on the arguments' shape (see validate.py).
SHAPE_KEYWORDS = frozenset({
    "type", "properties", "required", "items", "additionalProperties", "enum", "const",
    "description", "title", "default", "examples", "format", "$comment", "deprecated", "readOnly", "writeOnly",
})


@dataclass(frozen=True, slots=True)
class CompiledParameters:
    """A declared "parameters" schema ready to validate arguments (validator None: schema invalid).

    memo: verdicts by argument shape (see validate.py); None when the schema's verdict may depend on
    more than the arguments' shape. exact_scalars: the shape must keep scalar values (enum, const).
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


_COMPILED: dict[bytes, CompiledParameters] = {}
_COMPILED_LIMIT = 16384  # distinct schemas kept compiled (cleared wholesale when full)
_MAX_CACHED_SCHEMA_BYTES = 65_536  # bigger schemas (hostile rows) are compiled but not kept
# Prompts share their schema dicts (parse caches schema blocks by text), so the "parameters" of a
# prompt seen for the first time have mostly been compiled already: found by identity, without
# serializing them again. Each entry holds the object, so its id cannot be reused.
_COMPILED_BY_IDENTITY: dict[int, tuple[Any, CompiledParameters]] = {}


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


def compile_declared(signatures: dict[str, dict]) -> dict[str, CompiledParameters]:
    """The compiled "parameters" of every declared function, by name (a parsed prompt's signatures)."""
    return {name: compile_parameters(signature["parameters"]) for name, signature in signatures.items()}


def compile_parameters(parameters: Any) -> CompiledParameters:
    """Build (or fetch from the caches) the validator for one declared "parameters" schema."""
    entry = _COMPILED_BY_IDENTITY.get(id(parameters))
    if entry is not None and entry[0] is parameters:
        return entry[1]
    try:
        key = dumps_exact(parameters, sort_keys=True)
    except Exception:  # not serializable (cannot come from a parsed row); treat as invalid
        return CompiledParameters(None)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _compile(parameters, key)
        if len(key) > _MAX_CACHED_SCHEMA_BYTES:
            return compiled
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
            _COMPILED_BY_IDENTITY.clear()
        _COMPILED[key] = compiled
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
        key = dumps_exact(schema_skeleton(schema), sort_keys=True)
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


def compiled_parameters() -> list[CompiledParameters]:
    """Every schema compiled so far (for measurements)."""
    return list(_COMPILED.values())


def clear_caches() -> None:
    """Forget every compiled schema and schema verdict (benchmarks start each run cold)."""
    _COMPILED.clear()
    _COMPILED_BY_IDENTITY.clear()
    _SCHEMA_VERDICTS.clear()
