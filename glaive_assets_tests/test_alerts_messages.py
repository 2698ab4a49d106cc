"""The alert formatters: exact content of text and blocks, escaping, and Slack's size limits."""

from __future__ import annotations

from glaive_assets.alerts.messages import (
    MAX_LISTED_ITEMS,
    format_anomaly_message,
    format_check_failure_message,
    format_run_failure_message,
)

RUN_ID = "4f1c2a9e-0b7d-4c55-9a61-2f8e3d7c1b00"
RUN_URL = f"http://127.0.0.1:3000/runs/{RUN_ID}"

REPORT = {
    "rules": [
        {"name": "reject_rate", "value": 0.125, "threshold": 0.05, "operator": ">", "breached": True,
         "description": "share of rows rejected"},
        {"name": "processed_rows", "value": 812, "threshold": 1000, "operator": "<", "breached": True},
        {"name": "malformed_rate", "value": 0.01, "threshold": 0.2, "operator": ">", "breached": False},
    ]
}


def _section_texts(message: dict) -> list[str]:
    return [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]


def test_anomaly_message_lists_each_breached_rule_with_value_threshold_and_run_link() -> None:
    message = format_anomaly_message(REPORT, RUN_ID, RUN_URL)

    assert message["text"].splitlines() == [
        "*Glaive data anomalies*",
        f"Run `{RUN_ID}`: *2 anomaly rules breached*.",
        "• *reject_rate*: value 0.125, threshold &gt; 0.05 (share of rows rejected)",
        "• *processed_rows*: value 812, threshold &lt; 1000",
        f"<{RUN_URL}|View the run in Dagster>",
    ]
    assert message["blocks"] == [
        {"type": "header", "text": {"type": "plain_text", "text": "Glaive data anomalies"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"Run `{RUN_ID}`: *2 anomaly rules breached*."}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(message["text"].splitlines()[2:4])}},
        {"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "View the run in Dagster"}, "url": RUN_URL}]},
    ]


def test_anomaly_message_leaves_out_rules_that_held() -> None:
    message = format_anomaly_message(REPORT, RUN_ID, RUN_URL)
    assert "malformed_rate" not in message["text"]
    assert all("malformed_rate" not in text for text in _section_texts(message))


def test_float_values_keep_enough_digits_to_differ_from_a_close_threshold() -> None:
    report = {"rules": [{"name": "r", "value": 0.0500412, "threshold": 0.05, "breached": True},
                        {"name": "big", "value": 112960.0, "threshold": 100000, "breached": True},
                        {"name": "odd", "value": None, "threshold": "n/a", "breached": True}]}
    lines = format_anomaly_message(report, "r1", RUN_URL)["text"].splitlines()
    assert lines[2] == "• *r*: value 0.0500412, threshold 0.05"
    assert lines[3] == "• *big*: value 112960, threshold 100000"
    assert lines[4] == "• *odd*: value ?, threshold n/a"


def test_report_text_cannot_inject_mentions_or_links() -> None:
    report = {"rules": [{"name": "<!channel> & co", "value": 1, "threshold": 0, "breached": True,
                         "description": "<https://evil.example|click>"}]}
    line = format_anomaly_message(report, "r1", RUN_URL)["text"].splitlines()[2]
    assert line == "• *&lt;!channel&gt; &amp; co*: value 1, threshold 0 (&lt;https://evil.example|click&gt;)"


def test_a_report_without_a_rule_list_gives_a_zero_count_not_a_crash() -> None:
    for report in ({}, {"rules": "not a list"}, {"rules": [None, 3, {"name": "x", "breached": "yes"}]}):
        message = format_anomaly_message(report, "r1", RUN_URL)
        assert message["text"].splitlines()[1] == "Run `r1`: *0 anomaly rules breached*."


def test_long_lists_are_capped_and_every_section_fits_slack_limits() -> None:
    rules = [{"name": f"rule_{i:02d}", "value": i, "threshold": 0, "breached": True, "description": "d" * 500}
             for i in range(40)]
    message = format_anomaly_message({"rules": rules}, "r1", RUN_URL)

    bullet_lines = [line for line in message["text"].splitlines() if line.startswith("• ")]
    assert len(bullet_lines) == MAX_LISTED_ITEMS
    assert "… and 15 more (see the run)." in message["text"]
    assert "rule_24" in message["text"] and "rule_25" not in message["text"]
    assert all(len(line) <= 280 for line in bullet_lines)
    assert all(len(text) <= 3000 for text in _section_texts(message))
    assert len(message["blocks"]) <= 50


def test_check_failure_message_lists_errors_first_with_key_check_severity_and_description() -> None:
    failures = [
        {"asset_key": ["glaive", "processed"], "check_name": "bias_slices", "severity": "WARN",
         "description": "tier 'complex' under 2%"},
        {"asset_key": "glaive_chatml", "check_name": "schema_valid", "severity": "ERROR",
         "description": "3 records fail the ChatML schema"},
    ]
    message = format_check_failure_message(failures, RUN_URL)

    assert message["text"].splitlines() == [
        "*Glaive asset check failures*",
        "*2 asset checks failed*, 1 with severity ERROR.",
        ":red_circle: *glaive_chatml* / `schema_valid` [ERROR]: 3 records fail the ChatML schema",
        ":large_orange_circle: *glaive/processed* / `bias_slices` [WARN]: tier 'complex' under 2%",
        f"<{RUN_URL}|View the run in Dagster>",
    ]
    assert message["blocks"][-1]["elements"][0]["url"] == RUN_URL


def test_without_a_run_url_the_message_says_so_and_has_no_button() -> None:
    message = format_check_failure_message(
        [{"asset_key": "a", "check_name": "c", "severity": "ERROR", "description": ""}], run_url=""
    )
    assert message["text"].splitlines()[-1] == "(no link to the run)"
    assert [block["type"] for block in message["blocks"]] == ["header", "section", "section"]
    assert message["text"].splitlines()[2] == ":red_circle: *a* / `c` [ERROR]"


def test_run_failure_message_gives_job_run_error_and_link() -> None:
    message = format_run_failure_message("glaive_job", RUN_ID, 'Step "glaive_raw" failed: <KeyError>\n', RUN_URL)
    assert message["text"].splitlines() == [
        "*Glaive run failed*",
        f"Job `glaive_job`, run `{RUN_ID}`.",
        '```Step "glaive_raw" failed: &lt;KeyError&gt;```',
        f"<{RUN_URL}|View the run in Dagster>",
    ]


def test_run_failure_message_clips_a_long_error_and_keeps_the_code_fence_closed() -> None:
    message = format_run_failure_message("j", "r1", "```" + "x" * 10_000, RUN_URL)
    error_section = _section_texts(message)[1]
    assert error_section.startswith("```'''x") and error_section.endswith("…```")
    assert error_section.count("```") == 2
    assert len(error_section) == 2_500 + 6
    assert format_run_failure_message("j", "r1", "  ", "")["text"].splitlines()[2] == "```(no error message)```"
