"""The literal markers of Glaive's raw layout (see ../shared/glaive/FORMAT.md). Code cuts them off by
name (removesuffix, partition, len(MARKER)), never by a number typed in."""

from __future__ import annotations

SYSTEM_PREFIX = "SYSTEM:"
ENDOFTEXT = "<|endoftext|>"
CALL_TAG = "<functioncall>"
USER_MARKER = "USER:"
ASSISTANT_MARKER = "ASSISTANT:"
RESPONSE_MARKER = "FUNCTION RESPONSE:"
ROLE_MARKERS = (USER_MARKER, ASSISTANT_MARKER, RESPONSE_MARKER)
# A turn starts at a role marker that follows a blank line (Glaive mostly writes "\n\n\n").
TURN_SEPARATOR = "\n\n"

