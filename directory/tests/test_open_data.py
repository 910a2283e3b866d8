"""Open data: the directory in Open Referral UK's JSON shape, and as a CSV download. Only
published entries appear; a change waiting for approval never does."""

import csv
import io
import uuid

from django.urls import reverse

from directory import services
from directory.models import ServiceKind

from .conftest import make_entry

SERVICES = "/api/v1/openreferral/services"


def test_services_are_public_in_open_referral_uk_shape(client, publish):
    service = publish()
    body = client.get(SERVICES).json()
    assert body["totalElements"] == 1
    assert (body["number"], body["totalPages"], body["first"], body["last"]) == (1, 1, True, True)
    (item,) = body["content"]
    assert item["id"] == str(service.uid)
    assert item["name"] == "Ladywood Repair Café"
    assert item["status"] == "active"
    assert item["email"] == "repair@ladywood.example"
    assert item["url"] == "https://ladywood.example/repair"
    assert item["organization"]["name"] == "Ladywood Community Hub"
    uuid.UUID(item["organization"]["id"])
    assert item["service_areas"] == [
        {
            "id": item["service_areas"][0]["id"],
            "service_area": "Birmingham",
            "uri": "http://statistics.data.gov.uk/id/statistical-geography/E08000025",
        }
    ]
    (location,) = item["service_at_locations"]
    (address,) = location["location"]["physical_addresses"]
    assert address["postal_code"] == "B16 8AA"
    assert item["contacts"][0]["phones"][0]["number"] == "0121 000 0001"
    assert item["regular_schedules"][0]["description"] == "First Saturday of the month, 10am to 1pm"
    assert item["eligibilitys"][0]["eligibility"] == "Anyone living in Birmingham."
    taxonomies = {
        (t["taxonomy"]["vocabulary"], t["taxonomy"]["name"]) for t in item["service_taxonomys"]
    }
    assert taxonomies == {("rehome:service_type", "Repair café"), ("rehome:audience", "Anyone")}


def test_services_come_a_page_at_a_time(client, publish):
    for n in range(3):
        publish(name=f"Café {n}")
    body = client.get(SERVICES, {"page": 2, "per_page": 2}).json()
    assert [s["name"] for s in body["content"]] == ["Café 2"]
    assert (body["totalElements"], body["totalPages"], body["number"]) == (3, 2, 2)
    assert (body["first"], body["last"], body["size"]) == (False, True, 2)
    assert client.get(SERVICES, {"per_page": 0}).status_code == 422


def test_one_service_by_id_and_unknown_or_unpublished_ones_are_not_found(client, publish, personas):
    service = publish()
    assert client.get(f"{SERVICES}/{service.uid}").json()["name"] == "Ladywood Repair Café"
    services.service_withdraw(service, actor=personas.alice)
    assert client.get(f"{SERVICES}/{service.uid}").status_code == 404
    assert client.get(f"{SERVICES}/{uuid.uuid4()}").status_code == 404


def test_a_change_waiting_for_approval_never_leaks_into_open_data(client, publish, personas, areas):
    live = publish()
    services.service_propose(
        organisation=personas.ladywood,
        actor=personas.alice,
        entry=make_entry(areas, name="Secret new name"),
        service=live,
    )
    services.service_propose(
        organisation=personas.tipton, actor=personas.charlie, entry=make_entry(areas, name="Unseen")
    )
    listed = client.get(SERVICES).json()
    csv_text = client.get(reverse("directory:export")).content.decode()
    organisations = client.get("/api/v1/openreferral/organizations").json()
    assert [s["name"] for s in listed["content"]] == ["Ladywood Repair Café"]
    assert "Ladywood Repair Café" in csv_text
    for text in (str(listed), csv_text):
        assert "Secret new name" not in text
        assert "Unseen" not in text
    assert [o["name"] for o in organisations["content"]] == ["Ladywood Community Hub"]


def test_the_taxonomies_list_every_service_type_and_audience(client, db):
    body = client.get("/api/v1/openreferral/taxonomies", {"per_page": 100}).json()
    names = {t["name"] for t in body["content"]}
    assert "Repair café" in names
    assert "Older people" in names
    assert body["totalElements"] == len(ServiceKind.values) + 9


def test_the_csv_export_follows_the_search_and_neutralises_formulas(client, publish):
    publish(name='=HYPERLINK("http://evil.example")', description="+44 call now")
    publish(name="Free data SIMs", kind=ServiceKind.CONNECTIVITY)
    response = client.get(reverse("directory:export"), {"kind": ServiceKind.REPAIR_CAFE})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "name", "type"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][4] == "'+44 call now"
    assert rows[1][5] == "Birmingham"
