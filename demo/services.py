"""Seeding the demo region: deterministic and idempotent, so it can run on every start."""

import datetime
import random

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from demo import data
from lib.region_pack import read_region_pack
from organisations.models import Accreditation, Organisation
from organisations.services import accreditation_add, membership_create, organisation_create
from regions.models import Area, Region
from regions.packs import DEFAULT_PACK
from regions.services import region_load


class DemoRegionMismatch(Exception):
    pass


def _region() -> Region:
    region = Region.objects.filter(slug=data.DEMO_REGION_SLUG).first()
    if region is None:
        if Region.objects.exists():
            raise DemoRegionMismatch(
                f"The demo cast belongs to the {data.DEMO_REGION_SLUG} pack, but another region is loaded."
            )
        region = region_load(pack=read_region_pack(DEFAULT_PACK))
    return region


def _organisation(region: Region, areas: dict[str, Area], row) -> Organisation:
    name, kinds, codes, org_identifier, email, phone, description = row
    existing = Organisation.objects.filter(region=region, name=name).first()
    if existing:
        return existing
    return organisation_create(
        region=region,
        name=name,
        kinds=kinds,
        areas_served=[areas[code] for code in codes],
        org_identifier=org_identifier,
        contact_email=email,
        contact_phone=phone,
        description=description,
    )


def _person(email: str, full_name: str, two_factor: bool) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=data.DEMO_PASSWORD, full_name=full_name
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if (
        two_factor
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, data.DEMO_TOTP_SECRET)
    return user


def _generated_organisations(region: Region, areas: list[Area], scale: int) -> int:
    """Extra fictional donors and VCSEs for volume (scale 2 adds 25, scale 3 adds 50…)."""
    rng = random.Random(20261121)
    made = 0
    for n in range(1, (scale - 1) * 25 + 1):
        kind = "donor" if n % 2 else "vcse"
        name = f"Demo {'Employer' if kind == 'donor' else 'Community Group'} {n:04d}"
        if Organisation.objects.filter(region=region, name=name).exists():
            continue
        organisation_create(
            region=region,
            name=name,
            kinds=[kind],
            areas_served=rng.sample(areas, k=rng.randint(1, 2)),
            contact_email=f"{slugify(name)}@demo.example",
        )
        made += 1
    return made


@transaction.atomic
def demo_seed(*, scale: int = 1, today: datetime.date | None = None) -> dict[str, int]:
    """Load the demo region, its organisations, accreditations and one person per role.

    Idempotent: anything already present (by name or email) is left as it is. Accreditation
    expiry dates are set relative to `today` so the demo always shows valid, expiring and
    expired certificates. Returns counts of what was created.
    """
    today = today or timezone.localdate()
    region = _region()
    areas = {area.code: area for area in Area.objects.filter(region=region)}
    before = {
        "organisations": Organisation.objects.count(),
        "accreditations": Accreditation.objects.count(),
        "people": User.objects.count(),
    }
    organisations = {row[0]: _organisation(region, areas, row) for row in data.ORGANISATIONS}
    for name, scheme, number, body, days in data.ACCREDITATIONS:
        if not Accreditation.objects.filter(scheme=scheme, number=number).exists():
            accreditation_add(
                organisation=organisations[name],
                scheme=scheme,
                number=number,
                certifying_body=body,
                valid_from=today + datetime.timedelta(days=days - 3 * 365),
                expires_on=today + datetime.timedelta(days=days),
            )
    people = {}
    for email, full_name, memberships, two_factor in data.PEOPLE:
        user = people[email] = _person(email, full_name, two_factor)
        for organisation_name, role, is_admin in memberships:
            membership_create(
                user=user,
                organisation=organisations[organisation_name],
                role=role,
                is_admin=is_admin,
            )
    if scale > 1:
        _generated_organisations(region, list(areas.values()), scale)
    from demo.devices import seed_devices

    devices = seed_devices(organisations, people, areas)
    from demo.referrals import seed_referrals

    referrals = seed_referrals(scale=scale, today=today)
    if scale > 1:
        from demo.volume import VOLUME, seed_device_volume

        devices += seed_device_volume(region=region, total=VOLUME * (scale - 1), today=today)[0]
    from opportunity.demo import seed_prospects

    seed_prospects(organisations, people)
    from library.demo import seed_library

    seed_library(today=today)
    from impact import tally

    # The demo back-dates its records and bulk-loads volume, past the services that keep the
    # impact tallies: count them again from the records.
    tally.rebuild()
    return {
        "devices": devices,
        "referrals": referrals,
        "organisations": Organisation.objects.count() - before["organisations"],
        "accreditations": Accreditation.objects.count() - before["accreditations"],
        "people": User.objects.count() - before["people"],
    }
