"""The public impact dashboard: exact figures from known records, small numbers suppressed, and
the downloads that carry the same numbers as the page."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from impact.dashboard import CSV_HEADER, LICENCE
from impact.models import Grain, Tally
from impact.tables import FACTORS_ATTRIBUTION
from impact.tests.dashboard_data import KNOWN_CO2E, KNOWN_KG_KEPT, build_known, page_tables
from lib import impact
from lib.suppression import FEWER_THAN, NOT_SHOWN

DASHBOARD = reverse("public:impact")
THIS_YEAR = datetime.date.today().year


@pytest.fixture
def known(lab, rehome, refer, personas):
    return build_known(lab, rehome, refer, personas)


def _row(table, label):
    return next(row for row in table if row[0].startswith(label))


def _csv(client, query="") -> list[dict]:
    response = client.get(reverse("impact:figures_csv") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_dashboard_shows_each_figure_exactly_as_counted_from_the_records(client, known):
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    tables = page_tables(response.content.decode())
    headline = tables["headline"]
    assert headline[0] == [
        "Figure",
        "Since the start",
        f"This year ({THIS_YEAR})",
        f"Last year ({THIS_YEAR - 1})",
    ]
    assert _row(headline, "Devices received") == ["Devices received", "7", "7", "0"]
    assert _row(headline, "Devices erased") == ["Devices erased to a standard", "6", "6", "0"]
    assert _row(headline, "Devices rehomed") == ["Devices rehomed", "5", "5", "0"]
    assert _row(headline, "People supported") == ["People supported", "5", "5", "0"]
    assert _row(headline, "Devices recycled") == ["Devices recycled", "1", "1", "0"]
    assert _row(headline, "Kilograms of CO2e")[1] == f"{KNOWN_CO2E:,.2f}"
    assert _row(headline, "Kilograms of equipment")[1] == f"{KNOWN_KG_KEPT:,.2f}"

    pipeline = tables["pipeline"]
    assert _row(pipeline, "Given by donors") == ["Given by donors", "8"]
    assert _row(pipeline, "Refurbished") == ["Refurbished", "5"]
    assert _row(pipeline, "With partners now") == ["With partners now, not yet handed over", "1"]

    environmental = tables["environmental"]
    assert _row(environmental, "All categories") == [
        "All categories",
        "5",
        f"{KNOWN_KG_KEPT:,.2f}",
        f"{KNOWN_CO2E:,.2f}",
    ]
    demand = tables["demand"]
    assert _row(demand, "People waiting") == ["People waiting for a device now", FEWER_THAN]
    assert _row(demand, "People referred") == ["People referred in the period", "6"]

    types = tables["device_types"]
    assert types[0] == ["Type of device", "Given", "Received", "Erased", "Rehomed", "Recycled"]
    assert _row(types, "Laptop") == ["Laptop", "3", "3", "3", FEWER_THAN, "0"]
    assert _row(types, "All") == ["All types", "8", "7", "6", "5", "1"]


def test_the_method_version_and_attribution_are_shown_with_the_figures(client, known):
    html = client.get(DASHBOARD).content.decode()
    assert reverse("impact:method_version", args=["1"]) in html
    assert "version 1 of the method" in html
    for line in known.region.attribution:
        assert line in html
    assert FACTORS_ATTRIBUTION in html
    assert LICENCE in html


def test_small_counts_of_people_are_suppressed_on_the_page(client, known):
    tables = page_tables(client.get(DASHBOARD).content.decode())
    areas = tables["areas"]
    # Two people in Birmingham, two in Coventry, one in Walsall: each hidden, the total shown.
    assert _row(areas, "Birmingham")[1:3] == [FEWER_THAN, NOT_SHOWN]
    assert _row(areas, "Walsall")[1:3] == [FEWER_THAN, NOT_SHOWN]
    assert _row(areas, "Dudley")[1:3] == ["0", "0.0"]
    assert _row(areas, "All areas")[1] == "5"
    month = f"{datetime.date.today():%b %Y}"
    # Received, rehomed, people supported, referred, erased, recycled.
    assert _row(tables["months"], month)[1:] == ["7", "5", "5", "6", "6", "1"]
    # One device per category: each row hides its devices and the kilograms that would say how
    # many there were.
    small = _row(tables["environmental"], "Laptop, small")
    assert small[1:] == [FEWER_THAN, NOT_SHOWN, NOT_SHOWN]


def _tally(region, area, measure, count, month):
    Tally.objects.create(
        grain=Grain.REGION,
        subject_id=region.pk,
        month=month,
        area_id=area.pk,
        device_type="laptop",
        category=impact.LAPTOP_MEDIUM,
        measure=measure,
        count=count,
    )


def test_a_total_that_would_give_a_hidden_count_away_hides_a_second_one(client, region, areas):
    month = datetime.date.today().replace(day=1)
    _tally(region, areas["Birmingham"], impact.PEOPLE_SUPPORTED, 6, month)
    _tally(region, areas["Coventry"], impact.PEOPLE_SUPPORTED, 2, month)
    tables = page_tables(client.get(DASHBOARD).content.decode())
    assert _row(tables["areas"], "Birmingham")[1:3] == [NOT_SHOWN, NOT_SHOWN]
    assert _row(tables["areas"], "Coventry")[1:3] == [FEWER_THAN, NOT_SHOWN]
    assert _row(tables["areas"], "All areas")[1] == "8"
    rows = {(r["section"], r["row"], r["column"]): r["value"] for r in _csv(client)}
    birmingham, coventry = areas["Birmingham"].code, areas["Coventry"].code
    assert rows[("areas", birmingham, impact.PEOPLE_SUPPORTED)] == NOT_SHOWN
    assert rows[("areas", coventry, impact.PEOPLE_SUPPORTED)] == FEWER_THAN
    assert rows[("areas", "total", impact.PEOPLE_SUPPORTED)] == "8"


def test_the_rate_per_ten_thousand_offline_residents_is_shown_for_unhidden_counts(
    client, region, areas
):
    month = datetime.date.today().replace(day=1)
    for name in ("Birmingham", "Coventry"):
        _tally(region, areas[name], impact.PEOPLE_SUPPORTED, 50, month)
    tables = page_tables(client.get(DASHBOARD).content.decode())
    area = areas["Birmingham"]
    offline = area.population * float(area.internet_nonuse_pct) / 100
    expected = round(50 / offline * 10_000, 1)
    assert _row(tables["areas"], "Birmingham")[1:3] == ["50", f"{expected:,}"]


def test_the_csv_holds_the_same_numbers_as_the_page(client, known):
    tables = page_tables(client.get(DASHBOARD).content.decode())
    rows = _csv(client)
    assert list(rows[0]) == list(CSV_HEADER)
    sections = ("headline", "areas", "months", "quarters", "device_types", "environmental")
    for section in (*sections, "pipeline", "demand"):
        page = tables[section]
        columns = page[0][1:]
        for page_row in page[1:]:
            label = page_row[0]
            in_csv = [
                r for r in rows if r["section"] == section and label.startswith(r["row_label"])
            ]
            assert in_csv, f"{section}: {label} is not in the CSV"
            by_column = {r["column_label"]: r["value"] for r in in_csv}
            for column, shown in zip(columns, page_row[1:], strict=True):
                value = by_column[column]
                expected = shown.replace(",", "") if shown != "\N{EN DASH}" else ""
                assert value == expected, (section, label, column)


def test_the_csv_opens_with_what_it_is_its_licence_and_attribution(client, known):
    rows = _csv(client, f"?period={THIS_YEAR}")
    about = [r for r in rows if r["section"] == "about"]
    assert rows[: len(about)] == about, "the about rows come first"
    values = {r["row"]: r["value"] for r in about}
    assert values["period"] == str(THIS_YEAR)
    assert values["licence"].startswith(LICENCE)
    assert values["method_version"] == "1"
    attribution = [r["value"] for r in about if r["row"] == "attribution"]
    assert attribution == [*known.region.attribution, FACTORS_ATTRIBUTION] or (
        attribution == known.region.attribution and FACTORS_ATTRIBUTION in attribution
    )


def test_the_json_download_has_a_metadata_object_and_the_same_tables(client, known):
    response = client.get(reverse("impact:figures_json"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["metadata"]["licence"] == LICENCE
    assert data["metadata"]["method_version"] == "1"
    assert FACTORS_ATTRIBUTION in data["metadata"]["attribution"]
    tables = {t["key"]: t for t in data["tables"]}
    areas = {row["key"]: row["values"] for row in tables["areas"]["rows"]}
    birmingham = known.region.areas.get(name="Birmingham").code
    assert areas[birmingham][impact.PEOPLE_SUPPORTED] == FEWER_THAN
    assert tables["areas"]["total"]["values"][impact.PEOPLE_SUPPORTED] == 5
    assert tables["environmental"]["total"]["values"]["kg_co2e_avoided"] == pytest.approx(
        KNOWN_CO2E
    )


def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(client, known, settings):
    known.region.attribution = ['=HYPERLINK("http://example.org")']
    known.region.save()
    rows = _csv(client)
    attribution = [r["value"] for r in rows if r["row"] == "attribution"]
    assert attribution[0] == '\'=HYPERLINK("http://example.org")'


def test_choosing_a_year_shows_only_that_years_figures(client, known, areas):
    # A donation two years ago makes the years since then choosable.
    _tally(known.region, areas["Dudley"], impact.GIVEN, 3, datetime.date(THIS_YEAR - 2, 6, 1))
    tables = page_tables(client.get(DASHBOARD, {"period": THIS_YEAR - 1}).content.decode())
    assert _row(tables["pipeline"], "Given by donors") == ["Given by donors", "0"]
    # The headline keeps its three columns whatever the period.
    assert _row(tables["headline"], "Devices received")[1] == "7"
    rows = _csv(client, f"?period={THIS_YEAR - 1}")
    given = next(r for r in rows if r["section"] == "pipeline" and r["row"] == impact.GIVEN)
    assert given["value"] == "0"


def test_a_period_not_offered_shows_all_time_and_says_so(client, known):
    response = client.get(DASHBOARD, {"period": "1999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Showing figures for all time" in html


def test_the_trend_covers_the_last_twenty_four_months_and_eight_quarters(client, region):
    tables = page_tables(client.get(DASHBOARD).content.decode())
    # A header, the periods, and a total.
    assert len(tables["months"]) == 1 + 24 + 1
    # 24 months span 8 or 9 calendar quarters.
    assert len(tables["quarters"]) in (1 + 8 + 1, 1 + 9 + 1)
    assert tables["months"][-2][0] == f"{datetime.date.today():%b %Y}"
    assert tables["months"][-1][0] == "Total"


def test_the_dashboard_needs_no_sign_in_and_keeps_its_address(client, region):
    assert DASHBOARD == "/impact/"
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Our impact</h1>' in response.content.decode()
