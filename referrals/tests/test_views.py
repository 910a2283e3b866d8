"""Referral pages: who may see what (a VCSE its own referrals only; councils and the coordinator
aggregates only), the forms' messages, the export, the access log and the public Get help page."""

import csv
import io

import pytest
from django.urls import reverse

from devices.services import handover_start
from directory.models import Service, ServiceKind
from referrals import services
from referrals.models import AccessAction, Referral, ReferralAccess, State

FORM = {
    "reference": "LCH-0100",
    "postcode_district": "B16",
    "eligibility": ["benefits", "job_seeker"],
    "device_type": "laptop",
    "substitutes": ["tablet"],
    "connectivity": "needs_sim",
    "skills": ["work"],
    "priority": "3",
    "consent_by": "person",
    "consent_purposes": ["referral", "follow_up", "aggregate"],
}


@pytest.fixture
def form_data(areas):
    return {**FORM, "area": areas["Birmingham"].pk}


def test_a_vcse_worker_refers_someone_and_sees_their_place(client, personas, form_data, refer):
    refer()  # someone already waiting in Birmingham for a laptop
    client.force_login(personas.alice)
    response = client.post(reverse("referrals:new"), form_data, follow=True)
    referral = Referral.objects.get(reference="LCH-0100")
    assert response.redirect_chain[-1][0] == referral.get_absolute_url()
    assert referral.substitutes == ["tablet"]
    assert referral.postcode_district == "B16"
    page = response.content.decode()
    assert "Number <strong>2</strong> in the queue for laptops in Birmingham" in page
    listing = client.get(reverse("referrals:list")).content.decode()
    assert "LCH-0100" in listing
    assert "LCH-0001" in listing


def test_the_form_says_what_is_wrong_and_keeps_nothing(client, personas, form_data):
    client.force_login(personas.alice)
    data = {**form_data, "notes": "Call her on 0121 496 0000", "postcode_district": "B15 2TT"}
    response = client.post(reverse("referrals:new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This looks like a phone number" in page
    assert "first half of the postcode" in page
    summary = page.split('class="govuk-error-summary"')[1].split("</div>")[0]
    assert "0121 496 0000" not in summary  # the message never repeats it
    assert not Referral.objects.exists()


def test_another_vcse_sees_none_of_it(client, personas, refer):
    referral = refer(reference="LCH-SECRET")
    client.force_login(personas.charlie)
    assert "LCH-SECRET" not in client.get(reverse("referrals:list")).content.decode()
    for name in ("detail", "edit", "withdraw", "handover", "follow_up", "erase"):
        url = reverse(f"referrals:{name}", kwargs={"uid": referral.uid})
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"reason": "other", "note": "x"}).status_code == 404, name
    for name in ("renew", "ready"):
        url = reverse(f"referrals:{name}", kwargs={"uid": referral.uid})
        assert client.post(url).status_code == 404, name
    exported = client.get(reverse("referrals:export")).content.decode()
    assert "LCH-SECRET" not in exported
    referral.refresh_from_db()
    assert referral.state == State.WAITING


@pytest.mark.parametrize("who", ["council_officer", "coordinator", "donor", "technician"])
def test_no_one_outside_the_vcse_opens_a_referral(client, personas, refer, who):
    referral = refer()
    client.force_login(getattr(personas, who))
    assert client.get(reverse("referrals:list")).status_code == 403
    assert client.get(referral.get_absolute_url()).status_code == 403
    assert client.get(reverse("referrals:export")).status_code == 403


def test_councils_see_aggregates_for_their_areas_only(client, personas, refer):
    for _ in range(6):
        refer()
    refer(device_type="tablet")
    refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell", reference="TT-1")
    client.force_login(personas.council_officer)
    page = client.get(reverse("referrals:demand")).content.decode()
    assert "Birmingham" in page
    assert "Sandwell" not in page
    assert '<span class="govuk-heading-xl govuk-!-margin-bottom-1">7</span>' in page
    assert "LCH-0001" not in page
    assert "TT-1" not in page
    tablets = page.split('<th scope="row" class="govuk-table__header">Tablet</th>')[1]
    assert tablets.split("</tr>")[0].endswith('numeric">fewer than 5</td>')


def test_the_coordinator_sees_the_region_and_each_vcses_activity(client, personas, refer):
    for _ in range(5):
        refer()
    refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell")
    client.force_login(personas.coordinator)
    page = client.get(reverse("referrals:demand")).content.decode()
    assert "Community organisations' activity" in page
    assert "Ladywood Community Hub" in page
    assert "Tipton Together" in page
    # Tipton's single referral is suppressed, not shown as 1.
    tipton_row = page.split("Tipton Together</th>")[1].split("</tr>")[0]
    assert "fewer than 5" in tipton_row
    sandwell = client.get(reverse("referrals:demand") + "?area=sandwell").content.decode()
    assert '<span class="govuk-caption-l">Sandwell</span>' in sandwell


def test_the_export_is_the_vcses_own_and_safe_in_a_spreadsheet(client, personas, refer):
    refer(reference="=HYPERLINK(1)", notes="+danger")
    client.force_login(personas.alice)
    response = client.get(reverse("referrals:export"))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "reference"
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][12] == "'+danger"
    entry = ReferralAccess.objects.filter(action=AccessAction.EXPORTED).get()
    assert (entry.user, entry.count) == (personas.alice, 1)


def test_views_are_logged_and_only_the_vcses_admins_read_the_log(client, personas, refer):
    referral = refer()
    client.force_login(personas.bob)
    client.get(referral.get_absolute_url())
    assert client.get(reverse("referrals:access_log")).status_code == 403
    client.force_login(personas.alice)
    page = client.get(reverse("referrals:access_log")).content.decode()
    assert "Bob Brown" in page
    assert "Viewed" in page
    assert referral.reference in page
    client.force_login(personas.charlie)  # Tipton's admin sees Tipton's log: empty
    assert referral.reference not in client.get(reverse("referrals:access_log")).content.decode()


def test_handing_over_checks_the_scanned_device(client, personas, allocated):
    referral, device = allocated
    device.refresh_from_db()
    handover_start(
        device, personas.ladywood, actor=personas.technician, organisation=personas.itad_org
    )
    client.force_login(personas.alice)
    url = reverse("referrals:handover", kwargs={"uid": referral.uid})
    response = client.post(
        url,
        {
            "device_identifier": "NOT-THIS-ONE",
            "terms_agreed": "on",
            "social_tariff_signposted": "on",
        },
    )
    assert "is not the device allocated to LCH-0001" in response.content.decode()
    response = client.post(
        url,
        {
            "device_identifier": device.serial_number.lower(),
            "terms_agreed": "on",
            "social_tariff_signposted": "on",
        },
        follow=True,
    )
    referral.refresh_from_db()
    assert referral.state == State.HANDED_OVER
    assert "We will remind you to follow up" in response.content.decode()


def test_erasing_on_request_from_the_page(client, personas, refer):
    referral = refer(notes="Prefers mornings.")
    client.force_login(personas.alice)
    response = client.post(reverse("referrals:erase", kwargs={"uid": referral.uid}), follow=True)
    assert "Their personal details are erased." in response.content.decode()
    referral.refresh_from_db()
    assert referral.notes == ""
    assert referral.state == State.WITHDRAWN


def test_get_help_points_people_to_local_organisations(client, personas, areas):
    drop_in = Service.objects.create(
        region=personas.region,
        organisation=personas.ladywood,
        name="Tech help drop-in",
        kind=ServiceKind.DROP_IN,
        description="Bring your device and questions.",
        opening_times="Thursdays 10:00 to 12:00",
    )
    drop_in.areas.add(areas["Birmingham"])
    url = reverse("public:get_help")
    assert "cannot apply to Rehome yourself" in client.get(url).content.decode()
    birmingham = areas["Birmingham"].pk
    skills = client.get(url, {"area": birmingham, "need": "skills"}).content.decode()
    assert "Tech help drop-in" in skills
    assert "Thursdays 10:00 to 12:00" in skills
    device = client.get(url, {"area": birmingham, "need": "device"}).content.decode()
    assert "Ladywood Community Hub" in device
    assert "Tech help drop-in" not in device
    sandwell = client.get(url, {"area": areas["Sandwell"].pk, "need": "skills"}).content.decode()
    assert "Tech help drop-in" not in sandwell
    assert "choose" in client.get(url, {"need": "skills"}).content.decode().lower()


def test_withdrawing_from_the_page_needs_a_reason(client, personas, refer):
    referral = refer()
    client.force_login(personas.alice)
    url = reverse("referrals:withdraw", kwargs={"uid": referral.uid})
    assert "This field is required" in client.post(url, {}).content.decode()
    client.post(url, {"reason": "moved_away"})
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN


def test_sim_stock_is_added_and_counted(client, personas):
    client.force_login(personas.alice)
    response = client.post(
        reverse("referrals:sims"),
        {
            "network": "Vodafone",
            "data_gb": "20",
            "months": "6",
            "quantity": "25",
            "source": "Databank",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Vodafone, 20 GB a month, 6 months" in page
    assert services.sim_stock(personas.ladywood).get().left == 25
