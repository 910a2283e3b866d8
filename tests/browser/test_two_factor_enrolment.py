"""A coordinator who has not set up two-factor sign-in is made to, then signs in with it."""

import re

import pyotp
from playwright.sync_api import Page, expect

from accounts.two_factor import MUST_ENROL_MESSAGE
from conftest import PASSWORD, make_user
from organisations.services import membership_create
from tests.browser.helpers import (
    assert_accessible,
    expect_home,
    give_authenticator_code,
    sign_in_with_password,
)

ACTIVATE = re.compile(r"/accounts/2fa/totp/activate/$")
REAUTHENTICATE = re.compile(
    r"/accounts/reauthenticate/\?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F$"
)


def expect_sent_to_enrol(page: Page, *, password_check: bool) -> None:
    """The user is told they must enrol and ends on the activation page.

    Before enrolment allauth asks for the password again unless it was confirmed in the last
    few minutes (signing in does not count); the must-enrol message shows on the first page.
    """
    if password_check:
        page.wait_for_url(REAUTHENTICATE)
        expect(page.get_by_text(MUST_ENROL_MESSAGE)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
        assert_accessible(page)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Confirm").click()
        page.wait_for_url(ACTIVATE)
    else:
        page.wait_for_url(ACTIVATE)
        expect(page.get_by_text(MUST_ENROL_MESSAGE)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_accessible(page)


def test_a_coordinator_must_enrol_in_two_factor_and_then_signs_in_with_it(page, people):
    newcomer = make_user("new.coordinator@example.org", "Nia Newcomer")
    membership_create(user=newcomer, organisation=people.wmca, role="coordinator")
    assert newcomer.emailaddress_set.get().verified  # allauth enrols verified addresses only

    # Signing in with the password alone leads to enrolment, not home.
    sign_in_with_password(page, newcomer.email)
    expect_sent_to_enrol(page, password_check=True)

    # Home stays out of reach until enrolment is done.
    page.goto("/home/")
    expect_sent_to_enrol(page, password_check=False)

    # Enrol: read the secret the page shows, as an authenticator app would from the QR code.
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret)
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("main").get_by_role("button", name="Activate").click()

    # allauth shows the new recovery codes next; the service name leads home from there.
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.get_by_text("Authenticator app activated.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("banner").get_by_role("link", name="Rehome West Midlands").click()
    expect_home(page, "Regional overview")

    # Sign out, and back in: now the password is followed by the code step.
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Old IT, connected people")
    assert_accessible(page)

    sign_in_with_password(page, newcomer.email)
    # Activation does not spend the code it checks, so the current one is still good here.
    give_authenticator_code(page, pyotp.TOTP(secret).now())
    expect_home(page, "Regional overview")
