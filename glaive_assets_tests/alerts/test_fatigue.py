"""The alert-fatigue rule: only a check whose outcome changed, or one of ERROR severity, may post."""

import pytest

from glaive_assets.alerts.fatigue import may_post, split_by_rule


@pytest.mark.parametrize(("passed", "severity", "passed_before", "posts"), [
    (False, "WARN", True, True),     # started failing: changed
    (False, "WARN", None, True),     # never evaluated before: changed
    (False, "WARN", False, False),   # failing again: unchanged, stays quiet
    (False, "ERROR", False, True),   # ERROR always posts
    (False, "error", False, True),
    (True, "ERROR", False, False),   # a pass never posts (recovery included)
    (True, "WARN", None, False),
])
def test_may_post(passed, severity, passed_before, posts):
    assert may_post(passed=passed, severity=severity, passed_before=passed_before) is posts


def test_failures_split_into_postable_and_unchanged_in_order():
    failures = [("bias_domain", "WARN"), ("anomaly_row_count", "ERROR"), ("bias_conversation", "WARN"), ("new", "WARN")]
    before = {"bias_domain": False, "anomaly_row_count": False, "bias_conversation": True}
    assert split_by_rule(failures, before) == (["anomaly_row_count", "bias_conversation", "new"], ["bias_domain"])
