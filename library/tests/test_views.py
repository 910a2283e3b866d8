"""Library pages: the public sees published pages only; members write and submit their own
organisation's pages; the coordinator reviews; no one else sees a draft."""

import pytest
from django.urls import reverse

from library import services
from library.models import Page, Status

FORM = {
    "kind": "case_study",
    "title": "Repair café evenings",
    "summary": "Monthly evenings where volunteers fix donated laptops with their owners.",
    "body": "## How it works\n\nBring a laptop, leave with it working.",
    "outcomes": "40 laptops fixed",
    "themes": ["refurbishment", "digital_skills"],
}


def manage_url(page, name="manage"):
    return reverse(f"library:{name}", kwargs={"slug": page.slug})


# ---------------------------------------------------------------------------------------------
# Public


def test_the_public_index_and_page_show_only_published_pages(client, publish, write, in_review):
    published = publish(title="Published scheme")
    draft = write(title="Secret draft")
    index = client.get(reverse("library:index")).content.decode()
    assert "Published scheme" in index
    assert "Secret draft" not in index
    assert in_review.title not in index
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(in_review.get_absolute_url()).status_code == 404


def test_a_withdrawn_page_is_no_longer_public(client, personas, publish):
    page = publish()
    services.page_withdraw(
        page, actor=personas.coordinator, organisation=personas.wmca, reason="Out of date."
    )
    assert client.get(page.get_absolute_url()).status_code == 404
    assert page.title not in client.get(reverse("library:index")).content.decode()


def test_a_published_page_shows_its_rendered_body_tags_and_outcomes(client, publish, personas):
    page = publish(
        body="## Steps\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))",
        organisations=[personas.tipton],
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert '<h2 class="govuk-heading-m">Steps</h2>' in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html
    assert "Ladywood Community Hub" in html
    assert "Tipton Together" in html
    assert "Birmingham" in html
    assert "Device donation" in html
    assert "418" in html
    assert "devices donated" in html


@pytest.fixture
def shelf(publish, personas, areas):
    """Three published pages to filter."""
    return {
        "library": publish(
            title="Library drop-off", themes=["device_donation"], area_names=["Birmingham"]
        ),
        "tariffs": publish(
            organisation=personas.tipton,
            actor=personas.charlie,
            title="Social tariffs at handover",
            body="We ask about broadband at every handover.",
            themes=["connectivity"],
            area_names=["Sandwell"],
        ),
        "guide": publish(
            title="Running a donation drive",
            kind="guidance",
            themes=["device_donation"],
            area_names=[],
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"library", "tariffs", "guide"}),
        ("?kind=case_study", {"library", "tariffs"}),
        ("?kind=guidance", {"guide"}),
        ("?theme=connectivity", {"tariffs"}),
        ("?theme=device_donation&kind=case_study", {"library"}),
        ("?area=sandwell", {"tariffs"}),
        ("?q=broadband", {"tariffs"}),
        ("?q=donation+drive", {"guide"}),
        ("?theme=data_and_impact", set()),
    ],
)
def test_the_index_filters_by_kind_theme_area_and_words(client, shelf, query, expected):
    html = client.get(reverse("library:index") + query).content.decode()
    shown = {key for key, page in shelf.items() if page.get_absolute_url() in html}
    assert shown == expected


def test_an_unknown_filter_value_shows_everything_rather_than_failing(client, shelf):
    response = client.get(reverse("library:index") + "?theme=astrology&area=atlantis")
    assert response.status_code == 200
    assert "Library drop-off" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Workspace


def test_a_member_writes_submits_and_the_coordinator_publishes(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("library:new"), FORM, follow=True)
    page = Page.objects.get(title="Repair café evenings")
    assert response.redirect_chain[-1][0] == manage_url(page)
    assert "Submit for review" in response.content.decode()
    client.post(manage_url(page, "submit"))
    page.refresh_from_db()
    assert page.status == Status.IN_REVIEW

    client.force_login(personas.coordinator)
    queue = client.get(reverse("library:review")).content.decode()
    assert "Repair café evenings" in queue
    client.post(manage_url(page, "publish"))
    page.refresh_from_db()
    assert page.status == Status.PUBLISHED
    assert client.get(page.get_absolute_url()).status_code == 200


def test_the_form_warns_about_personal_data_and_refuses_it(client, personas):
    client.force_login(personas.alice)
    assert "never about someone it helped" in client.get(reverse("library:new")).content.decode()
    data = {**FORM, "body": "Ring Mrs Patel on 07700 900123 to book."}
    response = client.post(reverse("library:new"), data)
    assert response.status_code == 200
    assert "This looks like a phone number" in response.content.decode()
    assert not Page.objects.exists()


def test_the_coordinator_sends_a_page_back_and_the_writers_see_the_comment(
    client, personas, in_review
):
    client.force_login(personas.coordinator)
    response = client.post(
        manage_url(in_review, "send_back"), {"comment": "Please add the outcome figures."}
    )
    assert response["Location"] == reverse("library:review")  # a draft is no longer theirs to see
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    client.force_login(personas.bob)
    page = client.get(manage_url(in_review)).content.decode()
    assert "Please add the outcome figures." in page
    assert "Cora Ordinator" in page


def test_a_member_changes_a_draft(client, personas, write):
    page = write()
    client.force_login(personas.bob)
    form = client.get(manage_url(page, "edit")).content.decode()
    assert "418 devices donated" in form  # outcomes come back as lines to edit
    client.post(manage_url(page, "edit"), {**FORM, "title": "Renamed"})
    page.refresh_from_db()
    assert page.title == "Renamed"


def test_the_owner_withdraws_a_published_page(client, personas, publish):
    page = publish()
    client.force_login(personas.alice)
    client.post(manage_url(page, "withdraw"), {"reason": "The scheme closed."})
    page.refresh_from_db()
    assert page.status == Status.WITHDRAWN
    assert "The scheme closed." in client.get(manage_url(page)).content.decode()


def test_another_organisation_sees_none_of_a_draft_or_a_page_in_review(
    client, personas, write, in_review
):
    draft = write(title="Secret draft")
    client.force_login(personas.charlie)
    assert "Secret draft" not in client.get(reverse("library:workspace")).content.decode()
    for page in (draft, in_review):
        for name in ("manage", "edit", "withdraw"):
            assert client.get(manage_url(page, name)).status_code == 404, name
        assert client.post(manage_url(page, "submit")).status_code == 404
        assert client.post(manage_url(page, "edit"), FORM).status_code == 404
    for name in ("publish", "send_back"):
        assert client.post(manage_url(in_review, name)).status_code == 403
    draft.refresh_from_db()
    in_review.refresh_from_db()
    assert (draft.status, draft.title) == (Status.DRAFT, "Secret draft")
    assert in_review.status == Status.IN_REVIEW


def test_the_coordinator_never_sees_another_organisations_draft(client, personas, write):
    draft = write(title="Not ready yet")
    client.force_login(personas.coordinator)
    assert client.get(manage_url(draft)).status_code == 404
    assert "Not ready yet" not in client.get(reverse("library:review")).content.decode()


@pytest.mark.parametrize("who", ["alice", "council_officer", "donor", "technician"])
def test_only_the_coordinator_opens_the_review_queue(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("library:review")).status_code == 403


def test_a_signed_in_user_without_an_organisation_cannot_write(client, personas):
    from conftest import make_user

    client.force_login(make_user("loner@example.org", "Lone Ranger"))
    assert client.get(reverse("library:workspace")).status_code == 403
    assert client.get(reverse("library:new")).status_code == 403


def test_the_workspace_lists_the_organisations_pages_with_their_status(client, personas, write):
    write(title="First draft")
    client.force_login(personas.bob)
    html = client.get(reverse("library:workspace")).content.decode()
    assert "First draft" in html
    assert "Draft</strong>" in html
    assert "Review pages" not in html  # for the coordinator only
