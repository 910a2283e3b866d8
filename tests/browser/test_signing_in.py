"""Each role signs in through the real forms and lands on its own home."""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from conftest import totp_code
from tests.browser.helpers import (
    assert_accessible,
    expect_home,
    give_authenticator_code,
    sign_in_with_password,
    visit,
)


@dataclass
class Journey:
    persona: str
    home_heading: str
    two_factor: bool = False
    # Further pages the role opens once signed in: (path, main heading).
    pages: list[tuple[str, str]] = field(default_factory=list)


JOURNEYS = [
    Journey(
        "coordinator",
        "Regional overview",
        two_factor=True,
        pages=[("/organisations/", "Organisations")],
    ),
    Journey("council_officer", "Birmingham"),
    Journey(
        "alice",
        "Welcome, Alice",
        pages=[
            ("/organisation/", "Ladywood Community Hub"),
            ("/organisation/team/", "Team"),
            ("/organisation/api-tokens/", "API tokens"),
        ],
    ),
    Journey("donor", "Welcome, Dana"),
    Journey("technician", "Welcome, Tariq", two_factor=True),
]


@pytest.mark.parametrize(
    "journey",
    JOURNEYS,
    ids=[
        "coordinator with two-factor",
        "council officer",
        "VCSE worker",
        "donor contact",
        "ITAD technician with two-factor",
    ],
)
def test_each_role_signs_in_and_lands_on_its_own_home(page, people, journey):
    user = getattr(people, journey.persona)
    sign_in_with_password(page, user.email)
    if journey.two_factor:
        give_authenticator_code(page, totp_code())
    expect_home(page, journey.home_heading)
    for path, heading in journey.pages:
        visit(page, path, heading)


def test_sign_in_problems_are_summarised_and_tied_to_their_fields(page, people):
    sign_in_with_password(page, email="", password="")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    # Each message is the field's accessible description, so a screen reader reads it out.
    required = re.compile(r"Error:\s+This field is required")
    expect(page.get_by_label("Email")).to_have_accessible_description(required)
    expect(page.get_by_label("Password", exact=True)).to_have_accessible_description(required)
    assert_accessible(page)

    sign_in_with_password(page, people.alice.email, password="not-the-password")
    expect(summary).to_contain_text(
        "The email address and/or password you specified are not correct."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
