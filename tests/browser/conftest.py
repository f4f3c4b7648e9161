"""Real-browser fixtures: Playwright driving the Debian Chromium against pytest-django's
``live_server``.

Every test in this folder is marked ``browser``. A missing browser is a failure, never a
skip: a browser test that silently skips in CI proves nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery staple"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need the Debian chromium package "
            "(apt-get install chromium). They must not be skipped.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _is_ignored(url: str) -> bool:
    return url.split("?", 1)[0].endswith("/favicon.ico")


@pytest.fixture
def browser_errors():
    """Console errors and uncaught page errors seen by ``page``; must be empty at teardown."""
    return []


@pytest.fixture
def page(browser, browser_errors):
    # Fixed locale and colour scheme: the interface language comes from Accept-Language until
    # the switcher sets its cookie, and the "system" theme from prefers-color-scheme.
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", color_scheme="light")
    page = context.new_page()

    def on_console(message):
        if message.type != "error" or _is_ignored(message.location.get("url", "")):
            return
        if message.text.startswith("Failed to load resource"):
            return  # reported with its URL by on_response / on_request_failed
        browser_errors.append(f"console: {message.text} ({message.location.get('url')})")

    def on_request_failed(request):
        # ERR_ABORTED: a load cut short by our own navigation (reload, form submit)
        if not _is_ignored(request.url) and "ERR_ABORTED" not in (request.failure or ""):
            browser_errors.append(f"request failed: {request.url} ({request.failure})")

    def on_response(response):
        if response.status == 404 and _is_ignored(response.url):
            return
        if response.status >= 400:
            browser_errors.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_errors.append(f"pageerror: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    yield page
    context.close()
    assert browser_errors == [], "the browser reported errors:\n" + "\n".join(browser_errors)


@pytest.fixture
def login(page, live_server, transactional_db):
    """Log a user in through the real login form; returns the page, now on the library."""

    def log_in(user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("form:has(#id_password) button[type=submit]").click()
        assert page.url == f"{live_server.url}/", f"login failed, still on {page.url}"
        return page

    return log_in


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
