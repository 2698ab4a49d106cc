"""Checks on the training set: accounting, leakage between the splits, decontamination, stratification.

no_split_leakage reads the split files as written and looks each row up by its id in the table of keys
that signatures.row_keys computed from the rows' content in the plan's pass; it shares none of the
assignment code (splits.py) and none of the writer's, so a row in the wrong file, a group cut in two
or a near copy that dedup missed all show up as matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import orjson

from glaive_assets.core.records import COMPLEXITY_TIERS, TURN_BUCKETS
from glaive_assets.training.config import SPLITS
from glaive_assets.training.decontaminate import EvalIndex, find_contamination
from glaive_assets.training.plan import NOT_DROPPED, RowKeyTable, TrainingPlan
from glaive_assets.training.text import normalize_text

LEAK_KINDS = ("exact", "near", "structure")
_EXAMPLES = 5


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
    unknown_rows: int  # rows whose id the key table does not hold (a file the plan did not make)
    # "train/test" -> kind -> rows of the second split whose key is also in the first
    matches: dict[str, dict[str, int]] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)  # a few leaking ids


def line_id(line: bytes) -> bytes:
    """The "id" of a JSON-lines row, read from the line's start when dumps_line wrote it there."""
    if line.startswith(b'{"id":"'):
        end = line.find(b'"', 7)
        if end > 0 and b"\\" not in line[7:end]:
            return line[7:end]
    return str(orjson.loads(line).get("id")).encode()


def _lookup(ids: np.ndarray, table: RowKeyTable, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each id's row in the table (sorted by `order`), and whether it was found."""
    sorted_ids = table.ids[order]
    at = np.minimum(np.searchsorted(sorted_ids, ids), max(len(sorted_ids) - 1, 0))
    found = (sorted_ids[at] == ids) if len(sorted_ids) else np.zeros(len(ids), dtype=bool)
    return order[at], found


def no_split_leakage(split_lines: Mapping[str, Iterable[bytes]], keys: RowKeyTable) -> Leakage:
    """Zero exact, near or structure-key matches between any two splits, read from the written files.

    Each written row is found by its id in the key table (the keys signatures.row_keys computed from
    its content); a near key of 0 means "no request" and never matches. A row the table does not know
    fails the check.
    """
    order = np.argsort(keys.ids, kind="stable")
    found_keys: dict[str, dict[str, np.ndarray]] = {}
    id_arrays: dict[str, np.ndarray] = {}
    unknown = 0
    for name, lines in split_lines.items():
        ids = np.array([line_id(line) for line in lines], dtype=np.bytes_)
        rows, found = _lookup(ids, keys, order)
        unknown += int(np.sum(~found))
        id_arrays[name] = ids[found]
        found_keys[name] = {kind: getattr(keys, kind)[rows[found]] for kind in LEAK_KINDS}
    matches: dict[str, dict[str, int]] = {}
    examples: list[dict[str, Any]] = []
    for first, second in combinations(found_keys, 2):
        counts = {}
        for kind in LEAK_KINDS:
            earlier, later = found_keys[first][kind], found_keys[second][kind]
            hit = np.isin(later, earlier[earlier != 0]) & (later != 0)
            counts[kind] = int(hit.sum())
            for position in np.flatnonzero(hit)[:_EXAMPLES - len(examples)]:
                examples.append({"splits": [first, second], "kind": kind, "id": id_arrays[second][position].decode()})
        matches[f"{first}/{second}"] = counts
    ok = unknown == 0 and all(count == 0 for counts in matches.values() for count in counts.values())
    return Leakage(ok, {name: len(ids) for name, ids in id_arrays.items()}, unknown, matches, examples)


@dataclass(frozen=True)
class Decontamination:
    ok: bool
    rows: dict[str, int]  # rows checked per split
    contaminated: dict[str, int]  # split -> rows that match an eval item
    examples: list[dict[str, Any]] = field(default_factory=list)  # a few: split, id, eval file and item


def decontaminated(split_rows: Mapping[str, Iterable[dict[str, Any]]], index: EvalIndex) -> Decontamination:
    """No row of any split matches an eval item (decontaminate.find_contamination on its user turns),
    read from the rows as written, not from the plan."""
    rows, contaminated, examples = {}, {}, []
    for name, split in split_rows.items():
        rows[name] = contaminated[name] = 0
        for row in split:
            rows[name] += 1
            turns = tuple(normalize_text(message.get("content") or "") for message in row["messages"]
                          if message.get("role") == "user")
            found = find_contamination(index, turns)
            if found is not None:
                contaminated[name] += 1
                if len(examples) < _EXAMPLES:
                    examples.append({"split": name, "id": row.get("id"), "eval_file": found.eval_file,
                                     "eval_id": found.eval_id, "match": found.match})
    return Decontamination(not any(contaminated.values()), rows, contaminated, examples)


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
