"""The long conversations of the sample's rows without functions: their grammar, sizes and content rules."""

from __future__ import annotations

import random
import re
import statistics

import pytest

from glaive_assets.sources import sample_prose as prose
from glaive_assets.sources import sample_topics as topics

CONVERSATIONS = 3_000


@pytest.fixture(scope="module")
def conversations() -> list[list[str]]:
    return [prose.long_conversation(random.Random(seed).random) for seed in range(CONVERSATIONS)]


def _all_topic_texts() -> list[str]:
    texts = [*topics.LEADS, *topics.CLOSINGS, *topics.BRIDGES, *topics.TOPIC_SWITCHES, *topics.TEXT_TASKS,
             *topics.TEXT_TASK_LEADS]
    for topic in topics.TOPICS:
        texts += [topic.subject, topic.example, *topic.openings, *topic.follow_ups, *topic.points]
    return texts


def test_topic_texts_cannot_change_how_a_chat_splits_or_mimic_a_quirk():
    for text in _all_topic_texts():
        assert "\n\n\n" not in text, text
        assert "<|endoftext|>" not in text and "\\'" not in text and "[User provided data]" not in text, text
        assert not re.search(r"(^|\n)(USER|ASSISTANT|FUNCTION RESPONSE|AI to=)", text), text


def test_every_topic_has_enough_to_say():
    assert len(topics.TOPICS) >= 25
    assert len({topic.subject for topic in topics.TOPICS}) == len(topics.TOPICS)
    for topic in topics.TOPICS:
        assert len(topic.points) >= 7 and len(topic.follow_ups) >= 4 and len(topic.openings) >= 2, topic.subject


def test_turns_alternate_user_then_assistant_and_every_assistant_turn_ends_once(conversations):
    for turns in conversations:
        assert 2 <= len(turns) <= 14 and len(turns) % 2 == 0
        for position, turn in enumerate(turns):
            if position % 2 == 0:
                assert turn.startswith("USER: ") and "<|endoftext|>" not in turn
            else:
                assert turn.startswith("ASSISTANT: ") and turn.endswith(prose.END)
                assert turn.count("<|endoftext|>") == 1


def test_exchanges_follow_the_real_rows_weights(conversations):
    counts = [len(turns) // 2 for turns in conversations]
    expected_mean = sum(count * weight for count, weight in prose.EXCHANGE_WEIGHTS)
    assert expected_mean == pytest.approx(3.6)
    assert statistics.mean(counts) == pytest.approx(expected_mean, abs=0.08)
    assert set(counts) == {1, 2, 3, 4, 5, 6, 7}
    assert 0.35 < counts.count(2) / len(counts) < 0.41 and 0.30 < counts.count(5) / len(counts) < 0.36


def test_chat_sizes_spread_like_the_real_rows(conversations):
    # Real rows without functions (../shared/glaive): chat median about 3,500 bytes, p90 about 6,000.
    sizes = sorted(len("\n\n\n".join(turns).encode()) for turns in conversations)
    median, p90 = sizes[len(sizes) // 2], sizes[int(len(sizes) * 0.9)]
    assert 3_200 < median < 4_200 and 5_300 < p90 < 7_000
    assert sum(size < 1_500 for size in sizes) / len(sizes) < 0.03  # the real rows' p10 is about 2,000
    assert sizes[-1] < prose.CHAT_BYTES_MAX * 1.5


def test_the_same_random_state_gives_the_same_conversation():
    assert prose.long_conversation(random.Random(11).random) == prose.long_conversation(random.Random(11).random)
    assert prose.long_conversation(random.Random(11).random) != prose.long_conversation(random.Random(12).random)
