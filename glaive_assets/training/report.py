"""The training report: one plain dict (strict JSON) with everything the UI and the README show."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

import numpy as np

from glaive_assets.training.config import DROP_REASONS, SPLITS
from glaive_assets.training.plan import TrainingPlan
from glaive_assets.training.verify import Accounting, Decontamination, Leakage, stratification


def _contamination(plan: TrainingPlan) -> dict[str, Any]:
    per_file: Counter = Counter()
    matches: Counter = Counter()
    for found in plan.contamination.values():
        per_file.update(found.eval_files)
        matches[found.match] += 1
    return {
        "rows": len(plan.contamination),
        "by_match": dict(matches),
        "eval_files": [
            {"eval_file": path, "items": items, "contaminated_rows": per_file[path]}
            for path, items in plan.eval_items.items()
        ],
    }


def _weights(plan: TrainingPlan) -> dict[str, Any]:
    weights = plan.weighting.weights
    return {
        "threshold": plan.config.weight_threshold,
        "rounds": plan.weighting.rounds,
        "converged": plan.weighting.converged,
        "train_rows": len(weights),
        "min": float(weights.min()) if len(weights) else None,
        "max": float(weights.max()) if len(weights) else None,
        "mean": float(weights.mean()) if len(weights) else None,
        "distinct": int(len(np.unique(weights))),
        "slice_shares": plan.weighting.shares,
    }


def training_report(plan: TrainingPlan, accounting: Accounting | None = None, leakage: Leakage | None = None,
                    decontamination: Decontamination | None = None) -> dict[str, Any]:
    """Rows per split, drops per reason, contamination per eval file, the stratum x split table, the bias
    slices' shares on the train split before and after weighting, the checks given, and the config."""
    reasons = {reason: int(np.sum(plan.reason == code)) for code, reason in enumerate(DROP_REASONS)}
    rows = {name: int(np.sum(plan.split == code)) for code, name in enumerate(SPLITS)}
    report: dict[str, Any] = {
        "chatml_rows": plan.rows,
        "rows": {**rows, "dropped": sum(reasons.values())},
        "dropped": reasons,
        "lsh_candidate_pairs": plan.lsh_candidate_pairs,
        "contamination": _contamination(plan),
        "stratification": stratification(plan),
        "weights": _weights(plan),
        "config": plan.config.to_dict(),
    }
    if accounting is not None:
        report["accounting"] = asdict(accounting)
    if leakage is not None:
        report["leakage"] = asdict(leakage)
    if decontamination is not None:
        report["decontaminated"] = asdict(decontamination)
    return report
