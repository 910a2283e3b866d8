"""Reading referrals: a VCSE's waiting list with each person's place and likely wait, and the
aggregates councils and the coordinator see (never an individual referral), suppressed where
they leave the VCSE's own scope."""

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from devices.models import DeviceType
from lib.suppression import THRESHOLD, suppress

from .models import (
    HOLDING_A_DEVICE,
    Confidence,
    Connectivity,
    FollowUp,
    Handover,
    Priority,
    Referral,
    State,
    StillUsing,
)

SUPPLY_WINDOW_DAYS = 90
TYPE_LABELS = dict(DeviceType.choices)


def with_position(referrals):
    """Annotate each waiting referral with how many are ahead of it in its area's queue for its
    device type: higher priority first, then longest waiting (the allocation policy's order).

    Two bounded counts (higher bands; the same band, referred earlier), each a range of the
    (area, state, device type, priority, referred) index, rather than one OR that scans the
    whole queue for every row."""
    queue = (
        Referral.objects.filter(
            state=State.WAITING, area=OuterRef("area"), device_type=OuterRef("device_type")
        )
        .order_by()
        .values("area")
    )
    higher = queue.filter(priority__lt=OuterRef("priority")).annotate(n=Count("pk")).values("n")
    earlier = (
        queue.filter(priority=OuterRef("priority"), referred_at__lt=OuterRef("referred_at"))
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = Value(0)
    return referrals.annotate(
        ahead=Coalesce(Subquery(higher, output_field=IntegerField()), zero)
        + Coalesce(Subquery(earlier, output_field=IntegerField()), zero)
    )


def supply_rates(pairs: set[tuple[int, str]], today: datetime.date) -> dict[tuple[int, str], int]:
    """People served per (area, device type asked for) over the last SUPPLY_WINDOW_DAYS days:
    how fast a queue moves (a substitute device still moves the queue it was asked in)."""
    if not pairs:
        return {}
    since = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=SUPPLY_WINDOW_DAYS), datetime.time()
        )
    )
    rows = (
        Referral.objects.filter(area_id__in={a for a, _ in pairs}, allocated_at__gte=since)
        .values("area_id", "device_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["area_id"], r["device_type"]): r["n"] for r in rows}


def wait_estimate(position: int, allocated_recently: int) -> str:
    """Plain words for how long someone at `position` may wait, from recent supply."""
    if allocated_recently <= 0:
        return "No estimate yet: none reached this area in the last 90 days"
    per_week = allocated_recently / (SUPPLY_WINDOW_DAYS / 7)
    weeks = math.ceil(position / per_week)
    if weeks <= 1:
        return "About a week"
    if weeks < 9:
        return f"About {weeks} weeks"
    months = round(weeks / 4.345)
    return f"About {months} months" if months < 24 else "More than two years at current supply"


@dataclass
class ListRow:
    referral: Referral
    position: int | None = None
    estimate: str = ""


def waiting_list_rows(page_referrals, today: datetime.date) -> list[ListRow]:
    """Rows for one page of a VCSE's list: place and estimate for those waiting."""
    referrals = list(page_referrals)
    pairs = {(r.area_id, r.device_type) for r in referrals if r.state == State.WAITING}
    rates = supply_rates(pairs, today)
    rows = []
    for referral in referrals:
        row = ListRow(referral)
        if referral.state == State.WAITING:
            row.position = referral.ahead + 1
            row.estimate = wait_estimate(
                row.position, rates.get((referral.area_id, referral.device_type), 0)
            )
        rows.append(row)
    return rows


def list_row(referral: Referral, today: datetime.date) -> ListRow:
    """One referral as the waiting list shows it: with its place and likely wait if waiting."""
    queued = (
        with_position(Referral.objects.filter(pk=referral.pk))
        .select_related("area")
        .defer("area__boundary", "area__statistics")
    )
    return waiting_list_rows(queued, today)[0]


# ---------------------------------------------------------------------------------------------
# Aggregates.


def _median_days(queryset, field_name: str, today: datetime.date, total: int) -> int | None:
    """The median of (today - field) in days, computed in the database with one row fetched;
    withheld for fewer than 5 (a median of 2 people gives both away)."""
    if total < THRESHOLD:
        return None
    value = queryset.order_by(field_name).values_list(field_name, flat=True)[total // 2]
    return (today - timezone.localtime(value).date()).days


@dataclass
class Demand:
    """Demand and supply for a set of areas, every count suppressed (fewer than 5)."""

    waiting: int | str = 0
    by_type: list[tuple[str, int | str]] = field(default_factory=list)
    by_need: list[tuple[str, int | str]] = field(default_factory=list)
    by_priority: list[tuple[str, int | str]] = field(default_factory=list)
    by_area: list[dict] = field(default_factory=list)
    median_wait_days: int | None = None
    median_days_to_handover: int | None = None
    allocated: int | str = 0
    handovers_by_month: list[tuple[datetime.date, int | str]] = field(default_factory=list)
    follow_ups: int | str = 0
    still_using: int | str = 0
    more_confident: int | str = 0


DEMAND_CACHE_SECONDS = 300


def demand_cached(areas) -> tuple[Demand, datetime.datetime]:
    """`demand` for these areas as computed within the last few minutes, and when. The figures
    are aggregates, the same for everyone looking at the same areas, and a page over a large
    region's 200,000 referrals costs a few hundred milliseconds to compute cold."""
    key = "demand:v1:" + ",".join(str(a.pk) for a in sorted(areas, key=lambda a: a.pk))
    cached = cache.get(key)
    if cached is None:
        cached = (demand(areas), timezone.now())
        cache.set(key, cached, DEMAND_CACHE_SECONDS)
    return cached


def waiting_now(area_ids, today: datetime.date | None = None) -> tuple[int, int | None]:
    """How many people wait in these areas now, and the median days they have waited so far
    (None for fewer than 5): unsuppressed, for callers that suppress as they show."""
    today = today or timezone.localdate()
    waiting = Referral.objects.filter(area_id__in=list(area_ids), state=State.WAITING)
    total = waiting.count()
    return total, _median_days(waiting, "referred_at", today, total)


def waiting_on(area_ids, day: datetime.date) -> tuple[int, int | None]:
    """How many people were waiting in these areas at the end of `day` (referred by then, not
    yet allocated a device nor closed), and the median days they had waited (None for fewer
    than 5). A referral whose device was later released is counted from its last allocation."""
    end = _start_of(day + datetime.timedelta(days=1))
    waiting = Referral.objects.filter(area_id__in=list(area_ids), referred_at__lt=end).filter(
        Q(allocated_at__isnull=True) | Q(allocated_at__gte=end),
        Q(closed_at__isnull=True) | Q(closed_at__gte=end),
    )
    total = waiting.count()
    return total, _median_days(waiting, "referred_at", day, total)


def demand(areas, today: datetime.date | None = None) -> Demand:
    today = today or timezone.localdate()
    area_ids = [a.pk for a in areas]
    waiting = Referral.objects.filter(area_id__in=area_ids, state=State.WAITING)
    counts = waiting.aggregate(
        total=Count("pk"),
        needs_sim=Count("pk", filter=Q(connectivity=Connectivity.NEEDS_SIM)),
        social_tariff=Count("pk", filter=Q(connectivity=Connectivity.NEEDS_SOCIAL_TARIFF)),
        skills=Count("pk", filter=~Q(skills=[])),
        accessibility=Count("pk", filter=~Q(accessibility=[])),
        **{f"type_{t}": Count("pk", filter=Q(device_type=t)) for t, _ in DeviceType.choices},
        **{f"priority_{p}": Count("pk", filter=Q(priority=p)) for p in Priority.values},
    )
    result = Demand(waiting=suppress(counts["total"]))
    result.by_type = [
        (label, suppress(counts[f"type_{t}"]))
        for t, label in DeviceType.choices
        if t != DeviceType.OTHER
    ]
    result.by_need = [
        ("A data SIM", suppress(counts["needs_sim"])),
        ("Help with a social tariff", suppress(counts["social_tariff"])),
        ("Skills support", suppress(counts["skills"])),
        ("Accessibility needs", suppress(counts["accessibility"])),
    ]
    result.by_priority = [
        (label, suppress(counts[f"priority_{p}"])) for p, label in Priority.choices
    ]
    result.median_wait_days = _median_days(waiting, "referred_at", today, counts["total"])
    per_area = {
        row["area_id"]: row
        for row in Referral.objects.filter(area_id__in=area_ids)
        .values("area_id")
        .annotate(
            waiting=Count("pk", filter=Q(state=State.WAITING)),
            allocated=Count("pk", filter=Q(state__in=HOLDING_A_DEVICE)),
            handed_over=Count("pk", filter=Q(state__in=[State.HANDED_OVER, State.FOLLOWED_UP])),
        )
        .order_by()
    }
    result.allocated = suppress(sum(row["allocated"] for row in per_area.values()))
    result.by_area = [
        {
            "area": area,
            "waiting": suppress(per_area.get(area.pk, {}).get("waiting", 0)),
            "handed_over": suppress(per_area.get(area.pk, {}).get("handed_over", 0)),
        }
        for area in areas
    ]
    # The last twelve months' handovers, counted per month in one query.
    months = _months_back(today, 12)
    bounds = [_start_of(m) for m in months] + [_start_of(_next_month(months[-1]))]
    recent = Handover.objects.filter(
        referral__area_id__in=area_ids, handed_over_at__gte=bounds[0], handed_over_at__lt=bounds[-1]
    )
    per_month = recent.aggregate(
        **{
            f"m{n}": Count(
                "pk", filter=Q(handed_over_at__gte=bounds[n], handed_over_at__lt=bounds[n + 1])
            )
            for n in range(len(months))
        }
    )
    result.handovers_by_month = [
        (month, suppress(per_month[f"m{n}"])) for n, month in enumerate(months)
    ]
    handed = sum(per_month.values())
    if handed >= THRESHOLD:
        result.median_days_to_handover = recent.order_by("waited_days").values_list(
            "waited_days", flat=True
        )[handed // 2]
    follow_ups = FollowUp.objects.filter(referral__area_id__in=area_ids).aggregate(
        n=Count("pk"),
        using=Count("pk", filter=Q(still_using__in=[StillUsing.YES, StillUsing.SOMETIMES])),
        confident=Count("pk", filter=Q(confidence__in=[Confidence.MUCH_MORE, Confidence.A_LITTLE])),
    )
    result.follow_ups = suppress(follow_ups["n"])
    result.still_using = suppress(follow_ups["using"])
    result.more_confident = suppress(follow_ups["confident"])
    return result


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _months_back(today: datetime.date, n: int) -> list[datetime.date]:
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        months.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def vcse_activity(region) -> list[dict]:
    """Each VCSE's referrals in aggregate, for the coordinator (suppressed)."""
    today = timezone.localdate()
    overdue = Q(state=State.HANDED_OVER, handover__follow_up_due__lt=today)
    rows = (
        Referral.objects.filter(region=region)
        .values("vcse_id", "vcse__name")
        .annotate(
            waiting=Count("pk", filter=Q(state=State.WAITING)),
            allocated=Count("pk", filter=Q(state__in=HOLDING_A_DEVICE)),
            handed_over=Count("pk", filter=Q(state__in=[State.HANDED_OVER, State.FOLLOWED_UP])),
            followed_up=Count("pk", filter=Q(state=State.FOLLOWED_UP)),
            overdue=Count("pk", filter=overdue),
        )
        .order_by("vcse__name")
    )
    return [
        {
            "name": row["vcse__name"],
            **{
                key: suppress(row[key])
                for key in ("waiting", "allocated", "handed_over", "followed_up", "overdue")
            },
        }
        for row in rows
    ]


def vcse_summary(vcse) -> dict[str, int]:
    """What needs the VCSE's attention, for its home page (its own figures: not suppressed)."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=settings.REHOME_REFERRAL_EXPIRY_NOTICE_DAYS)
    return Referral.objects.filter(vcse=vcse).aggregate(
        waiting=Count("pk", filter=Q(state=State.WAITING)),
        allocated=Count("pk", filter=Q(state=State.ALLOCATED)),
        ready=Count("pk", filter=Q(state=State.READY_TO_COLLECT)),
        follow_ups_due=Count(
            "pk", filter=Q(state=State.HANDED_OVER, handover__follow_up_due__lte=today)
        ),
        expiring=Count("pk", filter=Q(state=State.WAITING, expires_on__lte=soon)),
    )
