"""Every change to a device: each one writes its custody event in the same transaction.

Services take the acting user and the organisation they act for, lock the device rows they
change (in primary-key order, so two requests never wait on each other in a cycle), re-check
the lifecycle's guards under the lock, and refuse with `TransitionRefused` carrying the
reasons a technician reads.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch, Q

from assessment.selectors import OUTCOME_FOR_VERDICT, device_verdict
from custody import ledger
from custody.ledger import EventSpec
from custody.models import CustodyEvent, EventKind
from devices import lifecycle
from devices.lifecycle import State
from devices.models import (
    Assessment,
    Device,
    Drive,
    RecyclingRecord,
    Refurbishment,
)
from impact import tally
from organisations.models import Organisation


class TransitionRefused(Exception):
    def __init__(self, reasons: Sequence[str], device: Device | None = None):
        self.reasons = list(reasons)
        self.device = device
        prefix = f"{device}: " if device is not None else ""
        super().__init__(prefix + " ".join(self.reasons))


def with_lifecycle_records(queryset):
    """Prefetch what the guards read, so checking many devices costs a handful of queries."""
    from erasure.models import ErasureRecord

    return queryset.select_related("custodian", "in_transit_to").prefetch_related(
        Prefetch(
            "drives",
            queryset=Drive.objects.prefetch_related(
                Prefetch("erasures", queryset=ErasureRecord.objects.all())
            ),
        ),
        "assessments",
        "refurbishments",
    )


def _lock(device_ids: Iterable[int]) -> list[Device]:
    ids = sorted(set(device_ids))
    return list(
        with_lifecycle_records(
            Device.objects.filter(pk__in=ids)
            .select_related("batch")
            .order_by("pk")
            .select_for_update(of=("self",))
        )
    )


def _lock_one(device: Device) -> Device:
    return _lock([device.pk])[0]


def _reread(device: Device) -> Device:
    """The locked device again, with the records this transaction has just added."""
    return with_lifecycle_records(Device.objects.filter(pk=device.pk)).get()


def may_act_on(device: Device, organisation: Organisation | None) -> bool:
    """Whether `organisation` may work on the device: it holds it, it is on its way to it, or
    (for a pledged device) it is the batch's processing partner."""
    if organisation is None:
        return False
    if device.custodian_id == organisation.pk or device.in_transit_to_id == organisation.pk:
        return True
    return (
        device.state == State.PLEDGED
        and device.batch_id is not None
        and device.batch.partner_id == organisation.pk
    )


def _receive_problems(device: Device, organisation: Organisation) -> list[str]:
    """Receiving puts a device in a partner's workshop: only an ITAD does it, and only for a
    device on its way to it (or not on its way anywhere)."""
    if not organisation.is_itad:
        return ["Only an ITAD partner receives devices for erasure; send it to one instead."]
    if device.in_transit_to_id not in (None, organisation.pk):
        return [f"The device is on its way to {device.in_transit_to}, not to {organisation}."]
    return []


def _refuse_unless_holder(device: Device, organisation: Organisation | None) -> None:
    """Record-keeping (drives, destruction, loss) is for the organisation holding the device."""
    if organisation is None or device.custodian_id != organisation.pk:
        raise TransitionRefused(
            [f"{organisation or 'Your organisation'} does not hold this device."], device
        )
    if device.in_transit_to_id:
        raise TransitionRefused(
            [f"The device is in transit to {device.in_transit_to}; it must be received first."],
            device,
        )


def _apply(
    device, transition_name: str, *, actor, organisation, payload=None, at=None, release=False
):
    """Move one locked device along a transition and write the event. Returns the event.

    With `release`, the device leaves every organisation's custody (given to a person)."""
    transition = lifecycle.TRANSITIONS[transition_name]
    from_state = device.state
    from_custodian = device.custodian_id
    if release:
        device.custodian = None
    device.state = transition.target
    device.state_changed_at = at or ledger.now()
    return ledger.build(
        device,
        EventSpec(
            kind=EventKind.TRANSITION,
            transition=transition_name,
            from_state=from_state,
            to_state=transition.target,
            from_custodian_id=from_custodian,
            to_custodian_id=device.custodian_id,
            payload=payload,
        ),
        actor=actor,
        organisation=organisation,
        at=at,
    )


# What a change to a device may touch; written back in one statement per device.
_CHANGING_FIELDS = (
    "state",
    "state_changed_at",
    "custodian",
    "in_transit_to",
    "partner",
    "grade",
    "has_no_storage",
    "evidence_since",
    "ledger_seq",
    "ledger_head",
)


def record_fact(device, kind: str, payload: dict, *, actor, organisation) -> CustodyEvent:
    """An event that changes neither state nor custodian: evidence attached, a drive added."""
    return ledger.build(
        device,
        EventSpec(
            kind=kind,
            from_state=device.state,
            to_state=device.state,
            from_custodian_id=device.custodian_id,
            to_custodian_id=device.custodian_id,
            payload=payload,
        ),
        actor=actor,
        organisation=organisation,
    )


def _save(devices: list[Device], events: list[CustodyEvent]) -> None:
    """Write the events and the devices' new state in the caller's transaction.

    Devices are written with one prepared UPDATE run for all of them (executemany): Django's
    bulk_update builds a CASE expression per device and field, which costs more than the
    hashing and inserting of the events themselves (see bench/bench_custody_append.py).
    """
    CustodyEvent.objects.bulk_create(events, batch_size=2000)
    tally.count_events(events)
    if not devices:
        return
    fields = [Device._meta.get_field(name) for name in _CHANGING_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Only quoted names from the model's own metadata go into the text; values are parameters.
    sql = f"UPDATE {quote(Device._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    rows = [
        [f.get_db_prep_save(getattr(device, f.attname), connection) for f in fields] + [device.pk]
        for device in devices
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    held = lifecycle.HOLDS_DONOR_DATA
    progressed = {d.batch_id for d in devices if d.batch_id and d.state not in held}
    if progressed:
        transaction.on_commit(lambda: _batches_progressed(progressed))


def _batches_progressed(batch_ids: set[int]) -> None:
    """Devices of these batches no longer hold donor data: a certificate may now be complete."""
    from donations.services import certificate_ready_check

    certificate_ready_check(batch_ids)


# ---------------------------------------------------------------------------------------------
# Registering devices.


@dataclass
class DriveSpec:
    serial: str = ""
    model: str = ""
    kind: str = "ssd"
    size_bytes: int | None = None
    is_data_bearing: bool = True


@transaction.atomic
def device_register(
    *,
    region,
    device_type: str,
    actor,
    organisation: Organisation,
    donor: Organisation | None = None,
    batch=None,
    area_of_origin=None,
    drives: Sequence[DriveSpec] = (),
    state: str = State.PLEDGED,
    **attributes,
) -> Device:
    """Record a device, its drives and its first custody event ("registered").

    A pledged device is in its donor's custody; a device registered on receipt is in the
    registering organisation's.
    """
    if state not in (State.PLEDGED, State.RECEIVED):
        raise ValidationError("A device is registered as pledged or received.")
    custodian = donor if state == State.PLEDGED and donor else organisation
    device = Device(
        region=region,
        device_type=device_type,
        donor=donor,
        batch=batch,
        area_of_origin=area_of_origin,
        custodian=custodian,
        partner=organisation if organisation.is_itad else (batch.partner if batch else None),
        state=state,
        **attributes,
    )
    device.full_clean(exclude=["ledger_head"])
    device.save()
    drive_objects = [Drive(device=device, **vars(spec)) for spec in drives]
    Drive.objects.bulk_create(drive_objects)
    registered = ledger.append(
        device,
        EventSpec(
            kind=EventKind.REGISTERED,
            to_state=state,
            to_custodian_id=custodian.pk,
            payload={
                "type": device_type,
                "make": device.make,
                "model": device.model,
                "serial_number": device.serial_number,
                "imei": device.imei,
                "asset_tag": device.asset_tag,
                "drives": [d.serial for d in drive_objects],
                "batch": batch.reference if batch else None,
            },
        ),
        actor=actor,
        organisation=organisation,
    )
    tally.count_events([registered])
    device.save(update_fields=["ledger_seq", "ledger_head"])
    return device


# ---------------------------------------------------------------------------------------------
# Transitions, one device or many.


@transaction.atomic
def device_transition(
    device: Device, transition_name: str, *, actor, organisation, payload=None
) -> Device:
    """Apply one transition to one device, or raise TransitionRefused with the guard's reasons."""
    if lifecycle.TRANSITIONS[transition_name].needs_record:
        raise ValidationError(f"“{transition_name}” is recorded with its own details.")
    device = _lock_one(device)
    reasons = _reasons(device, transition_name, organisation)
    if reasons:
        raise TransitionRefused(reasons, device)
    events = []
    if transition_name == "receive":
        events += _take_custody(device, actor=actor, organisation=organisation)
        _reset_evidence_if_returned(device)
    events.append(
        _apply(device, transition_name, actor=actor, organisation=organisation, payload=payload)
    )
    _save([device], events)
    return device


def _reset_evidence_if_returned(device, at=None) -> None:
    """A returned device is erased again: evidence recorded before now no longer counts."""
    if device.state == State.RETURNED:
        device.evidence_since = at or ledger.now()


def _take_custody(device, *, actor, organisation) -> list[CustodyEvent]:
    """The receiving side confirms a handover; a receive without one confirms collection."""
    if device.custodian_id == organisation.pk and device.in_transit_to_id is None:
        return []
    from_custodian = device.custodian_id
    device.custodian = organisation
    device.in_transit_to = None
    if organisation.is_itad:
        device.partner = organisation
    return [
        ledger.build(
            device,
            EventSpec(
                kind=EventKind.HANDOVER_CONFIRMED,
                from_state=device.state,
                to_state=device.state,
                from_custodian_id=from_custodian,
                to_custodian_id=organisation.pk,
            ),
            actor=actor,
            organisation=organisation,
        )
    ]


@dataclass
class Candidate:
    identifier: str
    device: Device | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.device is not None and not self.reasons


@dataclass
class BulkPlan:
    transition: str
    candidates: list[Candidate]

    @property
    def eligible(self) -> list[Candidate]:
        return [c for c in self.candidates if c.eligible]

    @property
    def refused(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.eligible]


def parse_identifiers(text: str) -> list[str]:
    """Serials, asset tags or IMEIs as scanned or pasted: one per line, or separated by commas,
    semicolons or tabs. Repeats are dropped, keeping the first."""
    seen: dict[str, None] = {}
    for line in text.replace(",", "\n").replace(";", "\n").replace("\t", "\n").splitlines():
        item = line.strip()
        if item and item.upper() not in {k.upper() for k in seen}:
            seen[item] = None
    return list(seen)


def bulk_plan(
    identifiers: Sequence[str], transition_name: str, *, principal, organisation
) -> BulkPlan:
    """Which of these devices the transition can apply to now, and why not for the rest."""
    if transition_name not in lifecycle.TRANSITIONS:
        raise ValidationError(f"Unknown action {transition_name!r}.")
    if lifecycle.TRANSITIONS[transition_name].needs_record:
        raise ValidationError(
            f"“{lifecycle.TRANSITIONS[transition_name].label}” needs details for each device."
        )
    found = _find_many(Device.objects.visible_to(principal), identifiers)
    candidates = []
    claimed: set[int] = set()
    for identifier in identifiers:
        matches = found.get(identifier.strip().lower(), [])
        candidate = Candidate(identifier)
        if not matches:
            candidate.reasons = ["No device you can see has this serial number, asset tag or IMEI."]
        elif len(matches) > 1:
            candidate.reasons = [
                "More than one device matches; scan its Rehome label or use its asset tag."
            ]
        else:
            device = matches[0]
            candidate.device = device
            if device.pk in claimed:
                candidate.reasons = ["Already in this list under another identifier."]
            else:
                claimed.add(device.pk)
                candidate.reasons = _reasons(device, transition_name, organisation)
        candidates.append(candidate)
    return BulkPlan(transition_name, candidates)


def _find_many(devices, identifiers: Sequence[str], chunk: int = 500) -> dict[str, list[Device]]:
    """Devices by lower-cased serial number, asset tag or IMEI, a few queries however many
    identifiers were scanned (not a few per identifier)."""
    from django.db.models.functions import Lower

    wanted = sorted({i.strip().lower() for i in identifiers if i.strip()})
    by_key: dict[str, dict[int, Device]] = {}
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        matches = with_lifecycle_records(
            devices.select_related("batch")
            .annotate(_serial=Lower("serial_number"), _tag=Lower("asset_tag"))
            .filter(Q(_serial__in=part) | Q(_tag__in=part) | Q(imei__in=part))
        )
        keys = set(part)
        for device in matches:
            for key in {device.serial_number.lower(), device.asset_tag.lower(), device.imei}:
                if key in keys:
                    by_key.setdefault(key, {})[device.pk] = device
    return {key: list(found.values()) for key, found in by_key.items()}


def _reasons(device, transition_name, organisation, *, before_record=False) -> list[str]:
    if not may_act_on(device, organisation):
        return [f"{organisation} does not hold this device."]
    if transition_name == "receive":
        problems = _receive_problems(device, organisation)
        if problems:
            return problems
    elif device.in_transit_to_id:
        return [f"In transit to {device.in_transit_to}; receive it first."]
    return lifecycle.check(device, transition_name, before_record=before_record)


def reasons_against(device, transition_name, organisation) -> list[str]:
    """Why the organisation cannot start this transition now (for a record's form, whether the
    form may be opened)."""
    return _reasons(device, transition_name, organisation, before_record=True)


@transaction.atomic
def bulk_apply(
    device_ids: Sequence[int], transition_name: str, *, actor, organisation
) -> list[Device]:
    """Apply a transition to every listed device in one transaction: all of them, or none.

    Rows are locked and re-checked; if any device no longer qualifies (someone else moved it
    since the preview), nothing is applied and TransitionRefused names each device and why.
    """
    if lifecycle.TRANSITIONS[transition_name].needs_record:
        raise ValidationError("This action needs details for each device.")
    ids = set(device_ids)
    mine = set(
        Device.objects.actionable_by(organisation).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if mine != ids or not ids:
        # Nothing about devices outside the organisation's reach is said, not even that they exist.
        raise TransitionRefused(["Some of these devices are not yours to change."])
    devices = _lock(ids)
    problems = []
    for device in devices:
        for reason in _reasons(device, transition_name, organisation):
            problems.append(f"{device}: {reason}")
    if problems:
        raise TransitionRefused(problems)
    now = ledger.now()
    events = []
    for device in devices:
        if transition_name == "receive":
            events += _take_custody(device, actor=actor, organisation=organisation)
            _reset_evidence_if_returned(device, at=now)
        events.append(
            _apply(device, transition_name, actor=actor, organisation=organisation, at=now)
        )
    _save(devices, events)
    return devices


# ---------------------------------------------------------------------------------------------
# Handovers between organisations.


@transaction.atomic
def handover_start(device: Device, to: Organisation, *, actor, organisation, note: str = ""):
    """The holder sends the device to another organisation; it is in transit until received."""
    device = _lock_one(device)
    if device.custodian_id != organisation.pk:
        raise TransitionRefused([f"{organisation} does not hold this device."], device)
    if device.in_transit_to_id:
        raise TransitionRefused([f"Already in transit to {device.in_transit_to}."], device)
    if to.pk == organisation.pk:
        raise TransitionRefused(["Choose another organisation to send it to."], device)
    if device.state in lifecycle.HOLDS_DONOR_DATA and not to.is_itad:
        raise TransitionRefused(
            ["The device may still hold the donor's data: only an ITAD partner can receive it."],
            device,
        )
    if device.state in lifecycle.FINAL_STATES:
        raise TransitionRefused([f"The device is {device.get_state_display().lower()}."], device)
    device.in_transit_to = to
    event = ledger.build(
        device,
        EventSpec(
            kind=EventKind.HANDOVER_SENT,
            from_state=device.state,
            to_state=device.state,
            from_custodian_id=organisation.pk,
            to_custodian_id=to.pk,
            payload={"note": note} if note else None,
        ),
        actor=actor,
        organisation=organisation,
    )
    _save([device], [event])
    return device


@transaction.atomic
def handover_confirm(device: Device, *, actor, organisation) -> Device:
    """The receiving organisation confirms it has the device."""
    device = _lock_one(device)
    if device.in_transit_to_id != organisation.pk:
        raise TransitionRefused([f"The device is not on its way to {organisation}."], device)
    if device.state in lifecycle.FINAL_STATES:
        raise TransitionRefused([f"The device is {device.get_state_display().lower()}."], device)
    events = _take_custody(device, actor=actor, organisation=organisation)
    _save([device], events)
    return device


@transaction.atomic
def handover_cancel(device: Device, *, actor, organisation, reason: str) -> Device:
    device = _lock_one(device)
    if device.custodian_id != organisation.pk or not device.in_transit_to_id:
        raise TransitionRefused(["Only the sender can cancel a handover in transit."], device)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the handover is cancelled."})
    to = device.in_transit_to_id
    device.in_transit_to = None
    event = ledger.build(
        device,
        EventSpec(
            kind=EventKind.HANDOVER_CANCELLED,
            from_state=device.state,
            to_state=device.state,
            from_custodian_id=device.custodian_id,
            to_custodian_id=to,
            payload={"reason": reason.strip()},
        ),
        actor=actor,
        organisation=organisation,
    )
    _save([device], [event])
    return device


# ---------------------------------------------------------------------------------------------
# Records that carry a transition.


def _refuse(device, transition_name, organisation):
    _refuse_unless_holder(device, organisation)


@transaction.atomic
def drive_add(device: Device, spec: DriveSpec, *, actor, organisation) -> Drive:
    device = _lock_one(device)
    _refuse_unless_holder(device, organisation)
    if device.state not in (State.RECEIVED, State.ERASURE_FAILED):
        raise TransitionRefused(
            ["Drives are recorded while the device is received and not yet erased."], device
        )
    drive = Drive(device=device, **vars(spec))
    drive.full_clean(exclude=["device"])
    drive.save()
    device.has_no_storage = False
    event = record_fact(
        device,
        EventKind.CORRECTION,
        {"drive_added": {"serial": drive.serial, "model": drive.model, "kind": drive.kind}},
        actor=actor,
        organisation=organisation,
    )
    _save([device], [event])
    return drive


@transaction.atomic
def record_no_storage(device: Device, *, actor, organisation) -> Device:
    device = _lock_one(device)
    _refuse_unless_holder(device, organisation)
    if device.state not in (State.RECEIVED, State.ERASURE_FAILED):
        raise TransitionRefused(["Storage is recorded before the device is erased."], device)
    if any(d.is_data_bearing for d in device.drives.all()):
        raise TransitionRefused(["The device has drives recorded."], device)
    device.has_no_storage = True
    event = record_fact(
        device,
        EventKind.CORRECTION,
        {"has_no_storage": True},
        actor=actor,
        organisation=organisation,
    )
    _save([device], [event])
    return device


@transaction.atomic
def media_destroy(
    drive: Drive, *, method: str, reference: str, actor, organisation, at=None
) -> Drive:
    """Record a drive physically destroyed: who, how and the destruction record's number."""
    device = _lock_one(drive.device)
    _refuse_unless_holder(device, organisation)
    drive = next(d for d in device.drives.all() if d.pk == drive.pk)
    if drive.is_destroyed:
        raise TransitionRefused([f"{drive} is already recorded as destroyed."], device)
    drive.destroyed_at = at or ledger.now()
    drive.destroyed_by = actor
    drive.destruction_method = method
    drive.destruction_reference = reference
    drive.full_clean(exclude=["device"])
    drive.save()
    events = [
        record_fact(
            device,
            EventKind.EVIDENCE,
            {"media_destroyed": {"drive": drive.serial, "method": method, "reference": reference}},
            actor=actor,
            organisation=organisation,
        )
    ]
    _save([device], events)
    return drive


@transaction.atomic
def assessment_record(device: Device, *, actor, organisation, **fields) -> Assessment:
    """Record an assessment and move the device to `assessed`."""
    device = _lock_one(device)
    _refuse(device, "assess", organisation)
    assessment = Assessment(device=device, assessed_by=actor, **fields)
    suggestion = device_verdict(
        device,
        powers_on=assessment.powers_on,
        screen_ok=assessment.screen_ok,
        keyboard_ok=assessment.keyboard_ok,
        battery_health_pct=assessment.battery_health_pct,
    )
    assessment.suggested_outcome = OUTCOME_FOR_VERDICT[suggestion.verdict]
    assessment.full_clean(exclude=["device", "assessed_by"])
    assessment.save()
    device = _reread(device)
    reasons = lifecycle.check(device, "assess")
    if reasons:
        raise TransitionRefused(reasons, device)
    device.grade = assessment.grade
    event = _apply(
        device,
        "assess",
        actor=actor,
        organisation=organisation,
        payload={
            "grade": assessment.grade,
            "outcome": assessment.outcome,
            "suggested_outcome": assessment.suggested_outcome,
            "assessment_rules_version": suggestion.rules_version,
            "battery_health_pct": assessment.battery_health_pct,
            "powers_on": assessment.powers_on,
        },
    )
    _save([device], [event])
    return assessment


@transaction.atomic
def refurbishment_record(
    device: Device, *, actor, organisation, make_ready: bool = False, **fields
) -> Refurbishment:
    """Record the refurbishment (→ refurbished) and, if asked and allowed, mark it ready."""
    device = _lock_one(device)
    _refuse(device, "refurbish", organisation)
    refurbishment = Refurbishment(device=device, refurbished_by=actor, **fields)
    refurbishment.full_clean(exclude=["device", "refurbished_by"])
    refurbishment.save()
    device = _reread(device)
    reasons = lifecycle.check(device, "refurbish")
    if reasons:
        raise TransitionRefused(reasons, device)
    events = [
        _apply(
            device,
            "refurbish",
            actor=actor,
            organisation=organisation,
            payload={
                "operating_system": refurbishment.operating_system,
                "os_version": refurbishment.os_version,
                "activation_lock_removed": refurbishment.activation_lock_removed,
                "management_removed": refurbishment.management_removed,
            },
        )
    ]
    if make_ready:
        reasons = lifecycle.check(device, "make_ready")
        if reasons:
            raise TransitionRefused(reasons, device)
        events.append(_apply(device, "make_ready", actor=actor, organisation=organisation))
    _save([device], events)
    return refurbishment


@transaction.atomic
def recycling_record(
    device: Device,
    *,
    actor,
    organisation,
    recycler: str,
    reference: str,
    weight_kg: Decimal,
    media_destroyed: bool = False,
) -> RecyclingRecord:
    """Recycle a device: who took it, the waste transfer note or certificate, and its weight."""
    device = _lock_one(device)
    _refuse(device, "recycle", organisation)
    reasons = lifecycle.check(device, "recycle")
    if device.state in lifecycle.HOLDS_DONOR_DATA and not media_destroyed:
        reasons.append(
            "The device has not been erased: confirm its storage was destroyed before recycling."
        )
    if reasons:
        raise TransitionRefused(reasons, device)
    record = RecyclingRecord(
        device=device,
        recycler=recycler,
        reference=reference,
        weight_kg=weight_kg,
        media_destroyed=media_destroyed,
        recorded_by=actor,
    )
    record.full_clean(exclude=["device", "recorded_by"])
    record.save()
    event = _apply(
        device,
        "recycle",
        actor=actor,
        organisation=organisation,
        payload={
            "recycler": recycler,
            "reference": reference,
            "weight_kg": str(weight_kg),
            "media_destroyed": media_destroyed,
        },
    )
    _save([device], [event])
    return record


@transaction.atomic
def loss_record(device: Device, *, actor, organisation, reason: str) -> Device:
    device = _lock_one(device)
    _refuse_unless_holder(device, organisation)
    if not reason.strip():
        raise ValidationError({"reason": "Say what happened to the device."})
    reasons = lifecycle.check(device, "lose")
    if reasons:
        raise TransitionRefused(reasons, device)
    event = _apply(
        device, "lose", actor=actor, organisation=organisation, payload={"reason": reason.strip()}
    )
    _save([device], [event])
    return device


@transaction.atomic
def correction_record(device: Device, *, actor, organisation, to_state: str, reason: str) -> Device:
    """Put right a mistaken state change. The ledger keeps the mistake and this correction."""
    device = _lock_one(device)
    if not reason.strip():
        raise ValidationError({"reason": "Say what was wrong and why this corrects it."})
    if to_state not in State.values or to_state == device.state:
        raise ValidationError({"to_state": "Choose the state the device should be in."})
    if not (organisation.is_regional_body or device.custodian_id == organisation.pk):
        raise TransitionRefused(
            ["Only the holder or the coordinator can correct a device."], device
        )
    if device.in_transit_to_id:
        raise TransitionRefused(["Receive or cancel the handover before correcting it."], device)
    earlier = set(
        CustodyEvent.objects.filter(device=device).values_list("from_state", flat=True)
    ) | set(CustodyEvent.objects.filter(device=device).values_list("to_state", flat=True))
    if to_state not in earlier:
        raise ValidationError(
            {"to_state": "A correction returns the device to a state it was really in before."}
        )
    reasons = lifecycle.requirements_unmet(device, to_state)
    if reasons:
        raise TransitionRefused(reasons, device)
    from_state = device.state
    device.state = to_state
    device.state_changed_at = ledger.now()
    event = ledger.build(
        device,
        EventSpec(
            kind=EventKind.CORRECTION,
            from_state=from_state,
            to_state=to_state,
            from_custodian_id=device.custodian_id,
            to_custodian_id=device.custodian_id,
            payload={"reason": reason.strip()},
        ),
        actor=actor,
        organisation=organisation,
    )
    _save([device], [event])
    return device


# ---------------------------------------------------------------------------------------------
# Allocation and handover to a person (the referral's services call these in their transaction).


def allocation_record(device: Device, *, referral_uid, actor, organisation) -> Device:
    """A ready device set aside for one referral. The coordinator allocates any ready device in
    the region; a holder may allocate its own. The payload names the referral by its opaque id
    only: the ledger is permanent, the referral's details are not."""
    device = _lock_one(device)
    if not (organisation.is_regional_body or device.custodian_id == organisation.pk):
        raise TransitionRefused(["Only the coordinator or the holder can allocate it."], device)
    reasons = lifecycle.check(device, "allocate")
    if reasons:
        raise TransitionRefused(reasons, device)
    event = _apply(
        device,
        "allocate",
        actor=actor,
        organisation=organisation,
        payload={"referral": str(referral_uid)},
    )
    _save([device], [event])
    return device


def deallocation_record(device: Device, *, referral_uid, reason: str, actor, organisation):
    """The allocation is released (the referral was withdrawn, or the coordinator changed it);
    the device is ready again wherever it is."""
    device = _lock_one(device)
    reasons = lifecycle.check(device, "deallocate")
    if reasons:
        raise TransitionRefused(reasons, device)
    event = _apply(
        device,
        "deallocate",
        actor=actor,
        organisation=organisation,
        payload={"referral": str(referral_uid), "reason": reason},
    )
    _save([device], [event])
    return device


def person_handover_record(device: Device, *, referral_uid, actor, organisation) -> Device:
    """The VCSE gives the allocated device to the person: it leaves every organisation's
    custody. The referral's service checks that it is this referral's device."""
    device = _lock_one(device)
    if device.in_transit_to_id == organisation.pk:
        # Collected from the partner and handed straight over: receipt is confirmed first.
        _save([device], _take_custody(device, actor=actor, organisation=organisation))
    _refuse_unless_holder(device, organisation)
    reasons = lifecycle.check(device, "hand_over")
    if reasons:
        raise TransitionRefused(reasons, device)
    event = _apply(
        device,
        "hand_over",
        actor=actor,
        organisation=organisation,
        payload={"referral": str(referral_uid), "to": "person"},
        release=True,
    )
    _save([device], [event])
    return device
