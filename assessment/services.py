"""Writing rule versions: each edit of the rules, by the coordinator, is a new version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from lib.assessment import rules_problems

from .models import RuleSet
from .selectors import DEFAULT_NOTE, default_rules


@transaction.atomic
def ruleset_create(*, rules, note: str, actor) -> RuleSet:
    """Save `rules` as the next version and make it the one in use.

    Raises ValidationError listing every problem with the table; nothing is saved then.
    """
    problems = rules_problems(rules)
    if not note.strip():
        problems.insert(0, "Say what changed.")
    if problems:
        raise ValidationError(problems)
    # Two coordinators saving at once would both read the same highest version; locking the
    # active row first makes the second wait, then number its version after the first's.
    list(RuleSet.objects.select_for_update().active())
    latest = RuleSet.objects.aggregate(latest=Max("version"))["latest"]
    if latest is None:
        # Version 1 is the shipped table (the data migration saves it); keep it first in line.
        RuleSet.objects.create(version=1, rules=default_rules(), note=DEFAULT_NOTE)
        latest = 1
    RuleSet.objects.active().update(is_active=False)
    return RuleSet.objects.create(
        version=latest + 1, rules=rules, note=note.strip(), created_by=actor, is_active=True
    )
