"""Reads for the pipeline: each employer's expected devices beside the devices it has given."""

from dataclasses import dataclass

from impact.selectors import donor_totals
from lib import impact
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

    Received and rehomed are the impact figures' own (`impact.selectors`, all time): devices
    that reached a partner, and devices with a person (handed over, less any given back). Two
    queries whatever the number of employers.
    """
    prospects = list(prospects.select_related("organisation", "owner"))
    organisations = [p.organisation_id for p in prospects if p.organisation_id]
    counts = donor_totals(organisations, [impact.RECEIVED, impact.REHOMED, impact.RETURNED])
    rows = []
    for prospect in prospects:
        found = counts.get(prospect.organisation_id, {})
        linked = prospect.organisation_id is not None
        rehomed = found.get(impact.REHOMED, 0) - found.get(impact.RETURNED, 0)
        rows.append(
            Row(
                prospect,
                prospect.estimate(),
                found.get(impact.RECEIVED, 0) if linked else None,
                rehomed if linked else None,
            )
        )
    return rows
