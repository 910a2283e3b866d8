"""Reads about organisations, named for what the pages need."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from organisations.models import Accreditation, Membership, Organisation
from organisations.roles import Kind


def with_accreditations(queryset):
    return queryset.prefetch_related(
        Prefetch("accreditations", queryset=Accreditation.objects.order_by("scheme")),
        "areas_served",
    )


def team_of(organisation: Organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name")
    )


def partners_serving(areas, *, kind: str = Kind.ITAD):
    """Organisations of `kind` serving any of `areas`, with their accreditations."""
    return with_accreditations(
        Organisation.objects.of_kind(kind).filter(areas_served__in=areas).distinct()
    )


def accredited_itads_serving(areas, *, today: datetime.date | None = None):
    """ITAD partners serving `areas` that hold at least one accreditation valid today."""
    valid = Accreditation.objects.valid_on(today or timezone.localdate())
    return partners_serving(areas).filter(pk__in=valid.values("organisation_id"))


def accreditations_needing_attention(region, *, today: datetime.date | None = None):
    """Expired or soon-expiring accreditations in the region, soonest first."""
    today = today or timezone.localdate()
    expiring = Accreditation.objects.expiring(today) | Accreditation.objects.expired(today)
    return (
        expiring.filter(organisation__region=region)
        .select_related("organisation")
        .order_by("expires_on")
    )
