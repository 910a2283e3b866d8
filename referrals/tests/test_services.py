"""The referral journey's services: referring without personal data, the waiting list, allocation
and release, the bundle at handover, follow-up, expiry, the retention purge and erasure."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from custody.models import CustodyEvent
from devices.lifecycle import State as DeviceState
from devices.services import handover_start
from directory.models import Service, ServiceKind
from referrals import selectors, services
from referrals.models import (
    AccessAction,
    EventKind,
    FollowUp,
    Handover,
    Referral,
    ReferralAccess,
    State,
)

from .conftest import make_needs

TODAY = timezone.localdate()


def test_a_referral_joins_the_waiting_list_with_its_history(refer, personas):
    referral = refer(notes="Needs it for college applications.", postcode_district="b15")
    assert referral.state == State.WAITING
    assert referral.postcode_district == "B15"
    assert referral.consent_recorded_by == personas.alice
    assert referral.expires_on == TODAY + datetime.timedelta(days=365)
    assert [(e.kind, e.to_state) for e in referral.events.all()] == [
        (EventKind.CREATED, State.WAITING)
    ]


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("notes", "Email her at jo.bloggs@example.com", "e-mail address"),
        ("notes", "Mobile 07700 900123 after 5", "phone number"),
        ("priority_reason", "Lives at B15 2TT, alone", "full postcode"),
        ("notes", "NI number AB 12 34 56 C", "National Insurance"),
        ("notes", "DOB 12/03/1950", "date of birth"),
    ],
)
def test_personal_data_in_free_text_is_refused_with_the_field(refer, field, text, expected):
    overrides = {field: text}
    if field == "priority_reason":
        overrides["priority"] = 1
    with pytest.raises(ValidationError) as caught:
        refer(**overrides)
    messages = caught.value.message_dict[field]
    assert any(expected in m for m in messages), messages
    assert not any(text in m for m in messages)  # the message never repeats it
    assert not Referral.objects.exists()


def test_a_name_or_email_as_the_reference_is_refused(refer):
    with pytest.raises(ValidationError) as caught:
        refer(reference="Jo Bloggs")
    assert "not the person's name" in caught.value.message_dict["reference"][0]
    with pytest.raises(ValidationError):
        refer(reference="jo@example.com")


def test_the_postcode_district_must_be_one_of_the_area(refer):
    with pytest.raises(ValidationError) as caught:
        refer(postcode_district="CV1")
    assert caught.value.message_dict["postcode_district"] == [
        "CV1 is not a postcode district of Birmingham."
    ]
    with pytest.raises(ValidationError) as caught:
        refer(postcode_district="B15 2TT")
    assert "first half of the postcode" in caught.value.message_dict["postcode_district"][0]


def test_consent_to_be_referred_and_counted_is_required(refer):
    with pytest.raises(ValidationError) as caught:
        refer(consent_purposes=["follow_up"])
    assert "must agree" in caught.value.message_dict["consent_purposes"][0]


def test_higher_priority_needs_a_reason_and_references_are_unique(refer):
    with pytest.raises(ValidationError) as caught:
        refer(priority=1)
    assert "more urgent" in caught.value.message_dict["priority_reason"][0]
    refer(reference="LCH-9")
    with pytest.raises(ValidationError) as caught:
        refer(reference="lch-9")
    assert "already have" in caught.value.message_dict["reference"][0]


def test_the_place_in_the_queue_follows_priority_then_waiting_time(refer, personas):
    first = refer()
    second = refer()
    urgent = refer(priority=1, priority_reason="Leaving care next month")
    elsewhere = refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell")
    tablet = refer(device_type="tablet")
    places = {r.pk: r.ahead + 1 for r in selectors.with_position(Referral.objects.all())}
    # Other VCSEs' referrals in the same area count too: it is the area's queue.
    assert places[urgent.pk] == 1
    assert places[first.pk] == 2
    assert places[second.pk] == 3
    assert places[elsewhere.pk] == 1
    assert places[tablet.pk] == 1


def test_the_wait_estimate_comes_from_recent_supply(lab, refer, personas):
    assert selectors.wait_estimate(3, 0).startswith("No estimate")
    waiting = [refer() for _ in range(4)]
    device = lab.device(state="ready")
    services.allocate(waiting[0], device, actor=personas.coordinator, organisation=personas.wmca)
    rows = selectors.waiting_list_rows(
        selectors.with_position(Referral.objects.filter(state=State.WAITING)), TODAY
    )
    # One laptop reached Birmingham in 90 days: about one every 13 weeks.
    assert [row.position for row in rows] == [1, 2, 3]
    assert rows[0].estimate == "About 3 months"
    assert selectors.wait_estimate(1, 13) == "About a week"
    assert selectors.wait_estimate(4, 13) == "About 4 weeks"


def test_allocation_moves_device_and_referral_together(allocated, personas):
    referral, device = allocated
    device.refresh_from_db()
    assert (referral.state, referral.device) == (State.ALLOCATED, device)
    assert device.state == DeviceState.ALLOCATED
    event = CustodyEvent.objects.filter(device=device).last()
    assert event.transition == "allocate"
    assert json.loads(event.payload) == {"referral": str(referral.uid)}


def test_a_device_the_referral_did_not_ask_for_is_refused(lab, refer, personas):
    referral = refer(device_type="tablet")
    laptop = lab.device(state="ready")
    with pytest.raises(ValidationError, match="not what this referral asked for"):
        services.allocate(referral, laptop, actor=personas.coordinator, organisation=personas.wmca)
    laptop.refresh_from_db()
    assert laptop.state == DeviceState.READY


def test_withdrawing_releases_the_allocated_device(allocated, personas):
    referral, device = allocated
    services.referral_withdraw(
        referral, actor=personas.alice, organisation=personas.ladywood, reason="found_elsewhere"
    )
    device.refresh_from_db()
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    assert referral.closed_at is not None
    assert device.state == DeviceState.READY
    assert CustodyEvent.objects.filter(device=device).last().transition == "deallocate"


def test_another_vcse_cannot_allocate_to_a_referral_even_with_its_own_device(lab, refer, personas):
    referral = refer()
    device = lab.device(state="ready")
    device.refresh_from_db()
    handover_start(
        device, personas.tipton, actor=personas.technician, organisation=personas.itad_org
    )
    from devices.services import handover_confirm

    handover_confirm(device, actor=personas.charlie, organisation=personas.tipton)
    with pytest.raises(ValidationError, match="Only the coordinator"):
        services.allocate(referral, device, actor=personas.charlie, organisation=personas.tipton)
    referral.refresh_from_db()
    assert referral.state == State.WAITING
    # Tipton may give a device it holds to its own referral.
    own = refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell")
    services.allocate(own, device, actor=personas.charlie, organisation=personas.tipton)


def test_another_vcse_cannot_change_a_referral(allocated, personas):
    referral, _ = allocated
    with pytest.raises(ValidationError, match="Only the organisation"):
        services.referral_withdraw(
            referral, actor=personas.charlie, organisation=personas.tipton, reason="other", note="x"
        )
    with pytest.raises(ValidationError, match="Only the organisation"):
        services.mark_ready_to_collect(
            referral, actor=personas.charlie, organisation=personas.tipton
        )


@pytest.fixture
def skills_course(personas, areas):
    course = Service.objects.create(
        region=personas.region,
        organisation=personas.ladywood,
        name="Getting started online (Tuesdays)",
        kind=ServiceKind.COURSE,
        description="Six weekly sessions at Ladywood library.",
    )
    course.areas.add(areas["Birmingham"])
    return course


@pytest.fixture
def sims(personas):
    return services.sim_batch_add(
        vcse=personas.ladywood,
        actor=personas.alice,
        network="Vodafone",
        data_gb=20,
        months=6,
        quantity=1,
        source="National Databank",
    )


def _sent_to_vcse(device, personas):
    handover_start(
        device, personas.ladywood, actor=personas.technician, organisation=personas.itad_org
    )


def test_the_bundle_is_handed_over_and_custody_leaves_every_organisation(
    allocated, personas, sims, skills_course
):
    referral, device = allocated
    device.refresh_from_db()
    _sent_to_vcse(device, personas)
    referral = services.mark_ready_to_collect(
        referral, actor=personas.alice, organisation=personas.ladywood
    )
    assert referral.state == State.READY_TO_COLLECT
    device.refresh_from_db()
    assert device.custodian == personas.ladywood  # receipt confirmed by getting it ready
    handover = services.handover_complete(
        referral,
        actor=personas.bob,
        organisation=personas.ladywood,
        bundle=services.Bundle(
            device=device,
            terms_agreed=True,
            sim_batch=sims,
            skills_offers=[skills_course],
            skills_note="Booked onto the Tuesday course.",
        ),
    )
    device.refresh_from_db()
    referral.refresh_from_db()
    assert referral.state == State.HANDED_OVER
    assert (device.state, device.custodian) == (DeviceState.HANDED_OVER, None)
    event = CustodyEvent.objects.filter(device=device).last()
    assert (event.transition, event.from_custodian, event.to_custodian) == (
        "hand_over",
        personas.ladywood,
        None,
    )
    assert json.loads(event.payload) == {"referral": str(referral.uid), "to": "person"}
    assert handover.follow_up_due == TODAY + datetime.timedelta(days=91)
    assert list(handover.skills_offers.all()) == [skills_course]
    assert services.sims_left(sims) == 0


def test_only_the_allocated_device_can_be_handed_over(allocated, lab, refer, personas, sims):
    referral, device = allocated
    other = lab.device(state="ready")
    someone_else = refer()
    services.allocate(someone_else, other, actor=personas.coordinator, organisation=personas.wmca)
    for d in (device, other):
        d.refresh_from_db()
        _sent_to_vcse(d, personas)
    other.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.handover_complete(
            referral,
            actor=personas.alice,
            organisation=personas.ladywood,
            bundle=services.Bundle(device=other, terms_agreed=True, sim_batch=sims),
        )
    assert "not the device allocated to this referral" in caught.value.message_dict["device"][0]
    other.refresh_from_db()
    assert other.state == DeviceState.ALLOCATED
    assert not Handover.objects.exists()


def test_the_handover_needs_terms_and_the_connectivity_asked_for(allocated, personas, sims):
    referral, device = allocated
    device.refresh_from_db()
    _sent_to_vcse(device, personas)
    device.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.handover_complete(
            referral,
            actor=personas.alice,
            organisation=personas.ladywood,
            bundle=services.Bundle(device=device, terms_agreed=False),
        )
    assert set(caught.value.message_dict) == {"terms_agreed", "sim_batch"}
    # A social tariff instead of a SIM will do.
    services.handover_complete(
        referral,
        actor=personas.alice,
        organisation=personas.ladywood,
        bundle=services.Bundle(device=device, terms_agreed=True, social_tariff_signposted=True),
    )
    assert services.sims_left(sims) == 1


def test_an_empty_sim_batch_is_refused(allocated, lab, refer, personas, sims):
    referral, device = allocated
    device.refresh_from_db()
    _sent_to_vcse(device, personas)
    device.refresh_from_db()
    services.handover_complete(
        referral,
        actor=personas.alice,
        organisation=personas.ladywood,
        bundle=services.Bundle(device=device, terms_agreed=True, sim_batch=sims),
    )
    second = refer()
    laptop = lab.device(state="ready")
    services.allocate(second, laptop, actor=personas.coordinator, organisation=personas.wmca)
    laptop.refresh_from_db()
    _sent_to_vcse(laptop, personas)
    laptop.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.handover_complete(
            second,
            actor=personas.alice,
            organisation=personas.ladywood,
            bundle=services.Bundle(device=laptop, terms_agreed=True, sim_batch=sims),
        )
    assert "No SIMs are left" in caught.value.message_dict["sim_batch"][0]


@pytest.fixture
def handed_over(allocated, personas):
    referral, device = allocated
    device.refresh_from_db()
    _sent_to_vcse(device, personas)
    device.refresh_from_db()
    services.handover_complete(
        referral,
        actor=personas.alice,
        organisation=personas.ladywood,
        bundle=services.Bundle(device=device, terms_agreed=True, social_tariff_signposted=True),
    )
    referral.refresh_from_db()
    return referral


def test_the_follow_up_reminder_goes_once_when_due(
    handed_over, personas, mailoutbox, django_capture_on_commit_callbacks
):
    due = handed_over.handover.follow_up_due
    assert services.send_follow_up_reminders(due - datetime.timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_follow_up_reminders(due) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["alice@example.org", "bob@example.org"]
    assert handed_over.reference in message.body
    assert str(handed_over.uid) in message.body
    assert services.send_follow_up_reminders(due) == 0
    assert len(mailoutbox) == 1


def test_a_follow_up_closes_the_referral(handed_over, personas):
    services.follow_up_record(
        handed_over,
        actor=personas.bob,
        organisation=personas.ladywood,
        outcome=services.Outcome(
            still_using="yes", confidence="much_more", uses=["job_search", "health"]
        ),
    )
    handed_over.refresh_from_db()
    assert handed_over.state == State.FOLLOWED_UP
    assert handed_over.closed_at
    assert FollowUp.objects.get().uses == ["job_search", "health"]
    with pytest.raises(ValidationError, match="once"):
        services.follow_up_record(
            handed_over,
            actor=personas.bob,
            organisation=personas.ladywood,
            outcome=services.Outcome(still_using="yes", confidence="same"),
        )


def test_referrals_expire_after_notice_unless_kept(
    refer, personas, mailoutbox, settings, django_capture_on_commit_callbacks
):
    kept, lapsed = refer(), refer()
    soon = TODAY + datetime.timedelta(days=10)  # as if referred nearly a year ago
    Referral.objects.update(expires_on=soon)
    days = settings.REHOME_REFERRAL_EXPIRY_NOTICE_DAYS
    notice_day = soon - datetime.timedelta(days=days)
    assert services.send_expiry_notices(notice_day - datetime.timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_notices(notice_day) == 2
    assert len(mailoutbox) == 1
    assert "2 referrals will expire soon" in mailoutbox[0].subject
    assert services.send_expiry_notices(notice_day) == 0  # once only
    kept.refresh_from_db()
    services.referral_renew(kept, actor=personas.alice, organisation=personas.ladywood)
    assert services.expire_due(soon) == 0  # the last day still counts
    assert services.expire_due(soon + datetime.timedelta(days=1)) == 1
    kept.refresh_from_db()
    lapsed.refresh_from_db()
    assert (kept.state, lapsed.state) == (State.WAITING, State.EXPIRED)


def _demand_snapshot(areas):
    d = selectors.demand([areas["Birmingham"]])
    return (d.waiting, d.by_type, d.by_need, d.by_area[0]["handed_over"], d.follow_ups)


def test_the_purge_clears_personal_text_after_retention_and_keeps_aggregates(
    handed_over, refer, personas, areas, settings
):
    services.follow_up_record(
        handed_over,
        actor=personas.bob,
        organisation=personas.ladywood,
        outcome=services.Outcome(still_using="yes", confidence="a_little", note="Loves it."),
    )
    closed = refer(notes="Moved in with family.", postcode_district="B16")
    services.referral_withdraw(
        closed, actor=personas.alice, organisation=personas.ladywood, reason="other", note="Left."
    )
    still_waiting = refer(notes="Keep until closed.")
    for _ in range(5):
        refer()
    before = _demand_snapshot(areas)
    soon = timezone.now() + datetime.timedelta(
        days=settings.REHOME_PERSONAL_TEXT_RETENTION_DAYS - 1
    )
    assert services.purge_personal_data(now=soon).referrals == 0
    later = timezone.now() + datetime.timedelta(
        days=settings.REHOME_PERSONAL_TEXT_RETENTION_DAYS + 1
    )
    dry = services.purge_personal_data(dry_run=True, now=later)
    assert dry.as_dict() == {"referrals": 2, "handovers": 0, "follow_ups": 1}
    assert Referral.objects.filter(purged_at__isnull=False).count() == 0
    report = services.purge_personal_data(now=later)
    assert report.referrals == 2
    closed.refresh_from_db()
    assert closed.notes == closed.close_note == closed.postcode_district == ""
    assert closed.reference.startswith("erased-")
    assert FollowUp.objects.get().note == ""
    still_waiting.refresh_from_db()
    assert still_waiting.notes == "Keep until closed."
    assert _demand_snapshot(areas) == before
    assert services.purge_personal_data(now=later).referrals == 0


def test_erasure_on_request_withdraws_clears_and_logs_only_that_it_happened(
    allocated, personas, areas
):
    referral, device = allocated
    before = _demand_snapshot(areas)
    services.referral_erase(referral, actor=personas.alice, organisation=personas.ladywood)
    referral.refresh_from_db()
    device.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    assert referral.reference.startswith("erased-")
    assert referral.purged_at is not None
    assert device.state == DeviceState.READY  # back for someone else
    entry = ReferralAccess.objects.get(action=AccessAction.ERASED)
    assert (entry.referral, entry.user, entry.vcse) == (None, personas.alice, personas.ladywood)
    after = _demand_snapshot(areas)
    assert after[0] == before[0]  # nobody was waiting in either (the referral was allocated)
    with pytest.raises(ValidationError, match="already been erased"):
        services.referral_erase(referral, actor=personas.alice, organisation=personas.ladywood)


def test_small_numbers_are_suppressed_in_demand(refer, areas):
    refer()
    refer(device_type="tablet", connectivity="has_connection")
    demand = selectors.demand([areas["Birmingham"]])
    assert demand.waiting == "fewer than 5"
    assert dict(demand.by_type)["Laptop"] == "fewer than 5"
    assert dict(demand.by_type)["Desktop"] == 0
    assert demand.median_wait_days is None
    for _ in range(5):
        refer()
    demand = selectors.demand([areas["Birmingham"]])
    assert demand.waiting == 7
    assert demand.median_wait_days == 0


def test_needs_change_while_waiting_and_are_recorded(refer, personas, areas):
    referral = refer()
    services.referral_update(
        referral,
        actor=personas.bob,
        organisation=personas.ladywood,
        needs=make_needs(areas["Birmingham"], reference=referral.reference, device_type="tablet"),
    )
    referral.refresh_from_db()
    assert referral.device_type == "tablet"
    assert referral.consent_recorded_by == personas.bob
    assert referral.events.last().detail == "Changed: device needed"


def test_mail_is_sent_only_to_the_vcses_workers(
    refer, personas, mailoutbox, django_capture_on_commit_callbacks
):
    refer()
    refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell")
    horizon = TODAY + datetime.timedelta(days=400)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_expiry_notices(horizon)
    recipients = sorted(tuple(sorted(m.to)) for m in mail.outbox)
    assert recipients == [("alice@example.org", "bob@example.org"), ("charlie@example.org",)]


def test_a_device_below_the_specification_asked_for_is_refused(lab, refer, personas):
    referral = refer(minimum_tier=2)
    old = lab.device(state="ready", year=2018)  # eight years old: basic
    with pytest.raises(ValidationError, match="below the standard specification"):
        services.allocate(referral, old, actor=personas.coordinator, organisation=personas.wmca)
    recent = lab.device(state="ready", year=timezone.localdate().year - 1)
    services.allocate(referral, recent, actor=personas.coordinator, organisation=personas.wmca)
