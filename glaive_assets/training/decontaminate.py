"""Decontamination: find training rows that contain an eval set's question.

Eval files are JSON lines, one item per line, in either format (told apart line by line):
- BFCL: {"id": ..., "question": [[{"role": "user", "content": ...}, ...], ...], "function": [...]}
  ("question" may also be one list of messages, or a string);
- OpenAI messages: {"messages": [{"role": "user", "content": ...}, ...], ["id": ...]}; an item
  without an id is named "line:N".
An item's question texts are its user messages, normalized (text.normalize_text).

A training row is contaminated by an item when
- one of its user turns, normalized, shares a run of `ngram_words` words with one of the item's
  user messages (n-grams never span two messages); or
- one of its user turns, or all its user turns joined by a space, equals the item's whole question
  (its user messages joined by a space): this catches questions shorter than the n-gram.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glaive_assets.core.jsonio import read_jsonl
from glaive_assets.training.text import normalize_text

MATCH_NGRAM = "ngram"
MATCH_EXACT_QUESTION = "exact_question"


class EvalSetError(ValueError):
    """An eval file that cannot be read as BFCL or OpenAI-messages JSON lines."""


@dataclass(frozen=True, slots=True)
class Contamination:
    eval_file: str
    eval_id: str
    match: str  # MATCH_NGRAM or MATCH_EXACT_QUESTION
    eval_files: tuple[str, ...]  # every eval file with a match (for the per-file counts)


@dataclass
class EvalIndex:
    ngram_words: int
    files: list[str] = field(default_factory=list)
    items_per_file: dict[str, int] = field(default_factory=dict)
    # n-gram text / whole question -> every (file, item id) holding it, first seen first
    ngrams: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    questions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # first word of an n-gram -> its possible last words: most positions of a training turn fail this
    # test and are never joined into a string (measured with 1,000 eval items: the whole check costs
    # ~4 us a row, about what joining every 13-gram alone cost before)
    ends: dict[str, set[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.files)


def _content_text(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict)
                        and isinstance(part.get("text"), str))
    return ""


def _user_texts(messages: Any) -> list[str]:
    if not isinstance(messages, list):
        return []
    texts = []
    for message in messages:
        if isinstance(message, list):  # BFCL: a list of turns, each a list of messages
            texts.extend(_user_texts(message))
        elif isinstance(message, dict) and message.get("role") == "user":
            texts.append(_content_text(message.get("content")))
    return texts


def eval_item(item: Any, line_number: int, path: str) -> tuple[str, list[str]]:
    """(item id, user texts) of one eval line."""
    if not isinstance(item, dict):
        raise EvalSetError(f"{path}:{line_number}: an eval item must be a JSON object")
    if "question" in item:
        question = item["question"]
        texts = [question] if isinstance(question, str) else _user_texts(question)
    elif "messages" in item:
        texts = _user_texts(item["messages"])
    else:
        raise EvalSetError(f"{path}:{line_number}: neither BFCL (\"question\") nor OpenAI messages (\"messages\")")
    item_id = item.get("id")
    return (str(item_id) if item_id is not None else f"line:{line_number}"), texts


def ngrams(words: Sequence[str], size: int) -> Iterable[str]:
    return (" ".join(words[start:start + size]) for start in range(len(words) - size + 1))


def build_eval_index(paths: Iterable[str | Path], ngram_words: int = 13) -> EvalIndex:
    """Read every eval file into one index of n-grams and whole questions."""
    index = EvalIndex(ngram_words)
    for path in map(str, paths):
        index.files.append(path)
        count = 0
        for line_number, item in enumerate(read_jsonl(path), start=1):
            item_id, texts = eval_item(item, line_number, path)
            count += 1
            source = (path, item_id)
            normalized = [normalize_text(text) for text in texts]
            whole = " ".join(text for text in normalized if text)
            if whole:
                index.questions.setdefault(whole, []).append(source)
            for text in normalized:
                words = text.split()
                for start, gram in enumerate(ngrams(words, ngram_words)):
                    index.ngrams.setdefault(gram, []).append(source)
                    index.ends.setdefault(words[start], set()).add(words[start + ngram_words - 1])
        index.items_per_file[path] = count
    return index


def find_contamination(index: EvalIndex, user_turns: Sequence[str]) -> Contamination | None:
    """The first eval item a row's normalized user turns match (exact question before n-gram)."""
    if not index:
        return None
    matches: list[tuple[str, list[tuple[str, str]]]] = []
    questions = index.questions
    for text in (*user_turns, " ".join(turn for turn in user_turns if turn)):
        if text in questions:
            matches.append((MATCH_EXACT_QUESTION, questions[text]))
    grams, ends = index.ngrams, index.ends
    last = index.ngram_words - 1
    for turn in user_turns:
        words = turn.split()
        for start in range(len(words) - last):
            possible_ends = ends.get(words[start])
            if possible_ends is not None and words[start + last] in possible_ends:
                gram = " ".join(words[start:start + last + 1])
                if gram in grams:
                    matches.append((MATCH_NGRAM, grams[gram]))
    if not matches:
        return None
    kind, sources = matches[0]
    files = tuple(dict.fromkeys(eval_file for _, found in matches for eval_file, _ in found))
    return Contamination(sources[0][0], sources[0][1], kind, files)
