"""core/parse/layout.py: the literal markers, as Glaive writes them."""

from __future__ import annotations

from glaive_assets.core.parse import layout


def test_markers_are_glaives():
    assert (layout.SYSTEM_PREFIX, layout.ENDOFTEXT, layout.CALL_TAG) == ("SYSTEM:", "<|endoftext|>", "<functioncall>")
    assert layout.ROLE_MARKERS == ("USER:", "ASSISTANT:", "FUNCTION RESPONSE:")

