import datetime

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.schemas import ErrorOut
from impact import dashboard as boards
from regions.selectors import current_region

router = Router(tags=["impact"])

FIRST_YEAR = 2000
Figure = int | float | str | None


class ColumnOut(Schema):
    key: str
    label: str


class RowOut(Schema):
    key: str = Field(
        description="An area's ONS code (or unknown), a month (YYYY-MM), a quarter, a measure, a "
        'device type or a category; "total" for a total row.'
    )
    label: str
    values: dict[str, Figure] = Field(
        description='One figure per column key: a number, or "fewer than 5" / "not shown" '
        "where a small count of people is suppressed, or null where there is no figure."
    )


class TableOut(Schema):
    key: str
    caption: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    total: RowOut | None


class MetadataOut(Schema):
    title: str
    publisher: str
    period: str = Field(description='The year, or "all time".')
    period_start: datetime.date
    period_end: datetime.date
    generated_on: datetime.date
    licence: str
    licence_url: str
    factors_licence: str
    factors_licence_url: str
    attribution: list[str] = Field(description="Lines to show wherever these figures are shown.")
    method_version: str
    method_name: str
    suppression: str
    notes: list[str] = Field(description="Data-quality notes.")


class FiguresOut(Schema):
    metadata: MetadataOut
    tables: list[TableOut]


class FiguresQuery(Schema):
    year: int | None = Field(
        None, ge=FIRST_YEAR, description="A calendar year; leave it out for all time."
    )


@router.get(
    "/impact/figures",
    response={200: FiguresOut, 404: ErrorOut},
    auth=None,
    summary="The public impact figures",
)
def impact_figures(request, query: Query[FiguresQuery]):
    """Public: the dashboard's figures for a year (or all time), small numbers suppressed, with
    the licence, attribution and method version. The same numbers as the dashboard and its CSV."""
    today = timezone.localdate()
    if query.year is not None and query.year > today.year:
        return Status(404, {"detail": f"There are no figures yet for {query.year}."})
    region = current_region()
    if region is None:
        return Status(404, {"detail": "No region is loaded."})
    try:
        board = boards.dashboard(region, year=query.year, today=today)
    except LookupError:
        return Status(404, {"detail": "No impact method has been adopted yet."})
    return Status(200, boards.as_data(board))
