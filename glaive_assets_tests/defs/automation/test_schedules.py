"""glaive_weekly_refresh: Mondays 03:00, the refresh job, on by default."""

import datetime

import dagster as dg

from glaive_assets.defs.automation.schedules import weekly_refresh_schedule


def test_the_weekly_schedule_runs_the_refresh_job_on_mondays_at_three():
    assert (weekly_refresh_schedule.cron_schedule, weekly_refresh_schedule.job_name) == ("0 3 * * 1", "glaive_refresh")
    assert weekly_refresh_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    monday = datetime.datetime(2026, 11, 30, 3, 0, tzinfo=datetime.timezone.utc)
    [request] = weekly_refresh_schedule.evaluate_tick(
        dg.build_schedule_context(scheduled_execution_time=monday)).run_requests
    assert request.run_config == {}
