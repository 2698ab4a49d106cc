"""The dg project (pyproject's [tool.dg]): `dg check defs`, `dg list defs` and `dg launch --assets '*'`
as a person runs them from the repository root, each with a throwaway DAGSTER_HOME and data dir."""

import json
import os
import subprocess
import sys
from pathlib import Path

from glaive_assets.storage.manifest import read_manifest

REPO_ROOT = Path(__file__).resolve().parents[1]
DG = Path(sys.executable).with_name("dg")
ARTIFACT_ASSETS = ["anomaly_report", "bias_report", "glaive_chatml", "glaive_processed", "glaive_raw",
                   "glaive_rejects", "pipeline_summary", "export_hf", "export_openai",
                   "export_sharegpt", "training_report", "training_set", "validation_report"]


def _dg(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "GLAIVE_", "SLACK_"))}
    clean.update(DAGSTER_HOME=str(home), GLAIVE_DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run([str(DG), *args], cwd=REPO_ROOT, env=clean, capture_output=True, text=True, timeout=300)


def test_dg_check_defs_and_list_defs(tmp_path):
    checked = _dg(tmp_path, "check", "defs")
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "All definitions loaded successfully." in checked.stdout + checked.stderr

    listed = _dg(tmp_path, "list", "defs", "--json")
    assert listed.returncode == 0, listed.stderr[-3000:]
    inventory = json.loads(listed.stdout)
    assets = {asset["asset_key"]: asset for asset in inventory["assets"]}
    assert sorted(assets) == sorted([*ARTIFACT_ASSETS, "glaive_source"])
    assert assets["glaive_chatml"]["group_name"] == "transform"
    assert sorted(assets["glaive_chatml"]["kinds"]) == ["json", "python"]
    assert sorted(sensor["name"] for sensor in inventory["sensors"]) == [
        "glaive_automation", "glaive_dead_runs", "glaive_source_changed", "slack_on_check_failure", "slack_on_run_failure"]
    assert [schedule["name"] for schedule in inventory["schedules"]] == ["glaive_weekly_refresh"]
    assert len(inventory["asset_checks"]) == 13 + 4  # glaive_processed's, the training set's


def test_dg_launch_materializes_every_asset(tmp_path):
    launched = _dg(tmp_path, "launch", "--assets", "*", GLAIVE_SAMPLE_SIZE="200", GLAIVE_SEED="3")
    assert launched.returncode == 0, launched.stderr[-3000:]
    manifest = read_manifest(tmp_path / "data")["artifacts"]
    assert sorted(manifest) == sorted(ARTIFACT_ASSETS)
    assert manifest["glaive_raw"]["rows"] == 200
    assert (manifest["glaive_raw"]["requested_sample_size"], manifest["glaive_raw"]["seed"]) == (200, 3)
    assert manifest["glaive_processed"]["rows"] + manifest["glaive_rejects"]["rows"] == 200
    assert manifest["training_set"]["rows"] == manifest["glaive_chatml"]["rows"]  # splits + ledger
