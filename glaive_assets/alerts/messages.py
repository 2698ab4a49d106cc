"""Slack messages for the pipeline's alerts. Pure functions: data in, {"text", "blocks"} out.

`text` is the full message in mrkdwn (Slack shows it in notifications and where blocks cannot be
drawn); `blocks` lay the same content out. Strings from reports are escaped, and lists are capped so a
message stays within Slack's limits (3,000 characters per section, 50 blocks).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from glaive_assets.qa.gate import describe_failure

MAX_LISTED_ITEMS = 25  # lines listed in one message; the rest are counted
_MAX_LINE_CHARS = 280
_LINES_PER_SECTION = 10  # 10 lines of <= 280 characters fit a 3,000-character section
_MAX_ERROR_CHARS = 2_500  # one section, with room for the code fence

_SEVERITY_ORDER = {"ERROR": 0, "WARN": 1}


def format_anomaly_message(
    anomaly_report: dict[str, Any], run_id: str, run_url: str, unchanged: Collection[str] = ()
) -> dict[str, Any]:
    """The alert for a run whose anomaly report (qa/anomaly.py, anomaly_report.json) has anomalies, or
    whose training outputs the schema suite withheld.

    When the report's `training_outputs` (qa/gate.py) says withheld, the message says so first and
    names each failed expectation with what it observed. Then it lists each entry of
    `anomaly_report["checks"]` whose `is_anomaly` is true with its severity, value and threshold ("max"
    for comparison ">", "min" for "<") and what the rule measures, or, when the value could not be
    computed, the report's message saying why. Rules named in `unchanged` (breached on the previous
    run too) are not listed again, only named in one closing line.
    """
    checks = anomaly_report.get("checks") if isinstance(anomaly_report, dict) else None
    if not isinstance(checks, list):
        checks = []
    anomalies = [check for check in checks if isinstance(check, dict) and check.get("is_anomaly") is True]
    errors = sum(1 for check in anomalies if str(check.get("severity", "")).upper() == "ERROR")

    summary = (
        f"Run `{_escape(run_id)}`: *{len(anomalies)} of {_count(len(checks), 'anomaly rule')} breached*,"
        f" {errors} with severity ERROR."
    )
    gate = anomaly_report.get("training_outputs") if isinstance(anomaly_report, dict) else None
    lines = _withheld_lines(gate) if isinstance(gate, dict) and gate.get("withheld") else []
    lines += [_anomaly_line(check) for check in anomalies if check.get("check") not in unchanged]
    still = [str(check.get("check")) for check in anomalies if check.get("check") in unchanged]
    if still:
        lines.append(_clip("Still breached, as on the previous run: " + ", ".join(_escape(name) for name in still)))
    return _message("Glaive data anomalies", summary, lines, run_url)


def _withheld_lines(gate: dict[str, Any]) -> list[str]:
    check_name = _escape(str(gate.get("gate", "?")))
    headline = (
        f":no_entry: *Training outputs withheld*: the blocking check `{check_name}` failed"
        f" ({gate.get('expectations_passed')} of {gate.get('expectations_total')} expectations passed);"
        " glaive_chatml and everything built from it keep their previous files."
    )
    failures = [failure for failure in gate.get("failed_expectations", []) if isinstance(failure, dict)]
    # Each failure in a code span, so a quoted value cannot format the message (a backquote would end it).
    quoted = [_escape(describe_failure(failure)).replace("`", "'") for failure in failures]
    return [_clip(headline)] + [_clip(f"• `{text}`") for text in quoted]


def format_check_failure_message(failures: Sequence[dict[str, Any]], run_url: str) -> dict[str, Any]:
    """The alert for failed asset checks of one run.

    Each failure is {"asset_key", "check_name", "severity", "description"}; asset_key is a string or a
    list of path parts. ERROR failures are listed before WARN ones.
    """
    items = [failure for failure in failures if isinstance(failure, dict)]
    items.sort(key=lambda failure: _SEVERITY_ORDER.get(str(failure.get("severity", "")).upper(), 2))
    errors = sum(1 for failure in items if str(failure.get("severity", "")).upper() == "ERROR")

    title = "Glaive asset check failures"
    summary = f"*{_count(len(items), 'asset check')} failed*, {errors} with severity ERROR."
    lines = [_failure_line(failure) for failure in items]
    return _message(title, summary, lines, run_url)


def format_run_failure_message(job_name: str, run_id: str, error: str, run_url: str) -> dict[str, Any]:
    """The alert for a failed run (for a run-failure sensor): job, run id, the error clipped, the link."""
    error_text = _escape(error.strip()).replace("```", "'''") or "(no error message)"
    if len(error_text) > _MAX_ERROR_CHARS:
        error_text = error_text[: _MAX_ERROR_CHARS - 1] + "…"
    summary = f"Job `{_escape(job_name)}`, run `{_escape(run_id)}`."
    return _message("Glaive run failed", summary, [f"```{error_text}```"], run_url)


def _anomaly_line(check: dict[str, Any]) -> str:
    name = _escape(str(check.get("check", "unnamed rule")))
    severity = _escape(str(check.get("severity", "WARN")).upper())
    bound = {">": "max ", "<": "min "}.get(str(check.get("comparison", "")), "")
    value, threshold = _number(check.get("value")), _number(check.get("threshold"))
    line = f"• *{name}* [{severity}]: value {value}, threshold {bound}{threshold}"
    explanation = check.get("message") if check.get("value") is None else check.get("description")
    if explanation:
        line += f" ({_escape(str(explanation))})"
    return _clip(line)


def _failure_line(failure: dict[str, Any]) -> str:
    severity = str(failure.get("severity", "UNKNOWN")).upper()
    marker = ":red_circle:" if severity == "ERROR" else ":large_orange_circle:"
    asset_key = failure.get("asset_key", "?")
    if isinstance(asset_key, (list, tuple)):
        asset_key = "/".join(str(part) for part in asset_key)
    line = (
        f"{marker} *{_escape(str(asset_key))}* / `{_escape(str(failure.get('check_name', '?')))}`"
        f" [{_escape(severity)}]"
    )
    description = failure.get("description")
    if description:
        line += f": {_escape(str(description))}"
    return _clip(line)


def _message(title: str, summary: str, lines: list[str], run_url: str) -> dict[str, Any]:
    listed = lines[:MAX_LISTED_ITEMS]
    if len(lines) > len(listed):
        listed.append(f"… and {len(lines) - len(listed)} more (see the run).")
    link = f"<{_escape_url(run_url)}|View the run in Dagster>" if run_url else "(no link to the run)"

    text = "\n".join([f"*{title}*", summary, *listed, link])
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title}},
        {"type": "section", "text": {"type": "mrkdwn", "text": summary}},
    ]
    for start in range(0, len(listed), _LINES_PER_SECTION):
        chunk = "\n".join(listed[start : start + _LINES_PER_SECTION])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    if run_url:
        button = {"type": "button", "text": {"type": "plain_text", "text": "View the run in Dagster"}, "url": run_url}
        blocks.append({"type": "actions", "elements": [button]})
    return {"text": text, "blocks": blocks}


def _number(value: Any) -> str:
    """Ints exact; floats to 6 significant digits. (qa.markdown.format_number keeps 4, which can show
    a breaching 0.050004 as "0.05", the same as its threshold.)"""
    if value is None:
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _escape(str(value))
    return str(value) if isinstance(value, int) else f"{value:.6g}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _escape(text: str) -> str:
    """Slack mrkdwn control characters; a report's text must not become a link or a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_url(url: str) -> str:
    # Inside <url|label>, "|" and ">" would end the URL early.
    return url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def _clip(line: str) -> str:
    return line if len(line) <= _MAX_LINE_CHARS else line[: _MAX_LINE_CHARS - 1] + "…"
