"""Decontamination against eval files in BFCL's and OpenAI's layouts (our own fixtures, not BFCL's data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from glaive_assets.training.config import DROP_REASONS, TrainingConfig, parse_eval_sets
from glaive_assets.training.decontaminate import (
    MATCH_EXACT_QUESTION,
    MATCH_NGRAM,
    Contamination,
    EvalSetError,
    build_eval_index,
    find_contamination,
)
from glaive_assets.training.plan import plan_training_set
from glaive_assets.training.report import training_report
from glaive_assets.training.stage import build_training_set, check_decontaminated
from glaive_assets.training.verify import decontaminated
from glaive_assets.training.write import ledger_row
from glaive_assets_tests.training.rows import assistant, conversation, user, weather_row, write_rows

FIXTURES = Path(__file__).parents[1] / "fixtures" / "training"
BFCL = str(FIXTURES / "bfcl_style_eval.jsonl")
OPENAI = str(FIXTURES / "openai_style_eval.jsonl")


def chat(source_index: int, *turns: str) -> dict:
    messages = []
    for turn in turns:
        messages += [user(turn), assistant("Sure.")]
    return conversation(source_index, messages)


def test_the_index_reads_both_layouts():
    index = build_eval_index([BFCL, OPENAI], ngram_words=13)
    assert index.items_per_file == {BFCL: 5, OPENAI: 2}
    assert index.questions["spell check zephyrine"] == [(BFCL, "simple_2")]
    # A multi-turn BFCL item's whole question is its user turns joined; the system message is not a question.
    assert index.questions["list the open tickets assigned to the platform team now close the oldest one "
                           "with the note resolved upstream"] == [(BFCL, "multi_turn_0")]
    assert not any("careful assistant" in question for question in index.questions)
    # OpenAI content parts are read; an item without an id is named by its line.
    assert (OPENAI, "line:2") in index.questions["what is the boiling point of water at the summit of a 4 000 "
                                                 "metre mountain in degrees celsius"]


def test_matches_exact_question_and_13_gram():
    index = build_eval_index([BFCL, OPENAI])
    # The whole (short) question, in another case and punctuation: an exact match.
    assert find_contamination(index, ("spell check zephyrine",)) == Contamination(
        BFCL, "simple_2", MATCH_EXACT_QUESTION, (BFCL,))
    # 13 words of a question inside a longer turn: an n-gram match.
    turn = "hey so reserve a table for two at a quiet seafood restaurant near the harbour thanks"
    assert find_contamination(index, (turn,)) == Contamination(BFCL, "simple_1", MATCH_NGRAM, (BFCL,))
    # 12 words of it are not enough; nor is a short turn that only contains the short question.
    assert find_contamination(index, ("reserve a table for two at a quiet seafood restaurant near the",)) is None
    assert find_contamination(index, ("please spell check zephyrine",)) is None


def test_ngram_length_is_configurable():
    index = build_eval_index([BFCL], ngram_words=5)
    assert find_contamination(index, ("tomorrow evening at half past",)).eval_id == "simple_1"


def test_planted_questions_are_removed_and_unrelated_rows_kept():
    rows = [
        chat(0, "Find the population density of the fictional town of Glimmerford, which has 48,000 residents "
                "on 120 square kilometers of land."),                                            # whole BFCL question
        chat(1, "Hello!", "Could you reserve a table for two at a quiet seafood restaurant near the harbour in "
                          "Portwick tomorrow evening at half past seven?"),                       # 13-gram, second turn
        chat(2, "SPELL-CHECK zephyrine!"),                                                        # short, exact
        chat(3, "Please translate the phrase 'the lighthouse keeper waved at the passing ferry every single "
                "morning without fail' into German."),                                           # OpenAI item
        weather_row(4, "What is the weather in Paris?", "Paris"),                                 # unrelated
        chat(5, "Find the population density of Paris."),                                         # shares few words
        chat(6, "Spell check zephyrine and also tell me a joke"),                                 # short question inside
    ]
    plan = plan_training_set(iter(rows), TrainingConfig(eval_sets=(BFCL, OPENAI)))
    ledger = {position: ledger_row(plan, position) for position in np.flatnonzero(plan.reason >= 0).tolist()}
    assert {position: (entry["reason"], entry["eval_file"], entry["eval_id"], entry["match"])
            for position, entry in ledger.items()} == {
        0: ("contaminated", BFCL, "simple_0", MATCH_EXACT_QUESTION),
        1: ("contaminated", BFCL, "simple_1", MATCH_NGRAM),
        2: ("contaminated", BFCL, "simple_2", MATCH_EXACT_QUESTION),
        3: ("contaminated", OPENAI, "chat-7", MATCH_NGRAM),
    }
    assert ledger[0]["duplicate_of"] is None
    contamination = training_report(plan)["contamination"]
    assert contamination["rows"] == 4
    assert contamination["eval_files"] == [
        {"eval_file": BFCL, "items": 5, "contaminated_rows": 3},
        {"eval_file": OPENAI, "items": 2, "contaminated_rows": 1},
    ]


def test_contaminated_wins_over_duplicate_and_the_cluster_is_not_kept():
    question = "Spell check zephyrine"
    rows = [chat(0, question), chat(1, question)]  # an exact copy of a contaminated row
    plan = plan_training_set(iter(rows), TrainingConfig(eval_sets=(BFCL,)))
    assert [ledger_row(plan, position)["reason"] for position in range(2)] == ["contaminated", "contaminated"]


def test_a_duplicate_of_a_contaminated_row_goes_too():
    rows = [chat(0, "Spell check zephyrine"), chat(1, "spell check zephyrine", "and thank you")]
    plan = plan_training_set(iter(rows), TrainingConfig(eval_sets=(BFCL,)))
    assert [ledger_row(plan, position)["reason"] for position in range(2)] == ["contaminated", "contaminated"]
    clean = [chat(0, "Spell check zephyrine please now"),
             conversation(1, [user("spell check zephyrine, please, NOW"), assistant("Done.")])]
    plan = plan_training_set(iter(clean), TrainingConfig(eval_sets=(BFCL,)))
    entry = ledger_row(plan, 1)
    assert (entry["reason"], entry["duplicate_of_source_index"]) == ("duplicate_near", 0)
    assert plan.split[0] >= 0


def test_no_eval_sets_means_nothing_is_contaminated():
    rows = [chat(0, "Spell check zephyrine")]
    plan = plan_training_set(iter(rows), TrainingConfig())
    assert plan.contamination == {}
    assert training_report(plan)["contamination"] == {"rows": 0, "by_match": {}, "eval_files": []}


def test_a_file_in_neither_layout_is_refused(tmp_path):
    path = write_rows(tmp_path / "bad.jsonl", [{"prompt": "what?"}])
    with pytest.raises(EvalSetError, match=r"bad.jsonl:1: neither BFCL"):
        build_eval_index([path])


def test_eval_set_list_parsing():
    assert parse_eval_sets(" a.jsonl, ,b.json ,") == ("a.jsonl", "b.json")
    assert parse_eval_sets("") == ()


def test_the_decontaminated_check_reads_the_rows_as_written():
    index = build_eval_index([BFCL])
    planted = chat(0, "Spell check zephyrine")
    clean = chat(1, "What is a haiku?")
    result = decontaminated({"train": iter([clean]), "validation": iter([planted]), "test": iter([])}, index)
    assert (result.ok, result.rows, result.contaminated) == (
        False, {"train": 1, "validation": 1, "test": 0}, {"train": 0, "validation": 1, "test": 0})
    assert result.examples == [{"split": "validation", "id": planted["id"], "eval_file": BFCL, "eval_id": "simple_2",
                                "match": MATCH_EXACT_QUESTION}]
    assert decontaminated({"train": iter([clean])}, index).ok


def test_the_written_splits_of_a_plan_are_decontaminated(tmp_path):
    rows = [chat(0, "Spell check zephyrine"), chat(1, "What is a haiku?"), chat(2, "Tell me about owls.")]
    config = TrainingConfig(eval_sets=(BFCL,))
    chatml = write_rows(tmp_path / "glaive_chatml.jsonl", rows)
    training = build_training_set(tmp_path, chatml, config)
    assert training.accounting.ok
    result = check_decontaminated(tmp_path, config)
    assert result.ok and sum(result.rows.values()) == 2
    assert check_decontaminated(tmp_path, TrainingConfig()) is None


def test_a_contaminated_copy_names_no_kept_row():
    request = "What is the weather in Paris?"
    later_turn = [user("Spell check zephyrine"), assistant("Done.")]  # after the call: not in the request
    rows = [weather_row(0, request, "Paris"), weather_row(1, request, "Paris", extra=later_turn)]
    assert plan_training_set(iter(rows)).reason.tolist() == [-1, DROP_REASONS.index("duplicate_near")]
    plan = plan_training_set(iter(rows), TrainingConfig(eval_sets=(BFCL,)))
    entry = ledger_row(plan, 1)
    assert (entry["reason"], entry["duplicate_of"], entry["eval_id"]) == ("contaminated", None, "simple_2")
