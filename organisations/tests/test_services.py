import datetime

import pytest
from django.core.exceptions import ValidationError

from organisations.models import Accreditation
from organisations.services import accreditation_add, membership_create, organisation_create
from tests.factories import AccreditationFactory, UserFactory


def test_an_organisation_needs_at_least_one_known_kind(region):
    with pytest.raises(ValidationError, match="Choose at least one kind"):
        organisation_create(region=region, name="Nobody", kinds=[])
    with pytest.raises(ValidationError, match="Choose at least one kind"):
        organisation_create(region=region, name="Odd", kinds=["pirate"])


def test_an_org_identifier_must_follow_org_id_guide(region):
    with pytest.raises(ValidationError, match=r"org-id\.guide"):
        organisation_create(
            region=region, name="Bad id", kinds=["vcse"], org_identifier="charity 123"
        )
    made = organisation_create(
        region=region, name="Good id", kinds=["vcse"], org_identifier="GB-CHC-1234567"
    )
    assert made.org_identifier == "GB-CHC-1234567"


def test_slugs_stay_unique_when_names_repeat(region):
    first = organisation_create(region=region, name="Digital Hub", kinds=["vcse"])
    second = organisation_create(region=region, name="Digital Hub", kinds=["donor"])
    assert first.slug == "digital-hub"
    assert second.slug == "digital-hub-2"


def test_an_organisation_can_have_several_kinds(region, areas):
    housing = organisation_create(
        region=region,
        name="Housing Partnership",
        kinds=["donor", "vcse"],
        areas_served=[areas["Dudley"]],
    )
    assert housing.kinds == ["donor", "vcse"]
    assert housing.allows_role("donor_contact")
    assert housing.allows_role("vcse_worker")
    assert not housing.allows_role("coordinator")


def test_a_role_must_fit_the_organisation_kind(personas):
    with pytest.raises(ValidationError, match="not a regional body"):
        membership_create(user=UserFactory(), organisation=personas.ladywood, role="coordinator")


def test_adding_a_member_twice_updates_their_one_membership(personas):
    membership_create(
        user=personas.bob, organisation=personas.ladywood, role="vcse_worker", is_admin=True
    )
    assert personas.bob.memberships.count() == 1
    assert personas.bob.memberships.get().is_admin


def test_accreditation_status_tells_valid_expiring_and_expired(personas):
    today = datetime.date(2026, 11, 21)
    make = lambda days: AccreditationFactory(  # noqa: E731
        organisation=personas.itad_org, expires_on=today + datetime.timedelta(days=days)
    )
    assert make(200).status(today) == "valid"
    assert make(30).status(today) == "expiring"
    assert make(-1).status(today) == "expired"
    assert make(0).status(today) == "expiring"  # still valid on its last day


def test_accreditations_valid_on_a_date_exclude_expired_and_not_yet_started(personas):
    day = datetime.date(2026, 6, 1)
    current = AccreditationFactory(organisation=personas.itad_org, expires_on=day)
    AccreditationFactory(
        organisation=personas.itad_org, expires_on=day - datetime.timedelta(days=1)
    )
    AccreditationFactory(
        organisation=personas.itad_org,
        valid_from=day + datetime.timedelta(days=1),
        expires_on=day.replace(year=2027),
    )
    valid = Accreditation.objects.filter(organisation=personas.itad_org).valid_on(day)
    assert list(valid.filter(number__startswith="CERT")) == [current]


def test_an_accreditation_must_expire_after_it_starts(personas):
    with pytest.raises(ValidationError):
        accreditation_add(
            organisation=personas.itad_org,
            scheme="iso27001",
            number="IS 1",
            valid_from=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2025, 1, 1),
        )
