"""The technician's grading form shows the guide's verdict from the rules in use, and the
recorded suggested outcome comes from the same verdict."""

import copy

from django.urls import reverse

from assessment.selectors import default_rules
from assessment.services import ruleset_create
from custody.models import CustodyEvent
from devices import services
from devices.models import Assessment


def test_the_grading_form_shows_the_guides_suggestion(client, lab):
    device = lab.device(state="erased", cpu="Intel Core i5-8250U", year=2019)
    client.force_login(lab.people.technician)
    page = client.get(reverse("devices:assess", kwargs={"uid": device.uid})).content.decode()
    assert "Suggested outcome: refurbish for reuse" in page
    assert "It has no system installed" in page
    assert "Operating system to install: Windows 11" in page
    assert "assessment rules version 1" in page


def test_the_technicians_checks_refine_the_suggestion(client, lab):
    device = lab.device(state="erased", device_type="tablet", year=2023, ram_gb=4, storage_gb=64)
    client.force_login(lab.people.technician)
    response = client.post(
        reverse("devices:assess", kwargs={"uid": device.uid}),
        {"powers_on": "on", "screen_ok": "on", "battery_health_pct": "40"},  # no grade: sent back
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Suggested outcome: harvest for parts" in page
    assert "Its battery is poor" in page


def test_the_recorded_suggestion_follows_the_active_rules(lab):
    table = copy.deepcopy(default_rules())
    rule = next(r for r in table["rules"] if r["id"] == "old-computer")
    rule["when"]["all"][1]["gt"] = 5
    ruleset_create(rules=table, note="Computers: 5 years", actor=None)
    device = lab.device(state="erased", year=2019)
    services.assessment_record(
        device,
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
        grade="B",
        powers_on=True,
        outcome="refurbish",
    )
    assessment = Assessment.objects.get(device=device)
    assert assessment.suggested_outcome == "recycle"
    event = CustodyEvent.objects.filter(device=device).order_by("seq").last()
    assert '"assessment_rules_version":2' in event.payload.replace(" ", "")
