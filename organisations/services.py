"""Writes to organisations, accreditations and memberships."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from organisations.models import Accreditation, Membership, Organisation
from organisations.roles import ROLE_KIND, Kind, Role
from regions.models import Area, Region

ROLE_NOT_ALLOWED = "{organisation} is not a {kind}, so nobody there can be a {role}."


def _unique_slug(name: str) -> str:
    base = slugify(name)[:190] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *,
    region: Region,
    name: str,
    kinds: list[str],
    areas_served: list[Area] = (),
    org_identifier: str = "",
    description: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    website: str = "",
    address: str = "",
    postcode: str = "",
) -> Organisation:
    """Create an organisation of one or more kinds serving some of the region's areas.

    Raises ValidationError when a kind is unknown, no kind is given, an area belongs to another
    region, or a field is invalid (e.g. a malformed org identifier).
    """
    unknown = set(kinds) - set(Kind.values)
    if unknown or not kinds:
        raise ValidationError(
            {"kinds": f"Choose at least one kind from: {', '.join(Kind.values)}."}
        )
    foreign = [area.name for area in areas_served if area.region_id != region.pk]
    if foreign:
        raise ValidationError({"areas_served": f"Not areas of {region}: {', '.join(foreign)}."})
    organisation = Organisation(
        region=region,
        name=name,
        slug=_unique_slug(name),
        org_identifier=org_identifier,
        description=description,
        contact_email=contact_email,
        contact_phone=contact_phone,
        website=website,
        address=address,
        postcode=postcode,
        **{f"is_{kind}": True for kind in kinds},
    )
    organisation.full_clean()
    organisation.save()
    organisation.areas_served.set(areas_served)
    return organisation


def accreditation_add(
    *,
    organisation: Organisation,
    scheme: str,
    number: str,
    expires_on: datetime.date,
    valid_from: datetime.date | None = None,
    certifying_body: str = "",
) -> Accreditation:
    """Record an accreditation certificate; validation errors name the field at fault."""
    accreditation = Accreditation(
        organisation=organisation,
        scheme=scheme,
        number=number,
        certifying_body=certifying_body,
        valid_from=valid_from,
        expires_on=expires_on,
    )
    accreditation.full_clean()
    accreditation.save()
    return accreditation


def membership_create(
    *, user: User, organisation: Organisation, role: str, is_admin: bool = False
) -> Membership:
    """Add a user to an organisation with a role that organisation's kind allows.

    A user already in the organisation keeps one membership: its role and admin flag are
    updated instead of a second row being made.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if not organisation.allows_role(role):
        raise ValidationError(
            {
                "role": ROLE_NOT_ALLOWED.format(
                    organisation=organisation,
                    kind=Kind(ROLE_KIND[role]).label.lower(),
                    role=Role(role).label.lower(),
                )
            }
        )
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "is_admin": is_admin}
    )
    return membership
