"""The rows' layout, detected from the first rows, and what a file or its rows look like, in words (for the
error when no row is usable)."""

import gzip

import pytest

from glaive_assets.sources.sniff import describe_file, describe_rows, detect_format


@pytest.mark.parametrize(("body", "description"), [
    (b"", "The file is empty (0 bytes)."),
    (b" \n\n\t", "The file holds only whitespace."),
    ('{"a": 1}\n'.encode("utf-16"), "The file is UTF-16 text (little-endian: it starts with the byte-order mark FF FE); "
                                    "the readers take UTF-8: save it as UTF-8."),
    (b"\xfe\xff\x00{", "The file is UTF-16 text (big-endian: it starts with the byte-order mark FE FF); "
                       "the readers take UTF-8: save it as UTF-8."),
    ('{"a": 1}'.encode("utf-32"), "The file is UTF-32 text (little-endian: it starts with the byte-order mark FF FE 00 00); "
                                  "the readers take UTF-8: save it as UTF-8."),
    ('{"a": 1}\n'.encode("utf-16-le"), "The file looks like UTF-16 text without a byte-order mark (every other byte is 0); "
                                       "save it as UTF-8."),
    (b'\xef\xbb\xbf{"a": 1}\n', "The file starts with a UTF-8 byte-order mark (EF BB BF), which the readers skip."),
    (b'{"system": "SYSTEM: x", "chat": "USER: y"}\n', None),
])
def test_a_file_is_described_by_its_first_bytes(tmp_path, body, description):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(body)
    assert describe_file(path) == description


EXPECTED = ("expected one of the layouts glaive {system, chat}, sharegpt {conversations: [{from, value}], tools}, "
            "openai {messages: [{role, content}], tools}")
SHAREGPT_ROW = {"conversations": [{"from": "human", "value": "hi"}], "tools": ""}
OPENAI_ROW = {"messages": [{"role": "user", "content": "hi"}], "tools": []}


@pytest.mark.parametrize(("rows", "found"), [
    ([SHAREGPT_ROW] * 3, "sharegpt"),
    ([OPENAI_ROW] * 2 + [{"x": 1}], "openai"),
    ([{"system": 5, "chat": None}], "glaive"),  # the Glaive keys, with bad values: the reasons say the rest
    ([{"system": "s", "conversations": []}], "sharegpt"),  # a sharegpt row may carry a system
    ([SHAREGPT_ROW, OPENAI_ROW, {"system": "s", "chat": "c"}], "glaive"),  # a tie goes to glaive
    ([SHAREGPT_ROW, OPENAI_ROW, OPENAI_ROW, {"system": "s", "chat": "c"}], "openai"),
    ([{"prompt": "p"}, None, [1]], None),
    ([], None),
])
def test_the_layout_is_the_most_common_among_the_first_rows(rows, found):
    assert detect_format(rows) == found


@pytest.mark.parametrize(("rows", "description"), [
    ([{"prompt": "p", "answer": "a"}], f"The first row is a JSON object with the keys `answer`, `prompt`; {EXPECTED}."),
    ([{f"k{i:02}": i for i in range(10)}],
     f"The first row is a JSON object with the keys `k00`, `k01`, `k02`, `k03`, `k04`, `k05`, `k06`, `k07` and 2 more; "
     f"{EXPECTED}."),
    ([[1, 2], [3]], f"The first row is JSON an array, not an object; {EXPECTED}."),
    ([None, None, 4], f"The first row is JSON null, not an object; {EXPECTED}."),
    ([{}], f"The first row is an empty JSON object; {EXPECTED}."),
    ([SHAREGPT_ROW], None),  # a known layout: the reject reasons say the rest
    ([], None),
])
def test_rows_in_no_layout_are_described_by_their_first_row(rows, description):
    assert describe_rows(rows) == description


def test_a_forced_layout_names_the_one_the_rows_have():
    assert describe_rows([SHAREGPT_ROW], "openai") == (
        "The rows look like the sharegpt {conversations: [{from, value}], tools} layout, but "
        "GLAIVE_SOURCE_FORMAT=openai expects openai {messages: [{role, content}], tools} (unset it to detect the layout).")
    assert describe_rows([{"a": 1}], "glaive") == (
        "The first row is a JSON object with the keys `a`; GLAIVE_SOURCE_FORMAT=glaive expects glaive {system, chat}.")
    assert describe_rows([OPENAI_ROW], "openai") is None


def test_a_compressed_file_is_described_by_its_decompressed_bytes(tmp_path):
    path = tmp_path / "rows.jsonl.gz"
    path.write_bytes(gzip.compress('{"a": 1}\n'.encode("utf-16")))
    assert describe_file(path, "gzip") == ("The file is UTF-16 text (little-endian: it starts with the byte-order mark "
                                           "FF FE); the readers take UTF-8: save it as UTF-8.")
    path.write_bytes(gzip.compress(b""))
    assert describe_file(path, "gzip") == "The file decompresses to 0 bytes."
