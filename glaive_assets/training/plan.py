"""The training plan: one streaming pass over the ChatML rows, then dedup, splits and weights on arrays.

The pass keeps, per row, only fixed-size fields (about 220 bytes: five 8-byte keys, a 128-byte MinHash
signature, the 32-byte id, eight slice codes; see columns.py) and never a conversation; the
signatures are released once dedup is done. Everything after the pass is numpy over those arrays.
The plan says where every row goes; write.write_training_set then streams the same file again to
write the splits and the ledger. Measured peak RSS of the whole stage at 985k ChatML rows: 410 MiB
(benchmarks/training.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glaive_assets.core.jsonio import read_jsonl
from glaive_assets.training.columns import ScanColumns
from glaive_assets.training.config import CONTAMINATED, DROP_REASONS, SPLITS, TrainingConfig
from glaive_assets.training.decontaminate import Contamination, EvalIndex, build_eval_index, find_contamination
from glaive_assets.training.dedup import KEPT, NO_ROW, STAGES, DedupKeys, find_duplicates
from glaive_assets.training.minhash import WordHasher
from glaive_assets.storage.worker_processes import processes_worth
from glaive_assets.training import scan
from glaive_assets.training.signatures import row_signature
from glaive_assets.training.splits import NOT_IN_A_SPLIT, assign_splits
from glaive_assets.training.weights import Weighting, slice_codes, weigh_train_rows

COMPLEXITY_SLICE, TURN_SLICE = 0, 2  # positions of complexity_tier and turn_bucket in qa.stats.SLICES
NOT_DROPPED = -1
_STAGE_REASONS = np.array([DROP_REASONS.index(f"duplicate_{stage}") for stage in STAGES], dtype=np.int8)


@dataclass
class TrainingPlan:
    """Where each ChatML row goes. Arrays hold one entry per row, in file order."""

    config: TrainingConfig
    ids: np.ndarray  # bytes (numpy "S")
    source_index: np.ndarray  # int64
    reason: np.ndarray  # int8: NOT_DROPPED, or an index into config.DROP_REASONS
    duplicate_of: np.ndarray  # int64 position of the kept row, or NO_ROW
    split: np.ndarray  # int8: an index into config.SPLITS, or NOT_IN_A_SPLIT (dropped)
    sample_weight: np.ndarray  # float64: the train rows' weights; 1.0 for validation and test
    codes: np.ndarray  # (rows, len(SLICES)) uint8 slice codes
    keys: RowKeyTable  # the split rows' exact, near and structure keys (for the leakage check)
    contamination: dict[int, Contamination]  # position -> the eval item it matched
    eval_items: dict[str, int]  # eval file -> items read
    weighting: Weighting
    lsh_candidate_pairs: int = 0

    @property
    def rows(self) -> int:
        return len(self.ids)

    def split_rows(self, split_name: str) -> np.ndarray:
        return np.flatnonzero(self.split == SPLITS.index(split_name))

    def strata(self) -> np.ndarray:
        return strata_of(self.codes)


def strata_of(codes: np.ndarray) -> np.ndarray:
    """Each row's stratum: complexity_tier code x 8 + turn_bucket code (see verify.stratum_name)."""
    return codes[:, COMPLEXITY_SLICE].astype(np.int16) * 8 + codes[:, TURN_SLICE]


@dataclass(frozen=True)
class RowKeyTable:
    """The dedup keys signatures.row_keys computed from the content of the rows in the splits, by id."""

    ids: np.ndarray  # bytes
    exact: np.ndarray  # uint64
    near: np.ndarray  # uint64, 0 = no request
    structure: np.ndarray  # uint64


def scan_rows(rows: Iterable[dict[str, Any]], index: EvalIndex, config: TrainingConfig
              ) -> tuple[ScanColumns, dict[int, Contamination]]:
    """The pass: each row's keys, slice codes, id and MinHash signature, and the rows that match an eval
    item (by position)."""
    columns = ScanColumns(config.minhash.num_perm)
    add = columns.add
    word_hashes = WordHasher().hashes
    contamination: dict[int, Contamination] = {}
    for position, row in enumerate(rows):
        signature = row_signature(row)
        keys = signature.keys
        user_words = " ".join(signature.user_turns).split()
        add((row["metadata"]["source_index"], keys.exact, keys.near, keys.calls, keys.structure,
             str(row["id"]).encode(), slice_codes(signature.slices), len(user_words)), word_hashes(user_words))
        if index:
            found = find_contamination(index, signature.user_turns)
            if found is not None:
                contamination[position] = found
    columns.flush()
    return columns, contamination


def plan_training_set(chatml_rows: Iterable[dict[str, Any]], config: TrainingConfig | None = None,
                      eval_index: EvalIndex | None = None) -> TrainingPlan:
    """Dedup, decontaminate, split and weigh the ChatML rows (streamed once, any iterable of dicts).

    eval_index defaults to build_eval_index(config.eval_sets, config.ngram_words).
    """
    config = config or TrainingConfig()
    if eval_index is None:
        eval_index = build_eval_index(config.eval_sets, config.ngram_words)
    return plan_from_scan(*scan_rows(chatml_rows, eval_index, config), config, eval_index)


def plan_training_set_in_processes(chatml_path: Path, config: TrainingConfig, eval_index: EvalIndex, processes: int,
                                   scratch: Path) -> TrainingPlan:
    """plan_training_set over the ChatML file, its pass in up to `processes` processes side by side
    (scan.py; their files under `scratch`): the same plan. A file under MIN_BYTES_PER_PROCESS a process
    (their start would cost more than they save), or one process, is one pass in this one."""
    processes = processes_worth(chatml_path.stat().st_size, processes)
    if processes <= 1:
        return plan_training_set(read_jsonl(chatml_path), config, eval_index)
    return plan_from_scan(*scan.scan_in_processes(chatml_path, eval_index, config, processes, scratch), config, eval_index)


def plan_from_scan(columns: ScanColumns, contamination: dict[int, Contamination], config: TrainingConfig,
                   eval_index: EvalIndex) -> TrainingPlan:
    """Dedup, splits and weights from the pass's columns."""
    source_index, ids, exact, near = (columns.column(name) for name in ("source_index", "ids", "exact", "near"))
    codes, structure = columns.column("codes"), columns.column("structure")
    keys = DedupKeys(source_index, exact, near, columns.column("calls"), columns.column("signatures"),
                     columns.column("word_counts") > 0)
    columns.release()  # the signatures (128 bytes a row) go with `keys` once dedup is done
    dedup = find_duplicates(keys, config.minhash, config.max_bucket_pairs)
    del keys

    reason = np.full(len(source_index), NOT_DROPPED, dtype=np.int8)
    duplicate = dedup.stage != KEPT
    reason[duplicate] = _STAGE_REASONS[dedup.stage[duplicate]]
    if contamination:
        reason[np.fromiter(contamination, dtype=np.int64)] = DROP_REASONS.index(CONTAMINATED)
    is_duplicate = (reason != NOT_DROPPED) & (reason != DROP_REASONS.index(CONTAMINATED))
    duplicate_of = np.where(is_duplicate, dedup.duplicate_of, NO_ROW)

    split = np.full(len(source_index), NOT_IN_A_SPLIT, dtype=np.int8)
    retained = np.flatnonzero(reason == NOT_DROPPED)
    split[retained] = assign_splits(structure[retained], strata_of(codes[retained]), config.split_fractions,
                                    config.seed)
    train = np.flatnonzero(split == SPLITS.index("train"))
    weighting = weigh_train_rows(codes[train], config.weight_threshold)
    sample_weight = np.ones(len(source_index))
    sample_weight[train] = weighting.weights
    return TrainingPlan(
        config=config,
        ids=ids,
        source_index=source_index,
        reason=reason,
        duplicate_of=duplicate_of,
        split=split,
        sample_weight=sample_weight,
        codes=codes,
        keys=RowKeyTable(ids[retained], exact[retained], near[retained], structure[retained]),
        contamination=contamination,
        eval_items=dict(eval_index.items_per_file),
        weighting=weighting,
        lsh_candidate_pairs=dedup.candidate_pairs,
    )
