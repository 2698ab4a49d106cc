"""Rows of the other tool-calling layouts, read into the conversation the core already parses.

    glaive    {"system": str, "chat": str}                          core/parse (the raw layout)
    sharegpt  LLaMA-Factory's glaive_toolcall layout                sharegpt.read_sharegpt
    openai    {"messages": [...], "tools": [...]}, OpenAI's chat    openai.read_openai

A sharegpt or openai row is read into a Conversation (instruction, tool schemas, ChatML messages)
or refused with reason codes; transform.process_row then writes the conversation in Glaive's raw
layout (chatml.render_glaive) and parses that, so the features, the call validation, ChatML and
every check are the ones Glaive rows get. A text that holds one of Glaive's markers could not be
written so faithfully: the row is refused (glaive_marker_in_text) rather than misread.
"""

from __future__ import annotations

from glaive_assets.core.formats.common import Conversation
from glaive_assets.core.formats.openai import read_openai
from glaive_assets.core.formats.sharegpt import read_sharegpt

GLAIVE, SHAREGPT, OPENAI = "glaive", "sharegpt", "openai"
ROW_FORMATS = (GLAIVE, SHAREGPT, OPENAI)
_READERS = {SHAREGPT: read_sharegpt, OPENAI: read_openai}


def read_conversation(row: dict, row_format: str) -> Conversation:
    """The conversation of a sharegpt or openai row (its `reasons` say why it cannot be read)."""
    return _READERS[row_format](row)


__all__ = ["GLAIVE", "OPENAI", "ROW_FORMATS", "SHAREGPT", "Conversation", "read_conversation"]
