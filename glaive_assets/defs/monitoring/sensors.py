"""glaive_dead_runs: a run whose worker process is gone is marked FAILURE, so the run queue moves on.

Dagster's run monitoring (enabled in the dagster.yaml that `make run`/`make ui` write) times out runs
stuck STARTING or CANCELING, but it can only check a STARTED run's worker when the run launcher
supports it, and the DefaultRunLauncher (`dagster dev`) does not. Its code server notices only the
workers it started itself, while it lives: a killed `dagster asset materialize`, or a worker
orphaned by a killed `dagster dev`, OOM killer or reboot, stays STARTED forever and holds the one
run slot. This sensor finds each such run's worker pid in its engine events and checks that process.
"""

import dagster as dg

from glaive_assets.config.settings import int_env
from glaive_assets.storage.processes import process_alive

# Detection takes at most one interval plus a daemon tick: well within the 2 minutes we promise.
DEAD_RUN_INTERVAL_SECONDS = int_env("GLAIVE_DEAD_RUN_INTERVAL", 30, minimum=5)
PID_METADATA_KEY = "pid"


def worker_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The run worker's pid: the first engine event of the run that names one (the launched
    process, or the process executing the steps of a CLI run)."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        metadata = entry.dagster_event.engine_event_data.metadata if entry.dagster_event else {}
        value = metadata.get(PID_METADATA_KEY)
        if value is not None and str(value.value).isdigit():
            return int(value.value)
    return None


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark FAILURE every STARTED run whose worker process no longer exists; return their ids."""
    failed = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        run = record.dagster_run
        pid = worker_pid(instance, run.run_id)
        if pid is None or process_alive(pid, started_by=record.start_time):
            continue
        current = instance.get_run_by_id(run.run_id)
        if current is None or current.status != dg.DagsterRunStatus.STARTED:
            continue  # it finished while we looked
        instance.report_run_failed(
            current, f"The run's worker process (pid {pid}) is gone (killed, or its machine restarted): "
            "marked failed by the glaive_dead_runs sensor so that queued runs can start.")
        failed.append(run.run_id)
    return failed


@dg.sensor(
    minimum_interval_seconds=DEAD_RUN_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Marks FAILURE every STARTED run whose worker process is gone (kill -9, OOM killer, reboot), "
        "so that it stops holding the run queue's slot. Checks pids on this machine."
    ),
)
def glaive_dead_runs(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    if context.instance.run_launcher.supports_check_run_worker_health:
        return dg.SkipReason("the run launcher checks its workers itself (run monitoring)")
    failed = fail_dead_runs(context.instance)
    for run_id in failed:
        context.log.warning(f"run {run_id}: its worker process is gone; marked FAILURE")
    return dg.SkipReason(f"marked {len(failed)} dead run(s) failed: {', '.join(failed)}" if failed
                         else "no dead runs")
