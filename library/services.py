"""What happens to a library page: written as a draft, changed, submitted for review, published
or sent back with a comment, withdrawn.

Members of the organisation that owns a page write and submit it; the region's coordinator
reviews, publishes and may withdraw any published page (its owner may withdraw it too). Every
change is one transaction that writes a PageEvent with its actor. A ValidationError names what
is wrong, by field where there is one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lib.personal_data import personal_data_errors
from organisations.models import Membership, Organisation
from organisations.roles import Role
from regions.models import Area

from .content import OutcomeError, parse_outcomes
from .models import Action, Kind, Page, PageEvent, PageTheme, Status, Theme

NOT_A_MEMBER = "Only members of {organisation} can write or change its pages."
NOT_THE_OWNER = "Only {organisation}, which wrote this page, can change or submit it."
COORDINATOR_ONLY = "Only the regional coordinator reviews pages."
NOT_EDITABLE = "A page can be changed while it is a draft or withdrawn, not while it is {status}."
NOT_SUBMITTABLE = "Only a draft can be submitted for review."
NOT_IN_REVIEW = "Only a page in review can be published or sent back."
NOT_PUBLISHED = "Only a published page can be withdrawn."
COMMENT_NEEDED = "Say what should change, so the writers know what to do."
REASON_NEEDED = "Say why the page is withdrawn."
# Addresses the workspace uses under /workspace/library/, so no page may take them as its slug.
RESERVED_SLUGS = {"new", "review"}


@dataclass
class Draft:
    """A page's content, as the form gives it."""

    kind: str
    title: str
    summary: str
    body: str
    themes: Iterable[str] = ()
    areas: Iterable[Area] = ()
    organisations: Iterable[Organisation] = ()
    outcomes: str = ""


def _clean(draft: Draft, region) -> dict:
    """The page's fields from `draft`, or ValidationError naming every problem by field."""
    errors: dict[str, list[str]] = {}
    if draft.kind not in Kind.values:
        errors["kind"] = ["Choose whether this is a case study or guidance."]
    title = " ".join((draft.title or "").split())
    summary = " ".join((draft.summary or "").split())
    body = (draft.body or "").strip()
    for field, value, limit, missing in (
        ("title", title, 120, "Give the page a title."),
        ("summary", summary, 300, "Sum the page up in a sentence or two."),
        ("body", body, 50_000, "Write the page."),
    ):
        if not value:
            errors[field] = [missing]
        elif len(value) > limit:
            errors[field] = [f"Keep it to {limit:,} characters."]
        elif problems := personal_data_errors(value):
            errors[field] = problems
    themes = list(dict.fromkeys(draft.themes or ()))
    if not themes:
        errors["themes"] = ["Choose at least one theme."]
    elif unknown := [t for t in themes if t not in Theme.values]:
        errors["themes"] = [f"Unknown theme: {', '.join(unknown)}."]
    areas = list(draft.areas or ())
    if any(area.region_id != region.pk for area in areas):
        errors["areas"] = [f"Choose areas in {region}."]
    organisations = list(draft.organisations or ())
    if any(o.region_id != region.pk for o in organisations):
        errors["organisations"] = [f"Choose organisations in {region}."]
    outcomes = []
    try:
        outcomes = parse_outcomes(draft.outcomes)
    except OutcomeError as error:
        errors["outcomes"] = [str(error)]
    else:
        if problems := personal_data_errors(draft.outcomes or ""):
            errors["outcomes"] = problems
    if errors:
        raise ValidationError(errors)
    return {
        "kind": draft.kind,
        "title": title,
        "summary": summary,
        "body": body,
        "outcomes": [{"figure": o.figure, "label": o.label} for o in outcomes],
        "themes": themes,
        "areas": areas,
        "organisations": organisations,
    }


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80].strip("-") or "page"
    if base in RESERVED_SLUGS:
        base = f"{base}-page"
    slug, n = base, 1
    while Page.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _save_content(page: Page, fields: dict) -> None:
    for name in ("kind", "title", "summary", "body", "outcomes"):
        setattr(page, name, fields[name])
    page.updated_at = timezone.now()
    page.save()
    page.areas.set(fields["areas"])
    page.organisations.set(fields["organisations"])
    PageTheme.objects.filter(page=page).exclude(theme__in=fields["themes"]).delete()
    have = set(PageTheme.objects.filter(page=page).values_list("theme", flat=True))
    PageTheme.objects.bulk_create(
        [PageTheme(page=page, theme=t) for t in fields["themes"] if t not in have]
    )


def _record(page: Page, action: str, *, actor, organisation, from_status="", comment="") -> None:
    PageEvent.objects.create(
        page=page,
        action=action,
        from_status=from_status,
        to_status=page.status,
        actor=actor,
        organisation=organisation,
        comment=comment,
    )


def _require_member(actor, organisation: Organisation) -> None:
    if not Membership.objects.filter(user=actor, organisation=organisation).exists():
        raise ValidationError(NOT_A_MEMBER.format(organisation=organisation))


def _require_owner(page: Page, actor, organisation: Organisation) -> None:
    if organisation is None or page.organisation_id != organisation.pk:
        raise ValidationError(NOT_THE_OWNER.format(organisation=page.organisation))
    _require_member(actor, organisation)


def _is_coordinator(page: Page, actor, organisation: Organisation | None) -> bool:
    return (
        organisation is not None
        and organisation.region_id == page.region_id
        and Membership.objects.filter(
            user=actor, organisation=organisation, role=Role.COORDINATOR
        ).exists()
    )


def _lock(page: Page) -> Page:
    # Two reviewers (or a reviewer and the writer) acting at once would both see the old status
    # and both move the page; the row lock makes the second one see the first one's result.
    return Page.objects.select_for_update().get(pk=page.pk)


@transaction.atomic
def page_create(*, organisation: Organisation, actor, draft: Draft) -> Page:
    """A new draft owned by `organisation`, written by `actor` (one of its members)."""
    _require_member(actor, organisation)
    fields = _clean(draft, organisation.region)
    page = Page(
        region=organisation.region,
        organisation=organisation,
        slug=_unique_slug(fields["title"]),
        created_by=actor,
    )
    _save_content(page, fields)
    _record(page, Action.CREATED, actor=actor, organisation=organisation)
    return page


@transaction.atomic
def page_update(page: Page, *, actor, organisation: Organisation, draft: Draft) -> Page:
    """Change a draft or a withdrawn page (which becomes a draft again). The slug stays, so
    links keep working."""
    page = _lock(page)
    _require_owner(page, actor, organisation)
    if page.status not in (Status.DRAFT, Status.WITHDRAWN):
        raise ValidationError(NOT_EDITABLE.format(status=page.get_status_display().lower()))
    fields = _clean(draft, page.region)
    before = page.status
    page.status = Status.DRAFT
    _save_content(page, fields)
    _record(page, Action.EDITED, actor=actor, organisation=organisation, from_status=before)
    return page


@transaction.atomic
def page_submit(page: Page, *, actor, organisation: Organisation) -> Page:
    """Ask the coordinator to review a draft."""
    page = _lock(page)
    _require_owner(page, actor, organisation)
    if page.status != Status.DRAFT:
        raise ValidationError(NOT_SUBMITTABLE)
    page.status, page.submitted_at = Status.IN_REVIEW, timezone.now()
    page.save(update_fields=["status", "submitted_at"])
    _record(page, Action.SUBMITTED, actor=actor, organisation=organisation, from_status="draft")
    return page


def _review(page: Page, actor, organisation) -> Page:
    page = _lock(page)
    if not _is_coordinator(page, actor, organisation):
        raise ValidationError(COORDINATOR_ONLY)
    if page.status != Status.IN_REVIEW:
        raise ValidationError(NOT_IN_REVIEW)
    return page


@transaction.atomic
def page_publish(page: Page, *, actor, organisation: Organisation) -> Page:
    """The coordinator publishes a page in review: from now on anyone can read it."""
    page = _review(page, actor, organisation)
    page.status, page.published_at = Status.PUBLISHED, timezone.now()
    page.save(update_fields=["status", "published_at"])
    _record(page, Action.PUBLISHED, actor=actor, organisation=organisation, from_status="in_review")
    return page


@transaction.atomic
def page_send_back(page: Page, *, actor, organisation: Organisation, comment: str) -> Page:
    """The coordinator returns a page in review to its writers as a draft, saying why."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [COMMENT_NEEDED]})
    if problems := personal_data_errors(comment):
        raise ValidationError({"comment": problems})
    page = _review(page, actor, organisation)
    page.status = Status.DRAFT
    page.save(update_fields=["status"])
    _record(
        page,
        Action.SENT_BACK,
        actor=actor,
        organisation=organisation,
        from_status="in_review",
        comment=comment,
    )
    return page


@transaction.atomic
def page_withdraw(page: Page, *, actor, organisation: Organisation, reason: str) -> Page:
    """Take a published page down (its owner or the coordinator). It keeps its address, which
    answers 404 until the page is changed, reviewed and published again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_NEEDED]})
    if problems := personal_data_errors(reason):
        raise ValidationError({"reason": problems})
    page = _lock(page)
    if not _is_coordinator(page, actor, organisation):
        _require_owner(page, actor, organisation)
    if page.status != Status.PUBLISHED:
        raise ValidationError(NOT_PUBLISHED)
    page.status = Status.WITHDRAWN
    page.save(update_fields=["status"])
    _record(
        page,
        Action.WITHDRAWN,
        actor=actor,
        organisation=organisation,
        from_status="published",
        comment=reason,
    )
    return page
