"""Reads of the library, named for what the pages, the API and the annual snapshot need."""

from django.db.models import Q

from .models import Action, Kind, Page, Status


def published_case_studies(region, *, year: int | None = None, area=None):
    """Published case studies of `region`, newest first: those published in calendar `year`
    when given, and those tagged with `area` when given. For the annual snapshot report."""
    pages = Page.objects.published().filter(region=region, kind=Kind.CASE_STUDY)
    if year is not None:
        pages = pages.filter(published_at__year=year)
    if area is not None:
        pages = pages.filter(areas=area)
    return pages.with_tags().distinct().order_by("-published_at", "pk")


def library_search(region, *, kind: str = "", theme: str = "", area=None, q: str = ""):
    """Published pages of `region` matching every filter given, newest first (the public
    index and the API share it)."""
    pages = Page.objects.published().filter(region=region)
    if kind:
        pages = pages.filter(kind=kind)
    if theme:
        pages = pages.filter(theme_tags__theme=theme)
    if area is not None:
        pages = pages.filter(areas=area)
    for word in q.split()[:8]:
        pages = pages.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return pages.with_tags().distinct().order_by("-published_at", "pk")


def review_queue(region):
    """Pages waiting for the coordinator's review, oldest submission first."""
    return (
        Page.objects.filter(region=region, status=Status.IN_REVIEW)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def last_review_comment(page: Page):
    """The latest send-back, for the writers to act on (None if never sent back)."""
    return (
        page.events.filter(action=Action.SENT_BACK).select_related("actor").order_by("-at").first()
    )
