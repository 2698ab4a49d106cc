"""glaive_weekly_refresh: the whole graph every Monday, as the old pipeline ran."""

import dagster as dg

weekly_refresh_schedule = dg.ScheduleDefinition(
    name="glaive_weekly_refresh",
    job_name="glaive_refresh",  # defs/automation/jobs.py
    cron_schedule="0 3 * * 1",  # Mondays 03:00, as the old pipeline's weekly DAG
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly full refresh, as the old pipeline ran.",
)
