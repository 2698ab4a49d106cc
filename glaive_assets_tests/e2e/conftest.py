"""Fixtures for the end-to-end tests: a real dagster dev per test module, Chromium, screenshots."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path

import pytest

from glaive_assets_tests.harness.dagster_dev import DagsterDev, LaunchDagsterDev, ProcessInfo, running_dagster_dev
from glaive_assets_tests.harness.glaive_rows import write_jsonl_atomically

CHROMIUM_PATH = Path("/usr/bin/chromium")
# Playwright's own browser download cannot work offline: we drive Debian's Chromium.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR_ENV = "GLAIVE_SCREENSHOT_DIR"


def _assert_group_is_gone(instance: DagsterDev, survivors: list[ProcessInfo]) -> None:
    assert survivors == [], (
        f"processes of dagster dev's group {instance.pgid} survived SIGTERM and SIGKILL: {survivors}"
    )


@pytest.fixture(scope="module")
def launch_dagster_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaunchDagsterDev]:
    """`launch(name, env_overrides)` starts a dagster dev that lives until the end of the test module.

    At teardown the whole process group is killed and the fixture fails if any process survived.
    """
    with ExitStack() as stack:

        def launch(name: str, env_overrides: Mapping[str, str]) -> DagsterDev:
            workdir = tmp_path_factory.mktemp(name)
            return stack.enter_context(
                running_dagster_dev(workdir, env_overrides, on_stop=_assert_group_is_gone)
            )

        yield launch


_missing_browser_messages: list[str] = []


@pytest.fixture(scope="module")
def source_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test module's FIRST_ROWS as a JSON-lines source, which its tests may rewrite (a source change)."""
    path = tmp_path_factory.mktemp("source") / "glaive_source.jsonl"
    write_jsonl_atomically(path, request.module.FIRST_ROWS)
    return path


@pytest.fixture(scope="module")
def chromium(pytestconfig: pytest.Config) -> Iterator[object]:
    """Debian's Chromium driven by Playwright; skips (loudly) only when /usr/bin/chromium is absent."""
    if not CHROMIUM_PATH.exists():
        message = (
            f"{CHROMIUM_PATH} is not installed: the browser e2e tests are SKIPPED. "
            "Install it with `apt-get install -y chromium` (or `make browser`)."
        )
        _missing_browser_messages.append(message)
        capture = pytestconfig.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():  # past pytest's capture: straight to the terminal
            print(f"\n!!! {message} !!!", file=sys.stderr, flush=True)
        warnings.warn(message, UserWarning, stacklevel=1)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """$GLAIVE_SCREENSHOT_DIR, or a pytest temp folder."""
    configured = os.environ.get(SCREENSHOT_DIR_ENV, "").strip()
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Repeat the missing-browser warning at the very end, where nobody can miss it."""
    for message in _missing_browser_messages:
        terminalreporter.write_line(f"!!! {message} !!!", red=True, bold=True)
