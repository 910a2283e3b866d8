"""The page workflow: who may write, submit, publish, send back and withdraw, and the audit."""

import pytest
from django.core.exceptions import ValidationError

from library import services
from library.models import Action, Page, Status

from .conftest import make_draft


def test_a_member_writes_a_draft_for_their_organisation_with_its_tags(personas, areas):
    page = services.page_create(
        organisation=personas.ladywood,
        actor=personas.alice,
        draft=make_draft(
            themes=["digital_skills", "device_donation"],
            areas=[areas["Birmingham"]],
            organisations=[personas.tipton],
            outcomes="312 laptops rehomed\n85% still using them",
        ),
    )
    assert page.status == Status.DRAFT
    assert page.slug == "laptops-through-the-library"
    assert page.region == personas.region
    assert page.themes == ["device_donation", "digital_skills"]
    assert list(page.areas.all()) == [areas["Birmingham"]]
    assert list(page.organisations.all()) == [personas.tipton]
    assert page.outcomes == [
        {"figure": "312", "label": "laptops rehomed"},
        {"figure": "85%", "label": "still using them"},
    ]
    event = page.events.get()
    assert (event.action, event.to_status, event.actor, event.organisation) == (
        Action.CREATED,
        Status.DRAFT,
        personas.alice,
        personas.ladywood,
    )


def test_someone_outside_the_organisation_cannot_write_for_it(personas):
    with pytest.raises(ValidationError, match="Only members of Ladywood Community Hub"):
        services.page_create(
            organisation=personas.ladywood, actor=personas.charlie, draft=make_draft()
        )
    assert not Page.objects.exists()


def test_slugs_are_unique_and_never_a_workspace_address(write):
    assert write().slug == "laptops-through-the-library"
    assert write().slug == "laptops-through-the-library-2"
    assert write(title="New").slug == "new-page"
    assert write(title="Review").slug == "review-page"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "Ask Jo on jo.bloggs@example.org", "looks like an e-mail address"),
        ("body", "Call 0121 496 0000 to book", "looks like a phone number"),
        ("summary", "Text 07700 900123 for a place", "looks like a phone number"),
        ("outcomes", "12 people, call 07700 900123", "looks like a phone number"),
        ("title", "", "Give the page a title"),
        ("body", "   ", "Write the page"),
        ("themes", [], "Choose at least one theme"),
        ("themes", ["astrology"], "Unknown theme"),
        ("kind", "novel", "case study or guidance"),
        ("outcomes", "lots of laptops", "Start each line with the figure"),
    ],
)
def test_a_draft_with_personal_data_or_gaps_is_refused_by_field(personas, field, value, message):
    with pytest.raises(ValidationError) as error:
        services.page_create(
            organisation=personas.ladywood,
            actor=personas.alice,
            draft=make_draft(**{field: value}),
        )
    assert any(message in m for m in error.value.message_dict[field])
    assert not Page.objects.exists()


def test_areas_from_another_region_are_refused(personas, areas):
    from regions.models import Area, Region

    other = Region.objects.create(
        slug="elsewhere", name="Elsewhere", authority="X", service_name="X"
    )
    stray = Area.objects.create(region=other, code="X1", name="Nowhere", slug="nowhere")
    with pytest.raises(ValidationError) as error:
        services.page_create(
            organisation=personas.ladywood, actor=personas.alice, draft=make_draft(areas=[stray])
        )
    assert "areas" in error.value.message_dict


def test_the_whole_workflow_is_recorded_with_who_did_what(personas, write):
    page = write()
    page = services.page_submit(page, actor=personas.bob, organisation=personas.ladywood)
    assert page.status == Status.IN_REVIEW
    assert page.submitted_at is not None
    page = services.page_send_back(
        page, actor=personas.coordinator, organisation=personas.wmca, comment="Add the outcomes."
    )
    assert page.status == Status.DRAFT
    page = services.page_update(
        page, actor=personas.alice, organisation=personas.ladywood, draft=make_draft(title="Better")
    )
    assert page.title == "Better"
    assert page.slug == "laptops-through-the-library"  # links keep working
    services.page_submit(page, actor=personas.alice, organisation=personas.ladywood)
    page = services.page_publish(page, actor=personas.coordinator, organisation=personas.wmca)
    assert page.status == Status.PUBLISHED
    assert page.published_at is not None
    page = services.page_withdraw(
        page, actor=personas.alice, organisation=personas.ladywood, reason="Scheme has ended."
    )
    assert page.status == Status.WITHDRAWN
    history = [
        (e.action, e.from_status, e.to_status, e.actor, e.comment)
        for e in page.events.order_by("at", "pk")
    ]
    assert history == [
        (Action.CREATED, "", "draft", personas.alice, ""),
        (Action.SUBMITTED, "draft", "in_review", personas.bob, ""),
        (Action.SENT_BACK, "in_review", "draft", personas.coordinator, "Add the outcomes."),
        (Action.EDITED, "draft", "draft", personas.alice, ""),
        (Action.SUBMITTED, "draft", "in_review", personas.alice, ""),
        (Action.PUBLISHED, "in_review", "published", personas.coordinator, ""),
        (Action.WITHDRAWN, "published", "withdrawn", personas.alice, "Scheme has ended."),
    ]


def test_changing_a_withdrawn_page_makes_it_a_draft_again(personas, publish):
    page = publish()
    services.page_withdraw(
        page, actor=personas.coordinator, organisation=personas.wmca, reason="Out of date."
    )
    page = services.page_update(
        page, actor=personas.alice, organisation=personas.ladywood, draft=make_draft()
    )
    assert page.status == Status.DRAFT


def test_another_organisation_cannot_change_submit_or_withdraw_a_page(personas, write, publish):
    draft = write()
    for action in (services.page_submit, services.page_update):
        extra = {"draft": make_draft()} if action is services.page_update else {}
        with pytest.raises(ValidationError, match="Only Ladywood Community Hub"):
            action(draft, actor=personas.charlie, organisation=personas.tipton, **extra)
    published = publish(title="Published")
    with pytest.raises(ValidationError, match="Only Ladywood Community Hub"):
        services.page_withdraw(
            published, actor=personas.charlie, organisation=personas.tipton, reason="Mine now."
        )
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (Status.DRAFT, Status.PUBLISHED)


def test_claiming_an_organisation_one_is_not_a_member_of_does_not_help(personas, write):
    page = write()
    with pytest.raises(ValidationError, match="Only members of Ladywood"):
        services.page_submit(page, actor=personas.charlie, organisation=personas.ladywood)


@pytest.mark.parametrize("who", ["alice", "council_officer", "charlie"])
def test_only_the_coordinator_publishes_or_sends_back(personas, in_review, who):
    user = getattr(personas, who)
    organisation = personas.membership(user).organisation
    with pytest.raises(ValidationError, match=services.COORDINATOR_ONLY):
        services.page_publish(in_review, actor=user, organisation=organisation)
    with pytest.raises(ValidationError, match=services.COORDINATOR_ONLY):
        services.page_send_back(in_review, actor=user, organisation=organisation, comment="No.")
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_a_page_moves_only_along_the_workflow(personas, write, in_review):
    draft = write()
    coordinator = {"actor": personas.coordinator, "organisation": personas.wmca}
    with pytest.raises(ValidationError, match=services.NOT_IN_REVIEW):
        services.page_publish(draft, **coordinator)
    with pytest.raises(ValidationError, match=services.NOT_PUBLISHED):
        services.page_withdraw(draft, reason="Why not.", **coordinator)
    with pytest.raises(ValidationError, match=services.NOT_SUBMITTABLE):
        services.page_submit(in_review, actor=personas.alice, organisation=personas.ladywood)
    with pytest.raises(ValidationError, match="not while it is in review"):
        services.page_update(
            in_review, actor=personas.alice, organisation=personas.ladywood, draft=make_draft()
        )
    services.page_publish(in_review, **coordinator)
    with pytest.raises(ValidationError, match=services.NOT_IN_REVIEW):
        services.page_publish(in_review, **coordinator)


def test_sending_back_needs_a_comment_and_withdrawing_a_reason(personas, in_review, publish):
    with pytest.raises(ValidationError) as error:
        services.page_send_back(
            in_review, actor=personas.coordinator, organisation=personas.wmca, comment=" "
        )
    assert error.value.message_dict == {"comment": [services.COMMENT_NEEDED]}
    with pytest.raises(ValidationError) as error:
        services.page_withdraw(
            publish(), actor=personas.alice, organisation=personas.ladywood, reason=""
        )
    assert error.value.message_dict == {"reason": [services.REASON_NEEDED]}


def test_the_coordinator_writes_pages_too(personas):
    page = services.page_create(
        organisation=personas.wmca, actor=personas.coordinator, draft=make_draft(kind="guidance")
    )
    services.page_submit(page, actor=personas.coordinator, organisation=personas.wmca)
    page = services.page_publish(page, actor=personas.coordinator, organisation=personas.wmca)
    assert page.status == Status.PUBLISHED
