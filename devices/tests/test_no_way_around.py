"""Paths that must not get round the lifecycle, the evidence rules or another organisation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demo.erasure_logs import LogDrive, nwipe_log
from devices import services
from devices.lifecycle import State
from devices.models import Device
from devices.services import TransitionRefused
from erasure.models import ErasureRecord
from erasure.services import evidence_assign, import_evidence


def _fresh(device):
    return services.with_lifecycle_records(Device.objects.filter(pk=device.pk)).get()


def _tech(lab):
    return {"actor": lab.people.technician, "organisation": lab.people.itad_org}


def test_bulk_apply_says_nothing_about_other_organisations_devices(client, lab):
    device = lab.device(state="received", asset_tag="SECRET-TAG-1")
    client.force_login(lab.rival_technician)
    response = client.post(
        reverse("devices:bulk"),
        {"identifiers": "x", "action": "erase", "device": [device.pk], "apply": "1"},
        follow=True,
    )
    text = response.content.decode()
    assert "not yours to change" in text
    assert "SECRET-TAG-1" not in text
    assert "ThinkPad" not in text


def test_odd_ids_are_refused_not_crashed(client, lab):
    client.force_login(lab.people.technician)
    for url, data in (
        (
            reverse("devices:bulk"),
            {"identifiers": "x", "action": "receive", "device": "²", "apply": "1"},
        ),
        (reverse("devices:labels"), {"device": "²"}),
    ):
        assert client.post(url, data, follow=True).status_code == 200


def test_a_correction_cannot_skip_the_guards(lab):
    device = lab.device(state="received")
    with pytest.raises(ValidationError, match="really in before"):
        services.correction_record(
            _fresh(device), to_state=State.READY, reason="Hurry", **_tech(lab)
        )
    ready = lab.device(state="ready")
    services.correction_record(
        _fresh(ready), to_state=State.ASSESSED, reason="Refurbishment not finished", **_tech(lab)
    )
    assert _fresh(ready).state == State.ASSESSED


def test_a_returned_device_is_erased_again(lab):
    device = lab.device(state="ready")
    # Returns arrive with the referrals journey; here the state is set directly.
    Device.objects.filter(pk=device.pk).update(state=State.RETURNED)
    services.device_transition(_fresh(device), "receive", **_tech(lab))
    with pytest.raises(TransitionRefused, match="no verified erasure"):
        services.device_transition(_fresh(device), "erase", **_tech(lab))
    serial = device.drives.get().serial
    result = import_evidence(
        nwipe_log(
            [LogDrive(serial=serial, model="Samsung SSD 860 EVO 256GB")], method="PRNG Stream"
        ),
        "second-wipe.log",
        **_tech(lab),
    )
    assert [state for _, state in result.moved] == [State.ERASED]


def test_unverified_evidence_does_not_count(lab):
    device = lab.device(state="received")
    serial = device.drives.get().serial
    csv = f"serial,status,method,verify\n{serial},erased,Fill With Zeros,0%\n".encode()
    result = import_evidence(csv, "tool.csv", **_tech(lab))
    assert result.ok
    assert "not verified" in result.drives[0].problem
    assert _fresh(device).state == State.RECEIVED


def test_one_drive_of_evidence_cannot_serve_two_devices(lab):
    first = lab.device(state="received")
    second = lab.device(state="received", drives=0)
    result = import_evidence(nwipe_log([first.drives.get().serial]), "one.log", **_tech(lab))
    assert result.drives[0].matched
    with pytest.raises(ValidationError, match="already attached"):
        evidence_assign(result.evidence, 0, second, **_tech(lab))
    # Nor can a second file with the same serial be pinned on another device.
    other = import_evidence(
        nwipe_log([first.drives.get().serial], method="PRNG Stream"),
        "two.log",
        assign={0: second},
        **_tech(lab),
    )
    assert "belongs to another device" in other.drives[0].problem
    assert _fresh(second).state == State.RECEIVED
    assert not ErasureRecord.objects.filter(drive__device=second).exists()


def test_evidence_is_not_recorded_for_devices_past_erasure(lab):
    device = lab.device(state="ready")
    result = import_evidence(
        nwipe_log([LogDrive(serial=device.drives.get().serial, failed=True)]),
        "late.log",
        **_tech(lab),
    )
    assert "evidence is recorded after a device is received" in result.drives[0].problem
    assert _fresh(device).state == State.READY
    assert ErasureRecord.objects.filter(drive__device=device).count() == 1


def test_anonymised_evidence_is_not_pinned_on_one_of_several_drives(lab):
    device = lab.device(state="received", drives=2)
    result = import_evidence(
        nwipe_log([device.drives.first().serial], quiet=True), "quiet.log", **_tech(lab)
    )
    outcome = evidence_assign(result.evidence, 0, device, **_tech(lab))
    assert "cannot say which" in outcome.problem
    assert device.drives.count() == 2


def test_only_an_itad_receives_and_only_what_is_sent_to_it(lab):
    people = lab.people
    device = lab.device(state="ready")
    services.handover_start(_fresh(device), people.ladywood, **_tech(lab))
    # The sender cannot receive its own handover.
    with pytest.raises(TransitionRefused):
        services.device_transition(_fresh(device), "receive", **_tech(lab))
    services.handover_confirm(_fresh(device), actor=people.alice, organisation=people.ladywood)
    # A VCSE never receives devices into the erasure workshop.
    Device.objects.filter(pk=device.pk).update(state=State.RETURNED)
    with pytest.raises(TransitionRefused, match="Only an ITAD partner"):
        services.device_transition(
            _fresh(device), "receive", actor=people.alice, organisation=people.ladywood
        )


def test_nothing_is_written_off_while_in_transit(lab):
    people = lab.people
    device = lab.device(state="ready")
    services.handover_start(_fresh(device), people.ladywood, **_tech(lab))
    for actor, organisation in (
        (people.technician, people.itad_org),
        (people.alice, people.ladywood),
    ):
        with pytest.raises(TransitionRefused):
            services.loss_record(
                _fresh(device), actor=actor, organisation=organisation, reason="Gone"
            )
    assert _fresh(device).state == State.READY


def test_allocation_moves_are_not_bare_actions(client, lab):
    client.force_login(lab.people.technician)
    device = lab.device(state="ready")
    url = reverse("devices:transition", args=[device.uid, "deallocate"])
    assert client.post(url).status_code == 404
