from django.db.models import Count, Q
from django.shortcuts import render

from accounts.models import Invitation
from organisations.models import Organisation
from organisations.roles import Kind, Role
from organisations.selectors import (
    accreditations_needing_attention,
    accredited_itads_serving,
    partners_serving,
    team_of,
    with_accreditations,
)
from regions.models import Area
from rehome.access import self_service


def _coordinator(membership):
    region = membership.organisation.region
    areas = Area.objects.filter(region=region).annotate(
        **{
            f"{kind}_count": Count(
                "organisations", filter=Q(**{f"organisations__is_{kind}": True}), distinct=True
            )
            for kind in (Kind.VCSE, Kind.ITAD, Kind.DONOR)
        }
    )
    from custody.ledger import latest_checkpoint
    from devices.models import Device

    devices = Device.objects.filter(region=region)
    by_state = dict(devices.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {
        "areas": areas,
        "devices_by_state": [
            (label, by_state.get(state, 0), state)
            for state, label in Device._meta.get_field("state").choices
            if by_state.get(state)
        ],
        "in_transit": devices.filter(in_transit_to__isnull=False).count(),
        "checkpoint": latest_checkpoint(),
        "kind_counts": [
            (Kind(k).label, n)
            for k, n in Organisation.objects.filter(region=region).count_by_kind().items()
        ],
        "attention": accreditations_needing_attention(region),
        "pending_invitations": Invitation.objects.pending()
        .filter(organisation__region=region)
        .count(),
        **_donations_for_coordinator(region),
    }


def _donations_for_coordinator(region):
    import datetime

    from django.utils import timezone

    from donations import matching
    from donations.models import (
        Collection,
        CollectionStatus,
        DonorRegistration,
        Pledge,
        PledgeStatus,
        RegistrationStatus,
    )

    today = timezone.localdate()
    upcoming = list(
        Collection.objects.filter(
            batch__region=region,
            status__in=[CollectionStatus.REQUESTED, CollectionStatus.CONFIRMED],
            date__lte=today + datetime.timedelta(days=60),
        )
        .select_related("batch", "batch__pledge", "batch__area", "partner")
        .prefetch_related("partner__accreditations", "partner__areas_served")
        .order_by("date")
    )
    # A booked collection whose partner will not be accredited on the day needs a new partner.
    at_risk = []
    for collection in upcoming:
        eligibility = matching.assess(collection.partner, collection.batch, collection.date)
        if not eligibility.eligible:
            at_risk.append((collection, eligibility.reasons))
    return {
        "registrations_waiting": DonorRegistration.objects.filter(
            region=region, status=RegistrationStatus.PENDING
        ).count(),
        "open_pledges": Pledge.objects.filter(region=region, status=PledgeStatus.OPEN).count(),
        "upcoming_collections": len(upcoming),
        "collections_at_risk": at_risk,
    }


def _council(membership):
    areas = membership.organisation.areas_served.all()
    return {
        "areas": areas,
        "vcses": partners_serving(areas, kind=Kind.VCSE),
        "itads": partners_serving(areas, kind=Kind.ITAD),
        "donors": partners_serving(areas, kind=Kind.DONOR),
    }


def _vcse(membership):
    from referrals.selectors import vcse_summary

    areas = membership.organisation.areas_served.all()
    return {
        "areas": areas,
        "team": team_of(membership.organisation),
        "councils": partners_serving(areas, kind=Kind.LOCAL_AUTHORITY),
        "referrals": vcse_summary(membership.organisation),
    }


def _donor(membership):
    from donations.models import Batch
    from donations.views import status_counts, with_status_counts

    areas = membership.organisation.areas_served.all()
    batches = with_status_counts(
        Batch.objects.filter(donor=membership.organisation).select_related("partner")
    ).order_by("-created_at")[:5]
    return {
        "areas": areas,
        "partners": accredited_itads_serving(areas),
        "batches": [(batch, status_counts(batch)) for batch in batches],
    }


def _itad(membership):
    organisation = with_accreditations(
        Organisation.objects.filter(pk=membership.organisation_id)
    ).get()
    from devices.lifecycle import State
    from devices.models import Device

    held = Device.objects.filter(custodian=organisation)
    counts = dict(held.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    pipeline = [
        (State(state).label, counts.get(state, 0), state)
        for state in (
            State.RECEIVED,
            State.ERASURE_FAILED,
            State.ERASED,
            State.ASSESSED,
            State.REFURBISHED,
            State.READY,
        )
    ]
    return {
        "organisation": organisation,
        "areas": organisation.areas_served.all(),
        "pipeline": pipeline,
        "incoming": Device.objects.filter(in_transit_to=organisation).count(),
        "to_collect": Device.objects.filter(
            state=State.PLEDGED, batch__partner=organisation
        ).count(),
        "collections": _collections_for(organisation),
    }


def _collections_for(organisation):
    from donations.models import Collection, CollectionStatus

    return (
        Collection.objects.filter(
            partner=organisation,
            status__in=[CollectionStatus.REQUESTED, CollectionStatus.CONFIRMED],
        )
        .select_related("batch", "batch__donor")
        .order_by("date")[:10]
    )


HOMES = {
    Role.COORDINATOR: ("workspace/home_coordinator.html", _coordinator),
    Role.COUNCIL_OFFICER: ("workspace/home_council.html", _council),
    Role.VCSE_WORKER: ("workspace/home_vcse.html", _vcse),
    Role.DONOR_CONTACT: ("workspace/home_donor.html", _donor),
    Role.ITAD_TECHNICIAN: ("workspace/home_itad.html", _itad),
}


@self_service
def home(request):
    """Each role lands on its own home; someone with no organisation yet is told how to join."""
    membership = request.membership
    if membership is None:
        return render(request, "workspace/home_no_organisation.html")
    template, build = HOMES[membership.role]
    return render(request, template, {"membership": membership, **build(membership)})
