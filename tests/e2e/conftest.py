"""Browser journeys in Debian's Chromium, driven by Playwright.

There is no browser download here: we launch /usr/bin/chromium (or
$CHROMIUM_PATH). Without it the journeys skip with a reason, unless
REQUIRE_E2E=1, where a missing browser is a failure.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django would then
# refuse the fixtures' database calls, which are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(message + " (REQUIRE_E2E=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (own cookies) and collect console errors."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="id-ID")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
