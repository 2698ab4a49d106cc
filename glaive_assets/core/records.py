"""The shape of the artifacts the core produces: column names, their types, and the closed sets.

The features of a conversation are declared once, in LightFeatures; the column lists below, the
processed record (transform.build_processed) and the GX expectations (qa/schema.py) are derived from
it. Adding a feature column means adding its line there and computing it in core/features.py.
The Dagster layer, the GX suite and the bias slices read these constants instead of repeating them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, TypedDict, get_args, get_origin, get_type_hints

COMPLEXITY_TIERS = ("none", "simple", "moderate", "complex", "malformed")
TURN_BUCKETS = ("none", "single", "short", "medium", "long")
CALL_BUCKETS = ("no_calls", "one_call", "two_calls", "many_calls")


@dataclass(frozen=True)
class Count:
    """An integer feature, at least 0; the schema suite checks it only when `at_most` bounds it."""

    at_most: int | None = None


@dataclass(frozen=True)
class OneOf:
    """A label feature: always one of `values`."""

    values: tuple[str, ...]


class LightFeatures(TypedDict):
    """The engineered features of a parsed conversation, kept on processed records and on malformed
    rejects alike (definitions: core/features.py). Types: Count -> int, OneOf -> str, bool -> flag."""

    num_turns: Annotated[int, Count(at_most=50)]  # USER: turns
    num_assistant_turns: Annotated[int, Count()]  # ASSISTANT: turns, text and call alike
    num_calls: Annotated[int, Count(at_most=20)]  # calls attempted, read or not
    num_function_responses: Annotated[int, Count()]
    num_defined_functions: Annotated[int, Count(at_most=20)]  # distinct names declared in the system prompt
    complexity_tier: Annotated[str, OneOf(COMPLEXITY_TIERS)]
    turn_bucket: Annotated[str, OneOf(TURN_BUCKETS)]
    call_bucket: Annotated[str, OneOf(CALL_BUCKETS)]
    has_parallel: bool
    has_multiple_calls: bool
    has_defined_functions: bool
    has_malformed: bool
    has_function_error_response: bool
    has_refusal: bool
    has_error_handling: bool


def feature_columns(declaration: type) -> dict[str, tuple[str, Count | OneOf | None]]:
    """Feature name -> (column type, its Count or OneOf), in the declaration's order."""
    columns = {}
    for name, hint in get_type_hints(declaration, include_extras=True).items():
        base, spec = get_args(hint)[:2] if get_origin(hint) is Annotated else (hint, None)
        if (base, type(spec)) not in ((int, Count), (str, OneOf), (bool, type(None))):
            raise TypeError(f"feature {name}: declare a Count, a OneOf or a plain bool, not {hint}")
        columns[name] = (base.__name__, spec)
    return columns


_FEATURES = feature_columns(LightFeatures)
# The light feature columns kept on a malformed reject, so that QA can say where rejects fall.
LIGHT_FEATURE_COLUMNS = tuple(_FEATURES)
COUNT_COLUMNS = tuple(name for name, (kind, _) in _FEATURES.items() if kind == "int")
LABEL_COLUMNS = tuple(name for name, (kind, _) in _FEATURES.items() if kind == "str")
FLAG_COLUMNS = tuple(name for name, (kind, _) in _FEATURES.items() if kind == "bool")
# Label -> the values it can take; count -> (0, at_most), for the counts that declare a bound.
LABEL_VALUES: dict[str, tuple[str, ...]] = {name: _FEATURES[name][1].values for name in LABEL_COLUMNS}
COUNT_BOUNDS: dict[str, tuple[int, int]] = {
    name: (0, _FEATURES[name][1].at_most) for name in COUNT_COLUMNS if _FEATURES[name][1].at_most is not None
}

# Roles of the parsed turns in a processed record's "turns" (keys per role: see core/parse).
TURN_ROLES = ("user", "assistant", "function_call", "function_response")

# Every key of a processed record (one JSON object per line of glaive_processed.jsonl), with the
# type shown as the column schema in the Dagster UI. The counts come before the declared functions and
# the labels and flags after them: the order the artifact has always had.
PROCESSED_COLUMNS: dict[str, str] = {
    "source_index": "int",  # the row's position in the source dataset
    "record_id": "str",  # stable content hash of (system, chat)
    "system": "str",  # the raw system prompt, verbatim
    "chat": "str",  # the raw chat, verbatim
    "instruction": "str",  # the system prompt without "SYSTEM: " and without the schemas
    "tools": "list[object]",  # every declared schema, first definition of each name, in order
    "turns": "list[object]",  # the parsed conversation ({"role", "content", ...}), see core/parse
    **{name: _FEATURES[name][0] for name in COUNT_COLUMNS},
    "defined_function_names": "list[str]",
    "function_calls": "list[object]",  # [{name, arguments}]
    "function_signatures": "object",  # name -> {description, parameters, required}
    **{name: kind for name, (kind, _) in _FEATURES.items() if name not in COUNT_COLUMNS},
    "malformed_reasons": "list[str]",
    "validation_errors": "list[str]",
    "structure_warnings": "list[str]",
}

# Every key of a reject (one JSON object per line of glaive_rejects.jsonl).
REJECT_COLUMNS: dict[str, str] = {
    "source_index": "int",
    "record_id": "str",
    "reasons": "list[str]",  # reason codes from core/reasons.py, at least one
    "raw": "any",  # the source row as it was read
    "features": "object|null",  # the LightFeatures of a parsed but malformed conversation
}

# One line of glaive_chatml.jsonl (see core/chatml.py).
CHATML_COLUMNS: dict[str, str] = {
    "id": "str",  # the record_id
    "messages": "list[object]",  # {"role": system|user|assistant|tool, "content", ["tool_calls"|"tool_call_id", "name"]}
    "tools": "list[object]",  # {"type": "function", "function": {name, description, parameters}}
    "metadata": "object",  # the CHATML_METADATA_COLUMNS of the processed record
}
CHATML_ROLES = ("system", "user", "assistant", "tool")
CHATML_METADATA_COLUMNS = (
    "source_index",
    "record_id",
    "complexity_tier",
    "num_turns",
    "num_calls",
    "has_error_handling",
)
