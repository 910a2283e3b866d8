import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devices import services
from donations.models import Batch

# The batch page and the documents under it.
ROUTES = ("", "certificate/", "certificate.pdf", "labels.pdf")


def url(batch, route=""):
    return f"/batches/{batch.reference}/{route}"


def count_in(content: str, label: str) -> int:
    """The number in the status table's row headed `label`."""
    match = re.search(
        rf">{re.escape(label)}</th>\s*<td[^>]*>(\d+)</td>", content.replace("\n", " ")
    )
    assert match, f"no row for {label}"
    return int(match.group(1))


@pytest.fixture
def batch_with_devices(lab, personas):
    """One ready, one pledged and one recycled device."""
    lab.device(state="ready")
    lab.device()
    received = lab.device(state="received")
    services.recycling_record(
        received,
        actor=personas.technician,
        organisation=personas.itad_org,
        recycler="Green WEEE Ltd",
        reference="WTN-0042",
        weight_kg=Decimal("2.10"),
        media_destroyed=True,
    )
    return lab.batch


def test_the_batch_detail_counts_devices_by_status(client, personas, batch_with_devices):
    client.force_login(personas.coordinator)
    content = client.get(url(batch_with_devices)).content.decode()
    assert count_in(content, "Pledged or in transit") == 1
    assert count_in(content, "Ready or allocated") == 1
    assert count_in(content, "Recycled") == 1
    assert count_in(content, "Rehomed") == 0
    assert count_in(content, "All devices") == 3


def test_the_batch_list_shows_the_batches_a_donor_may_see(client, personas, lab, areas):
    Batch.objects.create(
        region=personas.region,
        reference="B-2026-9999",
        donor=personas.birmingham_council,
        partner=lab.rival_itad,
        area=areas["Dudley"],
    )
    client.force_login(personas.donor)
    response = client.get("/batches/")
    assert response.status_code == 200
    assert lab.batch.reference.encode() in response.content
    assert b"B-2026-9999" not in response.content


def test_the_batch_list_counts_in_one_query_however_many_batches(client, personas, lab):
    client.force_login(personas.coordinator)
    client.get("/batches/")  # warm the session and the region
    with CaptureQueriesContext(connection) as one_batch:
        client.get("/batches/")
    for n in range(3):
        Batch.objects.create(
            region=personas.region,
            reference=f"B-2026-010{n}",
            donor=personas.donor_org,
            partner=personas.itad_org,
        )
    with CaptureQueriesContext(connection) as four_batches:
        response = client.get("/batches/")
    assert b"B-2026-0102" in response.content
    assert len(four_batches) == len(one_batch)


def test_a_donor_sees_counts_and_the_certificate_but_no_devices(
    client, personas, batch_with_devices
):
    device = batch_with_devices.devices.first()
    client.force_login(personas.donor)
    content = client.get(url(batch_with_devices)).content.decode()
    assert count_in(content, "All devices") == 3
    assert url(batch_with_devices, "certificate/") in content
    assert url(batch_with_devices, "certificate.pdf") in content
    assert url(batch_with_devices, "labels.pdf") not in content
    assert device.get_absolute_url() not in content
    assert device.serial_number not in content


def test_the_partner_sees_each_device_with_a_link_to_its_page(client, personas, batch_with_devices):
    client.force_login(personas.technician)
    content = client.get(url(batch_with_devices)).content.decode()
    for device in batch_with_devices.devices.all():
        assert device.get_absolute_url() in content
    assert url(batch_with_devices, "labels.pdf") in content


def test_the_coordinator_sees_each_device_with_a_link_to_its_page(
    client, personas, batch_with_devices
):
    client.force_login(personas.coordinator)
    content = client.get(url(batch_with_devices)).content.decode()
    for device in batch_with_devices.devices.all():
        assert device.get_absolute_url() in content


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("who", "status"), [("charlie", 403), ("council_officer", 403), ("rival", 404)]
)
def test_outsiders_cannot_open_a_batch_or_its_documents(client, personas, lab, route, who, status):
    lab.device()
    user = lab.rival_technician if who == "rival" else getattr(personas, who)
    client.force_login(user)
    assert client.get(url(lab.batch, route)).status_code == status


def test_a_donor_cannot_print_labels(client, personas, lab):
    client.force_login(personas.donor)
    assert client.get(url(lab.batch, "labels.pdf")).status_code == 403


@pytest.mark.parametrize("route", ROUTES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, lab, route):
    response = client.get(url(lab.batch, route))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_batch_is_not_found(client, personas, lab):
    client.force_login(personas.coordinator)
    assert client.get("/batches/B-NOPE/").status_code == 404
