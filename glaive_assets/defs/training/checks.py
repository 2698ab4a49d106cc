"""The training set's checks: their specs, and each verdict of glaive_assets.training.verify as a check
result. The op that writes training_set yields them (the verdicts need its plan), so a failed blocking
check stops the exports before they start."""

from typing import Any, Optional

import dagster as dg

from glaive_assets.training.verify import Accounting, Decontamination, Leakage

TRAINING_SET = dg.AssetKey("training_set")

ACCOUNTING = "accounting"
NO_SPLIT_LEAKAGE = "no_split_leakage"
DECONTAMINATED = "decontaminated"
STRATIFICATION = "stratification"

TRAINING_CHECKS = [
    dg.AssetCheckSpec(name=ACCOUNTING, asset=TRAINING_SET, blocking=True, description=(
        "Every glaive_chatml row is in exactly one of train, validation, test and the dropped ledger. Blocking."
    )),
    dg.AssetCheckSpec(name=NO_SPLIT_LEAKAGE, asset=TRAINING_SET, blocking=True, description=(
        "No exact, near or structure-signature match between any two split files, read back as written "
        "(independently of the split assignment). Blocking."
    )),
    dg.AssetCheckSpec(name=DECONTAMINATED, asset=TRAINING_SET, blocking=True, description=(
        "No split row matches an eval question (GLAIVE_EVAL_SETS or run config), read back as written. "
        "Blocking; passes with nothing to check when no eval set is given."
    )),
    dg.AssetCheckSpec(name=STRATIFICATION, asset=TRAINING_SET, description=(
        "Each complexity_tier x turn_bucket stratum's share of every split large enough to judge is "
        "within the tolerance of its share overall (WARN)."
    )),
]


def _result(name: str, passed: bool, description: str, metadata: dict[str, Any],
            severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(asset_key=TRAINING_SET, check_name=name, passed=passed, severity=severity,
                               description=description, metadata=metadata)


def accounting_result(accounting: Accounting) -> dg.AssetCheckResult:
    return _result(ACCOUNTING, accounting.ok, accounting.message,
                   {"chatml_rows": accounting.chatml_rows, **{f"{name}_rows": rows for name, rows in accounting.rows.items()}})


def leakage_result(leakage: Leakage) -> dg.AssetCheckResult:
    leaks = sum(count for counts in leakage.matches.values() for count in counts.values())
    lines = ["| splits | exact | near | structure |", "|---|---:|---:|---:|"]
    lines += [f"| {pair} | {counts['exact']} | {counts['near']} | {counts['structure']} |"
              for pair, counts in leakage.matches.items()]
    description = (f"{leaks} rows share a key with another split; {leakage.unknown_rows} rows unknown to the plan"
                   if not leakage.ok else f"no match between splits ({sum(leakage.rows.values()):,} rows read back)")
    return _result(NO_SPLIT_LEAKAGE, leakage.ok, description, {
        "matching_rows": leaks,
        "unknown_rows": leakage.unknown_rows,
        "matches": dg.MetadataValue.md("\n".join(lines)),
        "examples": dg.MetadataValue.json(leakage.examples),
    })


def decontaminated_result(decontamination: Optional[Decontamination], eval_sets: tuple[str, ...]) -> dg.AssetCheckResult:
    if decontamination is None:
        return _result(DECONTAMINATED, True, "no eval set given (GLAIVE_EVAL_SETS or run config eval_sets): "
                       "nothing to check", {"eval_sets": 0})
    contaminated = sum(decontamination.contaminated.values())
    description = (f"{contaminated} split rows match an eval question" if contaminated else
                   f"no split row matches an eval question ({len(eval_sets)} eval files)")
    return _result(DECONTAMINATED, decontamination.ok, description, {
        "eval_sets": len(eval_sets),
        "contaminated_rows": contaminated,
        **{f"{split}_rows_checked": rows for split, rows in decontamination.rows.items()},
        "examples": dg.MetadataValue.json(decontamination.examples),
    })


def stratification_result(stratification: dict[str, Any]) -> dg.AssetCheckResult:
    tolerance, deviations = stratification["tolerance"], stratification["max_deviation"]
    judged = stratification["judged_splits"]
    worst = ", ".join(f"{split} {deviations[split]:.2%}" for split in judged) or "no split large enough to judge"
    return _result(
        STRATIFICATION, stratification["within_tolerance"],
        f"largest stratum share gap per split: {worst} (tolerance {tolerance:.2%})",
        {"tolerance": tolerance, "judged_splits": ", ".join(judged) or "none",
         **{f"max_deviation_{split}": deviation for split, deviation in deviations.items()}},
        severity=dg.AssetCheckSeverity.WARN,
    )
