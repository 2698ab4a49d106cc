"""The training stage's settings, its split names, its drop reasons and its file layout, in one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from glaive_assets.qa.bias import DEFAULT_THRESHOLD
from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets.training.minhash import MinHashParams

SPLITS = ("train", "validation", "test")

# Drop reasons, in precedence order: a row that is both contaminated and a duplicate is `contaminated`.
CONTAMINATED = "contaminated"  # a user turn shares a word n-gram with an eval question, or is one
DUPLICATE_EXACT = "duplicate_exact"  # same messages and tools (canonical JSON) as a kept row
DUPLICATE_NEAR = "duplicate_near"  # same normalized request and call signature as a kept row
DUPLICATE_PARAPHRASE = "duplicate_paraphrase"  # user turns MinHash-similar to a kept row's, same calls
DROP_REASONS = (CONTAMINATED, DUPLICATE_EXACT, DUPLICATE_NEAR, DUPLICATE_PARAPHRASE)

# Files under the data dir: the training_set and training_report artifacts of storage.artifacts' table.
TRAINING_PATHS: dict[str, str] = {**ARTIFACT_FILES["training_set"], "report": ARTIFACT_PATHS["training_report"]}


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides the training set. The report records it as used."""

    # train / validation / test shares; they must add up to 1.
    split_fractions: tuple[float, float, float] = (0.9, 0.05, 0.05)
    seed: int = 42
    # Paraphrase dedup: MinHash over word bigrams of the user turns (see minhash.py).
    minhash: MinHashParams = field(default_factory=MinHashParams)
    # A bucket of rows sharing one band key pairs each row with at most this many rows before it.
    max_bucket_pairs: int = 64
    # Decontamination: eval files (BFCL JSON lines or OpenAI messages JSONL) and the n-gram length.
    eval_sets: tuple[str, ...] = ()
    ngram_words: int = 13
    # Weighting: every fixable bias slice value reaches this share of the train split's weight.
    weight_threshold: float = DEFAULT_THRESHOLD
    # The stratification check: allowed gap between a stratum's share in a split and overall.
    stratum_tolerance: float = 0.01

    def __post_init__(self) -> None:
        fractions = self.split_fractions
        if len(fractions) != len(SPLITS) or any(share < 0 for share in fractions) or fractions[0] <= 0:
            raise ValueError(f"split_fractions must be {len(SPLITS)} shares >= 0 with train > 0, got {fractions}")
        if abs(sum(fractions) - 1) > 1e-9:
            raise ValueError(f"split_fractions must add up to 1, got {fractions} (sum {sum(fractions)})")
        if self.ngram_words < 1 or self.max_bucket_pairs < 1:
            raise ValueError("ngram_words and max_bucket_pairs must be >= 1")
        if not 0 < self.weight_threshold < 1 or not 0 < self.stratum_tolerance < 1:
            raise ValueError("weight_threshold and stratum_tolerance must be shares strictly between 0 and 1")

    def to_dict(self) -> dict[str, Any]:
        config = asdict(self)
        config["split_fractions"] = dict(zip(SPLITS, self.split_fractions))
        config["eval_sets"] = list(self.eval_sets)
        return config


def parse_eval_sets(text: str) -> tuple[str, ...]:
    """A comma-separated list of eval files (as the environment or run config gives it), blanks dropped."""
    return tuple(part.strip() for part in text.split(",") if part.strip())
