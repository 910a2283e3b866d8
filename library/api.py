"""The good-practice library, read-only and public: published case studies and guidance, with
their themes, areas and organisations, for anyone to reuse. Drafts and pages in review are
never returned."""

import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.pagination import BoundedPageNumberPagination
from api.schemas import ErrorOut
from regions.models import Area
from regions.selectors import current_region

from . import selectors
from .models import Kind, Page, Theme

router = Router(tags=["library"])

# PostgreSQL cannot compare text with NUL in it: the schema refuses it (a 422, not a 500).
SAFE_TEXT = r"^[^\x00]*$"


class OutcomeOut(Schema):
    figure: str = Field(description="The figure as written, e.g. “312” or “85%”.")
    label: str = Field(description="What the figure counts.")


class PageSummaryOut(Schema):
    slug: str
    kind: Kind
    title: str
    summary: str
    organisation: str = Field(description="The organisation that wrote the page.")
    themes: list[Theme]
    areas: list[str] = Field(description="ONS codes of the areas the page is about.")
    organisations: list[str] = Field(description="Names of partner organisations it is about.")
    published_at: datetime.datetime
    url: str = Field(description="The page on the public site.")

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_areas(obj) -> list[str]:
        return [area.code for area in obj.areas.all()]

    @staticmethod
    def resolve_organisations(obj) -> list[str]:
        return [o.name for o in obj.organisations.all()]

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class LibraryPageOut(PageSummaryOut):
    body_markdown: str = Field(description="The page as written, in Markdown.")
    body_html: str = Field(description="The page rendered to sanitised HTML.")
    outcomes: list[OutcomeOut]

    @staticmethod
    def resolve_body_markdown(obj) -> str:
        return obj.body


@router.get(
    "/library/pages",
    response=list[PageSummaryOut],
    auth=None,
    summary="Published case studies and guidance",
)
@paginate(BoundedPageNumberPagination, page_size=20)
def library_page_list(
    request,
    kind: Kind | None = None,
    theme: Theme | None = None,
    area: str | None = Query(None, description="An area's ONS code or slug.", pattern=SAFE_TEXT),
    q: str = Query("", description="Words in the text.", max_length=100, pattern=SAFE_TEXT),
):
    """Public: the region's published pages, newest first, filtered by kind, theme, area and
    words in the text. An unknown area matches nothing."""
    region = current_region()
    if region is None:
        return Page.objects.none()
    chosen = None
    if area:
        chosen = (
            Area.objects.filter(Q(code=area) | Q(slug=area), region=region)
            .defer("boundary", "statistics")
            .first()
        )
        if chosen is None:
            return Page.objects.none()
    return selectors.library_search(region, kind=kind or "", theme=theme or "", area=chosen, q=q)


@router.get(
    "/library/pages/{slug}",
    response={200: LibraryPageOut, 404: ErrorOut},
    auth=None,
    summary="One published page",
)
def library_page_detail(request, slug: str = Path(..., pattern=r"^[-\w]+$", max_length=90)):
    """Public: one published page, with its text as Markdown and as sanitised HTML."""
    return Status(200, get_object_or_404(Page.objects.published().with_tags(), slug=slug))
