"""Two coordinators saving the rules at the same moment get consecutive versions."""

import pytest

from assessment.models import RuleSet
from assessment.selectors import default_rules
from assessment.services import ruleset_create
from tests.concurrency import race


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_edits_become_consecutive_versions():
    # A flushed test database has lost the migration's version 1: save it back first, as the
    # data migration does on a real one, so there is an active version to lock.
    ruleset_create(rules=default_rules(), note="Start", actor=None)
    outcomes = race(
        [
            lambda: ruleset_create(rules=default_rules(), note="Alice's", actor=None).version,
            lambda: ruleset_create(rules=default_rules(), note="Bob's", actor=None).version,
        ]
    )
    assert sorted(result for _, result in outcomes) == [3, 4]
    assert list(RuleSet.objects.filter(is_active=True).values_list("version", flat=True)) == [4]
