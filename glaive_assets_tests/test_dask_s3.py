"""The whole graph on a distributed executor with an object-store data dir, run for real:

- GLAIVE_EXECUTOR=dask against a `distributed.LocalCluster`: a real scheduler and 2 worker processes
  talking TCP on 127.0.0.1, each step a task on a worker;
- GLAIVE_DATA_DIR=s3://... through s3fs, served by moto's standalone S3 server (ThreadedMotoServer) on
  127.0.0.1. Real S3 cannot be reached from here, so moto stands in for it: the S3 API over HTTP, the
  same client code (s3fs, aiobotocore) as against AWS.

Its artifacts, read back from the bucket, must be byte-identical to an in-process run into a local
folder, but for the run id that each report names.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import orjson
import pytest

from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.storage.reconcile import stale_by_entries
from glaive_assets.storage.remote import ENTRIES_FOLDER

ROWS = 5000
BUCKET = "glaive-dask-test"
PREFIX = "runs/dask"
ALL_ARTIFACTS = [*ARTIFACT_PATHS, *ARTIFACT_FILES]
ARTIFACT_FILES_UNDER_DATA_DIR = sorted([*ARTIFACT_PATHS.values(), *(relative for files in ARTIFACT_FILES.values()
                                                                    for relative in files.values())])
DAGSTER = Path(sys.executable).with_name("dagster")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_endpoint(monkeypatch):
    """moto's S3 server on a free port of 127.0.0.1 with one empty bucket; the AWS variables point at it."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        for name, value in {"AWS_ACCESS_KEY_ID": "moto", "AWS_SECRET_ACCESS_KEY": "moto",
                            "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}.items():
            monkeypatch.setenv(name, value)
        import fsspec

        fsspec.filesystem("s3", skip_instance_cache=True).mkdir(BUCKET)
        yield endpoint
    finally:
        server.stop()


@contextmanager
def _default_sigterm():
    """SIGTERM at its default while the workers start, as in the shell a user starts a cluster from.
    Under pytest run as a background job (`make test &`: SIGINT ignored), a test that calls Dagster's
    CLI code in this process maps SIGTERM onto SIGINT's disposition: ignored. The workers would inherit
    that, and so would the `tail` processes Dagster starts to capture each step's logs, which it
    terminates at the step's end, waiting 30 s for each: a step a minute (measured)."""
    saved = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, saved)


@pytest.fixture
def dask_cluster(s3_endpoint, monkeypatch, tmp_path):
    """A scheduler and 2 worker processes on 127.0.0.1 over TCP. The workers inherit this process's
    environment when they start, so the data dir, its working copy, the executor (the definitions they
    load depend on it: under dask the transform is one step) and the AWS variables are set first."""
    import dask
    from distributed import Client, LocalCluster

    address = f"tcp://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("GLAIVE_DASK_SCHEDULER", address)
    monkeypatch.setenv("GLAIVE_DATA_DIR", f"s3://{BUCKET}/{PREFIX}")
    monkeypatch.setenv("GLAIVE_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("GLAIVE_EXECUTOR", "dask")
    # daemon False: the schema suite starts a GX process
    with dask.config.set({"distributed.worker.daemon": False}), _default_sigterm():
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, protocol="tcp",
                               host="127.0.0.1", scheduler_port=int(address.rsplit(":", 1)[1]),
                               dashboard_address=None)
    try:
        with Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
        assert cluster.scheduler_address == address and len(worker_pids) == 2
        yield worker_pids
    finally:
        cluster.close()


def _materialize_everything(home: Path, cwd: Path, **env: str) -> None:
    home.mkdir()
    completed = subprocess.run([str(DAGSTER), "asset", "materialize", "-m", "glaive_assets", "--select", "*"],
                               env={**os.environ, "DAGSTER_HOME": str(home), "GLAIVE_SAMPLE_SIZE": str(ROWS), **env},
                               cwd=cwd, capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stderr[-4000:]


def _only_run(home: Path) -> tuple[str, set[int]]:
    """The run in this DAGSTER_HOME, and the pids its steps ran in."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs()
        starts = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
        return run.run_id, {event.dagster_event.pid for event in starts}


@pytest.mark.timeout(1200)  # measured on this 2-core machine: 117 s at load ~3, 342 s at load ~8
def test_the_whole_graph_on_dask_with_s3_matches_an_in_process_local_run(dask_cluster, tmp_path, monkeypatch):
    worker_pids = dask_cluster
    import fsspec

    started = time.monotonic()
    _materialize_everything(tmp_path / "dask_home", tmp_path, GLAIVE_EXECUTOR="dask")
    dask_seconds = time.monotonic() - started
    dask_run, step_pids = _only_run(tmp_path / "dask_home")
    assert step_pids and step_pids <= worker_pids  # every step ran on a worker, none in the CLI's process

    local = tmp_path / "local"
    _materialize_everything(tmp_path / "local_home", tmp_path, GLAIVE_EXECUTOR="in_process", GLAIVE_DATA_DIR=str(local),
                            GLAIVE_DASK_SCHEDULER="")
    local_run, _ = _only_run(tmp_path / "local_home")

    # The bucket holds every artifact file, the manifest and one entry per artifact: no temp objects.
    bucket = fsspec.filesystem("s3", skip_instance_cache=True)
    root = f"{BUCKET}/{PREFIX}"
    stored = sorted(key.removeprefix(root + "/") for key in bucket.find(root))
    entries = sorted(f"{ENTRIES_FOLDER}/{name}.json" for name in ALL_ARTIFACTS)
    assert stored == sorted([*ARTIFACT_FILES_UNDER_DATA_DIR, MANIFEST_PATH, *entries])

    # Byte-identical to the local run's files, once each run's id is replaced by the same placeholder.
    for relative in ARTIFACT_FILES_UNDER_DATA_DIR:
        from_bucket = bucket.cat_file(f"{root}/{relative}").replace(dask_run.encode(), b"<run id>")
        from_disk = (local / relative).read_bytes().replace(local_run.encode(), b"<run id>")
        if relative == ARTIFACT_PATHS["pipeline_summary"]:
            _same_summary(orjson.loads(from_bucket), orjson.loads(from_disk))
        else:
            assert from_bucket == from_disk, relative

    # The bucket's manifest: every artifact written by the dask run, none stale, the same hashes as local.
    manifest = orjson.loads(bucket.cat_file(f"{root}/{MANIFEST_PATH}"))
    assert set(manifest["artifacts"]) == set(ALL_ARTIFACTS)
    assert {entry["run_id"] for entry in manifest["artifacts"].values()} == {dask_run}
    assert stale_by_entries(manifest) == {}
    local_manifest = read_manifest(local)["artifacts"]
    unnamed = {"glaive_raw", "glaive_processed", "glaive_rejects", "glaive_chatml", "training_set", *(
        name for name in ARTIFACT_FILES if name.startswith("export_"))}  # the files that name no run
    assert {name: manifest["artifacts"][name]["sha256"] for name in unnamed} == {
        name: local_manifest[name]["sha256"] for name in unnamed}
    assert manifest["artifacts"]["glaive_raw"]["rows"] == ROWS
    print(f"dask + S3 run of {ROWS:,} rows: {dask_seconds:.1f} s (CLI, 2 workers)")


# What pipeline_summary reads from the manifest: the data dir at the moment the summary runs.
AS_OF_ITS_RUN = ("artifacts", "from_older_runs", "status")


def _same_summary(on_dask: dict, in_process: dict) -> None:
    """The in-process executor runs pipeline_summary last (op priority -1). dagster-dask ignores op
    priority: the summary may run before glaive_chatml and the training outputs, and then lists fewer
    artifacts and says so in training_outputs (qa/summary.py). Whatever it lists must be identical."""
    if on_dask["artifacts"] == in_process["artifacts"]:
        assert on_dask == in_process
        return
    assert set(on_dask["artifacts"]) < set(in_process["artifacts"])
    assert on_dask["artifacts"] == {name: in_process["artifacts"][name] for name in on_dask["artifacts"]}
    if "glaive_chatml" not in on_dask["artifacts"]:
        assert on_dask["stages"]["training_outputs"]["reason"] == (
            "glaive_chatml was not written by this run before this summary")
        on_dask["stages"]["training_outputs"] = in_process["stages"]["training_outputs"]
    assert {k: v for k, v in on_dask.items() if k not in AS_OF_ITS_RUN} == {
        k: v for k, v in in_process.items() if k not in AS_OF_ITS_RUN}
