"""The alert formatters: exact content of text and blocks, escaping, and Slack's size limits."""

from __future__ import annotations

from glaive_assets.alerts.messages import (
    MAX_LISTED_ITEMS,
    format_anomaly_message,
    format_check_failure_message,
    format_run_failure_message,
)
from glaive_assets.qa.anomaly import PipelineStats, evaluate_anomalies

RUN_ID = "4f1c2a9e-0b7d-4c55-9a61-2f8e3d7c1b00"
RUN_URL = f"http://127.0.0.1:3000/runs/{RUN_ID}"

def _check(name: str, value, threshold, comparison: str, is_anomaly: bool, severity: str = "WARN", **extra) -> dict:
    """One entry of anomaly_report["checks"], in the shape qa/anomaly.py writes."""
    return {"check": name, "value": value, "threshold": threshold, "is_anomaly": is_anomaly,
            "message": extra.get("message", f"{name} message"), "severity": severity, "comparison": comparison,
            "description": extra.get("description", f"{name} description")}


REPORT = {
    "total_checks": 3,
    "anomalies_found": 2,
    "pipeline_healthy": False,
    "checks": [
        _check("reject_rate", 0.125, 0.05, ">", True, description="all rejects / raw rows"),
        _check("row_count", 812, 4000, "<", True, severity="ERROR", description="processed records"),
        _check("malformed_rate", 0.01, 0.05, ">", False),
    ],
}


def _section_texts(message: dict) -> list[str]:
    return [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]


def test_anomaly_message_lists_each_breached_rule_with_value_threshold_and_run_link() -> None:
    message = format_anomaly_message(REPORT, RUN_ID, RUN_URL)

    assert message["text"].splitlines() == [
        "*Glaive data anomalies*",
        f"Run `{RUN_ID}`: *2 of 3 anomaly rules breached*, 1 with severity ERROR.",
        "• *reject_rate* [WARN]: value 0.125, threshold max 0.05 (all rejects / raw rows)",
        "• *row_count* [ERROR]: value 812, threshold min 4000 (processed records)",
        f"<{RUN_URL}|View the run in Dagster>",
    ]
    assert message["blocks"] == [
        {"type": "header", "text": {"type": "plain_text", "text": "Glaive data anomalies"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": message["text"].splitlines()[1]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(message["text"].splitlines()[2:4])}},
        {"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "View the run in Dagster"}, "url": RUN_URL}]},
    ]


def test_anomaly_message_leaves_out_rules_that_held() -> None:
    message = format_anomaly_message(REPORT, RUN_ID, RUN_URL)
    assert "malformed_rate" not in message["text"]
    assert all("malformed_rate" not in text for text in _section_texts(message))


def test_a_value_that_could_not_be_computed_shows_the_reports_reason() -> None:
    report = {"checks": [_check("avg_turns", None, 10.0, ">", True,
                                message="avg_turns: cannot be computed (no processed record has a numeric num_turns)")]}
    line = format_anomaly_message(report, "r1", RUN_URL)["text"].splitlines()[2]
    assert line == ("• *avg_turns* [WARN]: value n/a, threshold max 10 "
                    "(avg_turns: cannot be computed (no processed record has a numeric num_turns))")


def test_float_values_keep_enough_digits_to_differ_from_a_close_threshold() -> None:
    report = {"checks": [_check("r", 0.0500412, 0.05, ">", True, description=""),
                         _check("big", 112960.0, 100000, ">", True, description=""),
                         _check("odd", 3, "n/a", "?", True, description="")]}
    lines = format_anomaly_message(report, "r1", RUN_URL)["text"].splitlines()
    assert lines[2] == "• *r* [WARN]: value 0.0500412, threshold max 0.05"
    assert lines[3] == "• *big* [WARN]: value 112960, threshold max 100000"
    assert lines[4] == "• *odd* [WARN]: value 3, threshold n/a"


def test_report_text_cannot_inject_mentions_or_links() -> None:
    report = {"checks": [_check("<!channel> & co", 1, 0, ">", True, description="<https://evil.example|click>")]}
    line = format_anomaly_message(report, "r1", RUN_URL)["text"].splitlines()[2]
    assert line == "• *&lt;!channel&gt; &amp; co* [WARN]: value 1, threshold max 0 (&lt;https://evil.example|click&gt;)"


def test_a_report_without_a_check_list_gives_a_zero_count_not_a_crash() -> None:
    for report in ({}, {"checks": "not a list"}, {"checks": [None, 3, {"check": "x", "is_anomaly": "yes"}]}, []):
        message = format_anomaly_message(report, "r1", RUN_URL)  # type: ignore[arg-type]
        assert message["text"].splitlines()[1].startswith("Run `r1`: *0 of ")


def test_long_lists_are_capped_and_every_section_fits_slack_limits() -> None:
    checks = [_check(f"rule_{i:02d}", i, 0, ">", True, description="d" * 500) for i in range(40)]
    message = format_anomaly_message({"checks": checks}, "r1", RUN_URL)

    bullet_lines = [line for line in message["text"].splitlines() if line.startswith("• ")]
    assert len(bullet_lines) == MAX_LISTED_ITEMS
    assert "… and 15 more (see the run)." in message["text"]
    assert "rule_24" in message["text"] and "rule_25" not in message["text"]
    assert all(len(line) <= 280 for line in bullet_lines)
    assert all(len(text) <= 3000 for text in _section_texts(message))
    assert len(message["blocks"]) <= 50


def test_the_qa_helpers_real_report_is_rendered_rule_by_rule() -> None:
    # The contract with qa/anomaly.py: feed its own output, not a hand-made copy.
    stats = PipelineStats(processed_rows=812, reject_rows=188, malformed_rejects=90,
                          turns_sum=812 * 4, turns_counted=812, calls_sum=812 * 9, calls_counted=812)
    report = evaluate_anomalies(stats, requested_size=5000)
    lines = format_anomaly_message(report, RUN_ID, RUN_URL)["text"].splitlines()

    assert lines[1] == f"Run `{RUN_ID}`: *5 of 8 anomaly rules breached*, 0 with severity ERROR."
    assert [line.split(" (")[0] for line in lines[2:7]] == [
        "• *malformed_rate* [WARN]: value 0.09, threshold max 0.05",
        "• *reject_rate* [WARN]: value 0.188, threshold max 0.05",
        "• *row_count* [WARN]: value 812, threshold min 4000",
        "• *avg_calls* [WARN]: value 9, threshold max 5",
        "• *defined_functions_share* [WARN]: value 0, threshold min 0.3",
    ]
    assert lines[7] == f"<{RUN_URL}|View the run in Dagster>"


WITHHELD = {
    "gate": "schema_suite", "passed": False, "withheld": True, "expectations_passed": 65, "expectations_total": 67,
    "failed_expectations": [
        {"expectation": "expect_table_row_count_to_be_between", "column": None,
         "expected": {"min_value": 24, "max_value": 29}, "observed": 17},
        {"expectation": "expect_column_values_to_be_of_type", "column": "num_turns", "expected": {"type_": "int"},
         "observed": {"unexpected": 1, "of": 17, "examples": ["`<!here>`"]}},
    ],
}


def test_a_withheld_run_says_so_first_and_names_each_failed_expectation_with_its_observation() -> None:
    report = {**REPORT, "training_outputs": WITHHELD}
    lines = format_anomaly_message(report, RUN_ID, RUN_URL)["text"].splitlines()
    assert lines[2:6] == [
        ":no_entry: *Training outputs withheld*: the blocking check `schema_suite` failed (65 of 67 expectations"
        " passed); glaive_chatml and everything built from it keep their previous files.",
        "• `expect_table_row_count_to_be_between: observed 17, expected min_value=24, max_value=29`",
        "• `expect_column_values_to_be_of_type(num_turns): observed 1 of 17 values unexpected "
        "(e.g. ''&lt;!here&gt;''), expected type_=int`",
        "• *reject_rate* [WARN]: value 0.125, threshold max 0.05 (all rejects / raw rows)",
    ]
    released = {**REPORT, "training_outputs": {**WITHHELD, "passed": True, "withheld": False}}
    assert "withheld" not in format_anomaly_message(released, RUN_ID, RUN_URL)["text"]


def test_rules_breached_on_the_previous_run_too_are_only_named_at_the_end() -> None:
    lines = format_anomaly_message(REPORT, RUN_ID, RUN_URL, unchanged={"reject_rate"})["text"].splitlines()
    assert lines[1] == f"Run `{RUN_ID}`: *2 of 3 anomaly rules breached*, 1 with severity ERROR."
    assert lines[2:4] == [
        "• *row_count* [ERROR]: value 812, threshold min 4000 (processed records)",
        "Still breached, as on the previous run: reject_rate",
    ]


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
