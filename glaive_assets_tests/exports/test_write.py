"""write_export: the files, their counts and hashes, atomic replacement, strict JSON, bad input."""

from __future__ import annotations

import hashlib
import json

import orjson
import pytest

from glaive_assets.exports import write as W
from glaive_assets.exports.write import write_export
from glaive_assets_tests.exports.rows import CALL_ROW, ONE_CALL_ROW, PLAIN_ROW, row


def _splits(train=(), validation=(), test=()):
    return {"train": list(train), "validation": list(validation), "test": list(test)}


def _hand_splits():
    return _splits([row(CALL_ROW), row(PLAIN_ROW, split="train", sample_weight=2.0)], [row(ONE_CALL_ROW)],
                   [row(PLAIN_ROW)])


@pytest.mark.parametrize("export_format, side_file", [("hf", "README.md"), ("openai", "README.md"),
                                                      ("sharegpt", "dataset_info.json")])
def test_files_counts_and_hashes(tmp_path, export_format, side_file):
    result = write_export(export_format, tmp_path / export_format, _hand_splits())
    # sharegpt leaves CALL_ROW out (two observations in a row)
    expected_train = 1 if export_format == "sharegpt" else 2
    assert result.rows == {"train": expected_train, "validation": 1, "test": 1}
    assert [a.path.name for a in result.artifacts] == ["train.jsonl", "validation.jsonl", "test.jsonl", side_file]
    assert [a.name for a in result.artifacts] == [f"{export_format}/{n}" for n in
                                                 ("train", "validation", "test", side_file.split(".")[0])]
    for artifact in result.artifacts:
        body = artifact.path.read_bytes()
        assert artifact.sha256 == hashlib.sha256(body).hexdigest() and artifact.size_bytes == len(body)
    for artifact in result.artifacts[:3]:
        assert artifact.rows == len(artifact.path.read_bytes().splitlines())
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(a.path.name for a in result.artifacts)


def test_hf_counts_calls_text_and_preview(tmp_path):
    result = write_export("hf", tmp_path, _hand_splits())
    assert (result.calls, result.text_before_call, result.rows_left_out, result.left_out) == (3, 1, 0, {})
    assert [line["id"] for line in result.preview] == ["a" * 32, "b" * 32]
    assert result.preview[1]["sample_weight"] == 2.0


def test_sharegpt_leaves_out_what_the_loader_refuses(tmp_path):
    result = write_export("sharegpt", tmp_path, _hand_splits())
    # CALL_ROW: two observations in a row
    assert result.rows_left_out == 1
    assert result.left_out == {"role_out_of_turn": 1, "ends_without_answer": 1, "observation_without_call": 1}
    assert (result.calls, result.text_before_call) == (1, 0)
    assert [orjson.loads(line)["id"] for line in result.artifacts[0].iter_lines()] == ["b" * 32]


def test_a_row_marked_for_another_split_is_refused(tmp_path):
    with pytest.raises(ValueError, match="marked 'validation' but was given as 'train'"):
        write_export("hf", tmp_path, _splits([row(ONE_CALL_ROW)]))


def test_unknown_format_and_missing_splits_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'csv'"):
        write_export("csv", tmp_path, _hand_splits())
    with pytest.raises(ValueError, match="splits must be exactly"):
        write_export("hf", tmp_path, {"train": []})


def test_a_failed_write_leaves_the_previous_files_whole(tmp_path):
    first = write_export("hf", tmp_path, _hand_splits())
    before = {a.path: a.path.read_bytes() for a in first.artifacts}

    def rows_then_failure():
        yield row(CALL_ROW)
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="source went away"):
        write_export("hf", tmp_path, {"train": rows_then_failure(), "validation": [], "test": []})
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "test.jsonl", "train.jsonl", "validation.jsonl"]


def test_lines_are_strict_json(tmp_path):
    """Strict JSON (no NaN/Infinity); a non-finite float inside the arguments cannot reach the file."""
    weird = row(ONE_CALL_ROW, split="train", sample_weight=1.0)
    weird["messages"][2]["tool_calls"][0]["function"]["arguments"] = '{"city": "Oslo", "n": 1e400}'
    with pytest.raises(orjson.JSONDecodeError):
        write_export("hf", tmp_path, _splits([weird]))
    result = write_export("openai", tmp_path / "o", _splits([row(CALL_ROW)]))
    text = result.artifacts[0].path.read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard constant {name}"))
    assert W.PREVIEW_ROWS == 3


def test_several_formats_in_one_pass_write_what_each_alone_writes(tmp_path):
    together = W.write_exports({name: tmp_path / "together" / name for name in W.EXPORT_FORMATS},
                               {split: iter(rows) for split, rows in _hand_splits().items()},
                               training_report={"chatml_rows": 5}, source_revision="r1")
    assert list(together) == list(W.EXPORT_FORMATS)
    for name in W.EXPORT_FORMATS:
        alone = write_export(name, tmp_path / "alone" / name, _hand_splits(), training_report={"chatml_rows": 5},
                             source_revision="r1")
        assert [a.path.read_bytes() for a in together[name].artifacts] == [a.path.read_bytes() for a in alone.artifacts]
        assert [(a.name, a.rows, a.sha256) for a in together[name].artifacts] == [
            (a.name, a.rows, a.sha256) for a in alone.artifacts]
        assert (together[name].rows, together[name].calls, together[name].rows_left_out, together[name].preview) == (
            alone.rows, alone.calls, alone.rows_left_out, alone.preview)
    assert together["sharegpt"].rows_left_out == 1 and together["hf"].rows_left_out == 0


def test_an_unknown_format_among_several_is_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'alpaca'"):
        W.write_exports({"hf": tmp_path / "hf", "alpaca": tmp_path / "alpaca"}, _hand_splits())
    assert not (tmp_path / "hf").exists()
