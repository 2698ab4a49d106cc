"""The figures that the anomaly rules (qa/anomaly.py) and the representation-bias slices (qa/bias.py)
need, gathered record by record: the transform adds each record as it writes it (one pass over raw,
in shards whose stats are summed), and compute_pipeline_stats does the same over existing files.

The processed file can hold a million ~3 KB records, so the pass keeps counters only: no record
outlives its loop iteration. Values that break the record contract never raise here; they are
counted as they are (the schema suite in qa/schema.py is what reports them).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from glaive_assets.core import records
from glaive_assets.core.reasons import MALFORMED_REASONS
from glaive_assets.qa.domains import DOMAINS, function_domain

FLAG_VALUES = (True, False)


@dataclass(frozen=True)
class SliceSpec:
    """A column (or derived value) that splits the records into groups for the bias analysis."""

    name: str
    family: str  # the bias report groups slices into families, one asset check per family
    expected_values: tuple[Any, ...]  # the closed set: a value with zero rows is still reported
    in_reject_features: bool  # whether a malformed reject's light features carry this value


SLICES: tuple[SliceSpec, ...] = (
    SliceSpec("complexity_tier", "complexity", records.COMPLEXITY_TIERS, True),
    SliceSpec("call_bucket", "complexity", records.CALL_BUCKETS, True),
    SliceSpec("turn_bucket", "conversation", records.TURN_BUCKETS, True),
    SliceSpec("has_error_handling", "capability", FLAG_VALUES, True),
    SliceSpec("has_parallel", "capability", FLAG_VALUES, True),
    SliceSpec("has_defined_functions", "capability", FLAG_VALUES, True),
    SliceSpec("has_refusal", "capability", FLAG_VALUES, True),
    # Derived from defined_function_names, which a reject's light features do not keep.
    SliceSpec("function_domain", "domain", DOMAINS, False),
)


@dataclass
class TurnAndCallTotals:
    """Sums of num_turns and num_calls, and how many records had a number there (the denominators)."""

    turns_sum: int = 0
    turns_counted: int = 0
    calls_sum: int = 0
    calls_counted: int = 0

    @property
    def avg_turns(self) -> float | None:
        return self.turns_sum / self.turns_counted if self.turns_counted else None

    @property
    def avg_calls(self) -> float | None:
        return self.calls_sum / self.calls_counted if self.calls_counted else None


@dataclass
class SliceValueStats(TurnAndCallTotals):
    """Counts for one value of one slice (e.g. complexity_tier == "simple")."""

    count: int = 0  # processed records with this value
    malformed: int = 0  # malformed rejects whose light features carry this value


@dataclass
class PipelineStats(TurnAndCallTotals):
    """Everything one pass over processed + rejects learned. Build it with compute_pipeline_stats."""

    processed_rows: int = 0
    reject_rows: int = 0
    malformed_rejects: int = 0  # rejects whose `features` is an object: parsed, but a call is malformed
    non_numeric_counts: Counter = field(default_factory=Counter)  # column -> records where it is no number
    non_object_processed: int = 0  # processed "records" that are not JSON objects at all
    validation_error_records: int = 0  # processed records with a non-empty validation_errors list
    validation_error_codes: Counter = field(default_factory=Counter)
    structure_warning_codes: Counter = field(default_factory=Counter)
    reject_reasons: Counter = field(default_factory=Counter)
    malformed_reasons: Counter = field(default_factory=Counter)  # reasons of the malformed rejects only
    # slice name -> slice value -> stats; values outside the closed set get their own entry.
    slices: dict[str, dict[Any, SliceValueStats]] = field(
        default_factory=lambda: {spec.name: {} for spec in SLICES}
    )

    @property
    def raw_rows(self) -> int:
        """Every raw row ends in exactly one of processed or rejects."""
        return self.processed_rows + self.reject_rows

    def slice_counts(self, slice_name: str) -> dict[Any, int]:
        """The processed records of each value of a slice (by slice_key), for the values that occur."""
        return {key: value_stats.count for key, value_stats in self.slices[slice_name].items() if value_stats.count}

    def slice_count(self, slice_name: str, value: Any) -> int:
        value_stats = self.slices[slice_name].get(slice_key(value))
        return value_stats.count if value_stats else 0

    def add(self, other: PipelineStats) -> None:
        """Count what another shard's records added too."""
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        for slice_name, values in other.slices.items():
            for key, theirs in values.items():
                mine = self.slices[slice_name].setdefault(key, SliceValueStats())
                for name in _SLICE_SUMMED:
                    setattr(mine, name, getattr(mine, name) + getattr(theirs, name))

    def to_json(self) -> dict[str, Any]:
        """Strict-JSON form (slice keys are str, bool or None, so each slice is a list of [key, counts])."""
        return {**{name: getattr(self, name) for name in _SUMMED},
                **{name: dict(getattr(self, name)) for name in _COUNTERS},
                "slices": {slice_name: [[key, {name: getattr(value, name) for name in _SLICE_SUMMED}]
                                        for key, value in values.items()]
                           for slice_name, values in self.slices.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PipelineStats:
        """The stats that to_json wrote."""
        stats = cls(**{name: data[name] for name in _SUMMED}, **{name: Counter(data[name]) for name in _COUNTERS})
        for slice_name, values in data["slices"].items():
            stats.slices[slice_name] = {key: SliceValueStats(**counts) for key, counts in values}
        return stats


_SLICE_SUMMED = ("count", "malformed", "turns_sum", "turns_counted", "calls_sum", "calls_counted")
_SUMMED = ("processed_rows", "reject_rows", "malformed_rejects", "non_object_processed", "validation_error_records",
           "turns_sum", "turns_counted", "calls_sum", "calls_counted")
_COUNTERS = ("non_numeric_counts", "validation_error_codes", "structure_warning_codes", "reject_reasons",
             "malformed_reasons")


def slice_key(value: Any) -> Any:
    """The dict key a slice value is counted under.

    Strings, booleans and None are kept as they are; anything else becomes a short tagged string, so
    that 1 is not merged with True (1 == True in Python) and unhashable values cannot raise.
    """
    if value is None or value is True or value is False or isinstance(value, str):
        return value
    try:
        text = repr(value)
    except Exception:
        text = "?"
    return f"<{type(value).__name__}> {text[:60]}"


def _number(value: Any) -> int | float | None:
    """value if it is a real count (int or finite float, not bool), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def _code(entry: Any) -> str:
    """The reason code of a validation error or warning ("undeclared_function: foo" -> the code)."""
    if isinstance(entry, str):
        return entry.split(":", 1)[0].strip()
    return f"<{type(entry).__name__}>"


def _slice_value(record: dict[str, Any], spec: SliceSpec) -> Any:
    if spec.name == "function_domain":
        return function_domain(record.get("defined_function_names"))
    return record.get(spec.name)


def _value_stats(stats: PipelineStats, slice_name: str, value: Any) -> SliceValueStats:
    values = stats.slices[slice_name]
    key = slice_key(value)
    value_stats = values.get(key)
    if value_stats is None:
        value_stats = values[key] = SliceValueStats()
    return value_stats


def add_processed(stats: PipelineStats, record: Any) -> None:
    stats.processed_rows += 1
    if not isinstance(record, dict):
        stats.non_object_processed += 1
        record = {}
    turns = _number(record.get("num_turns"))
    calls = _number(record.get("num_calls"))
    if turns is None:
        stats.non_numeric_counts["num_turns"] += 1
    else:
        stats.turns_sum += turns
        stats.turns_counted += 1
    if calls is None:
        stats.non_numeric_counts["num_calls"] += 1
    else:
        stats.calls_sum += calls
        stats.calls_counted += 1

    for spec in SLICES:
        value_stats = _value_stats(stats, spec.name, _slice_value(record, spec))
        value_stats.count += 1
        if turns is not None:
            value_stats.turns_sum += turns
            value_stats.turns_counted += 1
        if calls is not None:
            value_stats.calls_sum += calls
            value_stats.calls_counted += 1

    validation_errors = record.get("validation_errors")
    if validation_errors:  # a non-empty list (or any other truthy junk: still a flagged record)
        stats.validation_error_records += 1
        if isinstance(validation_errors, list):
            stats.validation_error_codes.update(_code(entry) for entry in validation_errors)
    warnings = record.get("structure_warnings")
    if isinstance(warnings, list):
        stats.structure_warning_codes.update(_code(entry) for entry in warnings)


def add_reject(stats: PipelineStats, reject: Any) -> None:
    stats.reject_rows += 1
    if not isinstance(reject, dict):
        stats.reject_reasons["<reject not an object>"] += 1
        return
    reasons = reject.get("reasons")
    codes = [_code(reason) for reason in reasons] if isinstance(reasons, list) else ["<reasons not a list>"]
    stats.reject_reasons.update(codes)
    features = reject.get("features")
    # A reject carries features whenever its chat parsed; it is malformed only for a call reason.
    if not isinstance(features, dict) or MALFORMED_REASONS.isdisjoint(codes):
        return
    stats.malformed_rejects += 1
    stats.malformed_reasons.update(codes)
    for spec in SLICES:
        if spec.in_reject_features:
            _value_stats(stats, spec.name, features.get(spec.name)).malformed += 1


def compute_pipeline_stats(processed: Iterable[Any], rejects: Iterable[Any]) -> PipelineStats:
    """Read each processed record and each reject once and return the counters.

    Both arguments may be generators (e.g. orjson over the jsonl files); neither is held in memory.
    """
    stats = PipelineStats()
    for record in processed:
        add_processed(stats, record)
    for reject in rejects:
        add_reject(stats, reject)
    return stats
