"""Long general conversations for the sample's rows without functions, sized like the real ones.

In the real rows without functions (the 209 of the 606 in ../shared/glaive) a chat holds 2 to 7 user
turns (mean 3.6) and about 3,700 bytes: a detailed request, answers of several paragraphs, often with
code, then follow-up questions, sometimes on another topic. `long_conversation` draws the chat's size
and its number of exchanges from those rows' distributions (EXCHANGE_WEIGHTS, CHAT_BYTES_*), then fills
each answer with points of a topic (sample_topics.py) until its share of the size is reached.
"""

from __future__ import annotations

import bisect
import itertools
import math

from glaive_assets.sources import sample_content as content
from glaive_assets.sources.sample_topics import (
    BRIDGES,
    CLOSINGS,
    LEADS,
    TEXT_TASK_LEADS,
    TEXT_TASKS,
    TOPIC_SWITCHES,
    TOPICS,
    Topic,
)

END = " <|endoftext|>"
# User turns per chat, as in the real rows without functions: mostly 2 or 5 (mean 3.6).
EXCHANGE_WEIGHTS = ((1, 0.01), (2, 0.38), (3, 0.12), (4, 0.08), (5, 0.33), (6, 0.06), (7, 0.02))
# Characters of the whole chat: log-normal around the real rows' median, clamped to their range.
CHAT_BYTES_MEDIAN = 3_450
CHAT_BYTES_SIGMA = 0.42
CHAT_BYTES_MIN, CHAT_BYTES_MAX = 1_200, 11_000
FIRST_ANSWER_WEIGHT = 1.6  # the first answer is the longest
SHORT_EXCHANGE_RATE = 0.12  # a later exchange is a quick computed question (sample_content's families)
TEXT_TASK_RATE = 0.15  # the first request hands over a paragraph to summarize or rewrite
TOPIC_SWITCH_RATE = 0.3  # a follow-up moves to another topic

_EXCHANGE_COUNTS = [count for count, _ in EXCHANGE_WEIGHTS]
_EXCHANGE_CUMULATIVE = [sum(weight for _, weight in EXCHANGE_WEIGHTS[: i + 1]) for i in range(len(EXCHANGE_WEIGHTS))]


def _pick(rand, options):
    return options[int(rand() * len(options))]


class _TopicText:
    """A topic's points twice over, with running lengths, so a run of points of a given size is one bisect."""

    def __init__(self, topic: Topic) -> None:
        self.topic = topic
        self.points = list(topic.points + topic.points)
        self.ends = list(itertools.accumulate(len(point) + 1 for point in self.points))  # +1: the space or newline


_TEXTS = [_TopicText(topic) for topic in TOPICS]


class _Reading:
    """One topic in one chat: its points are used once each, in order from a random starting point."""

    def __init__(self, rand, index: int) -> None:
        self.text = _TEXTS[index]
        self.topic = self.text.topic
        self.next = int(rand() * len(self.topic.points))
        self.stop = self.next + len(self.topic.points)
        self.asked: set[str] = set()

    def left(self) -> int:
        return self.stop - self.next

    def take(self, budget: int) -> tuple[list[str], int]:
        """The next points (one at least, while any is left) up to about `budget` characters, and their size."""
        first, ends = self.next, self.text.ends
        before = ends[first - 1] if first else 0
        last = min(self.stop, max(first + 1, bisect.bisect_left(ends, before + budget, first, self.stop) + 1))
        self.next = last
        return self.text.points[first:last], (ends[last - 1] - before if last > first else 0)

    def question(self, rand) -> str:
        fresh = [q for q in self.topic.follow_ups if q not in self.asked] or list(self.topic.follow_ups)
        question = _pick(rand, fresh)
        self.asked.add(question)
        return question


def _chat_size(rng) -> int:
    size = CHAT_BYTES_MEDIAN * math.exp(CHAT_BYTES_SIGMA * rng.gauss(0.0, 1.0))
    return int(min(CHAT_BYTES_MAX, max(CHAT_BYTES_MIN, size)))


def _exchange_count(rand) -> int:
    u = rand() * _EXCHANGE_CUMULATIVE[-1]
    for count, bound in zip(_EXCHANGE_COUNTS, _EXCHANGE_CUMULATIVE):
        if u < bound:
            return count
    return _EXCHANGE_COUNTS[-1]


def _answer(rand, readings: dict[int, _Reading], reading: _Reading, budget: int, example: str) -> tuple[str, _Reading]:
    """Points of the topic, as paragraphs or a numbered list, until the budget (in characters) is spent.

    A long answer that uses up its topic goes on to a related one; the reading it ends on is returned.
    """
    subject = reading.topic.subject
    lead = _pick(rand, LEADS).replace("{subject}", subject)
    points, size = reading.take(budget - len(lead) - len(example))
    size += len(lead) + len(example)
    while size < budget:
        if not reading.left():
            reading = _switch_to(rand, readings)
            points.append(_pick(rand, BRIDGES).replace("{subject}", reading.topic.subject))
        more, more_size = reading.take(budget - size)
        points += more
        size += more_size
    if len(points) > 2 and rand() < 0.3:
        body = points[0] + "\n" + "\n".join(f"{n}. {point}" for n, point in enumerate(points[1:], start=1))
    else:
        step = 2 + int(rand() * 2)  # sentences per paragraph
        body = "\n\n".join([" ".join(points[index:index + step]) for index in range(0, len(points), step)])
    if example:
        body += "\n\n" + example
    closing = _pick(rand, CLOSINGS).replace("{subject}", subject)
    return lead + body + ("\n\n" + closing if closing else ""), reading


def _text_task(rand, budget: int) -> tuple[str, str]:
    """A request that hands over a paragraph (points of a topic), answered with a shorter version of it."""
    reading = _Reading(rand, int(rand() * len(TOPICS)))
    count = min(reading.left(), 3 + int(rand() * 3))
    given = reading.text.points[reading.next:reading.next + count]
    kept = given[: max(1, min(len(given), budget // 160))]
    return _pick(rand, TEXT_TASKS) + " ".join(given), _pick(rand, TEXT_TASK_LEADS) + " ".join(kept)


def _switch_to(rand, readings: dict[int, _Reading]) -> _Reading:
    """Another topic, not yet used in this chat if one is left."""
    index = int(rand() * len(TOPICS))
    while index in readings and len(readings) < len(TOPICS):
        index = (index + 1) % len(TOPICS)
    readings[index] = readings.get(index) or _Reading(rand, index)
    return readings[index]


def long_conversation(rand) -> list[str]:
    """The turns of a chat without functions: USER / ASSISTANT pairs, each assistant turn ending END."""
    rng = rand.__self__  # the row's own Random
    exchanges = _exchange_count(rand)
    share = _chat_size(rng) / (exchanges - 1 + FIRST_ANSWER_WEIGHT)
    readings: dict[int, _Reading] = {}
    reading = _switch_to(rand, readings)
    turns: list[str] = []
    for number in range(exchanges):
        if number == 0:
            budget = int(share * FIRST_ANSWER_WEIGHT)
            if rand() < TEXT_TASK_RATE:
                request, answer = _text_task(rand, budget)
            else:
                example = reading.topic.example if rand() < 0.6 else ""
                request = _pick(rand, reading.topic.openings)
                answer, reading = _answer(rand, readings, reading, budget - len(request), example)
        elif rand() < SHORT_EXCHANGE_RATE:
            request, answer = _pick(rand, content.QUESTION_FAMILIES)(rng)
        else:
            if reading.left() < 2 or rand() < TOPIC_SWITCH_RATE:
                reading = _switch_to(rand, readings)
                question = _pick(rand, reading.topic.openings)  # follow-ups need the topic's context
                switch = _pick(rand, TOPIC_SWITCHES)
                lowered = question if question.startswith(("I ", "I'")) else question[0].lower() + question[1:]
                request = switch.replace("{question}", question).replace("{question_lower}", lowered)
            else:
                request = reading.question(rand)
            answer, reading = _answer(rand, readings, reading, int(share) - len(request), "")
        turns.append("USER: " + request)
        turns.append("ASSISTANT: " + answer + END)
    return turns
