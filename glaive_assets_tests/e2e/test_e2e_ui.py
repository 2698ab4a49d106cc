"""End to end in a real browser: the Dagster UI of a real dagster dev shows the graph and its checks,
and "Materialize all" clicked in the UI materializes every asset.

Debian's Chromium (/usr/bin/chromium) driven by Playwright; skips loudly only when it is absent.
Set GLAIVE_SCREENSHOT_DIR to keep the screenshots; GLAIVE_UPDATE_README_SCREENSHOT=1 also copies
the lineage screenshot to docs/lineage.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets_tests.harness.dagster_dev import REPO_ROOT, DagsterDev, LaunchDagsterDev, wait_for

SOURCE_ASSET = "glaive_source"
SOURCE_SENSOR = "glaive_source_changed"
MATERIALIZABLE_ASSETS = (
    "glaive_raw",
    "glaive_processed",
    "glaive_rejects",
    "glaive_chatml",
    "validation_report",
    "anomaly_report",
    "bias_report",
    "pipeline_summary",
    "training_set",
    "training_report",
    "export_hf",
    "export_openai",
    "export_sharegpt",
)
ALL_ASSETS = (SOURCE_ASSET, *MATERIALIZABLE_ASSETS)
SAMPLE_SIZE = 300
VIEWPORT = {"width": 2000, "height": 2000}  # large enough that the lineage draws every asset node, the three exports included
README_SCREENSHOT = REPO_ROOT / "docs" / "lineage.png"
UI_TIMEOUT_MS = 30_000

pytestmark = [pytest.mark.e2e]

ASSET_NODES_QUERY = """
query E2EAssetNodes {
  assetNodes {
    assetKey { path }
    groupName
    isObservable
    assetChecksOrError { __typename ... on AssetChecks { checks { name blocking
      executionForLatestMaterialization { runId status } } } }
  }
}
"""

RUN_MATERIALIZATIONS_QUERY = """
query E2ERunMaterializations($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status assetMaterializations { assetKey { path } } }
  }
}
"""


@pytest.fixture(scope="module")
def ui_dev(chromium: Any, launch_dagster_dev: LaunchDagsterDev) -> DagsterDev:
    # Depends on `chromium` first, so that a missing browser skips before dagster dev starts.
    return launch_dagster_dev("ui_dev", {"GLAIVE_SOURCE": "sample", "GLAIVE_SAMPLE_SIZE": str(SAMPLE_SIZE)})


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def asset_nodes(dev: DagsterDev) -> dict[str, dict]:
    return {node["assetKey"]["path"][-1]: node for node in dev.graphql(ASSET_NODES_QUERY)["assetNodes"]}


def checks_of(node: dict) -> list[dict]:
    checks = node["assetChecksOrError"]
    assert checks["__typename"] == "AssetChecks", checks
    return checks["checks"]


def open_expanded_lineage(page: Any, dev: DagsterDev) -> None:
    """The global asset lineage with every group expanded."""
    page.goto(f"{dev.base_url}/asset-groups")
    page.get_by_role("button", name="Materialize all").wait_for()
    page.locator("svg foreignObject").first.wait_for()
    if page.locator("svg foreignObject").get_by_text(SOURCE_ASSET, exact=True).count():
        return  # expanded already: the page remembers the expanded groups (local storage)
    # "Expand all groups" (the graph's own shortcut, also in its settings menu) puts the groups in
    # the URL; loading that URL again lays the expanded graph out.
    page.keyboard.press("Alt+e")
    page.wait_for_url(re.compile(r"[?&]expanded="))
    page.goto(page.url)
    page.locator("svg foreignObject").get_by_text(SOURCE_ASSET, exact=True).wait_for()


def visible_in_graph(page: Any, asset_name: str) -> bool:
    nodes = page.locator("svg foreignObject").get_by_text(asset_name, exact=True)
    return any(nodes.nth(index).is_visible() for index in range(nodes.count()))


# True when the asset's node says "Materialized" (detailed nodes) or is drawn green (the minimal
# nodes of a zoomed-out graph: Dagster 1.13 colours them through the --minimal-bg CSS variable).
_NODE_SHOWS_MATERIALIZED_JS = """
name => {
  for (const label of document.querySelectorAll('svg foreignObject [class*="assetName"]')) {
    if (label.textContent.trim() !== name) continue;
    const node = label.closest('[class*="assetNodeContainer"]');
    if (!node) continue;
    if (/\\bMaterialized\\b/.test(node.innerText)) return true;
    const box = node.querySelector('[style*="--minimal-bg"]');
    if (box && box.getAttribute('style').includes('background-green')) return true;
  }
  return false;
}
"""


def assets_shown_materialized(page: Any) -> set[str]:
    return {name for name in MATERIALIZABLE_ASSETS if page.evaluate(_NODE_SHOWS_MATERIALIZED_JS, name)}


def _graph_boxes(page: Any) -> list[dict]:
    shapes = page.locator("svg foreignObject")
    return [box for box in (shapes.nth(index).bounding_box() for index in range(shapes.count())) if box]


def _graph_viewport(page: Any) -> tuple[float, float, float, float]:
    """The visible drawing area: the clipping ancestor of the graph's SVG, below the toolbar."""
    area = page.locator("svg:has(foreignObject)").first.evaluate(
        """svg => { let node = svg.parentElement;
            while (node && !['hidden', 'clip'].includes(getComputedStyle(node).overflow)) node = node.parentElement;
            const r = (node || document.body).getBoundingClientRect();
            return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""
    )
    toolbar = page.get_by_role("button", name="Materialize all").bounding_box()
    top = max(area["y"], toolbar["y"] + toolbar["height"])
    # The zoom controls sit on the right edge.
    return area["x"], top, area["x"] + area["width"] - 70, area["y"] + area["height"]


def fit_graph_in_view(page: Any, margin: float = 24.0, max_steps: int = 10) -> bool:
    """Zoom out and pan until every node and group lies inside the visible area (for screenshots)."""
    for _ in range(max_steps):
        left, top, right, bottom = _graph_viewport(page)
        left, top, right, bottom = left + margin, top + margin, right - margin, bottom - margin
        boxes = _graph_boxes(page)
        x0 = min(box["x"] for box in boxes)
        y0 = min(box["y"] for box in boxes)
        x1 = max(box["x"] + box["width"] for box in boxes)
        y1 = max(box["y"] + box["height"] for box in boxes)
        if x1 - x0 > right - left or y1 - y0 > bottom - top:
            page.locator('button:has([aria-label="zoom_out"])').click()
        elif x0 >= left and y0 >= top and x1 <= right and y1 <= bottom:
            return True
        else:  # drag the canvas from an empty spot so that the graph is centred
            spots = [(left, top), (left, bottom), (right, top), ((left + right) / 2, top), (left, (top + bottom) / 2)]
            start_x, start_y = next(
                ((x, y) for x, y in spots if not any(
                    box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"] for box in boxes)),
                spots[0],
            )
            page.mouse.move(start_x, start_y)
            page.mouse.down()
            page.mouse.move(start_x + (left + right - x0 - x1) / 2, start_y + (top + bottom - y0 - y1) / 2, steps=8)
            page.mouse.up()
        page.wait_for_timeout(300)  # the viewport animates its transform
    return False


@pytest.mark.timeout(240)
def test_lineage_page_shows_every_asset(ui_dev: DagsterDev, page: Any, screenshot_dir: Path) -> None:
    nodes = asset_nodes(ui_dev)
    assert sorted(nodes) == sorted(ALL_ASSETS)
    assert nodes[SOURCE_ASSET]["isObservable"] is True

    open_expanded_lineage(page, ui_dev)
    for name in ALL_ASSETS:
        assert visible_in_graph(page, name), f"{name} is not drawn on the lineage page"
    for group in {node["groupName"] for node in nodes.values()}:
        assert page.locator("svg foreignObject").get_by_text(group, exact=True).first.is_visible()
    # Zoomed to fit, every node lies inside the viewport: the whole graph is on screen at once.
    assert fit_graph_in_view(page)
    width, height = VIEWPORT["width"], VIEWPORT["height"]
    for name in ALL_ASSETS:
        box = page.locator("svg foreignObject").get_by_text(name, exact=True).first.bounding_box()
        assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width, (name, box)
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, (name, box)
    page.screenshot(path=str(screenshot_dir / "lineage_before_materialize.png"))


# Each check sits on the report that holds its evidence; schema_suite is the blocking gate.
CHECKED_REPORTS = {"validation_report": ("schema",), "anomaly_report": ("anomaly_",), "bias_report": ("bias_",)}


@pytest.mark.timeout(240)
def test_checks_tab_lists_the_checks_of_each_report(ui_dev: DagsterDev, page: Any, screenshot_dir: Path) -> None:
    nodes = asset_nodes(ui_dev)
    for report, prefixes in CHECKED_REPORTS.items():
        checks = checks_of(nodes[report])
        check_names = sorted(check["name"] for check in checks)
        assert check_names and all(name.startswith(prefixes) for name in check_names), (report, check_names)
        assert {check["blocking"] for check in checks} == {report == "validation_report"}, report

        page.goto(f"{ui_dev.base_url}/assets/{report}?view=checks")
        page.get_by_text(f"Checks ({len(check_names)})", exact=True).wait_for()
        for name in check_names:
            assert check_listed(page, name), f"check {name} of {report} not listed"
        page.screenshot(path=str(screenshot_dir / f"{report}_checks.png"))


def check_listed(page: Any, name: str) -> bool:
    """The name is shown whole, or middle-truncated as "head…tail" (the UI does that to long names)."""
    whole = page.get_by_text(name, exact=True)
    if any(whole.nth(index).is_visible() for index in range(whole.count())):
        return True
    truncated = page.get_by_text(re.compile(r"^\S+…\S+$"))
    for index in range(truncated.count()):
        label = truncated.nth(index)
        if label.is_visible():
            head, tail = label.inner_text().strip().split("…", 1)
            if name.startswith(head) and name.endswith(tail) and len(head) + len(tail) < len(name):
                return True
    return False


def launch_materialize_all(page: Any) -> str:
    """Click "Materialize all", confirm a dialog if one opens, and return the launched run's id prefix."""
    page.get_by_role("button", name="Materialize all").click()
    toast = page.get_by_text(re.compile(r"Launched run [0-9a-f]{8}"))
    dialog = page.get_by_role("dialog")
    toast.or_(dialog).first.wait_for()
    if not toast.is_visible() and dialog.is_visible():
        dialog.get_by_role("button", name=re.compile(r"^(Materialize|Launch)")).last.click()
    toast.first.wait_for()
    return re.search(r"Launched run ([0-9a-f]{8})", toast.first.inner_text()).group(1)


@pytest.mark.timeout(300)
def test_materialize_all_from_the_ui(ui_dev: DagsterDev, page: Any, screenshot_dir: Path) -> None:
    started = time.monotonic()
    # On first sight of the sample the source sensor requests a run by itself. Let it finish first,
    # so that the UI's run is, without a race, the latest materialization of every asset.
    sensor_runs = wait_for(lambda: ui_dev.runs(tags={"dagster/sensor_name": SOURCE_SENSOR}), timeout=60,
                           what=f"{SOURCE_SENSOR}'s first run", diagnostics=ui_dev.log_tail)
    for sensor_run in sensor_runs:
        ui_dev.wait_for_run_to_finish(sensor_run.run_id, timeout=120)
    open_expanded_lineage(page, ui_dev)
    clicked_at = time.time()
    run_prefix = launch_materialize_all(page)

    ui_runs = wait_for(
        lambda: [run for run in ui_dev.runs(tags={"dagster/from_ui": "true"}) if run.run_id.startswith(run_prefix)],
        timeout=30, what=f"the UI-launched run {run_prefix}", diagnostics=ui_dev.log_tail,
    )
    assert len(ui_runs) == 1
    assert ui_runs[0].creation_time >= clicked_at - 1
    run = ui_dev.wait_for_run_to_finish(ui_runs[0].run_id, timeout=240)

    data = ui_dev.graphql(RUN_MATERIALIZATIONS_QUERY, {"runId": run.run_id})["runOrError"]
    materialized = {event["assetKey"]["path"][-1] for event in data["assetMaterializations"]}
    assert materialized == set(MATERIALIZABLE_ASSETS)

    for name, relative in ARTIFACT_PATHS.items():
        path = ui_dev.data_dir / relative
        assert path.is_file() and path.stat().st_size > 0, f"{name}: {path} missing or empty"
    rows = {name: count_lines(ui_dev.data_dir / ARTIFACT_PATHS[name])
            for name in ("glaive_raw", "glaive_processed", "glaive_rejects", "glaive_chatml")}
    assert rows["glaive_raw"] == SAMPLE_SIZE
    assert rows["glaive_processed"] + rows["glaive_rejects"] == SAMPLE_SIZE
    assert rows["glaive_chatml"] == rows["glaive_processed"]
    # The summary the run wrote agrees with the files on disk.
    summary = json.loads((ui_dev.data_dir / ARTIFACT_PATHS["pipeline_summary"]).read_text(encoding="utf-8"))
    assert summary["stages"]["ingest"]["raw_rows"] == SAMPLE_SIZE
    assert summary["stages"]["transform"]["processed_rows"] == rows["glaive_processed"]
    assert summary["stages"]["transform"]["rejected_rows"] == rows["glaive_rejects"]
    assert summary["stages"]["training_outputs"]["chatml_rows"] == rows["glaive_chatml"]
    assert (summary["run_id"], summary["from_older_runs"]) == (run.run_id, [])

    # Every check of every report ran against the materialization of this run.
    nodes = asset_nodes(ui_dev)
    for report in CHECKED_REPORTS:
        for check in checks_of(nodes[report]):
            execution = check["executionForLatestMaterialization"]
            assert execution is not None and execution["runId"] == run.run_id, (check["name"], execution)

    # The UI shows the finished graph: every asset materialized. That screenshot goes in the README.
    open_expanded_lineage(page, ui_dev)
    wait_for(lambda: assets_shown_materialized(page) == set(MATERIALIZABLE_ASSETS), timeout=30,
             what="the lineage page to show every asset materialized",
             diagnostics=lambda: f"shown materialized: {sorted(assets_shown_materialized(page))}")
    page.get_by_text("Hide navigation").click()
    page.locator('button:has([aria-label="panel_show_right"])').last.click()  # the asset tree panel
    assert fit_graph_in_view(page), "could not fit the whole graph in the viewport"
    lineage_png = screenshot_dir / "lineage.png"
    page.screenshot(path=str(lineage_png))
    if os.environ.get("GLAIVE_UPDATE_README_SCREENSHOT") == "1":
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lineage_png, README_SCREENSHOT)
    print(f"\nUI e2e: Materialize all -> run {run.run_id} succeeded; {time.monotonic() - started:.1f} s")
