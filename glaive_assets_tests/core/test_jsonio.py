"""jsonio.dumps_line: strict JSON lines whatever the object holds; never raises."""

from __future__ import annotations

import json
import math

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from glaive_assets.core.jsonio import (
    MAX_WRITE_DEPTH,
    TOO_DEEP_MARKER,
    JsonlLineError,
    dumps_line,
    read_jsonl,
    repair_text,
)


def strict_loads(line: bytes):
    """Parse as RFC 8259 JSON: valid UTF-8, no NaN/Infinity (orjson is strict on both)."""
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    line.decode("utf-8")  # valid UTF-8 or raise
    return orjson.loads(line)


def test_plain_objects_use_the_fast_path():
    assert dumps_line({"a": [1, 2.5, None, True, "é"]}) == '{"a":[1,2.5,null,true,"é"]}\n'.encode()


def test_non_finite_floats_become_null():
    assert strict_loads(dumps_line({"x": math.inf, "y": -math.inf, "z": math.nan})) == {"x": None, "y": None, "z": None}


def test_lone_surrogates_are_replaced_and_pairs_joined():
    line = dumps_line({"lone": "a\ud800b", "pair": "\ud83d\ude00", "key\udfff": 1})
    assert strict_loads(line) == {"lone": "a\ufffdb", "pair": "😀", "key\ufffd": 1}


def test_big_integers_are_kept_exactly():
    line = dumps_line({"n": 2**70})
    assert line == b'{"n":1180591620717411303424}\n'
    assert json.loads(line) == {"n": 2**70}
    assert strict_loads(dumps_line({"n": 10**5000})) == {"n": "<integer too large>"}


def test_nesting_beyond_orjson_is_written_with_a_marker():
    deep: list = []
    cursor = deep
    for _ in range(10_000):
        cursor.append([])
        cursor = cursor[0]
    value = strict_loads(dumps_line({"deep": deep}))
    depth = 0
    node = value["deep"]
    while isinstance(node, list):
        node = node[0]
        depth += 1
    assert node == TOO_DEEP_MARKER
    assert depth == MAX_WRITE_DEPTH - 1  # the outer dict is level 0


def test_odd_python_objects():
    class Thing:
        def __str__(self) -> str:
            return "thing"

    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no")

    cyclic: list = []
    cyclic.append(cyclic)
    value = strict_loads(dumps_line({1: Thing(), None: (1, 2), "b": b"\xffx", "c": {3}, "d": Broken(), "e": cyclic}))
    assert value == {"1": "thing", "null": [1, 2], "b": "\ufffdx", "c": [3], "d": "<unprintable Broken>",
                     "e": ["<cycle>"]}


def test_repair_text():
    assert repair_text("plain") == "plain"
    assert repair_text("\udc80") == "\ufffd"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_value_gives_one_strict_line(value):
    line = dumps_line(value)
    strict_loads(line)


def test_read_jsonl_yields_each_value_in_order(tmp_path):
    path = tmp_path / "processed.jsonl"
    path.write_bytes(b'{"source_index": 0}\n[1, 2]\n"text"\n')
    assert list(read_jsonl(path)) == [{"source_index": 0}, [1, 2], "text"]


def test_read_jsonl_names_the_broken_line(tmp_path):
    path = tmp_path / "processed.jsonl"
    path.write_bytes(b'{"source_index": 0}\n{"source_index": \n')
    reader = read_jsonl(path)
    assert next(reader) == {"source_index": 0}
    with pytest.raises(JsonlLineError, match=r"processed\.jsonl:2: not a JSON value"):
        next(reader)


def test_read_jsonl_refuses_nan(tmp_path):
    path = tmp_path / "processed.jsonl"
    path.write_bytes(b'{"num_turns": NaN}\n')
    with pytest.raises(JsonlLineError, match=":1:"):
        list(read_jsonl(path))
