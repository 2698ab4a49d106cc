"""Checks on the training set: accounting, leakage between the splits, and stratification.

no_split_leakage reads the split rows as written and recomputes their keys itself; it shares only the
key definitions (signatures.row_keys) with the code that made the splits, none of the assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from glaive_assets.core.records import COMPLEXITY_TIERS, TURN_BUCKETS
from glaive_assets.training.config import SPLITS
from glaive_assets.training.plan import NOT_DROPPED, TrainingPlan
from glaive_assets.training.signatures import row_keys

LEAK_KINDS = ("exact", "near", "structure")
_EXAMPLES = 5
_CHUNK_ROWS = 8192


@dataclass(frozen=True)
class Accounting:
    ok: bool
    chatml_rows: int
    rows: dict[str, int]  # train, validation, test, dropped
    message: str


def check_accounting(chatml_rows: int, written_rows: Mapping[str, int], plan: TrainingPlan | None = None) -> Accounting:
    """Every ChatML row is in exactly one of train, validation, test, dropped.

    written_rows: the rows each file holds (from the writers' counts). With the plan, each row must also
    carry exactly one of a split or a drop reason.
    """
    rows = {name: int(written_rows.get(name, 0)) for name in (*SPLITS, "dropped")}
    total = sum(rows.values())
    problems = []
    if total != chatml_rows:
        problems.append(f"{chatml_rows} ChatML rows, but the files hold {total} ({rows})")
    if plan is not None:
        in_split, dropped = plan.split >= 0, plan.reason != NOT_DROPPED
        if plan.rows != chatml_rows:
            problems.append(f"the plan has {plan.rows} rows, the ChatML file {chatml_rows}")
        if bool(np.any(in_split == dropped)):
            problems.append(f"{int(np.sum(in_split == dropped))} rows are in both a split and the ledger, or in neither")
    message = "; ".join(problems) or f"{chatml_rows} ChatML rows = " + " + ".join(f"{v} {k}" for k, v in rows.items())
    return Accounting(not problems, chatml_rows, rows, message)


@dataclass(frozen=True)
class Leakage:
    ok: bool
    rows: dict[str, int]  # rows read per split
    # "train/test" -> kind -> rows of the second split whose key is also in the first
    matches: dict[str, dict[str, int]] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)  # a few leaking ids


def _split_keys(rows: Iterable[dict[str, Any]]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The ids and keys of one split's rows, gathered in numpy chunks (a few bytes a row)."""
    chunks: dict[str, list[np.ndarray]] = {kind: [] for kind in ("id", *LEAK_KINDS)}
    batch: dict[str, list[Any]] = {kind: [] for kind in chunks}

    def flush() -> None:
        for kind, values in batch.items():
            chunks[kind].append(np.array(values, dtype=np.bytes_ if kind == "id" else np.uint64))
            values.clear()

    for row in rows:
        keys = row_keys(row)
        batch["id"].append(str(row.get("id")).encode())
        batch["exact"].append(keys.exact)
        batch["near"].append(keys.near)
        batch["structure"].append(keys.structure)
        if len(batch["id"]) >= _CHUNK_ROWS:
            flush()
    flush()
    joined = {kind: np.concatenate(parts) for kind, parts in chunks.items()}
    return joined.pop("id"), joined


def no_split_leakage(splits: Mapping[str, Iterable[dict[str, Any]]]) -> Leakage:
    """Zero exact, near or structure-key matches between any two splits (rows as written).

    A near key of 0 means "no request" and never matches.
    """
    keys = {name: _split_keys(rows) for name, rows in splits.items()}
    matches: dict[str, dict[str, int]] = {}
    examples: list[dict[str, Any]] = []
    for first, second in combinations(keys, 2):
        counts = {}
        for kind in LEAK_KINDS:
            earlier, later = keys[first][1][kind], keys[second][1][kind]
            hit = np.isin(later, earlier[earlier != 0]) & (later != 0)
            counts[kind] = int(hit.sum())
            for position in np.flatnonzero(hit)[:_EXAMPLES - len(examples)]:
                examples.append({"splits": [first, second], "kind": kind, "id": keys[second][0][position].decode()})
        matches[f"{first}/{second}"] = counts
    ok = all(count == 0 for counts in matches.values() for count in counts.values())
    return Leakage(ok, {name: len(found[0]) for name, found in keys.items()}, matches, examples)


def stratum_name(code: int) -> str:
    return f"{COMPLEXITY_TIERS[code // 8]}/{TURN_BUCKETS[code % 8]}"


def stratification(plan: TrainingPlan) -> dict[str, Any]:
    """Each stratum's share of each split against its share of all split rows, and whether every split
    large enough to judge (at least 1 / tolerance rows: there one row is within the tolerance) keeps
    every stratum within the tolerance."""
    tolerance = plan.config.stratum_tolerance
    in_split = plan.split >= 0
    strata, split = plan.strata()[in_split], plan.split[in_split]
    total = len(strata)
    split_rows = {name: int(np.sum(split == index)) for index, name in enumerate(SPLITS)}
    judged = [name for name, rows in split_rows.items() if rows and rows >= 1 / tolerance]
    table, max_deviation = [], {name: 0.0 for name in SPLITS}
    for code in np.unique(strata).tolist():
        member = strata == code
        row: dict[str, Any] = {"stratum": stratum_name(code), "rows": int(member.sum()),
                               "share": float(member.sum()) / total}
        for index, name in enumerate(SPLITS):
            count = int(np.sum(member & (split == index)))
            share = count / split_rows[name] if split_rows[name] else None
            deviation = abs(share - row["share"]) if share is not None else None
            row[name] = {"rows": count, "share": share, "deviation": deviation}
            if deviation is not None:
                max_deviation[name] = max(max_deviation[name], deviation)
        table.append(row)
    within = all(max_deviation[name] <= tolerance for name in judged)
    return {
        "tolerance": tolerance,
        "split_rows": split_rows,
        "judged_splits": judged,
        "max_deviation": max_deviation,
        "within_tolerance": within,
        "table": table,
    }
