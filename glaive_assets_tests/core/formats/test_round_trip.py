"""Round trips as proof: a Glaive row, processed, exported to ShareGPT (LLaMA-Factory's layout) or to
OpenAI messages, and read back as a source row of that format gives the same instruction, tools,
turns, calls and arguments. The rows come from the built-in sample generator (its quirks included),
drawn by hypothesis."""

from hypothesis import given, settings
from hypothesis import strategies as st

from glaive_assets.core import reasons as R
from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.formats import OPENAI, SHAREGPT
from glaive_assets.core.transform import process_row
from glaive_assets.exports.openai import openai_row
from glaive_assets.exports.sharegpt import sharegpt_row
from glaive_assets.sources.sample import generate_sample_row

KEPT = ("instruction", "tools", "turns", "function_calls", "defined_function_names", "num_calls",
        "num_turns", "validation_errors", "complexity_tier")
EXPORTS = {SHAREGPT: sharegpt_row, OPENAI: openai_row}


def _processed(seed: int, index: int) -> dict | None:
    return process_row(generate_sample_row(seed, index).row, index).processed


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 3), index=st.integers(0, 200_000), row_format=st.sampled_from([SHAREGPT, OPENAI]))
def test_a_glaive_row_read_back_from_its_export_is_the_same_conversation(seed, index, row_format):
    processed = _processed(seed, index)
    if processed is None:
        return  # a reject has no export
    exported = EXPORTS[row_format](to_chatml(processed))
    back = process_row(exported, index, row_format=row_format)
    if back.reject is not None:
        # Only a marker inside a turn (a stray) cannot be written back in Glaive's layout unchanged.
        assert R.STRAY_MARKER in processed["structure_warnings"]
        assert back.reject["reasons"] == [R.GLAIVE_MARKER_IN_TEXT]
        return
    assert {key: back.processed[key] for key in KEPT} == {key: processed[key] for key in KEPT}


def test_the_round_trip_over_the_first_sample_rows_keeps_all_but_the_stray_markers():
    counts = {"same": 0, "stray_marker": 0, "rejects": 0}
    for index in range(400):
        processed = _processed(0, index)
        if processed is None:
            counts["rejects"] += 1
            continue
        for row_format, export in EXPORTS.items():
            back = process_row(export(to_chatml(processed)), index, row_format=row_format).processed
            if back is None:
                assert R.STRAY_MARKER in processed["structure_warnings"]
                counts["stray_marker"] += 1
            else:
                assert {key: back[key] for key in KEPT} == {key: processed[key] for key in KEPT}
                counts["same"] += 1
    assert counts == {"same": 774, "stray_marker": 6, "rejects": 10}
