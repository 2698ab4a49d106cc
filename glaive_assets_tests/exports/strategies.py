"""Hypothesis strategies: processed-record conversations in core/parse.py's turn layout.

A conversation is a run of blocks: a user turn, an assistant text turn, or an assistant call turn
(1-3 calls, the first maybe with text before it; later ones parallel) answered by 0..n responses in
call order. Call ids count from call_0 across the record, as the parser numbers them.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Processed text never holds lone surrogates (the core repairs them before anything is written).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
ARGUMENTS = st.dictionaries(TEXT, JSON_VALUES, max_size=4)
NAMES = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
SCHEMAS = st.builds(lambda name, description: {"name": name, "description": description,
                                                "parameters": {"type": "object", "properties": {}}},
                    NAMES, TEXT)

_BLOCK = st.one_of(
    st.tuples(st.just("user"), TEXT),
    st.tuples(st.just("assistant"), TEXT),
    st.tuples(st.just("calls"), st.lists(st.tuples(NAMES, ARGUMENTS), min_size=1, max_size=3), TEXT,
              st.integers(0, 3)),
)


def _turns(blocks: list[tuple]) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    calls = 0
    for block in blocks:
        if block[0] != "calls":
            turns.append({"role": block[0], "content": block[1]})
            continue
        _, made, text, answered = block
        ids = []
        for position, (name, arguments) in enumerate(made):
            ids.append(f"call_{calls}")
            turns.append({"role": "function_call", "content": text if position == 0 else "", "name": name,
                          "arguments": arguments, "call_id": ids[-1], "parallel": position > 0})
            calls += 1
        turns += [{"role": "function_response", "content": f"response {call_id}", "call_id": call_id}
                  for call_id in ids[:answered]]
    return turns


@st.composite
def conversation_records(draw) -> dict[str, Any]:
    """A processed record with the keys to_chatml reads."""
    turns = _turns(draw(st.lists(_BLOCK, min_size=1, max_size=8)))
    calls = [turn for turn in turns if turn["role"] == "function_call"]
    return {
        "source_index": draw(st.integers(0, 10**6)),
        "record_id": draw(st.from_regex(r"[0-9a-f]{32}", fullmatch=True)),
        "instruction": draw(TEXT),
        "tools": draw(st.lists(SCHEMAS, max_size=3)),
        "turns": turns,
        "num_turns": len(turns),
        "num_calls": len(calls),
        "complexity_tier": "none",
        "has_error_handling": False,
    }
