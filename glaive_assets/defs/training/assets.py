"""training_set (splits + ledger) and training_report, made from glaive_chatml in one step with the
set's checks. The logic is glaive_assets.training (training.stage holds the calls made here)."""

from itertools import islice
from pathlib import Path
from typing import Any, Optional

import dagster as dg
from pydantic import Field

from glaive_assets.config.settings import eval_sets_from_env, shards_from_env
from glaive_assets.core.records import CHATML_COLUMNS
from glaive_assets.defs.metadata import artifact_metadata, counts_table, json_preview, output
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.defs.training.checks import (
    TRAINING_CHECKS,
    accounting_result,
    decontaminated_result,
    leakage_result,
    stratification_result,
)
from glaive_assets.defs.training.tables import contamination_table, slice_shares_table, strata_table
from glaive_assets.storage.artifacts import Artifact, ArtifactSet, read_json
from glaive_assets.training.config import DROP_REASONS, SPLITS, TrainingConfig
from glaive_assets.training.decontaminate import build_eval_index
from glaive_assets.training.minhash import MinHashParams
from glaive_assets.training.report import training_report
from glaive_assets.training.stage import build_training_set, check_decontaminated, check_split_leakage
from glaive_assets.training.write import LEDGER_COLUMNS, write_training_report

TRAINING_GROUP = "training"
CHATML = dg.AssetKey("glaive_chatml")
BIAS_REPORT = dg.AssetKey("bias_report")
TRAINING_SET = dg.AssetKey("training_set")
SPLIT_ROW_COLUMNS = {**CHATML_COLUMNS, "split": "str", "sample_weight": "float"}
PREVIEW_ROWS = 2
_DEFAULTS = TrainingConfig()


class TrainingSetConfig(dg.Config):
    """The training set's settings for one run. eval_sets falls back to GLAIVE_EVAL_SETS; the weight
    threshold is the bias report's (quality_reports' bias_threshold)."""

    split_fractions: list[float] = Field(default=list(_DEFAULTS.split_fractions),
                                         description="train, validation, test shares; they add up to 1")
    seed: int = Field(default=_DEFAULTS.seed, description="the split's seed")
    eval_sets: Optional[list[str]] = Field(
        default=None, description="eval files (BFCL or OpenAI-messages JSON lines); default GLAIVE_EVAL_SETS")
    ngram_words: int = Field(default=_DEFAULTS.ngram_words, description="word n-gram that marks a row contaminated")
    paraphrase_threshold: float = Field(default=_DEFAULTS.minhash.threshold,
                                        description="MinHash Jaccard estimate above which a row is a paraphrase")
    stratum_tolerance: float = Field(default=_DEFAULTS.stratum_tolerance,
                                     description="allowed gap between a stratum's share of a split and overall")

    def resolve(self, weight_threshold: float) -> TrainingConfig:
        """The library's config; a ValueError with a one-line message when a value cannot be used."""
        eval_sets = tuple(self.eval_sets) if self.eval_sets is not None else eval_sets_from_env()
        missing = [path for path in eval_sets if not Path(path).is_file()]
        if missing:
            raise ValueError(f"eval set not found: {', '.join(missing)} (GLAIVE_EVAL_SETS or run config eval_sets)")
        return TrainingConfig(
            split_fractions=tuple(self.split_fractions),
            seed=self.seed,
            minhash=MinHashParams(num_perm=_DEFAULTS.minhash.num_perm, bands=_DEFAULTS.minhash.bands,
                                  threshold=self.paraphrase_threshold),
            eval_sets=eval_sets,
            ngram_words=self.ngram_words,
            weight_threshold=weight_threshold,
            stratum_tolerance=self.stratum_tolerance,
        )


@dg.multi_asset(
    outs={
        "training_set": dg.AssetOut(group_name=TRAINING_GROUP, description=(
            "glaive_chatml deduplicated, decontaminated and split: training/{train,validation,test}.jsonl "
            "(ChatML rows plus split and sample_weight) and the ledger of dropped rows, training/dropped.jsonl."
        )),
        "training_report": dg.AssetOut(group_name=TRAINING_GROUP, description=(
            "Rows per split, drops per reason, contamination per eval file, the stratum x split table, the "
            "bias slices' shares before and after weighting, the checks (training/training_report.json)."
        )),
    },
    ins={"glaive_chatml": dg.AssetIn(CHATML), "bias_report": dg.AssetIn(BIAS_REPORT)},
    internal_asset_deps={"training_set": {CHATML, BIAS_REPORT}, "training_report": {TRAINING_SET}},
    check_specs=TRAINING_CHECKS,
)
def training_set_and_report(context: dg.AssetExecutionContext, config: TrainingSetConfig, storage: GlaiveStorage,
                            glaive_chatml: Artifact, bias_report: Artifact):
    """Plan (one pass over glaive_chatml), write the splits and the ledger, then check them as written."""
    try:
        training_config = config.resolve(read_json(bias_report.path)["threshold"])
        eval_index = build_eval_index(training_config.eval_sets, training_config.ngram_words)
    except (ValueError, OSError) as error:
        raise dg.Failure(description=f"training config: {error}") from None
    root = storage.root
    training = build_training_set(root, glaive_chatml.path, training_config, glaive_chatml.rows, eval_index,
                                  processes=shards_from_env())
    leakage = check_split_leakage(root, training.plan)
    decontamination = check_decontaminated(root, training_config, eval_index)
    report = training_report(training.plan, training.accounting, leakage, decontamination)
    report_artifact = write_training_report(root, report)

    training_set = ArtifactSet.of("training_set", training.artifacts)
    yield output(training_set, _training_set_metadata(training_set, report), output_name="training_set")
    yield output(report_artifact, _report_metadata(report_artifact, report), output_name="training_report")
    yield accounting_result(training.accounting)
    yield leakage_result(leakage)
    yield decontaminated_result(decontamination, training_config.eval_sets)
    yield stratification_result(report["stratification"])


def _training_set_metadata(training_set: ArtifactSet, report: dict[str, Any]) -> dict[str, Any]:
    rows = report["rows"]
    metadata = artifact_metadata(training_set, SPLIT_ROW_COLUMNS)
    metadata["dagster/row_count"] = sum(rows[split] for split in SPLITS)
    metadata.update({"chatml_rows": report["chatml_rows"], **{f"{name}_rows": count for name, count in rows.items()}})
    metadata["rows_per_split"] = counts_table(rows, "split", (*SPLITS, "dropped"))
    metadata["dropped_per_reason"] = counts_table(report["dropped"], "reason", DROP_REASONS)
    metadata["strata"] = strata_table(report["stratification"])
    metadata["preview"] = json_preview(list(islice(training_set.parts["train"].iter_records(), PREVIEW_ROWS)))
    metadata["ledger_columns"] = dg.MetadataValue.md(
        "| column | type |\n|---|---|\n" + "\n".join(f"| `{name}` | {kind} |" for name, kind in LEDGER_COLUMNS.items()))
    metadata["ledger_preview"] = json_preview(list(islice(training_set.parts["dropped"].iter_records(), 5)))
    return metadata


def _report_metadata(artifact: Artifact, report: dict[str, Any]) -> dict[str, Any]:
    weights = report["weights"]
    return {
        "path": dg.MetadataValue.path(str(artifact.path)),
        "accounting": report["accounting"]["message"],
        "contaminated_rows": report["contamination"]["rows"],
        "contamination": contamination_table(report["contamination"]),
        "slice_shares": slice_shares_table(weights),
        "weights_converged": weights["converged"],
        "stratification_within_tolerance": report["stratification"]["within_tolerance"],
        "config": dg.MetadataValue.json(report["config"]),
    }
