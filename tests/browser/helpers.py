"""What the browser tests share: the axe-core check, and signing in through the real forms."""

import re
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from conftest import PASSWORD

_AXE = Axe()
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class _Loads:
    """The documents a browser page has loaded, and whether each had its axe check."""

    urls: list[str] = field(default_factory=list)
    checked: set[int] = field(default_factory=set)

    def missed(self) -> list[str]:
        return [url for i, url in enumerate(self.urls) if i not in self.checked]


_loads: dict[Page, _Loads] = {}


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""
    page.wait_for_load_state("load")  # styles applied, and the load recorded for the watch below
    results = _AXE.run(page)
    if loads := _loads.get(page):
        loads.checked.add(len(loads.urls) - 1)  # the document on screen now
    violations = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if not violations:
        return
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        lines.extend(f"    at {_target(node['target'])}" for node in violation["nodes"])
    pytest.fail("\n".join(lines), pytrace=False)


def _target(target) -> str:
    # axe gives a list of selectors, one per frame or shadow root on the way to the node.
    return " >> ".join(str(selector) for selector in target)


def watch_page_loads(page: Page) -> None:
    """Remember every document the page loads, so a test that skips an axe check is caught."""
    loads = _loads[page] = _Loads()

    def loaded(loaded_page: Page) -> None:
        if loaded_page.url.startswith("http"):
            loads.urls.append(loaded_page.url)

    page.on("load", loaded)


def pages_not_checked(page: Page) -> list[str]:
    loads = _loads.pop(page, None)
    return loads.missed() if loads else []


def sign_in_with_password(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()


def give_authenticator_code(page: Page, code: str) -> None:
    """The allauth two-factor step that follows the password for users with TOTP."""
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    assert_accessible(page)
    page.get_by_label("Code").fill(code)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()


def expect_home(page: Page, heading: str) -> None:
    page.wait_for_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def visit(page: Page, path: str, heading: str) -> None:
    """Open a page, check its main heading, and run axe on it."""
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
