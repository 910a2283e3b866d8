"""Reads for the pipeline: each employer's expected devices beside the devices it has given."""

from dataclasses import dataclass

from django.db.models import Count, Q

from devices.lifecycle import State as DeviceState
from devices.models import Device
from lib.opportunity import Estimate

from .models import Prospect


@dataclass(frozen=True)
class Row:
    prospect: Prospect
    estimate: Estimate
    received: int | None  # None until the employer is linked to a donor organisation
    rehomed: int | None


def pipeline_rows(prospects) -> list[Row]:
    """Each prospect with its estimate and, when linked, its devices received and rehomed.

    Received counts every device the organisation donated that has arrived (any state after
    pledged); rehomed those now with a person. Two queries whatever the number of employers.
    """
    prospects = list(prospects.select_related("organisation", "owner"))
    organisations = [p.organisation_id for p in prospects if p.organisation_id]
    counts = {
        row["donor_id"]: row
        for row in Device.objects.filter(donor_id__in=organisations)
        .values("donor_id")
        .annotate(
            received=Count("pk", filter=~Q(state=DeviceState.PLEDGED)),
            rehomed=Count("pk", filter=Q(state=DeviceState.HANDED_OVER)),
        )
    }
    rows = []
    for prospect in prospects:
        linked = prospect.organisation_id is not None
        found = counts.get(prospect.organisation_id, {})
        rows.append(
            Row(
                prospect,
                prospect.estimate(),
                found.get("received", 0) if linked else None,
                found.get("rehomed", 0) if linked else None,
            )
        )
    return rows
