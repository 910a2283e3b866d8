"""The rule table: version 1 shipped by the data migration, each edit a new version, saved
versions never change, and only the coordinator edits."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import ImmutableRuleSet, RuleSet
from assessment.selectors import active_rules, default_rules
from assessment.services import ruleset_create
from assessment.views import SAVED


def stricter_phones() -> dict:
    table = copy.deepcopy(default_rules())
    rule = next(r for r in table["rules"] if r["id"] == "old-phone-or-tablet")
    rule["when"]["all"][1]["gt"] = 4
    return table


def test_version_1_is_the_shipped_table_and_in_use(db):
    shipped = RuleSet.objects.get()
    assert (shipped.version, shipped.is_active, shipped.created_by) == (1, True, None)
    assert shipped.rules == default_rules()
    assert active_rules().version == 1


def test_an_edit_is_a_new_version_and_the_old_one_is_kept_unchanged(personas):
    saved = ruleset_create(
        rules=stricter_phones(), note="Phones: 4 years", actor=personas.coordinator
    )
    assert saved.version == 2
    assert saved.created_by == personas.coordinator
    assert active_rules().version == 2
    first = RuleSet.objects.get(version=1)
    assert first.rules == default_rules()
    assert not first.is_active
    assert RuleSet.objects.filter(is_active=True).count() == 1


def test_a_saved_version_cannot_be_changed_or_deleted(db):
    first = RuleSet.objects.get(version=1)
    first.rules = {}
    with pytest.raises(ImmutableRuleSet):
        first.save()
    with pytest.raises(ImmutableRuleSet):
        RuleSet.objects.filter(version=1).update(rules={})
    with pytest.raises(ImmutableRuleSet):
        first.delete()
    with pytest.raises(ImmutableRuleSet):
        RuleSet.objects.all().delete()
    assert RuleSet.objects.get(version=1).rules == default_rules()


def test_a_bad_table_is_refused_with_every_problem_and_nothing_changes(personas):
    table = stricter_phones()
    table["rules"][0]["verdict"] = "bin"
    table["rules"][1]["when"] = {"fact": "ram", "lt": 2}
    with pytest.raises(ValidationError) as caught:
        ruleset_create(rules=table, note="", actor=personas.coordinator)
    messages = caught.value.messages
    assert messages[0] == "Say what changed."
    assert any("'bin' is not a verdict" in m for m in messages)
    assert any('"ram" is not a fact' in m for m in messages)
    assert list(RuleSet.objects.values_list("version", "is_active")) == [(1, True)]


def test_the_first_edit_on_an_empty_table_keeps_the_shipped_rules_as_version_1(personas):
    RuleSet.objects.all()._raw_delete(RuleSet.objects.db)
    assert active_rules().version == 1  # the shipped table, until one is saved
    saved = ruleset_create(rules=stricter_phones(), note="Phones", actor=None)
    assert saved.version == 2
    assert RuleSet.objects.get(version=1).rules == default_rules()


def test_the_coordinator_edits_the_rules_through_the_page(client, personas):
    client.force_login(personas.coordinator)
    page = client.get(reverse("assessment:rules_edit"))
    assert page.status_code == 200
    assert "old-phone-or-tablet" in page.content.decode()
    response = client.post(
        reverse("assessment:rules_edit"),
        {"rules": json.dumps(stricter_phones()), "note": "Phones are too old after 4 years"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("assessment:rules")
    page = response.content.decode()
    assert SAVED.format(version=2) in page
    assert "Phones are too old after 4 years" in page
    assert "age years is more than 4" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"rules": [', "This is not valid JSON: Expecting value at line 1, column 12."),
        ("[]", "The rule table: must be an object with"),
        (
            json.dumps(
                {
                    **default_rules(),
                    "rules": [
                        {
                            "id": "x",
                            "when": {"fact": "ram", "lt": 2},
                            "verdict": "parts",
                            "reason": "r",
                        }
                    ],
                }
            ),
            "rules[0] (&quot;x&quot;).when: &quot;ram&quot; is not a fact",
        ),
    ],
)
def test_the_page_refuses_a_bad_table_saying_what_is_wrong(client, personas, text, message):
    client.force_login(personas.coordinator)
    response = client.post(reverse("assessment:rules_edit"), {"rules": text, "note": "Try"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert list(RuleSet.objects.values_list("version", flat=True)) == [1]


def test_a_new_version_can_start_from_an_earlier_one(client, personas):
    ruleset_create(rules=stricter_phones(), note="Phones", actor=personas.coordinator)
    client.force_login(personas.coordinator)
    page = client.get(reverse("assessment:rules_edit"), {"from": 1}).content.decode()
    assert "Starting from version 1" in page
    assert "&quot;gt&quot;: 6" in page


@pytest.mark.parametrize("who", ["alice", "charlie", "council_officer", "donor", "technician"])
def test_only_the_coordinator_may_edit_the_rules(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("assessment:rules_edit")).status_code == 403
    response = client.post(
        reverse("assessment:rules_edit"), {"rules": json.dumps(stricter_phones()), "note": "Mine"}
    )
    assert response.status_code == 403
    assert RuleSet.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in_to_edit(client, db):
    response = client.post(reverse("assessment:rules_edit"), {"rules": "{}", "note": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert RuleSet.objects.count() == 1


def test_anyone_can_read_the_rules_and_each_version(client, personas):
    ruleset_create(rules=stricter_phones(), note="Phones", actor=personas.coordinator)
    page = client.get(reverse("assessment:rules")).content.decode()
    assert "This is version 2" in page
    assert "Edit the rules" not in page
    assert personas.coordinator.full_name not in page  # who edited is for the coordinator
    old = client.get(reverse("assessment:rules_version", kwargs={"version": 1}))
    assert "age years is more than 6" in old.content.decode()
    assert client.get(reverse("assessment:rules_version", kwargs={"version": 9})).status_code == 404
