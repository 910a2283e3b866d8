"""The purge command, and the daily housekeeping run that the task worker keeps queued."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from referrals import services
from referrals.models import Referral
from rehome import schedule


def _closed_long_ago(refer, personas, settings, **needs):
    referral = refer(**needs)
    services.referral_withdraw(
        referral, actor=personas.alice, organisation=personas.ladywood, reason="moved_away"
    )
    long_ago = timezone.now() - datetime.timedelta(
        days=settings.REHOME_PERSONAL_TEXT_RETENTION_DAYS + 1
    )
    Referral.objects.filter(pk=referral.pk).update(closed_at=long_ago)
    return referral


def test_the_purge_command_counts_first_then_clears(refer, personas, settings):
    closed = _closed_long_ago(refer, personas, settings, notes="Moved to Leeds.")
    refer(notes="Still waiting.")
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "dry_run": True,
        "referrals": 1,
        "handovers": 0,
        "follow_ups": 0,
    }
    closed.refresh_from_db()
    assert closed.notes == "Moved to Leeds."
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Cleared personal details from 1 referral(s)" in out.getvalue()
    closed.refresh_from_db()
    assert closed.notes == ""
    assert closed.purged_at is not None
    assert Referral.objects.get(notes="Still waiting.").purged_at is None


def test_the_next_run_is_at_three_in_the_morning():
    early = timezone.make_aware(datetime.datetime(2026, 11, 21, 2, 30))
    late = timezone.make_aware(datetime.datetime(2026, 11, 21, 9, 0))
    assert timezone.localtime(schedule.next_run(early)).strftime("%d %H:%M") == "21 03:00"
    assert timezone.localtime(schedule.next_run(late)).strftime("%d %H:%M") == "22 03:00"


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_one_daily_run_stays_queued(db, database_tasks):
    from django_tasks_db.models import DBTaskResult

    assert schedule.ensure_scheduled() is True
    assert schedule.ensure_scheduled() is False
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "rehome.schedule.run_daily"
    assert queued.run_after == schedule.next_run()


def test_a_daily_run_does_the_jobs_and_queues_the_next(
    refer, personas, settings, database_tasks, mailoutbox
):
    from django_tasks_db.models import DBTaskResult

    closed = _closed_long_ago(refer, personas, settings, notes="Gone abroad.")
    result = schedule.run_daily.call()
    assert result["purged"] == {"referrals": 1, "handovers": 0, "follow_ups": 0}
    assert set(result) == {
        "expiry_notices",
        "expired",
        "follow_up_reminders",
        "purged",
        "impact_tallies",
    }
    assert result["impact_tallies"] == {"differences": 0, "repaired": False}
    closed.refresh_from_db()
    assert closed.notes == ""
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_schedule_tasks_command_queues_and_can_run_now(db, database_tasks):
    out = StringIO()
    call_command("schedule_tasks", "--now", stdout=out)
    text = out.getvalue()
    assert "purged: {'referrals': 0" in text
    assert "Daily housekeeping queued for" in text
    out = StringIO()
    call_command("schedule_tasks", stdout=out)
    assert "already queued" in out.getvalue()
