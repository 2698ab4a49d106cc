"""A .jsonl file: every line at its index, unreadable ones kept as UnreadableRow."""

from __future__ import annotations

import hashlib

import pytest

from glaive_assets.sources.errors import OversizedRow, UnreadableRow
from glaive_assets.sources.readers.jsonl import iter_jsonl
from glaive_assets_tests.fixtures.sources import FIXTURES, fixture_rows, read


def test_jsonl_keeps_unreadable_lines_and_odd_values_at_their_index():
    rows = list(read(str(FIXTURES / "rows.jsonl"), 0, 1))
    glaive = fixture_rows()
    assert [index for index, _ in rows] == list(range(9))  # the blank line is not a row
    assert rows[0] == (0, glaive[0])
    assert rows[1] == (1, glaive[1])
    assert rows[2] == (2, UnreadableRow(
        '{"system": "SYSTEM: cut off", "chat": "USER: hel',
        "not JSON: Unterminated string starting at: line 1 column 39 (char 38)"))  # fmt: skip
    assert rows[3] == (3, None)
    assert rows[4] == (4, 7)
    assert rows[5] == (5, glaive[2])  # a CRLF line ending is not part of the row
    assert rows[6] == (6, UnreadableRow('{"value": NaN}', "not JSON: NaN is not valid JSON"))
    assert rows[7] == (7, "\ud83d alone")  # a lone surrogate is kept, for the core to flag
    assert rows[8] == (8, glaive[3])


def test_jsonl_bytes_that_are_not_utf8_become_an_unreadable_row(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n{"b": "caf\xe9"}\n12345678901234567890123456789\n')
    assert list(read(str(path), 0, 1)) == [
        (0, {"a": 1}),  # the BOM is dropped
        (1, UnreadableRow('{"b": "caf\ufffd"}', "invalid UTF-8 at byte 10")),
        (2, 12345678901234567890123456789),  # big integers stay integers
    ]


def test_unreadable_row_is_a_frozen_value():
    row = UnreadableRow("x", "not JSON")
    assert (row.text, row.error) == ("x", "not JSON")
    with pytest.raises(AttributeError):
        row.text = "y"  # type: ignore[misc]


def test_a_line_over_the_row_limit_is_never_decoded_but_measured_and_hashed(tmp_path):
    big = b'{"system": "' + b"x" * 5000 + b'", "chat": "y"}'
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n\n' + big + b'\r\n{"b": 2}\n' + big)  # the last line has no newline
    oversized = OversizedRow(len(big), 1024, hashlib.sha256(big).hexdigest(), big[:200].decode())
    assert list(iter_jsonl(path, 0, 1, max_row_bytes=1024)) == [
        (0, {"a": 1}), (1, oversized), (2, {"b": 2}), (3, oversized)]
    assert [type(row) for _, row in iter_jsonl(path, 0, 1, max_row_bytes=len(big))] == [dict] * 4


def test_a_number_beyond_a_double_is_an_unreadable_row_not_a_null(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_text('{"a": 1e999}\n{"a": -1E+400}\n{"a": 1e300}\n')
    assert list(read(str(path), 0, 1)) == [
        (0, UnreadableRow('{"a": 1e999}', "not JSON: the number 1e999 is beyond a double's range")),
        (1, UnreadableRow('{"a": -1E+400}', "not JSON: the number -1E+400 is beyond a double's range")),
        (2, {"a": 1e300}),
    ]
