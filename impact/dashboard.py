"""The public dashboard, built once for the page, its CSV and JSON downloads and the API.

Its tables come from the builders in `impact.tables`, the ones the reports use, so they are
suppressed the same way and carry the same figures. The page draws its charts from these same
tables, so a chart, its table, the CSV, the JSON and the API can never disagree. What is the
dashboard's own: the headline over three periods, a trend of the last 24 months whatever the
period, the open-data licence and the downloads' shapes.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from impact import selectors, tables
from impact.models import MethodVersion
from impact.tables import (
    Column,
    Table,
    areas_table,
    demand_table,
    device_types_table,
    environmental_table,
    headline_table,
    months_table,
    pipeline_table,
    quarters_table,
)
from lib.suppression import FEWER_THAN, NOT_SHOWN, THRESHOLD
from regions.models import Region

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
FACTORS_LICENCE = "CC BY-SA 4.0"
FACTORS_LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
SUPPRESSION_NOTE = (
    f"Counts of people (and of devices handed to people) from 1 to {THRESHOLD - 1} show as "
    f"“{FEWER_THAN}”; where a total would give one of them away, a second figure shows as "
    f"“{NOT_SHOWN}”. A median wait over fewer than {THRESHOLD} people is not shown."
)
TREND_MONTHS = 24


@dataclass
class Dashboard:
    region: Region
    period: selectors.Period
    today: datetime.date
    period_label: str  # "2026", or "all time"
    method: MethodVersion
    figures: selectors.ReportFigures
    headline: Table
    areas: Table
    months: Table
    quarters: Table
    device_types: Table
    demand: Table
    environmental: Table
    pipeline: Table
    notes: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [
            self.headline,
            self.areas,
            self.months,
            self.quarters,
            self.device_types,
            self.demand,
            self.environmental,
            self.pipeline,
        ]

    @property
    def attribution(self) -> list[str]:
        return tables.attribution(self.region)

    def metadata(self) -> dict:
        return {
            "title": f"{self.region.service_name}: impact figures, {self.period_label}",
            "publisher": self.region.authority,
            "period": self.period_label,
            "period_start": self.period.start,
            "period_end": self.period.end,
            "generated_on": self.today,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "factors_licence": f"{FACTORS_LICENCE} (The Restart Project)",
            "factors_licence_url": FACTORS_LICENCE_URL,
            "attribution": self.attribution,
            "method_version": self.method.version,
            "method_name": self.method.name,
            "suppression": SUPPRESSION_NOTE,
            "notes": self.notes,
        }


def dashboard(
    region: Region, *, year: int | None = None, today: datetime.date | None = None
) -> Dashboard:
    """The dashboard for one calendar year, or for all time when `year` is None."""
    today = today or timezone.localdate()
    scope = selectors.Scope.of_region(region)
    period = selectors.Period.year(year) if year else selectors.Period.all_time(today)
    method = MethodVersion.objects.current(region)
    figures = selectors.report(scope, period, method=method, today=today, compare=False)
    months = selectors.trend(scope, min(period.end, today), months=TREND_MONTHS)
    return Dashboard(
        region=region,
        period=period,
        today=today,
        period_label=period.label if year else "all time",
        method=method,
        figures=figures,
        headline=_headline(scope, figures, today),
        areas=areas_table(figures),
        months=months_table(months),
        quarters=quarters_table(months),
        device_types=device_types_table(figures),
        demand=demand_table(figures),
        environmental=environmental_table(figures),
        pipeline=pipeline_table(figures),
        notes=figures.notes,
    )


def _headline(scope, figures: selectors.ReportFigures, today: datetime.date) -> Table:
    """The headline since the start, this year and last year, whatever the period shown."""
    periods = {
        "all_time": ("Since the start", selectors.Period.all_time(today)),
        "this_year": (f"This year ({today.year})", selectors.Period.year(today.year)),
        "last_year": (f"Last year ({today.year - 1})", selectors.Period.year(today.year - 1)),
    }
    return headline_table(
        [
            (
                Column(key, label),
                figures.totals
                if figures.period == period
                else selectors.measure_counts(scope, period),
            )
            for key, (label, period) in periods.items()
        ],
        figures.method,
    )


# ---------------------------------------------------------------------------------------------
# The downloads. The CSV is long ("tidy"): one row per figure, so every table fits one file and
# one shape. It opens with rows of section "about" (title, period, licence, attribution, method
# version, suppression rule), in the same columns, instead of comment lines that spreadsheet
# programs and CSV readers would take for data.

CSV_HEADER = ("section", "row", "row_label", "column", "column_label", "value")


def as_data(board: Dashboard) -> dict:
    """The dashboard as plain data: a metadata object and the tables (the JSON and the API),
    kilograms and rates as JSON numbers."""

    def row(r) -> dict:
        values = {k: float(v) if isinstance(v, Decimal) else v for k, v in r.values.items()}
        return {"key": r.key, "label": r.label, "values": values}

    return {
        "metadata": board.metadata(),
        "tables": [
            {
                "key": t.key,
                "caption": t.caption,
                "columns": [{"key": c.key, "label": c.label} for c in t.columns],
                "rows": [row(r) for r in t.rows],
                "total": row(t.total) if t.total else None,
            }
            for t in board.tables
        ],
    }


def csv_rows(board: Dashboard) -> list[tuple]:
    """The CSV's rows after its header: the "about" section, then every figure of every table."""
    about = board.metadata()
    rows: list[tuple] = [
        ("about", "title", "Title", "", "", about["title"]),
        ("about", "publisher", "Publisher", "", "", about["publisher"]),
        ("about", "period", "Period", "", "", about["period"]),
        ("about", "period_start", "First day included", "", "", about["period_start"].isoformat()),
        ("about", "period_end", "Last day included", "", "", about["period_end"].isoformat()),
        ("about", "generated_on", "Generated on", "", "", about["generated_on"].isoformat()),
        ("about", "licence", "Licence", "", "", f"{LICENCE} <{LICENCE_URL}>"),
        (
            "about",
            "factors_licence",
            "Licence of the impact factors",
            "",
            "",
            f"{about['factors_licence']} <{FACTORS_LICENCE_URL}>",
        ),
        *(("about", "attribution", "Attribution", "", "", line) for line in about["attribution"]),
        ("about", "method_version", "Impact method version", "", "", about["method_version"]),
        ("about", "suppression", "Small numbers", "", "", SUPPRESSION_NOTE),
        *(("about", "note", "Data-quality note", "", "", note) for note in about["notes"]),
    ]
    for table in board.tables:
        for r in [*table.rows, *([table.total] if table.total else [])]:
            for column in table.columns:
                rows.append(
                    (table.key, r.key, r.label, column.key, column.label, r.values[column.key])
                )
    return rows
