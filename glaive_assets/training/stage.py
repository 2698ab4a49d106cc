"""The training stage over artifact files, as the assets (and the benchmark) call it. No Dagster.

    index = build_eval_index(config.eval_sets, config.ngram_words)   # the eval files, read once
    training = build_training_set(data_dir, chatml_path, config, eval_index=index)   # plan, splits + ledger
    leakage = check_split_leakage(data_dir, training.plan)         # blocking check, from the files
    clean = check_decontaminated(data_dir, config, index)          # blocking check when eval sets are given
    report = training_report(training.plan, training.accounting, leakage, clean)
    write_training_report(data_dir, report)
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from glaive_assets.storage.artifacts import Artifact
from glaive_assets.core.jsonio import read_jsonl
from glaive_assets.training.config import SPLITS, TRAINING_PATHS, TrainingConfig
from glaive_assets.training.plan import TrainingPlan, plan_training_set_in_processes
from glaive_assets.training.decontaminate import EvalIndex, build_eval_index
from glaive_assets.training.verify import (
    Accounting,
    Decontamination,
    Leakage,
    check_accounting,
    decontaminated,
    no_split_leakage,
)
from glaive_assets.training.write import write_training_set


@dataclass(frozen=True)
class TrainingSet:
    plan: TrainingPlan
    artifacts: dict[str, Artifact]  # "train", "validation", "test", "dropped"
    accounting: Accounting


def build_training_set(data_dir: Path, chatml_path: Path, config: TrainingConfig | None = None,
                       chatml_rows: int | None = None, eval_index: EvalIndex | None = None,
                       processes: int = 1) -> TrainingSet:
    """Plan from the ChatML file (one pass), then write the splits and the ledger (a second pass).

    chatml_rows: the row count glaive_chatml's writer recorded (the manifest's), for the accounting;
    by default the lines read. eval_index: the config's eval sets, read once by the caller (by default
    read here). processes: how many processes share the plan's pass (scan.py); the plan is the same.
    """
    config = config or TrainingConfig()
    if eval_index is None:
        eval_index = build_eval_index(config.eval_sets, config.ngram_words)
    with tempfile.TemporaryDirectory(prefix="glaive-training-scan-") as scratch:
        plan = plan_training_set_in_processes(chatml_path, config, eval_index, processes, Path(scratch))
    with open(chatml_path, "rb") as lines:
        artifacts = write_training_set(data_dir, lines, plan)
    accounting = check_accounting(plan.rows if chatml_rows is None else chatml_rows, {name: artifact.rows for name, artifact in artifacts.items()}, plan)
    return TrainingSet(plan, artifacts, accounting)


def check_decontaminated(data_dir: Path, config: TrainingConfig,
                         eval_index: EvalIndex | None = None) -> Decontamination | None:
    """decontaminated() over the split files as written; None when no eval set is configured."""
    if not config.eval_sets:
        return None
    index = eval_index if eval_index is not None else build_eval_index(config.eval_sets, config.ngram_words)
    return decontaminated({name: read_jsonl(data_dir / TRAINING_PATHS[name]) for name in SPLITS}, index)


def check_split_leakage(data_dir: Path, plan: TrainingPlan) -> Leakage:
    """no_split_leakage over the split files as written (their rows looked up in the plan's key table)."""
    handles = {name: open(data_dir / TRAINING_PATHS[name], "rb") for name in SPLITS}
    try:
        return no_split_leakage(handles, plan.keys)
    finally:
        for handle in handles.values():
            handle.close()
