"""The pipeline's transitions: allowed ones move and are recorded, the rest are refused with a
reason and change nothing."""

import pytest
from django.core.exceptions import ValidationError

from lib.opportunity import Employer
from opportunity import services
from opportunity.models import EventKind, Prospect, Stage


def _owned(prospect, personas, organisation=None):
    return services.prospect_update(
        prospect,
        actor=personas.coordinator,
        owner=personas.coordinator,
        next_step="Call the IT director",
        next_step_on=None,
        organisation=organisation,
    )


def _move(prospect, stage, personas, note=""):
    return services.prospect_move(prospect, to_stage=stage, actor=personas.coordinator, note=note)


def test_an_employer_moves_from_prospect_to_charter_signatory(prospect, personas, lab):
    lab.device(state="received")  # the personas' donor has given a device
    _owned(prospect, personas, organisation=personas.donor_org)
    for stage in (Stage.CONTACTED, Stage.PLEDGED, Stage.DONATING, Stage.SIGNATORY):
        prospect = _move(prospect, stage, personas)
        assert prospect.stage == stage
    history = list(
        prospect.events.filter(kind=EventKind.STAGE).values_list("from_stage", "to_stage")
    )
    assert history == [
        ("prospect", "contacted"),
        ("contacted", "pledged"),
        ("pledged", "donating"),
        ("donating", "signatory"),
    ]
    assert all(e.actor == personas.coordinator for e in prospect.events.all())


def _refused(prospect, stage, personas, message, note=""):
    before = prospect.events.count()
    with pytest.raises(ValidationError) as refused:
        _move(prospect, stage, personas, note)
    assert refused.value.messages == [message]
    prospect.refresh_from_db()
    assert prospect.events.count() == before
    return prospect


def test_a_stage_cannot_be_skipped(prospect, personas):
    prospect = _refused(
        prospect,
        Stage.DONATING,
        personas,
        services.NOT_ALLOWED.format(source="Prospect", target="Donating"),
    )
    assert prospect.stage == Stage.PROSPECT


def test_contact_needs_an_owner(prospect, personas):
    _refused(prospect, Stage.CONTACTED, personas, services.NEEDS_OWNER)


def test_a_pledge_needs_the_donor_organisation(prospect, personas):
    _owned(prospect, personas)
    _move(prospect, Stage.CONTACTED, personas)
    _refused(prospect, Stage.PLEDGED, personas, services.NEEDS_ORGANISATION)


def test_donating_needs_devices_received(prospect, personas, lab):
    lab.device(state="pledged")  # on its way, not yet received
    _owned(prospect, personas, organisation=personas.donor_org)
    _move(prospect, Stage.CONTACTED, personas)
    _move(prospect, Stage.PLEDGED, personas)
    _refused(
        prospect,
        Stage.DONATING,
        personas,
        services.NEEDS_DEVICES.format(organisation=personas.donor_org),
    )


def test_moving_back_needs_a_reason(prospect, personas):
    _owned(prospect, personas)
    _move(prospect, Stage.CONTACTED, personas)
    _refused(prospect, Stage.PROSPECT, personas, services.NEEDS_NOTE)
    prospect = _move(prospect, Stage.PROSPECT, personas, note="Their IT director left")
    assert prospect.stage == Stage.PROSPECT
    assert prospect.events.last().note == "Their IT director left"


def test_a_signatory_is_the_last_stage(prospect, personas):
    Prospect.objects.filter(pk=prospect.pk).update(stage=Stage.SIGNATORY)
    prospect.refresh_from_db()
    assert services.moves(prospect) == []
    _refused(
        prospect,
        Stage.DONATING,
        personas,
        services.NOT_ALLOWED.format(source="Charter signatory", target="Donating"),
    )


def test_the_owner_must_be_a_coordinator_and_the_link_a_donor(prospect, personas):
    with pytest.raises(ValidationError) as refused:
        services.prospect_update(
            prospect,
            actor=personas.coordinator,
            owner=personas.alice,
            next_step="",
            next_step_on=None,
            organisation=personas.ladywood,
        )
    assert refused.value.message_dict == {
        "owner": [
            services.OWNER_NOT_COORDINATOR.format(user=personas.alice, region=personas.region)
        ],
        "organisation": [
            services.ORGANISATION_NOT_DONOR.format(
                organisation=personas.ladywood, region=personas.region
            )
        ],
    }


def test_one_donor_organisation_is_linked_to_one_employer(add_prospect, personas):
    first, second = add_prospect("First"), add_prospect("Second")
    _owned(first, personas, organisation=personas.donor_org)
    with pytest.raises(ValidationError, match="already linked to First"):
        _owned(second, personas, organisation=personas.donor_org)


def test_an_import_adds_new_employers_and_updates_known_ones_keeping_their_stage(
    prospect, personas
):
    _owned(prospect, personas)
    _move(prospect, Stage.CONTACTED, personas)
    added, updated = services.prospects_import(
        region=personas.region,
        employers=[
            Employer(2, "ACME FOUNDRY", 1_500, "Metals", {"share_released": 0.3}),
            Employer(3, "Bolt Ltd", 40, "", {}),
        ],
        actor=personas.coordinator,
    )
    assert (added, updated) == (1, 1)
    prospect.refresh_from_db()
    assert (prospect.name, prospect.employees, prospect.sector) == ("Acme Foundry", 1_500, "Metals")
    assert prospect.share_released == 0.3
    assert prospect.stage == Stage.CONTACTED
    assert prospect.events.last().kind == EventKind.UPDATED
