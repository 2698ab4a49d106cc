"""Representation bias: which slices of the processed records are too small, and what to do about it.

A slice is a column (or derived value) with a closed set of values (qa/stats.SLICES). Every value
of the closed set is reported, including values with zero rows. A target value whose share of the
processed records is below the threshold (default 5%) is a finding: severity "high" below 1% (or
zero rows), "medium" otherwise. Each finding gets a mitigation with concrete numbers.

Mitigation formulas, for a slice value with n of N processed records and threshold share t:

- sample weight w: give the slice's n rows weight w and every other row weight 1. The slice then
  carries t of the total weight when  w*n / (w*n + (N - n)) = t,  i.e.

      w = t * (N - n) / (n * (1 - t))

- rows to add k: add k rows of the slice (new or duplicated). The slice reaches t when
  (n + k) / (N + k) >= t,  i.e.

      k = ceil((t*N - n) / (1 - t))          (at least 1 when n == 0)

  and the slice then holds target_count = n + k rows.

Strategy: n == 0 -> "collect_more" (nothing to duplicate or weight); share < 1% -> "oversample" by k
rows, or "collect_more" when n < MIN_ROWS_TO_OVERSAMPLE (a handful of rows duplicated many times is
memorised, not learned); 1% <= share < t -> "reweight" with w. Synthetic interpolation such as SMOTE
is never proposed: it does not apply to conversations.

Known source gaps: an empty slice value listed in KNOWN_SOURCE_GAPS (has_parallel=True: Glaive never
makes two calls in one turn) is empty by how the source was made; no run of this source can fill it.
It is reported under `known_source_gaps`, with its mitigation, and is not a finding: the bias checks
do not fail on it run after run. The same value with rows in it (another source) is a finding again.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from glaive_assets.qa.markdown import format_number, format_share, table
from glaive_assets.qa.stats import SLICES, PipelineStats, SliceSpec, SliceValueStats, slice_key

DEFAULT_THRESHOLD = 0.05
HIGH_SEVERITY_SHARE = 0.01  # below this share a finding is "high" (and the strategy oversample/collect)
MIN_ROWS_TO_OVERSAMPLE = 10
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(spec.family for spec in SLICES))

# Values that are counted and shown, but are not representation targets: being small is not a defect.
NOT_TARGETS: dict[str, dict[Any, str]] = {
    "complexity_tier": {
        "malformed": "malformed-call rows go to the rejects by contract; processed records never carry this tier",
    },
    "turn_bucket": {
        "none": "a conversation without a user turn is degenerate, not a category to grow",
    },
    "function_domain": {
        "no_functions": "records without functions are the has_defined_functions=False slice",
        "other": "names the keyword table does not match, not a domain of their own",
    },
}

# Slices that are empty because of how the source was made: the honest mitigation when they are.
KNOWN_SOURCE_GAPS: dict[tuple[str, Any], str] = {
    ("has_parallel", True): (
        "Glaive v2 never issues two calls in one assistant turn, so this slice is empty by construction "
        "and cannot be oversampled or reweighted: collect parallel-call conversations from another "
        "function-calling source."
    ),
}


def _exact(threshold: float) -> Fraction:
    # Fraction("0.05") is exactly 1/20, so ceil() below never rounds a float error up by one row.
    return Fraction(repr(threshold))


def _check_threshold(threshold: float) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise ValueError(f"threshold must be a share strictly between 0 and 1, got {threshold!r}")


def sample_weight(count: int, total: int, threshold: float = DEFAULT_THRESHOLD) -> float | None:
    """w = t(N - n) / (n(1 - t)): the weight that makes n of N rows carry share t. None when n == 0."""
    _check_threshold(threshold)
    if count <= 0:
        return None
    t = _exact(threshold)
    return float(t * (total - count) / (count * (1 - t)))


def rows_to_reach_share(count: int, total: int, threshold: float = DEFAULT_THRESHOLD) -> int:
    """k = ceil((tN - n) / (1 - t)): rows of the slice to add so that (n + k) / (N + k) >= t."""
    _check_threshold(threshold)
    t = _exact(threshold)
    rows = max(0, math.ceil((t * total - count) / (1 - t)))
    return max(rows, 1) if count == 0 else rows


def mitigation(spec: SliceSpec, value: Any, count: int, total: int, threshold: float) -> dict[str, Any]:
    """The mitigation for one flagged slice value (see the module docstring for the rule)."""
    share = count / total if total else None
    rows_to_add = rows_to_reach_share(count, total, threshold)
    weight = sample_weight(count, total, threshold)
    if count == 0:
        strategy = "collect_more"
        reason = f"no row has {spec.name}={value!r}: add at least {rows_to_add} rows from another source"
    elif share is not None and share < HIGH_SEVERITY_SHARE and count < MIN_ROWS_TO_OVERSAMPLE:
        strategy = "collect_more"
        reason = (
            f"only {count} rows: duplicating them {math.ceil(rows_to_add / count)} times over would be memorised; "
            f"collect {rows_to_add} new rows"
        )
    elif share is not None and share < HIGH_SEVERITY_SHARE:
        strategy = "oversample"
        reason = f"duplicate {rows_to_add} rows of the slice (to {count + rows_to_add}); new rows are better if available"
    else:
        strategy = "reweight"
        reason = f"give these rows sample weight {weight:.4f} (all other rows 1)"
    if count == 0:
        reason = KNOWN_SOURCE_GAPS.get((spec.name, value), reason)
    return {
        "slice": spec.name,
        "family": spec.family,
        "value": value,
        "strategy": strategy,
        "count": count,
        "total": total,
        "share": share,
        "threshold": threshold,
        "rows_to_add": rows_to_add,
        "target_count": count + rows_to_add,
        "sample_weight": weight,
        "reason": reason,
    }


def _values_in_order(spec: SliceSpec, observed: dict[Any, SliceValueStats]) -> list[Any]:
    """The closed set first (in its order), then any value seen outside it."""
    expected = [slice_key(value) for value in spec.expected_values]
    return expected + [value for value in observed if value not in expected]


def _value_row(spec: SliceSpec, value: Any, value_stats: SliceValueStats, total: int, threshold: float) -> dict:
    in_closed_set = value in [slice_key(expected) for expected in spec.expected_values]
    not_target_reason = NOT_TARGETS.get(spec.name, {}).get(value)
    share = value_stats.count / total if total else None
    target = in_closed_set and not_target_reason is None
    seen = value_stats.count + value_stats.malformed
    malformed = value_stats.malformed if spec.in_reject_features else None
    return {
        "value": value,
        "count": value_stats.count,
        "share": share,
        "avg_turns": value_stats.avg_turns,
        "avg_calls": value_stats.avg_calls,
        "malformed_count": malformed,
        "malformed_rate": (value_stats.malformed / seen if seen else None) if spec.in_reject_features else None,
        "target": target,
        "flagged": target and (share is None or share < threshold),
        "note": not_target_reason or (None if in_closed_set else "outside the closed set (see the schema report)"),
    }


def analyze_bias(stats: PipelineStats, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """The bias_report.json dict: per-slice statistics, findings, mitigations and per-family results."""
    _check_threshold(threshold)
    total = stats.processed_rows
    findings: list[dict[str, Any]] = []
    known_gaps: list[dict[str, Any]] = []
    mitigations: list[dict[str, Any]] = []
    slice_statistics: dict[str, Any] = {}
    for spec in SLICES:
        observed = stats.slices[spec.name]
        rows = []
        for value in _values_in_order(spec, observed):
            row = _value_row(spec, value, observed.get(value, SliceValueStats()), total, threshold)
            rows.append(row)
            if not row["flagged"]:
                continue
            count, share = row["count"], row["share"]
            severity = "high" if share is None or count == 0 or share < HIGH_SEVERITY_SHARE else "medium"
            if share is None:
                message = f"{spec.name}={value!r}: no processed records at all"
            else:
                message = f"{spec.name}={value!r} holds {count} of {total} records ({share:.2%}), below {threshold:.0%}"
            flagged = {
                "slice": spec.name,
                "family": spec.family,
                "value": value,
                "count": count,
                "share": share,
                "threshold": threshold,
                "severity": severity,
                "message": message,
            }
            (known_gaps if is_known_source_gap(spec.name, value, count) else findings).append(flagged)
            mitigations.append(mitigation(spec, value, count, total, threshold))
        slice_statistics[spec.name] = {"family": spec.family, "total": total, "values": rows}

    families = {
        family: {
            "slices": [spec.name for spec in SLICES if spec.family == family],
            "findings_count": sum(finding["family"] == family for finding in findings),
            "known_source_gaps_count": sum(gap["family"] == family for gap in known_gaps),
        }
        for family in FAMILIES
    }
    return {
        "total_records": total,
        "threshold": threshold,
        "high_severity_below": HIGH_SEVERITY_SHARE,
        "slices_analyzed": len(SLICES),
        "values_analyzed": sum(len(entry["values"]) for entry in slice_statistics.values()),
        "findings_count": len(findings),
        "bias_detected": bool(findings),
        "findings": findings,
        "known_source_gaps_count": len(known_gaps),
        "known_source_gaps": known_gaps,
        "mitigations": mitigations,
        "families": families,
        "slice_statistics": slice_statistics,
    }


def is_known_source_gap(slice_name: str, value: Any, count: int) -> bool:
    """An empty slice value that the source cannot fill by construction (KNOWN_SOURCE_GAPS)."""
    return count == 0 and (slice_name, value) in KNOWN_SOURCE_GAPS


def _by_family(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {family: [] for family in FAMILIES}
    for entry in entries:
        grouped.setdefault(entry["family"], []).append(entry)
    return grouped


def bias_findings_by_family(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """family -> its findings, with every family present (an empty list is a passing check)."""
    return _by_family(report["findings"])


def known_gaps_by_family(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """family -> its known source gaps (reported, never a failed check)."""
    return _by_family(report.get("known_source_gaps", []))


def distribution_table(report: dict[str, Any], slice_name: str) -> str:
    """One slice's distribution as a Markdown table."""
    rows = [
        [
            row["value"],
            row["count"],
            format_share(row["share"]),
            format_number(row["avg_turns"]),
            format_number(row["avg_calls"]),
            format_number(row["malformed_count"]),
            "FLAGGED" if row["flagged"] else ("" if row["target"] else "not a target"),
        ]
        for row in report["slice_statistics"][slice_name]["values"]
    ]
    headers = [slice_name, "records", "share", "avg turns", "avg calls", "malformed rejects", "bias"]
    return table(headers, rows)


def markdown_table(report: dict[str, Any]) -> str:
    """Tier and bucket distributions, then the flagged slice values with their mitigation."""
    known_count = report.get("known_source_gaps_count", 0)
    parts = [f"**Representation bias**: {report['findings_count']} findings over {report['total_records']} records "
             f"(threshold {report['threshold']:.0%})" + (f", {known_count} known source gap{'' if known_count == 1 else 's'}" if known_count else "") + "\n"]
    for slice_name in ("complexity_tier", "turn_bucket", "call_bucket"):
        parts.append(distribution_table(report, slice_name))
    # repr: True and 1 are different slice values but equal dict keys.
    known = {(gap["slice"], repr(gap["value"])): gap for gap in report.get("known_source_gaps", [])}
    flagged = {(finding["slice"], repr(finding["value"])): finding for finding in report["findings"]} | known
    flagged_rows = []
    for fix in report["mitigations"]:
        key = (fix["slice"], repr(fix["value"]))
        flagged_rows.append([
            fix["slice"],
            fix["value"],
            fix["count"],
            format_share(fix["share"]),
            flagged[key]["severity"] + (" (known source gap)" if key in known else ""),
            fix["strategy"],
            fix["rows_to_add"],
            format_number(fix["sample_weight"]),
        ])
    headers = ["slice", "value", "records", "share", "severity", "strategy", "rows to add", "sample weight"]
    parts.append("**Flagged slices**\n\n" + (table(headers, flagged_rows) if flagged_rows else "none\n"))
    return "\n".join(parts)
