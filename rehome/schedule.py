"""Daily housekeeping, run by the task worker (django-tasks has no clock of its own).

`ensure_scheduled()` makes sure exactly one daily run is waiting in the queue, due at the next
HOUR o'clock; each run does the jobs and then queues the next one. `make run` calls it at start
(`manage.py schedule_tasks`), so a fresh machine is scheduled without anyone remembering to.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)
HOUR = 3  # 03:00 local time, when no one is working


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    now = timezone.localtime(now or timezone.now())
    run = now.replace(hour=HOUR, minute=0, second=0, microsecond=0)
    return run if run > now else run + datetime.timedelta(days=1)


def daily_jobs(today: datetime.date | None = None) -> dict[str, object]:
    """Every daily job, in order; each reports what it did."""
    from referrals import services as referrals

    return {
        "expiry_notices": referrals.send_expiry_notices(today),
        "expired": referrals.expire_due(today),
        "follow_up_reminders": referrals.send_follow_up_reminders(today),
        "purged": referrals.purge_personal_data().as_dict(),
        "impact_tallies": impact_tallies_checked(),
    }


def impact_tallies_checked() -> dict[str, object]:
    """Recount the impact tallies from the records; a difference means some path wrote records
    without counting them, which is a bug: log it loudly, then repair so figures stay right."""
    from impact import tally

    problems = tally.check()
    if problems:
        log.error(
            "%d impact tallies differ from a full recount (first: %s); rebuilding them.",
            len(problems),
            problems[0],
        )
        tally.rebuild()
    return {"differences": len(problems), "repaired": bool(problems)}


@task()
def run_daily() -> dict:
    try:
        return daily_jobs()
    finally:
        ensure_scheduled()


def _pending():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=run_daily.module_path, status="READY")


def ensure_scheduled() -> bool:
    """Queue the next daily run unless one is already waiting. True if one was queued."""
    if not run_daily.get_backend().supports_defer or _pending().exists():
        return False
    run_daily.using(run_after=next_run()).enqueue()
    log.info("Daily housekeeping scheduled for %s", next_run())
    return True
