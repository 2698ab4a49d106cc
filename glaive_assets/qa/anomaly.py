"""Anomaly rules over the pipeline's counters: rates, shares and averages against thresholds.

Input is a PipelineStats (qa/stats.py, one streaming pass); output is the JSON-ready
anomaly_report.json. A rule whose denominator is zero (no rows) cannot be computed: it reports
value None and counts as an anomaly, never a ZeroDivisionError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from glaive_assets.qa.bounds import MIN_ROW_FRACTION, row_count_bounds
from glaive_assets.qa.markdown import format_number, table
from glaive_assets.qa.stats import PipelineStats, compute_pipeline_stats

__all__ = [
    "RULES",
    "SEVERITIES",
    "AnomalyThresholds",
    "PipelineStats",
    "compute_pipeline_stats",
    "evaluate_anomalies",
    "markdown_table",
]

SEVERITIES = ("WARN", "ERROR")  # Dagster's AssetCheckSeverity names

# Rule name -> what it measures. The order is the order of the report.
RULES: dict[str, str] = {
    "malformed_rate": "malformed rejects (parsed, but a call is malformed) / raw rows",
    "reject_rate": "all rejects / raw rows",
    "validation_error_rate": "processed records with validation errors / processed records",
    "none_tier_share": 'processed records of complexity tier "none" / processed records',
    "row_count": "processed records, against the lower bound of the requested sample",
    "avg_turns": "average num_turns per processed record",
    "avg_calls": "average num_calls per processed record",
    "defined_functions_share": "processed records with defined functions / processed records",
}


_RATE_FIELDS = ("max_malformed_rate", "max_reject_rate", "max_validation_error_rate", "max_none_tier_share",
                "min_row_fraction", "min_defined_functions_share")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class AnomalyThresholds:
    """Rule thresholds (defaults from the pipeline this project replaces, plus two new rates)."""

    max_malformed_rate: float = 0.05
    max_reject_rate: float = 0.05
    max_validation_error_rate: float = 0.05
    max_none_tier_share: float = 0.60
    min_row_fraction: float = MIN_ROW_FRACTION  # of the requested size (of the raw rows when all rows were asked)
    max_avg_turns: float = 10.0
    max_avg_calls: float = 5.0
    min_defined_functions_share: float = 0.30
    # rule name -> "WARN" | "ERROR"; rules not listed are "WARN".
    severities: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in _RATE_FIELDS:  # rates, shares and fractions
            value = getattr(self, name)
            if not _is_number(value) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a rate in [0, 1], got {value!r}")
        for name in ("max_avg_turns", "max_avg_calls"):
            value = getattr(self, name)
            if not _is_number(value) or not 0 < value < float("inf"):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        unknown = set(self.severities) - set(RULES)
        if unknown:
            raise ValueError(f"unknown anomaly rules in severities: {sorted(unknown)}; known: {list(RULES)}")
        bad = {rule: level for rule, level in self.severities.items() if level not in SEVERITIES}
        if bad:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {bad}")
        # Frozen means frozen: nobody can edit the mapping after construction either.
        object.__setattr__(self, "severities", MappingProxyType(dict(self.severities)))

    def severity(self, rule: str) -> str:
        return self.severities.get(rule, "WARN")


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _check(
    rule: str,
    value: float | int | None,
    threshold: float | int,
    comparison: str,
    thresholds: AnomalyThresholds,
    undefined_reason: str = "",
) -> dict[str, Any]:
    """One rule's verdict. comparison ">" flags value > threshold, "<" flags value < threshold."""
    describe = _format_value(rule)
    if value is None:
        is_anomaly = True
        message = f"{rule}: cannot be computed ({undefined_reason})"
    else:
        is_anomaly = value > threshold if comparison == ">" else value < threshold
        verdict = "above the maximum" if comparison == ">" else "below the minimum"
        if is_anomaly:
            message = f"{rule} {describe(value)} is {verdict} {describe(threshold)}"
        else:
            bound = "maximum" if comparison == ">" else "minimum"
            message = f"{rule} {describe(value)} is within the {bound} {describe(threshold)}"
    return {
        "check": rule,
        "value": value,
        "threshold": threshold,
        "is_anomaly": is_anomaly,
        "message": message,
        "severity": thresholds.severity(rule),
        "comparison": comparison,
        "description": RULES[rule],
    }


# Rules whose value is a fraction, shown as a percentage.
_SHARE_RULES = frozenset(
    {"malformed_rate", "reject_rate", "validation_error_rate", "none_tier_share", "defined_functions_share"}
)


def _format_value(rule: str) -> Callable[[Any], str]:
    if rule in _SHARE_RULES:
        return lambda value: f"{value:.2%}"
    return format_number


def evaluate_anomalies(
    stats: PipelineStats,
    thresholds: AnomalyThresholds | None = None,
    requested_size: int = 0,
) -> dict[str, Any]:
    """Apply every rule of RULES to `stats`; the anomaly_report.json dict.

    requested_size: the sample size the run asked for (0 = every row, then the lower bound comes from
    the raw row count).
    """
    thresholds = thresholds or AnomalyThresholds()
    raw, processed = stats.raw_rows, stats.processed_rows
    no_raw = "no raw rows"
    no_processed = "no processed records"
    min_rows, _max_rows = row_count_bounds(requested_size, raw, thresholds.min_row_fraction)
    defined = stats.slice_count("has_defined_functions", True)
    checks = [
        _check("malformed_rate", _ratio(stats.malformed_rejects, raw), thresholds.max_malformed_rate, ">",
               thresholds, no_raw),
        _check("reject_rate", _ratio(stats.reject_rows, raw), thresholds.max_reject_rate, ">", thresholds, no_raw),
        _check("validation_error_rate", _ratio(stats.validation_error_records, processed),
               thresholds.max_validation_error_rate, ">", thresholds, no_processed),
        _check("none_tier_share", _ratio(stats.slice_count("complexity_tier", "none"), processed),
               thresholds.max_none_tier_share, ">", thresholds, no_processed),
        _check("row_count", processed, min_rows, "<", thresholds),
        _check("avg_turns", stats.avg_turns, thresholds.max_avg_turns, ">", thresholds,
               "no processed record has a numeric num_turns"),
        _check("avg_calls", stats.avg_calls, thresholds.max_avg_calls, ">", thresholds,
               "no processed record has a numeric num_calls"),
        _check("defined_functions_share", _ratio(defined, processed), thresholds.min_defined_functions_share, "<",
               thresholds, no_processed),
    ]
    anomalies = sum(check["is_anomaly"] for check in checks)
    return {
        "total_checks": len(checks),
        "anomalies_found": anomalies,
        "pipeline_healthy": anomalies == 0,
        "requested_size": requested_size,
        "raw_rows": raw,
        "processed_rows": processed,
        "reject_rows": stats.reject_rows,
        "checks": checks,
    }


def markdown_table(report: dict[str, Any]) -> str:
    """The anomaly report as a Markdown table: one row per rule with value, threshold and verdict."""
    rows = []
    for check in report["checks"]:
        show = _format_value(check["check"])
        value = "n/a" if check["value"] is None else show(check["value"])
        flag = "min" if check["comparison"] == "<" else "max"
        rows.append([
            check["check"],
            value,
            f"{flag} {show(check['threshold'])}",
            "ANOMALY" if check["is_anomaly"] else "ok",
            check["severity"],
        ])
    found = report["anomalies_found"]
    healthy = "healthy" if not found else f"{found} {'anomaly' if found == 1 else 'anomalies'}"
    header = f"**Anomaly rules**: {report['total_checks']} checks, {healthy}\n\n"
    return header + table(["rule", "value", "threshold", "result", "severity"], rows)
