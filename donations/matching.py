"""Which accredited partners may take a batch: they serve its area and, on the collection date,
hold valid accreditations for the sensitivity of the data on its devices.

The requirements are data: each is a set of schemes of which any one will do.
"""

import datetime
from dataclasses import dataclass, field

from organisations.models import Accreditation, Organisation, Scheme
from organisations.roles import Kind

from .models import Batch, Sensitivity


@dataclass(frozen=True)
class Requirement:
    label: str
    schemes: tuple[str, ...]  # any one of these, valid on the day


DATA_SECURITY = Requirement(
    "Certified data sanitisation (ADISA or NCSC Assured Service)", (Scheme.ADISA, Scheme.NCSC)
)
CYBER = Requirement(
    "Cyber Essentials or Cyber Essentials Plus",
    (Scheme.CYBER_ESSENTIALS, Scheme.CYBER_ESSENTIALS_PLUS),
)
CYBER_PLUS = Requirement("Cyber Essentials Plus", (Scheme.CYBER_ESSENTIALS_PLUS,))
INFOSEC = Requirement("ISO/IEC 27001 information security", (Scheme.ISO_27001,))

REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    Sensitivity.STANDARD: (DATA_SECURITY, CYBER),
    Sensitivity.PERSONAL: (DATA_SECURITY, CYBER_PLUS),
    Sensitivity.HIGH: (DATA_SECURITY, CYBER_PLUS, INFOSEC),
}


@dataclass
class Eligibility:
    partner: Organisation
    reasons: list[str] = field(default_factory=list)  # why not; empty when eligible
    expiring: list[Accreditation] = field(default_factory=list)  # valid, but lapse soon after

    @property
    def eligible(self) -> bool:
        return not self.reasons


def requirements_for(batch: Batch) -> tuple[Requirement, ...]:
    sensitivity = batch.pledge.sensitivity if batch.pledge_id else Sensitivity.STANDARD
    return REQUIREMENTS[sensitivity]


def assess(
    partner: Organisation, batch: Batch, day: datetime.date, *, warn_days: int = 60
) -> Eligibility:
    """Whether `partner` may collect `batch` on `day`, and if not, every reason why."""
    result = Eligibility(partner)
    if not partner.is_itad:
        result.reasons.append(f"{partner} is not an accredited IT asset disposal partner.")
        return result
    if partner.region_id != batch.region_id:
        result.reasons.append(f"{partner} works in another region.")
    served = {area.pk for area in partner.areas_served.all()}
    if batch.area_id and batch.area_id not in served:
        result.reasons.append(f"does not serve {batch.area}.")
    accreditations = list(partner.accreditations.all())
    for requirement in requirements_for(batch):
        valid = [
            a
            for a in accreditations
            if a.scheme in requirement.schemes
            and a.expires_on >= day
            and (a.valid_from is None or a.valid_from <= day)
        ]
        if not valid:
            held = [a for a in accreditations if a.scheme in requirement.schemes]
            if held:
                latest = max(held, key=lambda a: a.expires_on)
                if latest.expires_on < day:
                    result.reasons.append(
                        f"{requirement.label}: {latest} expired on {latest.expires_on:%d %B %Y}."
                    )
                else:
                    result.reasons.append(
                        f"{requirement.label}: {latest} is not valid until "
                        f"{latest.valid_from:%d %B %Y}."
                    )
            else:
                result.reasons.append(f"{requirement.label}: none held.")
            continue
        best = max(valid, key=lambda a: a.expires_on)
        if best.expires_on <= day + datetime.timedelta(days=warn_days):
            result.expiring.append(best)
    return result


def partners_for(batch: Batch, day: datetime.date) -> list[Eligibility]:
    """Every ITAD partner in the batch's region, eligible ones first, each with its reasons."""
    partners = (
        Organisation.objects.of_kind(Kind.ITAD)
        .filter(region_id=batch.region_id)
        .prefetch_related("accreditations", "areas_served")
        .order_by("name")
    )
    results = [assess(partner, batch, day) for partner in partners]
    return sorted(results, key=lambda e: (not e.eligible, e.partner.name))
