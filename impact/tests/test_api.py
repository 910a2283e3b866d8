"""GET /api/v1/impact/figures: the dashboard's figures for integrators, public and suppressed."""

import datetime
import json

import pytest
from django.urls import reverse

from impact.dashboard import LICENCE
from impact.tables import FACTORS_ATTRIBUTION
from impact.tests.dashboard_data import build_known
from lib import impact
from lib.suppression import FEWER_THAN

URL = "/api/v1/impact/figures"
THIS_YEAR = datetime.date.today().year


@pytest.fixture
def known(lab, rehome, refer, personas):
    return build_known(lab, rehome, refer, personas)


def _tables(data):
    return {table["key"]: table for table in data["tables"]}


def test_it_needs_no_token_and_returns_the_same_figures_as_the_json_download(client, known):
    api = client.get(URL)
    assert api.status_code == 200
    download = json.loads(client.get(reverse("impact:figures_json")).content)
    assert api.json() == download


def test_it_gives_one_years_figures_with_licence_and_attribution(client, known):
    data = client.get(URL, {"year": THIS_YEAR}).json()
    metadata = data["metadata"]
    assert metadata["period"] == str(THIS_YEAR)
    assert metadata["period_start"] == f"{THIS_YEAR}-01-01"
    assert metadata["licence"] == LICENCE
    assert FACTORS_ATTRIBUTION in metadata["attribution"]
    assert metadata["method_version"] == "1"
    pipeline = {row["key"]: row["values"]["devices"] for row in _tables(data)["pipeline"]["rows"]}
    assert pipeline[impact.GIVEN] == 8
    assert pipeline[impact.RECEIVED] == 7
    assert pipeline[impact.RECYCLED] == 1


def test_it_suppresses_small_counts_of_people(client, known):
    tables = _tables(client.get(URL, {"year": THIS_YEAR}).json())
    areas = {row["label"]: row["values"] for row in tables["areas"]["rows"]}
    assert areas["Birmingham"][impact.PEOPLE_SUPPORTED] == FEWER_THAN
    assert areas["Walsall"][impact.PEOPLE_SUPPORTED] == FEWER_THAN
    demand = {row["key"]: row["values"]["value"] for row in tables["demand"]["rows"]}
    assert demand["waiting"] == FEWER_THAN
    assert "Sandwell" not in json.dumps(tables["demand"])


def test_a_year_before_any_record_gives_noughts(client, region):
    data = client.get(URL, {"year": 2001}).json()
    pipeline = {row["key"]: row["values"]["devices"] for row in _tables(data)["pipeline"]["rows"]}
    assert pipeline[impact.GIVEN] == 0


@pytest.mark.parametrize("year", ["1999", "soon"])
def test_it_rejects_a_year_it_cannot_have_figures_for(client, region, year):
    response = client.get(URL, {"year": year})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "year"


def test_a_year_yet_to_come_has_no_figures(client, region):
    response = client.get(URL, {"year": THIS_YEAR + 1})
    assert response.status_code == 404
    assert response.json() == {"detail": f"There are no figures yet for {THIS_YEAR + 1}."}


def test_its_output_schema_is_documented(client, region):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert not operation.get("security")
    assert "FiguresOut" in json.dumps(operation["responses"]["200"])
    assert {"MetadataOut", "TableOut", "RowOut"} <= set(schema["components"]["schemas"])
