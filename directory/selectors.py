"""Reading the directory: the public search, counts per area for its map, what waits for the
coordinator, and the accredited partners donors can choose from."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from organisations.models import Organisation
from organisations.selectors import accredited_itads_serving
from regions.models import Area, Region

from .models import Audience, Service

# An area's boundary and statistics are large and no directory list shows them.
AREA_BULK = ("boundary", "statistics")


def with_details(services: QuerySet) -> QuerySet:
    return services.select_related("organisation").prefetch_related(
        Prefetch("areas", queryset=Area.objects.defer(*AREA_BULK).order_by("name")), "audiences"
    )


def directory_search(
    region: Region,
    *,
    query: str = "",
    area: Area | None = None,
    kind: str = "",
    audience: str = "",
) -> QuerySet:
    """Published entries in the region matching every filter given, by name.

    The keyword matches the entry's name, description, eligibility, address or its
    organisation's name, case-insensitively.
    """
    services = Service.objects.published().filter(region=region)
    if area is not None:
        services = services.filter(areas=area)
    if kind:
        services = services.filter(kind=kind)
    if audience:
        # An entry open to anyone is for every audience too.
        services = services.filter(audiences__audience__in=[audience, Audience.EVERYONE])
    for word in query.split():
        services = services.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(eligibility__icontains=word)
            | Q(address__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    # Filtering through areas and audiences can repeat a row; the ids keep it one query.
    return with_details(Service.objects.filter(pk__in=services.values("pk"))).order_by("name", "pk")


def counts_by_area(services: QuerySet) -> dict[str, int]:
    """How many of `services` serve each area, keyed by the area's code (areas with none left
    out)."""
    rows = (
        Area.objects.filter(services__in=services.order_by().values("pk"))
        .values("code")
        .annotate(n=Count("services", distinct=True))
        .order_by()
    )
    return {row["code"]: row["n"] for row in rows}


def stale_entries(region: Region, *, now: datetime.datetime | None = None) -> QuerySet:
    return (
        Service.objects.stale(now)
        .filter(region=region)
        .select_related("organisation")
        .order_by("reviewed_at", "pk")
    )


def pending_revisions(revisions: QuerySet) -> QuerySet:
    return (
        revisions.pending()
        .select_related("service", "organisation", "proposed_by")
        .order_by("proposed_at", "pk")
    )


@dataclass
class AreaPartners:
    area: Area
    partners: list[Organisation]


def partners_by_area(
    region: Region, *, area: Area | None = None, today: datetime.date | None = None
) -> list[AreaPartners]:
    """For each area (or just `area`), the ITAD and refurbishment partners serving it that hold
    at least one accreditation valid today, each with every accreditation it holds."""
    today = today or timezone.localdate()
    areas = list(
        Area.objects.filter(region=region).defer(*AREA_BULK).order_by("name")
        if area is None
        else [area]
    )
    partners = list(accredited_itads_serving(areas, today=today))
    return [
        AreaPartners(a, [p for p in partners if any(s.pk == a.pk for s in p.areas_served.all())])
        for a in areas
    ]
