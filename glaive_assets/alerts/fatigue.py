"""The alert-fatigue rule: which failed checks may post to Slack (no Dagster; the caller reads the history).

A failed check may post when its severity is ERROR, or when its outcome changed since its previous
evaluation: it passed then, or it was never evaluated before. A WARN check that keeps failing posts
once, on the run where it starts failing, and again only after it has passed in between. A passing
check never posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

ERROR = "ERROR"

Key = TypeVar("Key")


def may_post(*, passed: bool, severity: str, passed_before: bool | None) -> bool:
    """passed_before: the check's previous outcome, None when it has none."""
    if passed:
        return False
    return severity.upper() == ERROR or passed_before is not False


def split_by_rule(
    failures: Iterable[tuple[Key, str]], passed_before: Mapping[Key, bool | None]
) -> tuple[list[Key], list[Key]]:
    """Failed checks, as (key, severity), into (may post, failing already on their previous evaluation)."""
    postable: list[Key] = []
    unchanged: list[Key] = []
    for key, severity in failures:
        allowed = may_post(passed=False, severity=severity, passed_before=passed_before.get(key))
        (postable if allowed else unchanged).append(key)
    return postable, unchanged
