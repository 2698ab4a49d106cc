"""The first rows of a source, checked before glaive_raw writes: each kind of unusable source fails
with its own message; a usable one passes every row through, in order."""

import orjson
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.readers import iter_source_rows
from glaive_assets.storage.source_check import FIRST_ROWS, UnusableSource, check_first_rows
from glaive_assets_tests.harness.dagster_helpers import sample_rows

END = "The previous artifacts are unchanged."


def check(path):
    settings = SourceSettings(str(path), 0, 1)
    return list(check_first_rows(iter_source_rows(settings), settings)[1])


def write_lines(path, rows):
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return path


def test_a_usable_source_passes_every_row_in_order(tmp_path):
    rows = [None] * 5 + sample_rows(3)  # the first usable row is the sixth
    assert check(write_lines(tmp_path / "rows.jsonl", rows)) == list(enumerate(rows))


def test_an_empty_file_says_it_yields_no_rows(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"")
    with pytest.raises(UnusableSource) as raised:
        check(path)
    assert str(raised.value) == (f"glaive_raw stopped before replacing anything: the source {str(path)!r} yields no "
                                 f"rows. The file is empty (0 bytes). {END}")


def test_a_utf16_jsonl_names_the_reason_and_the_encoding(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes("".join(orjson.dumps(row).decode() + "\n" for row in sample_rows(4)).encode("utf-16"))
    with pytest.raises(UnusableSource) as raised:
        check(path)
    # Split at b"\n", four UTF-16 lines make five byte lines (the last one the "\x00" after the last "\n").
    assert str(raised.value) == (
        f"glaive_raw stopped before replacing anything: none of the 5 rows of the source {str(path)!r} is usable. "
        "Top reasons: unreadable_row ×5. The file is UTF-16 text (little-endian: it starts with the byte-order mark "
        f"FF FE); the readers take UTF-8: save it as UTF-8. {END}")


def test_a_utf16_json_array_says_what_the_file_is(tmp_path):
    path = tmp_path / "rows.json"
    path.write_bytes(orjson.dumps(sample_rows(2)).decode().encode("utf-16"))
    with pytest.raises(SourceError, match=r"not valid UTF-8 .*\. The file is UTF-16 text \(little-endian"):
        check(path)


SHAREGPT_ROW = {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}], "tools": ""}
OPENAI_ROW = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
EXPECTED = ("expected one of the layouts glaive {system, chat}, sharegpt {conversations: [{from, value}], tools}, "
            "openai {messages: [{role, content}], tools}")


def check_layout(path, source_format="auto"):
    settings = SourceSettings(str(path), 0, 1, source_format=source_format)
    row_format, rows = check_first_rows(iter_source_rows(settings), settings)
    return row_format, list(rows)


@pytest.mark.parametrize(("rows", "row_format"), [
    ([SHAREGPT_ROW] * 3, "sharegpt"),
    ([OPENAI_ROW] * 2, "openai"),
    ([None, SHAREGPT_ROW, OPENAI_ROW, OPENAI_ROW], "openai"),  # the most common layout decides
    (sample_rows(2), "glaive"),
])
def test_the_layout_is_detected_from_the_first_rows(tmp_path, rows, row_format):
    assert check_layout(write_lines(tmp_path / "rows.jsonl", rows)) == (row_format, list(enumerate(rows)))


def test_a_forced_layout_overrides_detection(tmp_path):
    # Rows carrying both layouts' keys: detection says glaive, the setting says sharegpt.
    rows = [{**SHAREGPT_ROW, "chat": "not Glaive text"}] * 2
    path = write_lines(tmp_path / "rows.jsonl", rows)
    with pytest.raises(UnusableSource, match="Top reasons: missing_system ×2"):
        check_layout(path)
    assert check_layout(path, "sharegpt") == ("sharegpt", list(enumerate(rows)))


def test_a_forced_layout_the_rows_do_not_have_says_which_they_have(tmp_path):
    path = write_lines(tmp_path / "rows.jsonl", [SHAREGPT_ROW] * 2)
    with pytest.raises(UnusableSource) as raised:
        check_layout(path, "openai")
    assert str(raised.value) == (
        f"glaive_raw stopped before replacing anything: none of the 2 rows of the source {str(path)!r} is usable. "
        "Top reasons: missing_messages ×2. The rows look like the sharegpt {conversations: [{from, value}], tools} "
        "layout, but GLAIVE_SOURCE_FORMAT=openai expects openai {messages: [{role, content}], tools} (unset it to "
        f"detect the layout). {END}")


def test_a_file_in_no_layout_says_what_its_first_row_is_and_what_was_expected(tmp_path):
    path = write_lines(tmp_path / "rows.jsonl", [{"prompt": "p", "completion": "c"}] * 3)
    with pytest.raises(UnusableSource) as raised:
        check(path)
    assert str(raised.value) == (
        f"glaive_raw stopped before replacing anything: none of the 3 rows of the source {str(path)!r} is usable. "
        "Top reasons: missing_chat ×3, missing_system ×3. The first row is a JSON object with the keys `completion`, "
        f"`prompt`; {EXPECTED}. {END}")


def test_only_the_first_rows_are_read_before_deciding(tmp_path):
    path = write_lines(tmp_path / "rows.jsonl", [None] * FIRST_ROWS + sample_rows(1))
    with pytest.raises(UnusableSource, match=rf"none of the first {FIRST_ROWS:,} rows .* row_not_object ×{FIRST_ROWS:,}"):
        check(path)
