"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test in this folder gets the `browser` marker. Playwright's bundled browsers are never
downloaded; the tests use /usr/bin/chromium. When it is missing the tests are skipped loudly
(a banner in the terminal summary), or failed when CI=true, so a CI run cannot pass silently
without them.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM
# calls from that thread (SynchronousOnlyOperation). The fixtures are genuinely synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-gpu",
]
MISSING_MESSAGE = (
    f"BROWSER TESTS SKIPPED: {CHROMIUM} not found; install it with apt-get install chromium"
)
CI_MISSING_MESSAGE = (
    f"Browser tests cannot run: {CHROMIUM} not found and CI=true, so they fail rather than skip. "
    "Install it with apt-get install chromium."
)
# Playwright's own waits (expect, clicks, navigation); generous for slow CI machines.
TIMEOUT_MS = 15_000

HERE = Path(__file__).parent


def _chromium_available() -> bool:
    return CHROMIUM.exists()


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def pytest_collection_modifyitems(config, items):
    available = _chromium_available()
    for item in items:
        if HERE not in Path(item.path).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not available and not _on_ci():
            item.add_marker(pytest.mark.skip(reason=MISSING_MESSAGE))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A banner nobody can miss when the browser tests did not run (works under xdist too)."""

    def reports(*outcomes, message):
        return [
            report
            for outcome in outcomes
            for report in terminalreporter.stats.get(outcome, [])
            if message in str(getattr(report, "longrepr", ""))
        ]

    if skipped := reports("skipped", message=MISSING_MESSAGE):
        terminalreporter.write_sep("!", MISSING_MESSAGE, red=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} browser test(s) did not run.", red=True)
    if failed := reports("error", "failed", message=CI_MISSING_MESSAGE):
        terminalreporter.write_sep("!", CI_MISSING_MESSAGE, red=True, bold=True)
        terminalreporter.write_line(f"{len(failed)} browser test(s) failed.", red=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_report = report
    return report


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole session; each test gets its own context (see `page`)."""
    if not _chromium_available():
        # Only reached on CI: elsewhere the tests were marked skip at collection.
        pytest.fail(CI_MISSING_MESSAGE, pytrace=False)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    """Settings the live server needs whatever the environment says.

    Plain HTTP on localhost: no HTTPS redirect and no Secure-only cookies (they follow DEBUG,
    read from the environment). A TOTP tolerance of one step either side keeps sign-ins from
    failing when a 30-second window rolls over between computing a code and submitting it.
    """
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def page(request, chromium, live_server):
    """A fresh browser context and page on the live server, for one test.

    Every document the page loads must get an axe check (`helpers.assert_accessible`); a test
    that passes without checking one fails here, naming the pages it missed.
    """
    from playwright.sync_api import expect

    from tests.browser.helpers import pages_not_checked, watch_page_loads

    expect.set_options(timeout=TIMEOUT_MS)
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch_page_loads(page)
    yield page
    missed = pages_not_checked(page)
    context.close()
    report = getattr(request.node, "browser_call_report", None)
    if missed and report is not None and report.passed:
        pytest.fail(
            "These pages were loaded but never checked with assert_accessible: "
            + ", ".join(missed),
            pytrace=False,
        )


@pytest.fixture
def people(transactional_db, personas):
    """The personas, on the transactional database the live server needs.

    `personas` asks for `db`; asking for `transactional_db` first makes sure the test runs with
    real commits, so the server thread sees the data.
    """
    return personas
