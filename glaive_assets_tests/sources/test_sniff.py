"""What a file or its rows look like, in words (for the error when no row is usable)."""

import pytest

from glaive_assets.sources.sniff import describe_file, describe_rows

GLAIVE = "the Glaive layout, one object {system, chat} per row"


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


@pytest.mark.parametrize(("rows", "description"), [
    ([{"conversations": [{"from": "human", "value": "hi"}]}] * 3,
     f"The rows look like the ShareGPT layout (a `conversations` list of {{from, value}} turns), not {GLAIVE}."),
    ([{"messages": [{"role": "user", "content": "hi"}], "tools": []}] * 2 + [{"x": 1}],
     f"The rows look like the OpenAI chat layout (a `messages` list of {{role, content}}), not {GLAIVE}."),
    ([{"prompt": "p", "answer": "a"}], f"The rows are objects with the keys `answer`, `prompt`, not {GLAIVE}."),
    ([[1, 2], [3]], f"The rows are JSON arrays, not {GLAIVE}."),
    ([None, None, 4], f"The rows are JSON nulls, not {GLAIVE}."),
    ([{"system": 5, "chat": None}], None),  # the Glaive keys, with bad values: the reasons say the rest
    ([], None),
])
def test_rows_are_described_by_their_most_common_shape(rows, description):
    assert describe_rows(rows) == description
