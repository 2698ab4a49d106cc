"""A real `dagster dev` (webserver + daemon) for end-to-end tests, and a small GraphQL client for it.

`running_dagster_dev(...)` starts `dagster dev -m glaive_assets` in its own session (its own process
group) with a private DAGSTER_HOME, data dir and TMPDIR, waits until the code location has loaded,
and on exit kills the whole process group: SIGTERM, a bounded wait, then SIGKILL. `dagster dev`
leaves its code server, run workers and step processes behind otherwise.

Every wait here is bounded; a timeout raises with the tail of dagster dev's log.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

REPO_ROOT = Path(__file__).resolve().parents[2]
# The dagster CLI beside the interpreter running the tests (the project's .venv), else the repo's .venv.
DAGSTER_BIN = next(
    (path for path in (Path(sys.executable).with_name("dagster"), REPO_ROOT / ".venv" / "bin" / "dagster") if path.exists()),
    Path(sys.executable).with_name("dagster"),
)
LOCATION_NAME = "glaive_assets"
REPOSITORY_NAME = "__repository__"

# Variables the parent environment may hold that would leak into the test instance.
_SCRUBBED_ENV_PREFIXES = ("DAGSTER_", "GLAIVE_", "SLACK_")

# The test instance: the settings `make run`/`make ui` write (one run at a time, run monitoring), plus
# no telemetry, no first-visit dialog in the UI, and queued runs picked up every second.
INSTANCE_YAML = (REPO_ROOT / "dagster_instance.yaml").read_text() + """
telemetry:
  enabled: false
nux:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
"""

# A shim run before exec'ing dagster (instead of preexec_fn, which is unsafe with threads):
# - reset SIGINT/SIGTERM to their defaults: a background shell job starts with SIGINT ignored, and
#   dagster maps SIGTERM onto SIGINT's handler, so dagster dev would otherwise ignore our SIGTERM;
# - ask Linux for SIGTERM when the test process dies (PR_SET_PDEATHSIG = 1), so that a killed
#   pytest does not leave dagster dev running.
_RESET_SIGNALS_AND_EXEC = (
    "import ctypes, os, signal, sys\n"
    "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
    "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
    "try:\n"
    "    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)\n"
    "except (OSError, AttributeError):\n"
    "    pass\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)

TERMINAL_RUN_STATUSES = frozenset({"SUCCESS", "FAILURE", "CANCELED"})

# free_port() cannot reserve the port: another process may take it before the webserver binds it.
PORT_ATTEMPTS = 3
PORT_TAKEN_MESSAGE = "address already in use"

T = TypeVar("T")


class DagsterDevError(RuntimeError):
    """dagster dev did not start, a location failed to load, a run failed, or a wait timed out."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    condition: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    interval: float = 0.5,
    diagnostics: Callable[[], str] | None = None,
) -> T:
    """Call `condition` until it returns something truthy; raise DagsterDevError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            detail = f"\n{diagnostics()}" if diagnostics else ""
            raise DagsterDevError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


# --- process-group bookkeeping (Linux /proc) -------------------------------------------------------


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    state: str  # one letter, as in ps: R, S, D, Z, ...
    command: str


def processes_in_group(pgid: int) -> list[ProcessInfo]:
    """Every process whose process group is `pgid`, zombies included."""
    found: list[ProcessInfo] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue  # exited while we looked
        # Fields after the parenthesised command name: state, ppid, pgrp, ...
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            command = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()[:200]
            found.append(ProcessInfo(int(entry), fields[0], command))
    return found


def live_processes_in_group(pgid: int) -> list[ProcessInfo]:
    """As processes_in_group, without zombies: a zombie has exited and only awaits its reaper."""
    return [process for process in processes_in_group(pgid) if process.state != "Z"]


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


# --- the running instance --------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    status: str
    job_name: str
    tags: dict[str, str]
    creation_time: float


RUNS_QUERY = """
query E2ERuns($filter: RunsFilter, $limit: Int) {
  runsOrError(filter: $filter, limit: $limit) {
    __typename
    ... on Runs { results { runId status jobName creationTime tags { key value } } }
    ... on InvalidPipelineRunsFilterError { message }
    ... on PythonError { message }
  }
}
"""

RUN_ERRORS_QUERY = """
query E2ERunErrors($runId: ID!) {
  logsForRun(runId: $runId, limit: 5000) {
    __typename
    ... on EventConnection {
      events {
        __typename
        ... on MessageEvent { level message stepKey }
        ... on ExecutionStepFailureEvent { error { message causes { message } } }
        ... on RunFailureEvent { error { message causes { message } } }
      }
    }
  }
}
"""

WORKSPACE_QUERY = """
query E2EWorkspace {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message stack } }
      }
    }
    ... on PythonError { message }
  }
}
"""


@dataclass
class DagsterDev:
    """One running `dagster dev`: where it listens, where it keeps its state, and its log."""

    process: subprocess.Popen
    port: int
    dagster_home: Path
    data_dir: Path
    log_path: Path
    location_name: str
    env: dict[str, str] = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pgid(self) -> int:
        # start_new_session=True made the child a session and group leader: its pgid is its pid.
        return self.process.pid

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as error:
            return f"(no dagster dev log: {error})"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- last {lines} lines of {self.log_path} ---\n{tail}"

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None, *, timeout: float = 15.0) -> dict:
        """POST a GraphQL document; return `data`, raise DagsterDevError on transport or GraphQL errors."""
        body = json.dumps({"query": query, "variables": dict(variables or {})}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/graphql", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DagsterDevError(f"GraphQL request to {self.base_url} failed: {error}") from error
        if payload.get("errors"):
            raise DagsterDevError(f"GraphQL errors: {payload['errors']}")
        return payload["data"]

    def runs(
        self, *, tags: Mapping[str, str] | None = None, run_ids: list[str] | None = None, limit: int = 100
    ) -> list[RunInfo]:
        """Runs, newest first, optionally only those carrying every given tag / with the given ids."""
        run_filter: dict[str, Any] = {}
        if run_ids:
            run_filter["runIds"] = run_ids
        if tags:
            run_filter["tags"] = [{"key": key, "value": value} for key, value in tags.items()]
        data = self.graphql(RUNS_QUERY, {"filter": run_filter, "limit": limit})["runsOrError"]
        if data["__typename"] != "Runs":
            raise DagsterDevError(f"runsOrError returned {data['__typename']}: {data.get('message')}")
        return [
            RunInfo(
                run_id=run["runId"],
                status=run["status"],
                job_name=run["jobName"],
                tags={tag["key"]: tag["value"] for tag in run["tags"]},
                creation_time=float(run["creationTime"]),
            )
            for run in data["results"]
        ]

    def run(self, run_id: str) -> RunInfo:
        matches = self.runs(run_ids=[run_id], limit=1)
        if not matches:
            raise DagsterDevError(f"no run {run_id}")
        return matches[0]

    def run_errors(self, run_id: str) -> str:
        """The run's ERROR-level messages and step/run failure errors, for failure reports."""
        try:
            data = self.graphql(RUN_ERRORS_QUERY, {"runId": run_id})["logsForRun"]
        except DagsterDevError as error:
            return f"(could not read the run's events: {error})"
        lines = []
        for event in data.get("events", []):
            error = event.get("error") or {}
            # The step error wraps the user's exception; its causes hold the message that matters.
            text = " <- ".join(part["message"].strip() for part in [error, *error.get("causes", [])] if part.get("message"))
            if text or event.get("level") == "ERROR":
                lines.append(f"[{event['__typename']} {event.get('stepKey') or ''}] {text or event.get('message')}")
        return "\n".join(lines) or "(no error events)"

    def wait_for_run_to_end(self, run_id: str, *, timeout: float) -> RunInfo:
        """Wait for a terminal status, whichever it is (SUCCESS, FAILURE, CANCELED)."""
        return wait_for(
            lambda: next((run for run in self.runs(run_ids=[run_id], limit=1) if run.status in TERMINAL_RUN_STATUSES),
                         None),
            timeout=timeout,
            what=f"run {run_id} to finish",
            diagnostics=lambda: f"run status: {self.run(run_id).status}\n{self.log_tail()}",
        )

    def wait_for_run_to_finish(self, run_id: str, *, timeout: float) -> RunInfo:
        """Wait for a terminal status; raise with the run's errors and the log tail unless SUCCESS."""
        finished = self.wait_for_run_to_end(run_id, timeout=timeout)
        if finished.status != "SUCCESS":
            raise DagsterDevError(
                f"run {run_id} ended {finished.status}:\n{self.run_errors(run_id)}\n{self.log_tail()}"
            )
        return finished

    def location_status(self) -> tuple[str, str | None]:
        """(loadStatus, error message or None) of our code location."""
        data = self.graphql(WORKSPACE_QUERY)["workspaceOrError"]
        if data["__typename"] != "Workspace":
            return "ERROR", data.get("message")
        for entry in data["locationEntries"]:
            if entry["name"] == self.location_name:
                location = entry["locationOrLoadError"] or {}
                error = location.get("message") if location.get("__typename") == "PythonError" else None
                return entry["loadStatus"], error
        return "MISSING", None

    def sensor_status(self, sensor_name: str) -> str:
        selector = {"repositoryName": REPOSITORY_NAME, "repositoryLocationName": self.location_name,
                    "sensorName": sensor_name}
        data = self.graphql(
            "query E2ESensor($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {"
            " __typename ... on Sensor { sensorState { status } } ... on PythonError { message } } }",
            {"s": selector},
        )["sensorOrError"]
        if data["__typename"] != "Sensor":
            raise DagsterDevError(f"sensor {sensor_name}: {data['__typename']} {data.get('message', '')}")
        return data["sensorState"]["status"]

    def wait_until_ready(self, timeout: float) -> None:
        """Wait until the webserver answers and the code location has loaded (or failed to)."""

        def webserver_answers() -> bool:
            if self.process.poll() is not None:
                raise DagsterDevError(f"dagster dev exited with code {self.process.returncode}\n{self.log_tail()}")
            if PORT_TAKEN_MESSAGE in self.log_path.read_text(errors="replace").lower():
                # The webserver logs the bind error but keeps running; do not wait for the deadline.
                raise DagsterDevError(f"port {self.port} is taken\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/server_info", timeout=2) as response:
                    return response.status == 200
            except (urllib.error.URLError, OSError):
                return False

        def location_loaded() -> bool:
            status, error = self.location_status()
            if error:
                raise DagsterDevError(f"code location {self.location_name} failed to load:\n{error}\n{self.log_tail()}")
            return status == "LOADED"

        deadline = time.monotonic() + timeout
        wait_for(webserver_answers, timeout=timeout, what=f"{self.base_url}/server_info", interval=0.25,
                 diagnostics=self.log_tail)
        wait_for(location_loaded, timeout=max(1.0, deadline - time.monotonic()),
                 what=f"code location {self.location_name} to load", interval=0.25, diagnostics=self.log_tail)
        # The server on our port must be ours (our DAGSTER_HOME), not another one that held the port.
        info = self.graphql("query E2EInstance { instance { info } }")["instance"]["info"] or ""
        if str(self.dagster_home) not in info:
            raise DagsterDevError(f"the server on port {self.port} does not use DAGSTER_HOME={self.dagster_home}")

    def stop(self, *, term_timeout: float = 20.0, kill_timeout: float = 10.0) -> list[ProcessInfo]:
        """Kill the whole process group: SIGTERM, bounded wait, SIGKILL. Returns the survivors (none, normally)."""
        pgid = self.pgid
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + term_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None and not live_processes_in_group(pgid):
                break
            time.sleep(0.2)
        if live_processes_in_group(pgid) or self.process.poll() is None:
            _signal_group(pgid, signal.SIGKILL)
            deadline = time.monotonic() + kill_timeout
            while time.monotonic() < deadline and live_processes_in_group(pgid):
                time.sleep(0.1)
        try:
            self.process.wait(timeout=kill_timeout)  # reap the leader: it is our child
        except subprocess.TimeoutExpired:
            pass
        return live_processes_in_group(pgid)


# `launch(name, env_overrides)`: the conftest fixture that starts one dagster dev per test module.
LaunchDagsterDev = Callable[[str, Mapping[str, str]], DagsterDev]


def dagster_dev_env(
    dagster_home: Path, data_dir: Path, tmp_dir: Path, overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The parent environment without DAGSTER_*/GLAIVE_*/SLACK_* variables, plus the test's own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(_SCRUBBED_ENV_PREFIXES)}
    env.update(
        DAGSTER_HOME=str(dagster_home),
        GLAIVE_DATA_DIR=str(data_dir),
        TMPDIR=str(tmp_dir),  # dagster dev's sockets and temp workspace files stay in our folder
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides or {})
    return env




def _spawn(
    command_target: tuple[str, ...], cwd: Path, env: dict[str, str], log_path: Path, *,
    dagster_home: Path, data_dir: Path, location_name: str,
) -> DagsterDev:
    port = free_port()
    command = [
        sys.executable, "-c", _RESET_SIGNALS_AND_EXEC,
        str(DAGSTER_BIN), "dev", *command_target, "-h", "127.0.0.1", "-p", str(port),
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session and process group, killed as a whole
        )
    return DagsterDev(process, port, dagster_home, data_dir, log_path, location_name, env)


@contextmanager
def running_dagster_dev(
    workdir: Path,
    env_overrides: Mapping[str, str] | None = None,
    *,
    target: tuple[str, ...] = ("-m", "glaive_assets"),
    location_name: str = LOCATION_NAME,
    cwd: Path = REPO_ROOT,
    ready_timeout: float = 120.0,
    on_stop: Callable[[DagsterDev, list[ProcessInfo]], None] | None = None,
) -> Iterator[DagsterDev]:
    """Start `dagster dev <target>` (default `-m glaive_assets`) under `workdir` (home/, data/, tmp/,
    dagster_dev.log) and wait until its code location has loaded; stop it on exit.

    `on_stop(instance, survivors)` runs after each stop of the process group, e.g. to assert that
    no process survived.
    """
    dagster_home, data_dir, tmp_dir = (workdir / name for name in ("home", "data", "tmp"))
    for folder in (dagster_home, data_dir, tmp_dir):
        folder.mkdir(parents=True, exist_ok=True)
    (dagster_home / "dagster.yaml").write_text(INSTANCE_YAML)
    env = dagster_dev_env(dagster_home, data_dir, tmp_dir, env_overrides)

    def stop(instance: DagsterDev) -> None:
        survivors = instance.stop()
        if on_stop is not None:
            on_stop(instance, survivors)

    for attempt in range(1, PORT_ATTEMPTS + 1):
        log_path = workdir / ("dagster_dev.log" if attempt == 1 else f"dagster_dev.{attempt}.log")
        instance = _spawn(target, cwd, env, log_path, dagster_home=dagster_home, data_dir=data_dir,
                          location_name=location_name)
        try:
            instance.wait_until_ready(ready_timeout)
            break
        except DagsterDevError:
            port_taken = PORT_TAKEN_MESSAGE in instance.log_tail(400).lower()
            stop(instance)
            if not port_taken or attempt == PORT_ATTEMPTS:
                raise
        except BaseException:  # a pytest timeout, Ctrl-C: still leave nothing running
            stop(instance)
            raise
    try:
        yield instance
    finally:
        stop(instance)
