"""The sample generator writes Glaive's raw byte layout, deterministically, with every quirk at its rate."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from glaive_assets.sources import sample
from glaive_assets.sources import sample_content as content
from glaive_assets.sources.sample import (
    KIND_CALLS,
    KIND_NO_CALL,
    KIND_NO_FUNCTIONS,
    KIND_RATES,
    QUIRK_RATES,
    SAMPLE_ALL_ROWS,
    SYSTEM_NO_FUNCTIONS,
    SYSTEM_WITH_FUNCTIONS,
    generate_sample_row,
    iter_sample_rows,
)

ROWS = 20_000
SEED = 20240521
SHARED = Path(__file__).resolve().parents[2] / "shared" / "glaive"
CALL = re.compile(r"""ASSISTANT: <functioncall> \{"name": "([^"]+)", "arguments": '(.*)'\} <\|endoftext\|>""", re.S)
END = " <|endoftext|>"


@pytest.fixture(scope="module")
def generated() -> list[sample.SampleRow]:
    return [generate_sample_row(SEED, index) for index in range(ROWS)]


def calls(chat: str) -> list[tuple[str, str]]:
    """(name, arguments text) of every well-formed call turn."""
    return [m.groups() for m in map(CALL.fullmatch, chat.split("\n\n\n")) if m]


def split_schemas(system: str) -> tuple[list[dict], list[str]]:
    """The schemas of a with-functions prompt and their texts, read the way FORMAT.md describes them."""
    assert system.startswith(SYSTEM_WITH_FUNCTIONS)
    body = system[len(SYSTEM_WITH_FUNCTIONS) :]
    decoder = json.JSONDecoder()
    schemas, texts, pos = [], [], 0
    while pos < len(body):
        schema, end = decoder.raw_decode(body, pos)
        schemas.append(schema)
        texts.append(body[pos:end])
        pos = end
        while pos < len(body) and body[pos] == "\n":
            pos += 1
    return schemas, texts


# --- prompts ------------------------------------------------------------------------------------------
def test_the_system_prompts_are_the_exact_glaive_strings():
    assert SYSTEM_NO_FUNCTIONS == "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n"
    assert SYSTEM_WITH_FUNCTIONS == (
        "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
    )


def test_rows_without_functions_carry_the_no_functions_prompt_byte_for_byte(generated):
    no_functions = [g for g in generated if g.kind == KIND_NO_FUNCTIONS]
    assert len(no_functions) > 5000
    assert {g.row["system"] for g in no_functions} == {SYSTEM_NO_FUNCTIONS}
    assert all(g.row["system"] != SYSTEM_NO_FUNCTIONS for g in generated if g.kind != KIND_NO_FUNCTIONS)


def test_schemas_are_pretty_printed_one_after_another_with_the_exact_endings(generated):
    counts = Counter()
    for g in generated:
        if g.kind == KIND_NO_FUNCTIONS:
            continue
        schemas, texts = split_schemas(g.row["system"])
        counts[len(schemas)] += 1
        # Each schema's text is json.dumps(indent=4) of itself: it round-trips byte for byte.
        assert texts == [json.dumps(s, indent=4) for s in schemas]
        ending = "\n" if len(texts) == 1 else "\n\n"
        assert g.row["system"] == SYSTEM_WITH_FUNCTIONS + "\n\n".join(texts) + ending
        assert all(list(s) == ["name", "description", "parameters"] for s in schemas)
    with_functions = sum(counts.values())
    assert set(counts) == {1, 2, 3, 4}  # 4 only where a duplicate was added to three
    # Most rows declare one function, as the real rows do (sample.FUNCTIONS_CUMULATIVE: about 88 %).
    assert 0.85 < counts[1] / with_functions < 0.90
    assert 0.10 < (counts[2] + counts[3]) / with_functions < 0.15


# --- chats ----------------------------------------------------------------------------------------------
def test_clean_rows_follow_the_turn_grammar_and_their_calls_validate(generated):
    checked_calls = 0
    validators: dict[str, jsonschema.Draft7Validator] = {}  # one per function: names are unique in clean rows
    for g in generated:
        if g.quirk is not None:
            continue
        chat = g.row["chat"]
        assert chat.endswith("\n\n\n")
        turns = chat[:-3].split("\n\n\n")
        declared = {}
        if g.kind != KIND_NO_FUNCTIONS:
            declared = {s["name"]: s for s in split_schemas(g.row["system"])[0]}
        calls = 0
        for position, turn in enumerate(turns):
            role = turn.split(": ", 1)[0]
            assert role in {"USER", "ASSISTANT", "FUNCTION RESPONSE"}, turn
            if role == "ASSISTANT":
                assert turn.endswith(END) and turn.count("<|endoftext|>") == 1
            else:
                assert "<|endoftext|>" not in turn
            if role == "FUNCTION RESPONSE":
                assert CALL.fullmatch(turns[position - 1])  # every response answers the call just before it
                assert isinstance(json.loads(turn[len("FUNCTION RESPONSE: ") :]), dict)
                assert turns[position + 1].startswith("ASSISTANT: ") and "<functioncall>" not in turns[position + 1]
            match = CALL.fullmatch(turn)
            if match:
                calls += 1
                assert turn.count("<functioncall>") == 1
                name, arguments = match.groups()
                if name not in validators:
                    jsonschema.Draft7Validator.check_schema(declared[name]["parameters"])
                    validators[name] = jsonschema.Draft7Validator(declared[name]["parameters"])
                assert validators[name].schema == declared[name]["parameters"]
                validators[name].validate(json.loads(arguments))
                checked_calls += 1
            else:
                assert "<functioncall>" not in turn
            if position:
                assert role != turns[position - 1].split(": ", 1)[0]  # roles alternate in clean rows
        assert turns[0].startswith("USER: ") and turns[-1].startswith("ASSISTANT: ")
        assert (calls > 0) == (g.kind == KIND_CALLS)
        assert calls <= 4
    assert checked_calls > 10_000


def test_the_mix_of_row_kinds_matches_the_real_dataset(generated):
    kinds = Counter(g.kind for g in generated)
    assert set(kinds) == {KIND_NO_FUNCTIONS, KIND_NO_CALL, KIND_CALLS}
    for kind, rate in KIND_RATES.items():
        expected = rate * ROWS
        assert abs(kinds[kind] - expected) < 4 * math.sqrt(expected), (kind, kinds[kind], expected)
    assert KIND_RATES[KIND_NO_FUNCTIONS] == pytest.approx(34_598 / 112_960)


def test_calls_per_row_run_from_one_to_four(generated):
    per_row = Counter(len(calls(g.row["chat"])) for g in generated if g.kind == KIND_CALLS and g.quirk is None)
    assert set(per_row) == {1, 2, 3, 4}
    total = sum(per_row.values())
    assert 0.68 < per_row[1] / total < 0.76
    assert 0.01 < per_row[4] / total < 0.04


def test_refusals_and_error_responses_appear(generated):
    chats = [g.row["chat"] for g in generated]
    refusals = sum("I'm sorry, but I don't have the capability to" in c for c in chats)
    errors = sum('FUNCTION RESPONSE: {"error": "' in c for c in chats)
    unavailable = sum('FUNCTION RESPONSE: {"status": "unavailable", "message": "' in c for c in chats)
    assert 0.05 < refusals / ROWS < 0.15
    assert 0.004 < errors / ROWS < 0.02
    assert 0.004 < unavailable / ROWS < 0.02


def test_non_ascii_text_appears_in_values(generated):
    chats = "".join(g.row["chat"] for g in generated[:3000])
    share = sum(any(ord(ch) > 127 for ch in g.row["chat"]) for g in generated) / ROWS
    assert 0.1 < share < 0.4
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", chats)  # CJK
    assert re.search(r"[\U0001F300-\U0001FAFF]", chats)  # emoji
    assert re.search(r"[éüçãíñø]", chats)  # accented Latin
    # Inside call arguments too, written raw as Glaive does (not \u escapes).
    arguments = [args for g in generated for _, args in calls(g.row["chat"])]
    assert any(any(ord(ch) > 127 for ch in args) for args in arguments)
    assert not any("\\u00" in args for args in arguments)


# --- quirks ---------------------------------------------------------------------------------------------
def _turns(chat: str) -> list[str]:
    separator = "\n\n\n" if "\n\n\n" in chat else "\n\n"
    return chat.removesuffix(separator).split(separator)


def detect_quirks(row: dict) -> set[str]:
    """Each quirk's byte signature, written independently of the generator."""
    system, chat = row["system"], row["chat"]
    turns = _turns(chat)
    found = set()
    call_turns = [t for t in turns if "<functioncall>" in t]
    if re.search(r'<functioncall> \{"name": "[^"]+", "arguments": \{', chat):
        found.add("arguments_plain_object")
    if "\"arguments\": '{\n  \"" in chat:
        found.add("arguments_multiline")
    if "\\'" in chat:
        found.add("arguments_escaped_apostrophe")
    if any("Infinity" in t for t in call_turns):
        found.add("arguments_infinity")
    if "[User provided data]" in chat:
        found.add("arguments_placeholder")
    if "\"arguments\": '[" in chat:
        found.add("arguments_list")
    if '"arguments": null}' in chat:
        found.add("arguments_null")
    if re.search(r'<functioncall> \{"name": "[^"]+", "parameters": ', chat):
        found.add("parameters_key")
    if any(not t.endswith("} <|endoftext|>") for t in call_turns):
        found.add("call_truncated")
    if "'}} <|endoftext|>" in chat:
        found.add("extra_closing_brace")
    if "\nAI to= " in chat:
        found.add("foreign_call_syntax")
    if any(t.startswith("ASSISTANT: ") and "\n<functioncall> " in t for t in turns):
        found.add("text_before_call")
    if " <|endoftext|>\n\n\nASSISTANT:\n" in chat:
        found.add("stray_marker_in_assistant")
    if any(t.startswith("FUNCTION RESPONSE: ") and "\nASSISTANT: " in t for t in turns):
        found.add("stray_marker_in_function_response")
    if any(t.startswith("USER: ") and "\nASSISTANT: " in t for t in turns):
        found.add("stray_marker_in_user")
    if turns[-1].startswith("USER: "):
        found.add("ends_on_user_turn")
    roles = [t.split(" ", 1)[0] for t in turns]
    if any(a == b == "USER:" for a, b in itertools.pairwise(roles)):
        found.add("consecutive_user_turns")
    if any(a.startswith("ASSISTANT: ") and b.startswith("ASSISTANT: ") for a, b in itertools.pairwise(turns)):
        found.add("consecutive_assistant_turns")
    if system != SYSTEM_NO_FUNCTIONS:
        schemas, texts = split_schemas(system)
        names = [s["name"] for s in schemas]
        called = re.findall(r'<functioncall> \{"name": "([^"]+)"', chat)
        if any(name not in names for name in called):
            found.add("call_name_mismatch")
        repeated = {n for n in names if names.count(n) > 1}
        for name in repeated:
            bodies = {t for s, t in zip(schemas, texts) if s["name"] == name}
            found.add("duplicate_function_conflict" if len(bodies) > 1 else "duplicate_function_identical")
    if turns[-1].startswith("FUNCTION RESPONSE: ") and "\nAI to= " not in chat:
        found.add("function_response_truncated")
    if system == SYSTEM_NO_FUNCTIONS and "\n\n\n" not in chat and "\n\nASSISTANT: " in chat:
        found.add("no_function_double_newline")
    return found


def test_every_quirk_of_quirks_md_has_a_rate():
    assert set(QUIRK_RATES) == {
        "arguments_plain_object", "arguments_multiline", "arguments_apostrophe", "arguments_escaped_apostrophe",
        "arguments_infinity", "arguments_placeholder", "arguments_list", "arguments_null", "parameters_key",
        "call_truncated", "extra_closing_brace", "foreign_call_syntax", "text_before_call",
        "stray_marker_in_assistant", "stray_marker_in_function_response", "stray_marker_in_user",
        "ends_on_user_turn", "consecutive_user_turns", "consecutive_assistant_turns", "call_name_mismatch",
        "duplicate_function_conflict", "duplicate_function_identical", "function_response_truncated",
        "no_function_double_newline",
    }  # fmt: skip
    assert all(0.0004 <= rate <= 0.015 for rate in QUIRK_RATES.values())
    assert QUIRK_RATES["ends_on_user_turn"] == pytest.approx(1_599 / 112_960)


def test_each_quirk_appears_at_its_rate(generated):
    labels = Counter(g.quirk for g in generated)
    for quirk, rate in QUIRK_RATES.items():
        expected = rate * ROWS
        assert abs(labels[quirk] - expected) <= 4 * math.sqrt(expected) + 2, (quirk, labels[quirk], expected)
    assert labels[None] == ROWS - sum(labels[q] for q in QUIRK_RATES)


def test_a_quirk_label_matches_exactly_the_quirks_found_in_the_bytes(generated):
    # Apostrophes also occur naturally, so that quirk is only checked one way (below).
    for g in generated:
        found = detect_quirks(g.row) - {"arguments_apostrophe"}
        expected = set() if g.quirk in (None, "arguments_apostrophe") else {g.quirk}
        assert found == expected, (g.quirk, found, g.row)


def test_apostrophe_rows_hold_an_apostrophe_inside_the_single_quoted_arguments(generated):
    rows = [g for g in generated if g.quirk == "arguments_apostrophe"]
    assert rows
    for g in rows:
        [(_, arguments)] = [c for c in calls(g.row["chat"]) if "'" in c[1]][:1]
        assert "'" in arguments and "\\'" not in arguments
        json.loads(arguments)  # still valid JSON: the apostrophe is what breaks naive quote swapping


def test_cut_off_tails_end_the_chat_without_a_separator(generated):
    for g in generated:
        if g.quirk in ("foreign_call_syntax", "function_response_truncated"):
            last = g.row["chat"].split("\n\n\n")[-1]
            assert last.startswith("FUNCTION RESPONSE: {")
            with pytest.raises(json.JSONDecodeError):
                json.loads(last[len("FUNCTION RESPONSE: ") :])


# --- determinism ------------------------------------------------------------------------------------------
def test_same_seed_gives_byte_identical_rows_and_another_seed_differs():
    first = list(iter_sample_rows(300, 7))
    assert first == list(iter_sample_rows(300, 7))
    other = list(iter_sample_rows(300, 8))
    assert [i for i, _ in first] == list(range(300))
    assert sum(a != b for (_, a), (_, b) in zip(first, other)) > 250
    assert list(iter_sample_rows(300, -7)) != first  # negative seeds are their own seeds


def test_a_row_depends_only_on_seed_and_index():
    rows = dict(iter_sample_rows(500, 99))
    for index in (0, 1, 250, 499):
        assert generate_sample_row(99, index).row == rows[index]
    assert list(sample.iter_sample_rows_at([499, 3], 99)) == [(499, rows[499]), (3, rows[3])]


def test_size_zero_means_the_full_dataset_size(monkeypatch):
    assert SAMPLE_ALL_ROWS == 112_960
    monkeypatch.setattr(sample, "SAMPLE_ALL_ROWS", 17)
    assert [i for i, _ in iter_sample_rows(0, 1)] == list(range(17))
    with pytest.raises(ValueError, match="size must be >= 0"):
        list(iter_sample_rows(-1, 1))


# --- the function pool ----------------------------------------------------------------------------------
def _types(schema: dict) -> set[str]:
    found = {schema["type"]} if "type" in schema else set()
    for child in schema.get("properties", {}).values():
        found |= _types(child)
    if "items" in schema:
        found |= _types(schema["items"])
    return found


def test_the_function_pool_is_varied():
    specs = content.FUNCTIONS
    assert len(specs) >= 40
    assert len({s.name for s in specs}) == len(specs)
    types = set().union(*(_types(s.parameters) for s in specs))
    assert {"string", "integer", "number", "boolean", "array", "object"} <= types
    props = [p for s in specs for p in s.parameters["properties"].values()]
    assert sum("enum" in p for p in props) >= 5
    assert any(not s.parameters["properties"] for s in specs)  # empty properties
    assert any("required" not in s.parameters for s in specs)  # required missing
    assert any(p.get("type") == "array" and p["items"].get("type") == "object" for p in props)


@pytest.mark.parametrize("spec", content.FUNCTIONS, ids=lambda s: s.name)
def test_every_template_names_the_required_values_and_every_value_fits_the_schema(spec):
    required = set(spec.parameters.get("required", []))
    properties = spec.parameters["properties"]
    assert set(spec.values) == set(properties)
    for template in spec.asks + spec.details:
        named = {part.split("}", 1)[0] for part in template.split("{")[1:]}
        assert required <= named <= set(properties), template
    for name, pool in spec.values.items():
        for value, words in pool:
            jsonschema.validate({name: value}, {"type": "object", "properties": {name: properties[name]}})
            assert isinstance(words, str) and words
    assert spec.alt_description and spec.alt_description != spec.description


@pytest.mark.parametrize("spec", content.FUNCTIONS, ids=lambda s: s.name)
def test_every_response_is_strict_json_for_every_value(spec):
    import random

    rng = random.Random(5)
    for _ in range(60):
        args = {name: pool[int(rng.random() * len(pool))][0] for name, pool in spec.values.items()}
        body, summary = spec.respond(args, rng)
        assert isinstance(body, dict) and body
        json.dumps(body, allow_nan=False)
        assert summary and "<|endoftext|>" not in summary and "\n\n\n" not in summary


# --- against the real rows, where ../shared is present ---------------------------------------------------
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/glaive is absent (it only exists on CI and dev machines)")
def test_real_rows_have_the_layout_the_generator_writes():
    lines = (SHARED / "glaive_v2_rows_0_4.jsonl").read_text(encoding="utf-8").splitlines()
    lines += (SHARED / "glaive_v2_row_25475.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        row = json.loads(line)
        schemas, texts = split_schemas(row["system"])
        assert texts == [json.dumps(s, indent=4) for s in schemas]
        ending = "\n" if len(texts) == 1 else "\n\n"
        assert row["system"] == SYSTEM_WITH_FUNCTIONS + "\n\n".join(texts) + ending
        assert row["chat"].endswith("\n\n\n")
        for turn in _turns(row["chat"]):
            assert turn.startswith(("USER: ", "ASSISTANT: ", "FUNCTION RESPONSE: "))
            assert turn.endswith(END) == turn.startswith("ASSISTANT: ")
        assert detect_quirks(row) == set()


def test_command_line_writes_the_same_rows_as_json_lines():
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "glaive_assets.sources.sample", "--rows", "7", "--seed", "3"],
                               capture_output=True, check=True)
    lines = completed.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [row for _, row in iter_sample_rows(7, 3)]
