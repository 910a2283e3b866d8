"""Every impact figure, from one set of functions.

The public dashboard, the annual snapshot (HTML, PDF and CSV), donor statements, council reports
and the API all build their numbers with `report()`, which reads the tallies kept by
`impact.tally`; so a total in the CSV is the total on the page and in the PDF. Suppression of
small numbers happens when figures are shown (`ReportFigures.public()`), never here, so that
totals are summed from exact counts.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from devices import lifecycle
from devices.lifecycle import State
from devices.models import Device, DeviceType
from impact.models import Grain, MethodVersion, Tally
from lib import impact
from lib.suppression import suppress, suppress_with_total
from regions.models import Area, Region

# ---------------------------------------------------------------------------------------------
# Periods and scopes.


@dataclass(frozen=True)
class Period:
    start: datetime.date  # first day included
    end: datetime.date  # last day included
    label: str

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> "Period":
        return cls(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")

    @classmethod
    def all_time(cls, today: datetime.date) -> "Period":
        return cls(datetime.date(2000, 1, 1), today, "since the start")

    def months(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = _next_month(month)
        return months

    def previous_year(self) -> "Period":
        return Period(_years_back(self.start, 1), _years_back(self.end, 1), _label_back(self.label))


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _years_back(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _label_back(label: str) -> str:
    return str(int(label) - 1) if label.isdigit() else f"the year before {label}"


@dataclass(frozen=True)
class Scope:
    """Whose figures: a region (optionally only some of its areas), a donor or an organisation.

    `area_ids` narrows region figures to a council's areas: device measures by the area the
    device came from, people measures by the area the person lives in.
    """

    region: Region
    grain: str = Grain.REGION
    subject_id: int = 0
    area_ids: tuple[int, ...] | None = None
    name: str = ""

    @classmethod
    def of_region(cls, region: Region) -> "Scope":
        return cls(region=region, subject_id=region.pk, name=region.name)

    @classmethod
    def of_areas(cls, region: Region, areas) -> "Scope":
        areas = list(areas)
        return cls(
            region=region,
            subject_id=region.pk,
            area_ids=tuple(a.pk for a in areas),
            name=", ".join(a.name for a in areas),
        )

    @classmethod
    def of_donor(cls, donor) -> "Scope":
        return cls(region=donor.region, grain=Grain.DONOR, subject_id=donor.pk, name=donor.name)

    def tallies(self, period: Period):
        rows = Tally.objects.filter(
            grain=self.grain,
            subject_id=self.subject_id,
            month__gte=period.start.replace(day=1),
            month__lte=period.end,
        )
        if self.area_ids is not None:
            rows = rows.filter(area_id__in=self.area_ids)
        return rows


def grouped(scope: Scope, period: Period, *by: str) -> dict[tuple, dict[str, int]]:
    """Counts by measure for each combination of the `by` columns (one query)."""
    result: dict[tuple, dict[str, int]] = defaultdict(dict)
    rows = scope.tallies(period).values(*by, "measure").annotate(n=Sum("count")).order_by()
    for row in rows:
        key = tuple(row[name] for name in by)
        result[key][row["measure"]] = result[key].get(row["measure"], 0) + row["n"]
    return result


def measure_counts(scope: Scope, period: Period) -> impact.MeasureCounts:
    counts = impact.MeasureCounts()
    for (category,), measures in grouped(scope, period, "category").items():
        for measure, n in measures.items():
            counts.add(measure, category, n)
    return counts


# ---------------------------------------------------------------------------------------------
# The figures of one report.

HEADLINE = (
    (impact.RECEIVED, "Devices received"),
    (impact.ERASED, "Devices erased to a standard"),
    (impact.REHOMED, "Devices rehomed"),
    (impact.PEOPLE_SUPPORTED, "People supported"),
    (impact.SIMS, "Data SIMs given"),
    (impact.SKILLS, "People offered skills support"),
    (impact.RECYCLED, "Devices recycled"),
)
PIPELINE = (
    (impact.GIVEN, "Given by donors"),
    (impact.RECEIVED, "Received by partners"),
    (impact.ERASED, "Erased"),
    (impact.REFURBISHED, "Refurbished"),
    (impact.REHOMED, "Rehomed"),
    (impact.RETURNED, "Given back"),
    (impact.RECYCLED, "Recycled"),
    (impact.LOST, "Written off as lost"),
)
OUTCOMES = (
    (impact.FOLLOW_UPS, "Follow-ups recorded"),
    (impact.STILL_USING, "Still using their device"),
    (impact.MORE_CONFIDENT, "More confident online"),
    (impact.SOCIAL_TARIFF, "Helped with a social tariff"),
)
# Measures that count people (a rehomed device is a person who received it): wherever one
# leaves the organisation's own scope, a count of 1 to 4 shows as "fewer than 5".
ABOUT_PEOPLE = frozenset(impact.PEOPLE_MEASURES) | {impact.REHOMED, impact.RETURNED}


def shown(measure: str, count: int | None) -> int | str | None:
    """A count as a public output may show it (lib.suppression's rule for people measures)."""
    return suppress(count) if measure in ABOUT_PEOPLE and count is not None and count > 0 else count


IN_PROGRESS_STATES = lifecycle.WITH_PARTNER


@dataclass
class AreaRow:
    area: Area
    counts: dict[str, int]

    @property
    def per_10k_offline(self) -> float | None:
        """People supported per 10,000 residents who do not use the internet."""
        if not self.area.population or self.area.internet_nonuse_pct is None:
            return None
        offline = self.area.population * float(self.area.internet_nonuse_pct) / 100
        if offline <= 0:
            return None
        return round(self.counts.get(impact.PEOPLE_SUPPORTED, 0) / offline * 10_000, 1)


@dataclass
class ReportFigures:
    scope: Scope
    period: Period
    method: impact.Method
    totals: impact.MeasureCounts
    environmental: impact.Environmental
    areas: list[AreaRow]
    months: list[tuple[datetime.date, dict[str, int]]]
    device_types: list[tuple[str, str, dict[str, int]]]  # (type, label, counts)
    previous: impact.MeasureCounts | None
    previous_environmental: impact.Environmental | None
    waiting: int | None = None
    median_wait_days: int | None = None
    in_progress: int | None = None
    uncategorised: int = 0
    notes: list[str] = field(default_factory=list)
    # The day the waiting figures describe when it is not today (a past period's last day).
    stock_as_of: datetime.date | None = None

    @property
    def quarters(self) -> list[tuple[str, dict[str, int]]]:
        return quarters_of(self.months)

    def headline(self) -> list[tuple[str, str, int]]:
        return [(measure, label, self.totals[measure]) for measure, label in HEADLINE]


def report(
    scope: Scope,
    period: Period,
    *,
    method: MethodVersion | None = None,
    today: datetime.date | None = None,
    compare: bool = True,
) -> ReportFigures:
    """Every figure of a report for `scope` over `period` (exact counts, not yet suppressed)."""
    method = method or MethodVersion.objects.current(scope.region)
    if method is None:
        raise LookupError(f"{scope.region} has no adopted impact method.")
    calc = method.as_method()
    totals = measure_counts(scope, period)
    by_area = grouped(scope, period, "area_id")
    areas = [AreaRow(area=area, counts=by_area.get((area.pk,), {})) for area in _areas(scope)]
    by_month = grouped(scope, period, "month")
    months = [(month, by_month.get((month,), {})) for month in period.months()]
    by_type = grouped(scope, period, "device_type")
    device_types = [
        (value, label, by_type.get((value,), {}))
        for value, label in DeviceType.choices
        if by_type.get((value,))
    ]
    previous = previous_env = None
    if compare:
        previous = measure_counts(scope, period.previous_year())
        previous_env = impact.environmental(previous.kept_in_use(), calc)
    figures = ReportFigures(
        scope=scope,
        period=period,
        method=calc,
        totals=totals,
        environmental=impact.environmental(totals.kept_in_use(), calc),
        areas=areas,
        months=months,
        device_types=device_types,
        previous=previous,
        previous_environmental=previous_env,
    )
    figures.uncategorised = figures.environmental.left_out
    today = today or timezone.localdate()
    past = period.end < today
    if scope.grain == Grain.REGION:
        from referrals.selectors import waiting_now, waiting_on

        area_ids = scope.area_ids or [row.area.pk for row in areas]
        if past:
            # A past period shows its own last day's waiting list, not today's.
            figures.waiting, figures.median_wait_days = waiting_on(area_ids, period.end)
            figures.stock_as_of = period.end
        else:
            figures.waiting, figures.median_wait_days = waiting_now(area_ids, today)
    # Devices with partners are known only as they are now: shown for current periods only.
    if scope.grain in (Grain.REGION, Grain.DONOR) and not past:
        figures.in_progress = _in_progress(scope)
    figures.notes = _notes(figures, unknown_area=by_area.get((0,), {}).get(impact.RECEIVED, 0))
    return figures


def _areas(scope: Scope) -> list[Area]:
    areas = Area.objects.filter(region=scope.region).defer("boundary", "statistics")
    if scope.area_ids is not None:
        areas = areas.filter(pk__in=scope.area_ids)
    return list(areas)


def _in_progress(scope: Scope) -> int:
    """Devices with a partner now, between receipt and handover (a stock, not a flow)."""
    devices = Device.objects.filter(state__in=IN_PROGRESS_STATES)
    if scope.grain == Grain.DONOR:
        devices = devices.filter(donor_id=scope.subject_id)
    elif scope.area_ids is not None:
        devices = devices.filter(area_of_origin_id__in=scope.area_ids)
    return devices.filter(region=scope.region).count()


def _notes(figures: ReportFigures, *, unknown_area: int) -> list[str]:
    notes = []
    if figures.uncategorised:
        # Rehomed devices are people: a small number is suppressed here as in every table.
        notes.append(
            f"Rehomed devices whose type has no impact category (such as “other”): "
            f"{shown(impact.REHOMED, max(figures.uncategorised, 0))}. They count as rehomed but "
            "not in the environmental figures."
        )
    if unknown_area:
        notes.append(
            f"{unknown_area} received device(s) have no recorded area of origin: they count in "
            "the totals but in no area's row."
        )
    return notes


# ---------------------------------------------------------------------------------------------
# Who took part: donors, partners and local organisations, and the certificates behind a
# donor's erased devices. The reports add these to `report()`'s figures.

SUPPLY_MEASURES = (impact.GIVEN, impact.RECEIVED)
PARTNER_MEASURES = (impact.RECEIVED, impact.ERASED, impact.REFURBISHED, impact.RECYCLED)


@dataclass
class OrganisationActivity:
    organisation: object  # an organisations.models.Organisation
    counts: dict[str, int]
    accreditations: list = field(default_factory=list)


def _subject_counts(
    scope: Scope, period: Period, grain: str, measures: tuple[str, ...]
) -> dict[int, dict[str, int]]:
    """Counts by measure for each subject of `grain` (donor or organisation) in the scope's
    region (and areas), over the period (one query)."""
    rows = Tally.objects.filter(
        grain=grain,
        measure__in=measures,
        month__gte=period.start.replace(day=1),
        month__lte=period.end,
    )
    if scope.area_ids is not None:
        rows = rows.filter(area_id__in=scope.area_ids)
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows.values("subject_id", "measure").annotate(n=Sum("count")).order_by():
        if row["n"]:
            result[row["subject_id"]][row["measure"]] = row["n"]
    return result


def donors_active(scope: Scope, period: Period) -> list[OrganisationActivity]:
    """Donors of the scope's region whose devices were given or received in the period (in the
    scope's areas, when it has some), by name, with how many."""
    from organisations.models import Organisation

    counts = _subject_counts(scope, period, Grain.DONOR, SUPPLY_MEASURES)
    donors = Organisation.objects.filter(region=scope.region, pk__in=list(counts)).order_by("name")
    return [OrganisationActivity(donor, counts[donor.pk]) for donor in donors]


def partners_active(scope: Scope, period: Period) -> list[OrganisationActivity]:
    """The partners (ITADs) that received, erased, refurbished or recycled devices of the scope
    in the period, with the accreditations they held at any time in it."""
    from organisations.models import Accreditation, Organisation

    counts = _subject_counts(scope, period, Grain.ORGANISATION, PARTNER_MEASURES)
    partners = Organisation.objects.filter(
        region=scope.region, is_itad=True, pk__in=list(counts)
    ).order_by("name")
    held = defaultdict(list)
    for accreditation in Accreditation.objects.filter(
        organisation__in=partners, expires_on__gte=period.start
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=period.end)):
        held[accreditation.organisation_id].append(accreditation)
    return [
        OrganisationActivity(partner, counts[partner.pk], held[partner.pk]) for partner in partners
    ]


LOCAL_MEASURES = (
    impact.RECEIVED,
    impact.ERASED,
    impact.REFURBISHED,
    impact.RECYCLED,
    impact.REFERRED,
    impact.PEOPLE_SUPPORTED,
    impact.FOLLOW_UPS,
)


def local_partners(scope: Scope, period: Period) -> list[OrganisationActivity]:
    """Organisations serving the scope's areas (or active in them) and what each did there in
    the period: devices they received, erased, refurbished and recycled from those areas, and
    people from those areas they referred, supported and followed up."""
    from organisations.models import Organisation

    counts = _subject_counts(scope, period, Grain.ORGANISATION, LOCAL_MEASURES)
    serving = Q(pk__in=list(counts))
    if scope.area_ids is not None:
        serving |= Q(areas_served__in=scope.area_ids)
    organisations = (
        Organisation.objects.filter(region=scope.region)
        .filter(Q(is_itad=True) | Q(is_vcse=True))
        .filter(serving)
        .distinct()
        .order_by("name")
    )
    return [OrganisationActivity(org, counts.get(org.pk, {})) for org in organisations]


@dataclass(frozen=True)
class BatchErasure:
    reference: str
    certificate: str
    erased: int  # devices of the batch erased in the period


def donor_certificates(donor, period: Period) -> list[BatchErasure]:
    """The donor's batches with devices erased in the period, how many, and the reference of
    each batch's data-destruction certificate."""
    from custody.models import CustodyEvent
    from donations.certificates import certificate_number
    from donations.models import Batch

    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min)
    )
    erased = (
        CustodyEvent.objects.filter(
            device__donor=donor,
            kind="transition",
            to_state=State.ERASED,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .values("device__batch_id")
        .annotate(n=Count("device_id", distinct=True))
        .order_by()
    )
    counts = {row["device__batch_id"]: row["n"] for row in erased if row["device__batch_id"]}
    batches = Batch.objects.filter(pk__in=list(counts), donor=donor).order_by("reference")
    return [
        BatchErasure(batch.reference, certificate_number(batch), counts[batch.pk])
        for batch in batches
    ]


# ---------------------------------------------------------------------------------------------
# The public dashboard's extra figures: trends over a fixed window, the years with figures, and
# parts shown beside their total.


def quarters_of(
    months: list[tuple[datetime.date, dict[str, int]]],
) -> list[tuple[str, dict[str, int]]]:
    """Monthly counts summed into calendar quarters, labelled like "2026 Q1", in order."""
    result: dict[str, dict[str, int]] = {}
    for month, counts in months:
        label = f"{month.year} Q{(month.month - 1) // 3 + 1}"
        quarter = result.setdefault(label, {})
        for measure, n in counts.items():
            quarter[measure] = quarter.get(measure, 0) + n
    return list(result.items())


def trend(
    scope: Scope, end: datetime.date, *, months: int = 24
) -> list[tuple[datetime.date, dict[str, int]]]:
    """Counts by measure for each of the `months` calendar months up to `end`'s (one query),
    whatever period the rest of a page shows, so a trend always has the same length."""
    start = end.replace(day=1)
    for _ in range(months - 1):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    period = Period.between(start, end)
    by_month = grouped(scope, period, "month")
    return [(month, by_month.get((month,), {})) for month in period.months()]


def years_with_figures(region: Region, today: datetime.date) -> list[int]:
    """The calendar years from the region's first counted record to this one, latest first."""
    first = (
        Tally.objects.filter(grain=Grain.REGION, subject_id=region.pk)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    start = min(first.year, today.year) if first else today.year
    return list(range(today.year, start - 1, -1))


def shown_parts(measure: str, parts: dict) -> tuple[dict, int | str | None]:
    """Parts of one measure and their total as a public table may show them side by side.

    People measures follow lib.suppression.suppress_with_total, so a hidden part cannot be
    recovered by taking the others from the total; other measures show as they are. A period's
    net figure can be negative (more given back than handed over), which suppress_with_total
    does not take: then each part shows as `shown()` shows it.
    """
    total = sum(parts.values())
    if measure not in ABOUT_PEOPLE or any(n < 0 for n in parts.values()):
        return {key: shown(measure, n) for key, n in parts.items()}, shown(measure, total)
    return suppress_with_total(parts)


def donor_totals(donor_ids, measures) -> dict[int, dict[str, int]]:
    """All-time counts of `measures` for each donor, from the same tallies as every report."""
    result: dict[int, dict[str, int]] = {}
    rows = (
        Tally.objects.filter(
            grain=Grain.DONOR, subject_id__in=list(donor_ids), measure__in=measures
        )
        .values("subject_id", "measure")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        result.setdefault(row["subject_id"], {})[row["measure"]] = row["n"]
    return result
