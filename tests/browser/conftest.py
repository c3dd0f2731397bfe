"""Browser fixtures: one headless Chromium per session (system binary; nothing is downloaded)."""
import os
import pathlib
import shutil

import pytest

from .pw_helpers import new_context

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]



def chromium_path():
    """Return the Chromium binary to drive: $CHROMIUM, else /usr/bin/chromium, else one on PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and pathlib.Path(candidate).is_file():
            return candidate
    return None


def _unavailable(reason):
    """Skip the browser tests, or fail them when running in CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium shared by all browser tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    executable = chromium_path()
    if not executable:
        _unavailable("no Chromium binary found (set CHROMIUM or install /usr/bin/chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout():
    """Give auto-waiting expectations room on a busy CI machine."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        return
    expect.set_options(timeout=15000)


@pytest.fixture
def make_context(browser, live_server):
    """Factory for browser contexts on the live server; all are closed after the test."""
    opened = []

    def make(**kwargs):
        context = new_context(browser, live_server, **kwargs)
        opened.append(context)
        return context
    yield make
    for context in opened:
        context.close()
