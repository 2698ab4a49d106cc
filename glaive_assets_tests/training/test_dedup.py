"""Dedup: planted exact copies, variants, paraphrases and look-alikes, each with its exact outcome."""

from __future__ import annotations

import copy

import numpy as np

from glaive_assets.training.config import TrainingConfig
from glaive_assets.training.dedup import KEPT, NO_ROW, DedupKeys, find_duplicates
from glaive_assets.training.minhash import MinHashParams
from glaive_assets.training.plan import plan_training_set
from glaive_assets.training.write import ledger_row
from glaive_assets_tests.training.rows import NEWS, WEATHER, assistant, call, conversation, user, weather_row

LONG_REQUEST = ("Could you please look up the current weather conditions for Reykjavik so I can decide "
                "what to pack for my trip this weekend")


def at(row: dict, source_index: int) -> dict:
    moved = copy.deepcopy(row)
    moved["metadata"]["source_index"] = source_index
    return moved


def planted_rows() -> list[dict]:
    paris = weather_row(0, "What is the weather in Paris?", "Paris")
    reykjavik = weather_row(4, LONG_REQUEST, "Reykjavik")
    copy_late = weather_row(100, "Is it raining in Quito right now?", "Quito")
    return [
        paris,                                                                  # 0 kept
        at(paris, 1),                                                           # 1 exact copy of 0
        weather_row(2, "  what IS the weather in   PARIS ", "Paris"),          # 2 near: case and whitespace
        weather_row(3, "What is the weather in Paris?", "Paris", temperature=30),  # 3 near: other response
        reykjavik,                                                              # 4 kept
        weather_row(5, "Hi there, c" + LONG_REQUEST[1:], "Reykjavik"),         # 5 paraphrase of 4
        weather_row(6, LONG_REQUEST.replace("Reykjavik", "Helsinki"), "Helsinki"),  # 6 kept: other value
        conversation(7, [user("What is the weather in Paris?"), *call("get_news_headlines", country="France"),
                         assistant("Here are the headlines.")], [WEATHER, NEWS]),    # 7 kept: other function
        conversation(8, [user(LONG_REQUEST), *call("get_news_headlines", country="Iceland"),
                         assistant("Here are the headlines.")], [WEATHER, NEWS]),    # 8 kept: other function
        copy_late,                                                              # 9 exact copy of 10 (lower source_index)
        at(copy_late, 50),                                                      # 10 kept
    ]


def test_planted_duplicates_and_look_alikes():
    rows = planted_rows()
    plan = plan_training_set(iter(rows), TrainingConfig())
    ledger = {position: ledger_row(plan, position) for position in np.flatnonzero(plan.reason >= 0).tolist()}
    found = {position: (entry["reason"], entry["duplicate_of_source_index"]) for position, entry in ledger.items()}
    assert found == {
        1: ("duplicate_exact", 0),
        2: ("duplicate_near", 0),
        3: ("duplicate_near", 0),
        5: ("duplicate_paraphrase", 4),
        9: ("duplicate_exact", 50),
    }
    assert ledger[5]["duplicate_of"] == rows[4]["id"]
    assert ledger[5]["eval_file"] is ledger[5]["eval_id"] is ledger[5]["match"] is None
    assert sorted(np.flatnonzero(plan.split >= 0).tolist()) == [0, 4, 6, 7, 8, 10]


def test_the_same_rows_in_another_file_order_keep_the_same_rows():
    rows = planted_rows()
    order = [10, 3, 5, 0, 8, 1, 9, 2, 7, 4, 6]
    plan = plan_training_set(iter([rows[position] for position in order]), TrainingConfig())
    kept_sources = sorted(int(plan.source_index[position]) for position in np.flatnonzero(plan.split >= 0))
    assert kept_sources == [0, 4, 6, 7, 8, 50]


def keys_for(signatures: np.ndarray, calls: list[int], source_index: list[int] | None = None) -> DedupKeys:
    rows = len(signatures)
    return DedupKeys(
        source_index=np.array(source_index if source_index is not None else range(rows), dtype=np.int64),
        exact=np.arange(1, rows + 1, dtype=np.uint64),
        near=np.arange(1, rows + 1, dtype=np.uint64) * np.uint64(7),
        calls=np.array(calls, dtype=np.uint64),
        signatures=signatures.astype(np.uint16),
        has_words=np.ones(rows, dtype=bool),
    )


def chained_signatures() -> np.ndarray:
    """Row 1 differs from row 0 in 7 of 64 slots (band 0), row 2 from row 1 in 7 others (band 1):
    0~1 and 1~2 agree on 57/64 = 0.89, but 0 and 2 only on 50/64 = 0.78."""
    base = np.arange(64, dtype=np.uint16) * 101
    one = base.copy()
    one[0:7] += 1
    two = one.copy()
    two[8:15] += 1
    return np.stack([base, one, two])


def test_paraphrase_is_greedy_in_source_order_not_transitive():
    result = find_duplicates(keys_for(chained_signatures(), [5, 5, 5]), MinHashParams(num_perm=64, bands=8, threshold=0.8))
    assert result.stage.tolist() == [KEPT, 2, KEPT]
    assert result.duplicate_of.tolist() == [NO_ROW, 0, NO_ROW]
    assert result.candidate_pairs == 3


def test_paraphrases_need_equal_calls():
    signatures = chained_signatures()[:2]
    result = find_duplicates(keys_for(signatures, [5, 6]), MinHashParams(num_perm=64, bands=8, threshold=0.8))
    assert result.stage.tolist() == [KEPT, KEPT]


def test_the_earliest_source_index_is_kept_whatever_the_file_order():
    signatures = chained_signatures()[:2]
    result = find_duplicates(keys_for(signatures, [5, 5], source_index=[9, 3]), MinHashParams(threshold=0.8))
    assert result.stage.tolist() == [2, KEPT]
    assert result.duplicate_of.tolist() == [1, NO_ROW]


def test_a_threshold_above_the_agreement_keeps_both():
    signatures = chained_signatures()[:2]
    result = find_duplicates(keys_for(signatures, [5, 5]), MinHashParams(threshold=0.9))
    assert result.stage.tolist() == [KEPT, KEPT]
