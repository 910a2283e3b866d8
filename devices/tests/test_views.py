"""Device pages: search, the device's record and timeline, forms, and scanner-first bulk."""

from django.urls import reverse

from devices.lifecycle import State
from devices.models import Device


def test_search_by_scanned_serial_goes_straight_to_the_device(client, lab):
    device = lab.device(state="received")
    client.force_login(lab.people.technician)
    response = client.get(reverse("devices:list"), {"q": device.serial_number.lower()})
    assert response.status_code == 302
    assert response.url == device.get_absolute_url()
    drive_serial = device.drives.get().serial
    response = client.get(reverse("devices:list"), {"q": drive_serial})
    assert response.status_code == 302


def test_search_only_finds_what_the_user_may_see(client, lab):
    device = lab.device(state="received")
    client.force_login(lab.rival_technician)
    response = client.get(reverse("devices:list"), {"q": device.serial_number})
    assert response.status_code == 200
    assert "0 devices" in response.content.decode()
    assert device.get_absolute_url() not in response.content.decode()
    assert client.get(device.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/devices?q={device.serial_number}").json()["count"] == 0
    assert client.get(f"/api/v1/devices/{device.uid}").status_code == 404


def test_device_page_shows_specs_drives_evidence_and_timeline(client, lab):
    device = lab.device(state="ready")
    client.force_login(lab.people.technician)
    page = client.get(device.get_absolute_url()).content.decode()
    assert device.serial_number in page
    assert device.drives.get().serial in page
    assert "Fill With Zeros" in page
    assert "Evidence file" in page
    assert "Refurbished → <strong>Ready</strong>" in page
    assert "Tariq Tech" in page


def test_donor_sees_progress_but_not_who_holds_the_device(client, lab):
    from devices import services

    device = lab.device(state="ready")
    services.handover_start(
        device,
        lab.people.ladywood,
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
    )
    services.handover_confirm(
        Device.objects.get(pk=device.pk), actor=lab.people.alice, organisation=lab.people.ladywood
    )
    client.force_login(lab.people.donor)
    page = client.get(device.get_absolute_url()).content.decode()
    assert "Ready" in page
    assert "Ladywood" not in page
    assert "Alice" not in page
    api = client.get(f"/api/v1/devices/{device.uid}").json()
    assert api["custodian"] is None
    assert "Ladywood" not in str(api)


def test_transition_button_refusal_is_shown(client, lab):
    device = lab.device(state="received")
    client.force_login(lab.people.technician)
    response = client.post(reverse("devices:transition", args=[device.uid, "erase"]), follow=True)
    assert "The drive has no verified erasure." in response.content.decode()
    assert Device.objects.get(pk=device.pk).state == State.RECEIVED


def test_assessment_form_validates_and_records(client, lab):
    device = lab.device(state="erased")
    client.force_login(lab.people.technician)
    url = reverse("devices:assess", args=[device.uid])
    page = client.get(url).content.decode()
    assert "Suggested outcome: refurbish for reuse" in page
    response = client.post(url, {"grade": "A", "battery_health_pct": "140", "outcome": "refurbish"})
    assert response.status_code == 400
    assert "percentage from 0 to 100" in response.content.decode()
    response = client.post(
        url,
        {"grade": "A", "powers_on": "on", "battery_health_pct": "90", "outcome": "refurbish"},
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.state, device.grade) == (State.ASSESSED, "A")


def test_bulk_scan_preview_then_apply(client, lab):
    devices = [lab.device() for _ in range(3)]
    client.force_login(lab.people.technician)
    scanned = "\n".join([d.asset_tag for d in devices] + ["NOT-OURS"])
    preview = client.post(reverse("devices:bulk"), {"identifiers": scanned, "action": "receive"})
    text = preview.content.decode()
    assert "3 of 4 can be changed." in text
    assert "No device you can see" in text
    response = client.post(
        reverse("devices:bulk"),
        {
            "identifiers": scanned,
            "action": "receive",
            "device": [d.pk for d in devices],
            "apply": "1",
        },
        follow=True,
    )
    assert "Receive: done for 3 devices." in response.content.decode()
    assert set(Device.objects.values_list("state", flat=True)) == {State.RECEIVED}


def test_bulk_apply_of_someone_elses_devices_changes_nothing(client, lab):
    devices = [lab.device() for _ in range(2)]
    client.force_login(lab.rival_technician)
    response = client.post(
        reverse("devices:bulk"),
        {"identifiers": "x", "action": "receive", "device": [d.pk for d in devices], "apply": "1"},
        follow=True,
    )
    assert "Nothing was changed." in response.content.decode()
    assert set(Device.objects.values_list("state", flat=True)) == {State.PLEDGED}


def test_public_chain_of_custody_page_shows_the_latest_root(client, lab):
    from custody.ledger import checkpoint_create

    assert "No checkpoint has been taken yet." in client.get("/chain-of-custody/").content.decode()
    lab.device(state="received")
    checkpoint = checkpoint_create()
    page = client.get("/chain-of-custody/").content.decode()
    assert checkpoint.root in page
    api = client.get("/api/v1/custody/checkpoint").json()
    assert api["root"] == checkpoint.root
    assert api["events"] == 3


def test_a_single_device_label_from_its_page(client, lab):
    device = lab.device(state="received")
    client.force_login(lab.people.technician)
    assert "Print its label" in client.get(device.get_absolute_url()).content.decode()
    response = client.post(reverse("devices:labels"), {"device": device.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # Another ITAD cannot print labels for devices it cannot see.
    client.force_login(lab.rival_technician)
    response = client.post(reverse("devices:labels"), {"device": device.pk}, follow=True)
    assert "No device you can see matches" in response.content.decode()


def test_homes_summarise_devices(client, lab):
    lab.device(state="erased")
    client.force_login(lab.people.donor)
    page = client.get("/home/").content.decode()
    assert lab.batch.reference in page
    assert reverse("donations:certificate", args=[lab.batch.reference]) in page
    client.force_login(lab.people.coordinator)
    page = client.get("/home/").content.decode()
    assert "Devices in the region" in page
    assert f"{reverse('devices:list')}?state=erased" in page
