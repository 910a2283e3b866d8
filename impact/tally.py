"""Keeping the impact tallies, and checking them against a full recount of the records.

The rule: every service that writes a record the figures count calls one of the `count_*`
functions here in the same transaction — custody events (`devices.services`), handovers and
follow-ups and referrals (`referrals.services`). Anything that writes those records another way
(a bulk loader, a data migration) must call `rebuild()` afterwards. `check()` recounts every
tally from the records and lists the differences; `impact_check` runs it (and the daily
housekeeping does too), so a missed path cannot go unnoticed.

Each record adds one to up to three rows: the region's, its device's donor's, and the
organisation that acted (the ITAD that erased, the VCSE that handed over). Rows are written in
key order, so two transactions adding to the same rows always lock them in the same order and
cannot deadlock.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.utils import timezone

from custody.fields import EPOCH
from impact.models import Grain, Tally
from lib import impact

# (grain, subject_id, month, area_id, device_type, category, measure)
Key = tuple[str, int, datetime.date, int, str, str, str]
COLUMNS = ("grain", "subject_id", "month", "area_id", "device_type", "category", "measure")


def month_of(at: datetime.datetime) -> datetime.date:
    """The first day of the local calendar month `at` falls in."""
    return timezone.localtime(at).date().replace(day=1)


def _keys(
    *,
    region_id: int,
    donor_id: int | None,
    organisation_id: int | None,
    month: datetime.date,
    area_id: int | None,
    device_type: str,
    category: str,
    measure: str,
) -> Iterator[Key]:
    rest = (month, area_id or 0, device_type, category, measure)
    yield (Grain.REGION, region_id, *rest)
    if donor_id:
        yield (Grain.DONOR, donor_id, *rest)
    if organisation_id:
        yield (Grain.ORGANISATION, organisation_id, *rest)


def count_events(events: Iterable) -> None:
    """Add custody events (with their `device` attached, as the ledger builds them)."""
    counts: Counter[Key] = Counter()
    for event in events:
        measures = impact.event_measures(event.kind, event.from_state, event.to_state)
        if not measures:
            continue
        device = event.device
        for measure in measures:
            counts.update(
                _keys(
                    region_id=device.region_id,
                    donor_id=device.donor_id,
                    organisation_id=event.actor_organisation_id,
                    month=month_of(event.occurred_at),
                    area_id=device.area_of_origin_id,
                    device_type=device.device_type,
                    category=impact.category_for(device.device_type, device.screen_inches),
                    measure=measure,
                )
            )
    _add(counts)


def _handover_measures(*, sim: bool, social_tariff: bool, skills: bool) -> list[str]:
    measures = [impact.PEOPLE_SUPPORTED]
    if sim:
        measures.append(impact.SIMS)
    if social_tariff:
        measures.append(impact.SOCIAL_TARIFF)
    if skills:
        measures.append(impact.SKILLS)
    return measures


def _follow_up_measures(*, still_using: str, confidence: str) -> list[str]:
    measures = [impact.FOLLOW_UPS]
    if still_using in ("yes", "sometimes"):
        measures.append(impact.STILL_USING)
    if confidence in ("much_more", "a_little"):
        measures.append(impact.MORE_CONFIDENT)
    return measures


def count_handover(handover, *, skills: bool) -> None:
    """Add a person's handover: counted in the area they live in, for the device's donor and
    for the VCSE that handed it over."""
    referral, device = handover.referral, handover.device
    _add_person(
        referral,
        device,
        month_of(handover.handed_over_at),
        _handover_measures(
            sim=handover.sim_batch_id is not None,
            social_tariff=handover.social_tariff_signposted,
            skills=skills,
        ),
    )


def count_follow_up(follow_up, *, device) -> None:
    _add_person(
        follow_up.referral,
        device,
        month_of(follow_up.recorded_at),
        _follow_up_measures(still_using=follow_up.still_using, confidence=follow_up.confidence),
    )


def count_referral(referral, *, undo: bool = False) -> None:
    """Add a referral to demand (or take it away again, before its area or type changes)."""
    sign = -1 if undo else 1
    counts: Counter[Key] = Counter()
    for key in _keys(
        region_id=referral.region_id,
        donor_id=None,
        organisation_id=referral.vcse_id,
        month=month_of(referral.referred_at),
        area_id=referral.area_id,
        device_type=referral.device_type,
        category="",
        measure=impact.REFERRED,
    ):
        counts[key] += sign
    _add(counts)


def _add_person(referral, device, month: datetime.date, measures: list[str]) -> None:
    counts: Counter[Key] = Counter()
    category = impact.category_for(device.device_type, device.screen_inches)
    for measure in measures:
        counts.update(
            _keys(
                region_id=referral.region_id,
                donor_id=device.donor_id,
                organisation_id=referral.vcse_id,
                month=month,
                area_id=referral.area_id,
                device_type=device.device_type,
                category=category,
                measure=measure,
            )
        )
    _add(counts)


def _add(counts: Counter[Key]) -> None:
    if not counts:
        return
    table = Tally._meta.db_table
    columns = ", ".join(COLUMNS)
    marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
    # Names are the model's own; values are parameters. ON CONFLICT … DO UPDATE is the same
    # statement on SQLite (3.24+) and PostgreSQL.
    sql = (
        f"INSERT INTO {table} ({columns}, count) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({columns}) DO UPDATE SET count = {table}.count + excluded.count"
    )
    rows = [_row(key, n) for key, n in sorted(counts.items())]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _row(key: Key, count: int) -> list:
    grain, subject, month, area, device_type, category, measure = key
    return [grain, subject, month.isoformat(), area, device_type, category, measure, count]


# ---------------------------------------------------------------------------------------------
# Recounting from the records.

_DEVICE_STATES = (
    "received",
    "erased",
    "refurbished",
    "handed_over",
    "returned",
    "recycled",
    "lost",
)
_HOUR = 3_600_000_000  # microseconds
_DAY = 24 * _HOUR


def recount() -> Counter[Key]:
    """Every tally, counted afresh from custody events, handovers, follow-ups and referrals."""
    counts: Counter[Key] = Counter()
    _recount_events(counts)
    _recount_people(counts)
    return +counts


def _month_starts(first_us: int, last_us: int) -> list[int]:
    """The instants (microseconds since the epoch) at which a local month begins, between two
    event times."""
    month = month_of(EPOCH + datetime.timedelta(microseconds=first_us))
    last = EPOCH + datetime.timedelta(microseconds=last_us)
    starts = []
    while True:
        month = (month + datetime.timedelta(days=32)).replace(day=1)
        start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
        if start > last:
            return starts
        starts.append((start - EPOCH) // datetime.timedelta(microseconds=1))


def _recount_events(counts: Counter[Key]) -> None:
    # Grouped in SQL by UTC day: every instant of a day falls in the same local month unless a
    # month begins during that day, and only those days (one a month) are split by the hour,
    # since local offsets are whole hours. Hour buckets are stored negated to tell them apart.
    # Grouping by day keeps the groups (each handled in Python below) near one per day and key,
    # not one per event.
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(occurred_at), MAX(occurred_at) FROM custody_custodyevent")
        first, last = cursor.fetchone()
    if first is None:
        return
    split_days = sorted({start // _DAY for start in _month_starts(first, last)}) or [-1]
    states = ", ".join(f"'{state}'" for state in _DEVICE_STATES)
    days = ", ".join(str(day) for day in split_days)
    bucket = (
        f"CASE WHEN e.occurred_at / {_DAY} IN ({days}) THEN -(e.occurred_at / {_HOUR}) "
        f"ELSE e.occurred_at / {_DAY} END"
    )
    sql = f"""
        SELECT {bucket}, e.kind, e.from_state, e.to_state,
               e.actor_organisation_id, d.region_id, d.donor_id, d.area_of_origin_id,
               d.device_type, d.screen_inches, COUNT(*)
        FROM custody_custodyevent e JOIN devices_device d ON d.id = e.device_id
        WHERE e.kind = 'registered' OR (e.kind = 'transition' AND e.to_state IN ({states}))
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    """  # noqa: S608 (constants and integers only)
    months: dict[int, datetime.date] = {}
    categories: dict[tuple, str] = {}
    measures_of: dict[tuple, tuple[str, ...]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(10_000):
            for (
                bucket_value,
                kind,
                from_state,
                to_state,
                org,
                region,
                donor,
                area,
                dtype,
                screen,
                n,
            ) in rows:
                month = months.get(bucket_value)
                if month is None:
                    at = (
                        EPOCH + datetime.timedelta(hours=-bucket_value)
                        if bucket_value < 0
                        else EPOCH + datetime.timedelta(days=bucket_value)
                    )
                    month = months[bucket_value] = month_of(at)
                measures = measures_of.get((kind, from_state, to_state))
                if measures is None:
                    measures = measures_of[kind, from_state, to_state] = impact.event_measures(
                        kind, from_state, to_state
                    )
                category = categories.get((dtype, screen))
                if category is None:
                    category = categories[dtype, screen] = impact.category_for(dtype, screen)
                for measure in measures:
                    for key in _keys(
                        region_id=region,
                        donor_id=donor,
                        organisation_id=org,
                        month=month,
                        area_id=area,
                        device_type=dtype,
                        category=category,
                        measure=measure,
                    ):
                        counts[key] += n


def _recount_people(counts: Counter[Key]) -> None:
    from referrals.models import FollowUp, Handover, Referral

    person = (
        "referral__region_id",
        "referral__area_id",
        "referral__vcse_id",
        "device__donor_id",
        "device__device_type",
        "device__screen_inches",
    )
    skills = Handover.skills_offers.through.objects.filter(handover_id=OuterRef("pk"))
    handovers = (
        Handover.objects.annotate(m=TruncMonth("handed_over_at"), skills=Exists(skills))
        .values("m", *person, "sim_batch_id", "social_tariff_signposted", "skills")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in handovers.iterator():
        measures = _handover_measures(
            sim=row["sim_batch_id"] is not None,
            social_tariff=row["social_tariff_signposted"],
            skills=row["skills"],
        )
        _count_person(counts, row, person, measures)

    on_referral = tuple(f"referral__handover__{name}" for name in person[3:])
    follow_ups = (
        FollowUp.objects.annotate(m=TruncMonth("recorded_at"))
        .values("m", *person[:3], *on_referral, "still_using", "confidence")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in follow_ups.iterator():
        row.update({name: row.pop(f"referral__handover__{name}") for name in person[3:]})
        measures = _follow_up_measures(still_using=row["still_using"], confidence=row["confidence"])
        _count_person(counts, row, person, measures)

    referrals = (
        Referral.objects.annotate(m=TruncMonth("referred_at"))
        .values("m", "region_id", "area_id", "vcse_id", "device_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in referrals.iterator():
        for key in _keys(
            region_id=row["region_id"],
            donor_id=None,
            organisation_id=row["vcse_id"],
            month=_as_month(row["m"]),
            area_id=row["area_id"],
            device_type=row["device_type"],
            category="",
            measure=impact.REFERRED,
        ):
            counts[key] += row["n"]


def _as_month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _count_person(counts: Counter[Key], row: dict, person: tuple, measures: list[str]) -> None:
    region, area, vcse, donor, device_type, screen = (row[name] for name in person)
    for measure in measures:
        for key in _keys(
            region_id=region,
            donor_id=donor,
            organisation_id=vcse,
            month=_as_month(row["m"]),
            area_id=area,
            device_type=device_type,
            category=impact.category_for(device_type, screen),
            measure=measure,
        ):
            counts[key] += row["n"]


def stored() -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for row in Tally.objects.values_list(*COLUMNS, "count").iterator(chunk_size=10_000):
        *key, n = row
        counts[tuple(key)] += n
    return +counts


def check() -> list[str]:
    """Every difference between the stored tallies and a recount, in words; empty when equal."""
    expected, actual = recount(), stored()
    problems = []
    for key in sorted(set(expected) | set(actual)):
        if expected[key] != actual[key]:
            grain, subject, month, area, device_type, category, measure = key
            problems.append(
                f"{Grain(grain).label} {subject}, {month:%Y-%m}, area {area}, "
                f"{device_type or '-'} {category or '-'}, {measure}: stored {actual[key]}, "
                f"recounted {expected[key]}"
            )
    return problems


@transaction.atomic
def rebuild() -> int:
    """Replace every tally with a recount; returns the number of rows written."""
    counts = recount()
    Tally.objects.all().delete()
    Tally.objects.bulk_create(
        (
            Tally(
                grain=grain,
                subject_id=subject,
                month=month,
                area_id=area,
                device_type=device_type,
                category=category,
                measure=measure,
                count=n,
            )
            for (grain, subject, month, area, device_type, category, measure), n in counts.items()
        ),
        batch_size=5000,
    )
    return len(counts)
