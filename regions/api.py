from decimal import Decimal

from ninja import Router, Schema, Status

from api.schemas import ErrorOut
from regions.models import Area
from regions.selectors import current_region

router = Router(tags=["region"])


class AreaOut(Schema):
    code: str
    name: str
    population: int | None
    population_year: int | None
    imd_rank: int | None
    imd_score: Decimal | None
    share_most_deprived: Decimal | None
    internet_nonuse_pct: Decimal | None


class RegionOut(Schema):
    slug: str
    name: str
    authority: str
    service_name: str
    attribution: list[str]
    areas: list[AreaOut]


@router.get(
    "/region",
    response={200: RegionOut, 404: ErrorOut},
    auth=None,
    summary="The region and its areas",
)
def region(request):
    """Public: the region this deployment serves, its areas and their statistics, with attribution."""
    current = current_region()
    if current is None:
        return Status(404, {"detail": "No region is loaded."})
    areas = list(Area.objects.filter(region=current))
    return Status(
        200,
        RegionOut(
            slug=current.slug,
            name=current.name,
            authority=current.authority,
            service_name=current.service_name,
            attribution=current.attribution,
            areas=[AreaOut.from_orm(a) for a in areas],
        ),
    )
