"""The schema suite of the processed records, run by Great Expectations 1.x.

A million ~3 KB records do not fit one DataFrame, so the suite runs in two parts:

- column expectations run on chunks of CHUNK_ROWS records holding only the checked columns (strings
  cut to their first VALUE_CHARS characters: every check on them, not null, of type str and length
  >= 10, gives the same verdict on that prefix), and their counts are summed over the chunks;
- table expectations (the columns exist, no other column, the row count) run once, at the end, on a
  shape-only frame: as many rows as records, and as columns the keys that every record carries.

GX is imported inside the functions: `import great_expectations` costs seconds, and the Dagster code
location must load without it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from glaive_assets.core.records import COUNT_BOUNDS, FLAG_COLUMNS, LABEL_VALUES, PROCESSED_COLUMNS
from glaive_assets.qa.bounds import row_count_bounds
from glaive_assets.qa.markdown import table

CHUNK_ROWS = 60_000  # the GX process peaks at ~450 MiB at any size (~600 MiB with 120,000)
EXAMPLE_LIMIT = 5  # offending rows kept per expectation
VALUE_CHARS = 200  # strings are cut to this many characters, in the frames and in the examples

STRING_COLUMNS = ("system", "chat")
MIN_CHAT_CHARS = 10
# From the feature declaration (core/records.LightFeatures): the counts that declare a bound, the
# labels with their values, the flags.
COUNT_RANGES: dict[str, tuple[int, int]] = COUNT_BOUNDS
CLOSED_SETS: dict[str, tuple[str, ...]] = LABEL_VALUES
# The columns the chunk frames hold: everything a column expectation reads.
CHECKED_COLUMNS = ("source_index", *STRING_COLUMNS, *COUNT_RANGES, *CLOSED_SETS, *FLAG_COLUMNS)
_EXPECTED_KEYS = frozenset(PROCESSED_COLUMNS)
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLE_LIMIT}


def _column_expectations(gxe: Any) -> list[Any]:
    """Per-row expectations, evaluated on every chunk.

    Type checks use ExpectColumnValuesToBeOfType, which on an object column tests isinstance per
    value: "yes" and 1 fail type "bool"; None is skipped by every per-row check, so every checked
    column also gets a not-null expectation. (isinstance(True, int) holds, so a bool in a count
    column passes type "int": a limit of GX's check, accepted.)
    """
    expectations = [gxe.ExpectColumnValuesToNotBeNull(column=column) for column in CHECKED_COLUMNS]
    expectations.append(gxe.ExpectColumnValuesToBeOfType(column="source_index", type_="int"))
    expectations += [gxe.ExpectColumnValuesToBeOfType(column=column, type_="str") for column in STRING_COLUMNS]
    expectations.append(gxe.ExpectColumnValueLengthsToBeBetween(column="chat", min_value=MIN_CHAT_CHARS))
    for column, (low, high) in COUNT_RANGES.items():
        expectations.append(gxe.ExpectColumnValuesToBeOfType(column=column, type_="int"))
        expectations.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high))
    expectations += [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)) for column, values in CLOSED_SETS.items()
    ]
    expectations += [gxe.ExpectColumnValuesToBeOfType(column=column, type_="bool") for column in FLAG_COLUMNS]
    return expectations


def _table_expectations(gxe: Any, min_rows: int, max_rows: int) -> list[Any]:
    """Whole-table expectations, evaluated once on the shape frame."""
    expectations = [gxe.ExpectColumnToExist(column=column) for column in PROCESSED_COLUMNS]
    expectations.append(gxe.ExpectTableColumnsToMatchSet(column_set=list(PROCESSED_COLUMNS), exact_match=True))
    expectations.append(gxe.ExpectTableRowCountToBeBetween(min_value=min_rows, max_value=max_rows))
    return expectations


def _example_value(value: Any) -> Any:
    """A JSON-ready, short stand-in for an offending value."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return value[:VALUE_CHARS]
    try:
        text = repr(value)
    except Exception:
        text = f"<unprintable {type(value).__name__}>"
    return text[:VALUE_CHARS]


def _exception_messages(exception_info: Any) -> list[str]:
    """GX reports a failed metric either flat or keyed by metric id; collect the messages of both."""
    if not isinstance(exception_info, dict):
        return []
    if "raised_exception" in exception_info:
        entries = [exception_info]
    else:
        entries = [entry for entry in exception_info.values() if isinstance(entry, dict)]
    return [str(entry.get("exception_message")) for entry in entries if entry.get("raised_exception")]


@dataclass
class _Outcome:
    """One expectation's result, summed over the chunks it ran on."""

    expectation: str
    column: str | None
    kwargs: dict[str, Any]
    success: bool = True
    element_count: int | None = 0
    unexpected_count: int | None = 0
    unexpected_examples: list[dict[str, Any]] = field(default_factory=list)
    observed_value: Any = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "kwargs": self.kwargs,
            "success": self.success,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_examples": self.unexpected_examples,
            "observed_value": self.observed_value,
            "errors": self.errors,
        }


def _outcomes_for(expectations: list[Any]) -> dict[str, _Outcome]:
    outcomes = {}
    for expectation in expectations:
        config = expectation.configuration.to_json_dict()
        kwargs = {key: value for key, value in config["kwargs"].items() if key not in ("column", "batch_id")}
        outcomes[expectation.id] = _Outcome(config["type"], config["kwargs"].get("column"), kwargs)
    return outcomes


@dataclass
class _TableShape:
    """What the table expectations need to know about every record, without keeping the records."""

    records: int = 0
    non_objects: int = 0
    mismatched: int = 0  # records whose keys are not exactly PROCESSED_COLUMNS
    missing: Counter = field(default_factory=Counter)  # key -> records without it
    extra: Counter = field(default_factory=Counter)  # unexpected key -> records with it
    missing_examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    mismatch_examples: list[dict[str, Any]] = field(default_factory=list)

    def observe(self, record: Any, position: int) -> dict[str, Any]:
        self.records += 1
        if not isinstance(record, dict):
            self.non_objects += 1
            record = {}
        if record.keys() != _EXPECTED_KEYS:
            self._mismatch(record, position)
        return record

    def _mismatch(self, record: dict[str, Any], position: int) -> None:
        self.mismatched += 1
        missing = [key for key in PROCESSED_COLUMNS if key not in record]
        extra = [str(key) for key in record if key not in _EXPECTED_KEYS]
        source_index = _example_value(record.get("source_index"))
        where = {"source_index": source_index, "record_position": position}
        for key in missing:
            self.missing[key] += 1
            examples = self.missing_examples.setdefault(key, [])
            if len(examples) < EXAMPLE_LIMIT:
                examples.append(where)
        self.extra.update(extra)
        if len(self.mismatch_examples) < EXAMPLE_LIMIT:
            self.mismatch_examples.append({**where, "missing": missing, "extra": [key[:VALUE_CHARS] for key in extra]})

    def columns(self) -> list[str]:
        """The table's columns: keys every record carries (none for an empty table), plus any extra key."""
        if not self.records:
            return []
        return [key for key in PROCESSED_COLUMNS if not self.missing[key]] + sorted(self.extra)

    def frame(self) -> Any:
        import numpy as np
        import pandas as pd

        columns = self.columns()
        return pd.DataFrame(np.zeros((self.records, len(columns)), dtype=bool), columns=columns)


def _frame(data: dict[str, list[Any]], start: int) -> Any:
    """An object-dtype DataFrame of equally long column lists, indexed start, start + 1, ...: object
    dtype, so a stray "yes" in a bool column stays "yes" for the expectations to see."""
    import pandas as pd  # here: importing this module must not load pandas

    length = len(next(iter(data.values()))) if data else 0
    return pd.DataFrame(data, columns=list(data), index=pd.RangeIndex(start, start + length), dtype=object)


class _SuiteRunner:
    """The GX objects (ephemeral context, datasource, suites, validation definitions), built once per run."""

    def __init__(self, min_rows: int, max_rows: int) -> None:
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx_version = gx.__version__
        context = gx.get_context(mode="ephemeral")
        # No tqdm "Calculating Metrics" bars in the Dagster logs.
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        datasource = context.data_sources.add_pandas(name="glaive_processed")
        chunk_batches = datasource.add_dataframe_asset(name="record_chunks").add_batch_definition_whole_dataframe(
            "whole_chunk"
        )
        shape_batches = datasource.add_dataframe_asset(name="table_shape").add_batch_definition_whole_dataframe(
            "whole_table"
        )
        column_suite = context.suites.add(
            gx.ExpectationSuite(name="glaive_processed_columns", expectations=_column_expectations(gxe))
        )
        table_suite = context.suites.add(
            gx.ExpectationSuite(name="glaive_processed_table", expectations=_table_expectations(gxe, min_rows, max_rows))
        )
        self.suite_names = [column_suite.name, table_suite.name]
        self.column_validation = context.validation_definitions.add(
            gx.ValidationDefinition(name="glaive_processed_columns", data=chunk_batches, suite=column_suite)
        )
        self.table_validation = context.validation_definitions.add(
            gx.ValidationDefinition(name="glaive_processed_table", data=shape_batches, suite=table_suite)
        )
        self.column_outcomes = _outcomes_for(column_suite.expectations)
        self.table_outcomes = _outcomes_for(table_suite.expectations)

    def validate_chunk(self, columns: dict[str, list[Any]], start: int) -> None:
        result = self.column_validation.run(
            batch_parameters={"dataframe": _frame(columns, start)}, result_format=_RESULT_FORMAT
        )
        size = len(columns["source_index"])
        for expectation_result in result.results:
            outcome = self.column_outcomes[expectation_result.expectation_config.id]
            details = expectation_result.result or {}
            outcome.success = outcome.success and bool(expectation_result.success)
            outcome.element_count += details.get("element_count") or 0
            outcome.unexpected_count += details.get("unexpected_count") or 0
            for position in details.get("partial_unexpected_index_list") or []:
                if len(outcome.unexpected_examples) >= EXAMPLE_LIMIT:
                    break
                row = position - start
                outcome.unexpected_examples.append({
                    "source_index": _example_value(columns["source_index"][row]),
                    "record_position": position,
                    "value": _example_value(columns[outcome.column][row]),
                })
            for message in _exception_messages(expectation_result.exception_info):
                outcome.success = False
                if len(outcome.errors) < EXAMPLE_LIMIT:
                    outcome.errors.append(
                        {"record_positions": [start, start + size - 1], "message": message[:VALUE_CHARS]}
                    )

    def validate_table(self, shape: _TableShape) -> None:
        result = self.table_validation.run(batch_parameters={"dataframe": shape.frame()}, result_format=_RESULT_FORMAT)
        for expectation_result in result.results:
            outcome = self.table_outcomes[expectation_result.expectation_config.id]
            outcome.success = bool(expectation_result.success)
            outcome.observed_value = (expectation_result.result or {}).get("observed_value")
            outcome.element_count = shape.records
            if outcome.expectation == "expect_column_to_exist":
                outcome.unexpected_count = shape.missing[outcome.column] if shape.records else None
                outcome.unexpected_examples = shape.missing_examples.get(outcome.column, [])
            elif outcome.expectation == "expect_table_columns_to_match_set":
                outcome.unexpected_count = shape.mismatched
                outcome.unexpected_examples = shape.mismatch_examples
            else:  # the row count: a table fact, not a per-row test
                outcome.unexpected_count = None
            for message in _exception_messages(expectation_result.exception_info):
                outcome.success = False
                outcome.errors.append({"record_positions": None, "message": message[:VALUE_CHARS]})


_OTHER_CHECKED_COLUMNS = CHECKED_COLUMNS[1 + len(STRING_COLUMNS):]


def _cut(value: Any) -> Any:
    return value[:VALUE_CHARS] if isinstance(value, str) else value


def _project(record: dict[str, Any]) -> tuple[Any, ...]:
    """The record's CHECKED_COLUMNS values, strings cut (the hot loop: one call per record)."""
    get = record.get
    return (get("source_index"), *[_cut(get(column)) for column in STRING_COLUMNS], *map(get, _OTHER_CHECKED_COLUMNS))


_CHECKED = frozenset(CHECKED_COLUMNS)
_CUT = frozenset(STRING_COLUMNS)


def checked_view(record: Any) -> Any:
    """What the suite reads of a record: every key, in order, but only the checked columns' values (the
    strings cut as _project cuts them); the other values are null. The suite gives the same verdicts,
    counts and examples on the views as on the records, from a file about a fifth of the size."""
    if not isinstance(record, dict):
        return record
    view = dict.fromkeys(record)
    for key in _CHECKED.intersection(record):
        view[key] = record[key]
    for key in _CUT.intersection(record):
        view[key] = _cut(record[key])
    return view


def _columns(rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    if not rows:
        return {column: [] for column in CHECKED_COLUMNS}
    return {column: list(values) for column, values in zip(CHECKED_COLUMNS, zip(*rows), strict=True)}


def _take_columns(rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """The rows as columns, emptying `rows`: the tuples are freed before GX builds its frames."""
    columns = _columns(rows)
    rows.clear()
    return columns


def run_schema_suite(
    records: Iterable[Any], requested_size: int, source_rows: int, chunk_rows: int = CHUNK_ROWS
) -> dict[str, Any]:
    """Validate a stream of processed records; the JSON-ready validation_report.json dict.

    requested_size: the sample size asked for (0 = every row); source_rows: rows in the source. They
    give the row-count bounds (qa/bounds.row_count_bounds). `records` is consumed once and never
    held: at most `chunk_rows` light projections of it are alive at a time.
    """
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1, got {chunk_rows}")
    min_rows, max_rows = row_count_bounds(requested_size, source_rows)
    runner = _SuiteRunner(min_rows, max_rows)
    shape = _TableShape()

    rows: list[tuple[Any, ...]] = []
    start = chunks = 0
    for position, raw in enumerate(records):
        rows.append(_project(shape.observe(raw, position)))
        if len(rows) == chunk_rows:
            runner.validate_chunk(_take_columns(rows), start)
            chunks += 1
            start = position + 1
    if rows or chunks == 0:
        # An empty stream still runs the column suite once (on zero rows), so every entry is GX's verdict.
        runner.validate_chunk(_take_columns(rows), start)
        chunks += 1
    runner.validate_table(shape)

    entries = [outcome.as_dict() for outcome in [*runner.table_outcomes.values(), *runner.column_outcomes.values()]]
    passed = sum(entry["success"] for entry in entries)
    return {
        "gx_version": runner.gx_version,
        "suites": runner.suite_names,
        "success": passed == len(entries),
        "total": len(entries),
        "passed": passed,
        "failed": len(entries) - passed,
        "success_rate": passed / len(entries),
        "row_count": shape.records,
        "requested_size": requested_size,
        "source_rows": source_rows,
        "row_count_bounds": [min_rows, max_rows],
        "non_object_records": shape.non_objects,
        "chunk_rows": chunk_rows,
        "chunks_validated": chunks,
        "expectations": entries,
    }


def markdown_table(report: dict[str, Any]) -> str:
    """The schema report as Markdown: one row per expectation, failures first."""
    entries = sorted(report["expectations"], key=lambda entry: entry["success"])
    rows = []
    for entry in entries:
        counted = entry["element_count"]
        unexpected = entry["unexpected_count"]
        example = entry["unexpected_examples"][0] if entry["unexpected_examples"] else None
        rows.append([
            entry["expectation"].removeprefix("expect_"),
            entry["column"] or "(table)",
            "pass" if entry["success"] else "FAIL",
            "" if unexpected is None else f"{unexpected} of {counted}",
            "" if example is None else str(example)[:80],
        ])
    low, high = report["row_count_bounds"]
    header = (
        f"**Schema suite** (GX {report['gx_version']}): {report['passed']}/{report['total']} expectations pass, "
        f"{report['row_count']} records (bounds {low}-{high})\n\n"
    )
    return header + table(["expectation", "column", "result", "unexpected", "first example"], rows)
