"""Two coordinators at the same moment: the pipeline's row locks keep each change whole."""

import pytest
from django.core.exceptions import ValidationError

from lib.opportunity import Employer
from opportunity import services
from opportunity.models import EventKind, Prospect, ProspectEvent, Stage
from tests.concurrency import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_lists_naming_the_same_new_employer_add_it_once(personas):
    def upload(employees):
        return lambda: services.prospects_import(
            region=personas.region,
            employers=[Employer(2, "Acme Foundry", employees)],
            actor=personas.coordinator,
        )

    outcomes = race(workers=[upload(100), upload(200)])
    assert sorted(result for _, result in outcomes) == [(0, 1), (1, 0)]
    assert Prospect.objects.count() == 1
    kinds = sorted(ProspectEvent.objects.values_list("kind", flat=True))
    assert kinds == [EventKind.ADDED, EventKind.UPDATED]


def test_one_stage_change_wins_when_two_are_made_at_once(prospect, personas):
    services.prospect_update(
        prospect,
        actor=personas.coordinator,
        owner=personas.coordinator,
        next_step="",
        next_step_on=None,
        organisation=None,
    )

    def contact():
        return services.prospect_move(
            Prospect.objects.get(pk=prospect.pk),
            to_stage=Stage.CONTACTED,
            actor=personas.coordinator,
        )

    outcomes = race(refusals=(ValidationError,), workers=[contact, contact])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert ProspectEvent.objects.filter(kind=EventKind.STAGE).count() == 1
