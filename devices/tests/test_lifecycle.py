"""The device lifecycle: every guard refuses with its message; bulk changes are all or nothing."""

import pytest

from custody.ledger import verify
from custody.models import CustodyEvent
from demo.erasure_logs import LogDrive, nwipe_log
from devices import lifecycle, services
from devices.lifecycle import State
from devices.models import Device
from devices.services import TransitionRefused
from erasure.services import import_evidence


def _fresh(device):
    return services.with_lifecycle_records(Device.objects.filter(pk=device.pk)).get()


def _as(lab, device, name, **kwargs):
    return services.device_transition(
        _fresh(device),
        name,
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
        **kwargs,
    )


def _import(lab, data, name="wipe.log"):
    return import_evidence(
        data, name, organisation=lab.people.itad_org, actor=lab.people.technician
    )


def test_states_and_transitions_live_in_one_place():
    names = {t.name for t in lifecycle.transitions_from(State.RECEIVED)}
    assert {"erase", "fail_erasure", "recycle", "lose"} <= names
    assert "make_ready" not in names
    assert lifecycle.can(State.READY, "allocate")
    assert not lifecycle.can(State.REFURBISHED, "allocate")
    assert not lifecycle.can(State.HANDED_OVER, "recycle")
    for transition in lifecycle.TRANSITIONS.values():
        for guard in transition.guards:
            assert guard in lifecycle.GUARDS


def test_wrong_state_is_refused_in_plain_words(lab):
    device = lab.device(state="received")
    with pytest.raises(TransitionRefused) as refused:
        _as(lab, device, "make_ready")
    assert refused.value.reasons == [
        "The device is received; “mark ready” needs it to be refurbished."
    ]


def test_erase_needs_every_drive_verified(lab):
    device = lab.device(state="received", drives=3)
    serials = [d.serial for d in device.drives.all()]
    _import(lab, nwipe_log(serials[:1]))  # one of three drives wiped
    device.refresh_from_db()
    assert device.state == State.RECEIVED
    with pytest.raises(TransitionRefused) as refused:
        _as(lab, device, "erase")
    assert refused.value.reasons[0] == "2 of 3 drives have no verified erasure."
    assert f"Samsung SSD S/N {serials[1]}: no erasure evidence yet" in refused.value.reasons
    result = _import(lab, nwipe_log(serials[1:]), "rest.log")
    assert [state for _, state in result.moved] == [State.ERASED]
    assert _fresh(device).state == State.ERASED


def test_a_single_drive_without_evidence(lab):
    device = lab.device(state="received")
    with pytest.raises(TransitionRefused) as refused:
        _as(lab, device, "erase")
    assert refused.value.reasons[0] == "The drive has no verified erasure."


def test_no_drives_needs_an_explicit_no_storage_record(lab):
    device = lab.device(state="received", drives=0)
    with pytest.raises(TransitionRefused) as refused:
        _as(lab, device, "erase")
    assert "record that it has no storage" in refused.value.reasons[0]
    services.record_no_storage(
        _fresh(device), actor=lab.people.technician, organisation=lab.people.itad_org
    )
    assert _as(lab, device, "erase").state == State.ERASED


def test_failed_erasure_then_media_destroyed_then_assessed(lab):
    device = lab.device(state="received")
    serial = device.drives.get().serial
    result = _import(lab, nwipe_log([LogDrive(serial=serial, failed=True)]))
    assert [state for _, state in result.moved] == [State.ERASURE_FAILED]
    assert "does not count" in result.drives[0].problem
    with pytest.raises(TransitionRefused) as refused:
        services.assessment_record(
            _fresh(device),
            actor=lab.people.technician,
            organisation=lab.people.itad_org,
            grade="C",
            powers_on=True,
            outcome="recycle",
        )
    assert "the erasure failed" in " ".join(refused.value.reasons)
    services.media_destroy(
        device.drives.get(),
        method="shred",
        reference="SHRED-77",
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
    )
    services.assessment_record(
        _fresh(device),
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
        grade="C",
        powers_on=True,
        outcome="harvest",
    )
    assert _fresh(device).state == State.ASSESSED


def test_anonymised_evidence_never_counts(lab):
    device = lab.device(state="received")
    result = _import(lab, nwipe_log([device.drives.get().serial], quiet=True))
    assert result.ok
    assert not result.drives[0].matched
    assert "anonymised" in result.drives[0].problem
    # Assigned by hand, it is recorded but still does not count.
    from erasure.services import evidence_assign

    outcome = evidence_assign(
        result.evidence, 0, device, organisation=lab.people.itad_org, actor=lab.people.technician
    )
    assert "anonymised" in outcome.problem
    assert _fresh(device).state == State.RECEIVED


def test_refurbish_needs_a_refurbish_outcome_and_ready_needs_locks_removed(lab):
    device = lab.device(state="erased")
    services.assessment_record(
        _fresh(device),
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
        grade="B",
        powers_on=True,
        outcome="recycle",
    )
    with pytest.raises(TransitionRefused) as refused:
        services.refurbishment_record(
            _fresh(device),
            actor=lab.people.technician,
            organisation=lab.people.itad_org,
            operating_system="linux",
            activation_lock_removed=True,
            management_removed=True,
        )
    assert refused.value.reasons == ["The assessment says “recycle”, not refurbish."]

    other = lab.device(state="assessed", device_type="tablet")
    with pytest.raises(TransitionRefused) as refused:
        services.refurbishment_record(
            _fresh(other),
            actor=lab.people.technician,
            organisation=lab.people.itad_org,
            make_ready=True,
            operating_system="android",
            activation_lock_removed=False,
            management_removed=True,
        )
    assert refused.value.reasons == [
        "The activation lock (iCloud, Google FRP) is not confirmed removed."
    ]
    # All or nothing: the refurbishment was not kept either.
    assert _fresh(other).state == State.ASSESSED
    assert not _fresh(other).refurbishments.exists()


def test_happy_path_to_ready_writes_one_event_per_change(lab):
    device = lab.device(state="ready")
    kinds = list(
        CustodyEvent.objects.filter(device=device).order_by("seq").values_list("kind", "transition")
    )
    assert kinds == [
        ("registered", ""),
        ("handover_confirmed", ""),
        ("transition", "receive"),
        ("evidence", ""),
        ("transition", "erase"),
        ("transition", "assess"),
        ("transition", "refurbish"),
        ("transition", "make_ready"),
    ]
    assert verify().intact


def test_recycling_unerased_device_needs_media_destroyed(lab):
    device = lab.device(state="received")
    with pytest.raises(TransitionRefused) as refused:
        services.recycling_record(
            _fresh(device),
            actor=lab.people.technician,
            organisation=lab.people.itad_org,
            recycler="Black Country WEEE",
            reference="WTN-1",
            weight_kg="2.10",
        )
    assert "confirm its storage was destroyed" in refused.value.reasons[0]
    services.recycling_record(
        _fresh(device),
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
        recycler="Black Country WEEE",
        reference="WTN-1",
        weight_kg="2.10",
        media_destroyed=True,
    )
    device.refresh_from_db()
    assert device.state == State.RECYCLED
    assert device.recycling.reference == "WTN-1"


def test_loss_needs_a_reason(lab):
    from django.core.exceptions import ValidationError

    device = lab.device(state="received")
    with pytest.raises(ValidationError):
        services.loss_record(
            _fresh(device),
            actor=lab.people.technician,
            organisation=lab.people.itad_org,
            reason=" ",
        )


def test_outsiders_cannot_move_devices(lab):
    device = lab.device(state="received")
    with pytest.raises(TransitionRefused) as refused:
        services.device_transition(
            _fresh(device), "erase", actor=lab.rival_technician, organisation=lab.rival_itad
        )
    assert "does not hold this device" in refused.value.reasons[0]
    with pytest.raises(TransitionRefused):
        services.loss_record(
            _fresh(device), actor=lab.rival_technician, organisation=lab.rival_itad, reason="x"
        )


def test_handover_is_in_transit_until_the_receiver_confirms(lab):
    device = lab.device(state="ready")
    people = lab.people
    services.handover_start(
        _fresh(device), people.ladywood, actor=people.technician, organisation=people.itad_org
    )
    device.refresh_from_db()
    assert device.in_transit_to == people.ladywood
    assert device.custodian == people.itad_org
    # The sender cannot keep working on it; an outsider cannot confirm it.
    with pytest.raises(TransitionRefused, match="in transit"):
        services.loss_record(
            _fresh(device), actor=people.technician, organisation=people.itad_org, reason="x"
        )
    with pytest.raises(TransitionRefused, match="not on its way"):
        services.handover_confirm(_fresh(device), actor=people.charlie, organisation=people.tipton)
    services.handover_confirm(_fresh(device), actor=people.alice, organisation=people.ladywood)
    device.refresh_from_db()
    assert (device.custodian, device.in_transit_to) == (people.ladywood, None)
    last = CustodyEvent.objects.filter(device=device).order_by("-seq").first()
    assert last.kind == "handover_confirmed"
    assert (last.from_custodian, last.to_custodian, last.actor) == (
        people.itad_org,
        people.ladywood,
        people.alice,
    )


def test_unerased_devices_go_only_to_itads(lab):
    device = lab.device(state="received")
    with pytest.raises(TransitionRefused, match="only an ITAD partner"):
        services.handover_start(
            _fresh(device),
            lab.people.ladywood,
            actor=lab.people.technician,
            organisation=lab.people.itad_org,
        )


def test_correction_is_a_new_event(lab):
    device = lab.device(state="received")
    services.correction_record(
        _fresh(device),
        actor=lab.people.coordinator,
        organisation=lab.people.wmca,
        to_state=State.PLEDGED,
        reason="Scanned by mistake; still at the donor's site.",
    )
    events = list(CustodyEvent.objects.filter(device=device).order_by("seq"))
    assert events[-1].kind == "correction"
    assert (events[-1].from_state, events[-1].to_state) == (State.RECEIVED, State.PLEDGED)
    assert events[-2].to_state == State.RECEIVED  # the mistake stays in the history
    assert verify().intact


# ---------------------------------------------------------------------------------------------
# Bulk, scanner-first.


def test_bulk_plan_says_who_is_eligible_and_why_not(lab):
    a, b = lab.device(), lab.device()
    c = lab.device(state="received")
    foreign = lab.device()
    foreign.batch = None
    foreign.save()
    identifiers = services.parse_identifiers(
        f"{a.serial_number}\n{b.asset_tag}, {c.serial_number}\tNOPE-1\n{a.asset_tag}"
    )
    plan = services.bulk_plan(
        identifiers, "receive", principal=lab.people.technician, organisation=lab.people.itad_org
    )
    assert [x.device for x in plan.eligible] == [a, b]
    refused = {x.identifier: x.reasons[0] for x in plan.refused}
    assert "needs it to be pledged, returned" in refused[c.serial_number]
    assert refused["NOPE-1"].startswith("No device you can see")
    assert refused[a.asset_tag] == "Already in this list under another identifier."


def test_bulk_apply_is_all_or_nothing(lab):
    a, b = lab.device(), lab.device()
    # Someone receives b between the preview and the apply.
    _as(lab, b, "receive")
    with pytest.raises(TransitionRefused) as refused:
        services.bulk_apply(
            [a.pk, b.pk], "receive", actor=lab.people.technician, organisation=lab.people.itad_org
        )
    assert any("needs it to be pledged" in r for r in refused.value.reasons)
    assert _fresh(a).state == State.PLEDGED  # nothing applied
    assert CustodyEvent.objects.filter(device=a).count() == 1


def test_bulk_apply_moves_every_device_with_its_events(lab):
    devices = [lab.device() for _ in range(5)]
    services.bulk_apply(
        [d.pk for d in devices],
        "receive",
        actor=lab.people.technician,
        organisation=lab.people.itad_org,
    )
    for device in devices:
        device = _fresh(device)
        assert device.state == State.RECEIVED
        assert device.custodian == lab.people.itad_org
        assert device.ledger_seq == 3
    assert verify().intact


def test_bulk_refuses_actions_that_need_details(lab):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.bulk_plan(
            ["x"], "recycle", principal=lab.people.technician, organisation=lab.people.itad_org
        )


def test_bulk_plan_queries_do_not_grow_with_the_scan(lab, django_assert_max_num_queries):
    devices = [lab.device() for _ in range(30)]
    identifiers = [d.asset_tag for d in devices] + [f"UNKNOWN-{n}" for n in range(30)]
    with django_assert_max_num_queries(12):
        plan = services.bulk_plan(
            identifiers,
            "receive",
            principal=lab.people.technician,
            organisation=lab.people.itad_org,
        )
    assert len(plan.eligible) == 30
