"""A .json array, streamed with bounded memory across chunk boundaries."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glaive_assets.sources.errors import OversizedRow, SourceError
from glaive_assets.sources.readers import json_array
from glaive_assets_tests.fixtures.sources import FIXTURES, NO_FUNCTIONS, fixture_rows, read


def test_a_json_array_yields_every_element_as_it_is_with_its_position():
    rows = list(read(str(FIXTURES / "rows.json"), 0, 1))
    assert rows == list(enumerate(fixture_rows()))
    assert rows[4:] == [(4, None), (5, 42), (6, ["not", "a", "row"]), (7, {"system": "SYSTEM: x"})]
    assert rows[1][1] == {
        "system": NO_FUNCTIONS,
        "chat": "USER: Name a fruit that starts with Q.\n\n\nASSISTANT: Quince! <|endoftext|>\n\n\n",
    }


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_json_arrays_are_streamed_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    # Numbers and literals cut by a chunk end must be read whole; strings, escapes and nesting too.
    values = [123456789012345678901234567890, -0.5e-3, True, False, None, "a\"b\\c é 😀 \ud800", {"k": [1, {"x": []}]},
              [], {}, 7, {"system": "SYSTEM: s", "chat": "USER: u\n\n\n"}, 1e300]
    path = tmp_path / "values.json"
    path.write_text("\ufeff [\n " + " ,\r\n".join(json.dumps(v) for v in values) + "\n] \n", encoding="utf-8")
    monkeypatch.setattr(json_array, "JSON_CHUNK_CHARS", chunk)
    assert list(read(str(path), 0, 3)) == list(enumerate(values))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(JSON_VALUES, max_size=6), chunk=st.integers(1, 24), ascii_only=st.booleans(),
       indent=st.sampled_from([None, 0, 2]))  # fmt: skip
def test_any_json_array_streams_back_equal_whatever_the_chunk_size(tmp_path, monkeypatch, values, chunk, ascii_only,
                                                                    indent):  # fmt: skip
    path = tmp_path / "values.json"
    path.write_text(json.dumps(values, ensure_ascii=ascii_only, indent=indent), encoding="utf-8")
    monkeypatch.setattr(json_array, "JSON_CHUNK_CHARS", chunk)
    assert list(read(str(path), 0, 1)) == list(enumerate(values))


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"system": "s", "chat": "c"}', "must hold one JSON array of rows, but it starts with '{'"),
        ("", "the JSON ends before its first value"),
        ("[1, 2", "the JSON ends before ',' or ']' after row 1"),
        ("[1 2]", "expected ',' or ']' after row 0, found '2'"),
        ("[1, ]", "row 1 is not valid JSON"),
        ("[1, NaN]", "row 1 is not valid JSON: NaN is not valid JSON"),
        ('[{"a": 1}, {"a": tru}]', "row 1 is not valid JSON"),
        ("[1] [2]", "unexpected data after the array's closing ']' ('[')"),
    ],
)
def test_a_malformed_json_array_is_a_clear_source_error(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        list(read(str(path), 0, 1))
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_json_that_is_not_utf8_is_a_source_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'["caf\xe9"]')
    with pytest.raises(SourceError, match="not valid UTF-8"):
        list(read(str(path), 0, 1))


def test_an_empty_json_array_has_no_rows(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(" [ ] \n", encoding="utf-8")
    assert list(read(str(path), 0, 1)) == []


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_an_element_over_the_row_limit_is_read_past_and_measured(tmp_path, monkeypatch, chunk):
    """Objects, strings, arrays and numbers, with escapes and brackets inside strings, across chunk ends."""
    values = [{"system": "x" * 3000 + '\\"q', "chat": ["a]}", {"b": "\\\\"}]}, "y" * 3000 + 'é"\\', ["z" * 3000, {"k": [1]}],
              10 ** 3000, "é" * 600]
    texts = [json.dumps(value, ensure_ascii=False) for value in values]
    path = tmp_path / "rows.json"
    path.write_text("[" + ", ".join(['{"a": 1}', *[f'{text}, {{"n": {i}}}' for i, text in enumerate(texts)]]) + "]",
                    encoding="utf-8")
    monkeypatch.setattr(json_array, "JSON_CHUNK_CHARS", chunk)
    rows = [row for _, row in json_array.iter_json_array(path, 0, 1, max_row_bytes=1024)]
    expected = [{"a": 1}]
    for number, text in enumerate(texts):
        encoded = text.encode()
        expected += [OversizedRow(len(encoded), 1024, hashlib.sha256(encoded).hexdigest(), text[:200]), {"n": number}]
    assert rows == expected


def test_an_oversized_element_cut_by_the_end_of_the_file_is_a_source_error(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text('[{"a": "' + "x" * 3000, encoding="utf-8")
    with pytest.raises(SourceError, match="the JSON ends inside row 0"):
        list(json_array.iter_json_array(path, 0, 1, max_row_bytes=1024))
