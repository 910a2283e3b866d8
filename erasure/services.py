"""Importing erasure evidence: store the file, match its drives to devices, record each erasure,
and move devices to `erased` (or `erasure_failed`) when the evidence says so.

One file is imported in one transaction. Drives that match no device are reported with the
reason and kept with the file, so a technician can assign them to a device later.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custody.models import EventKind
from devices import lifecycle
from devices.lifecycle import State
from devices.models import Device, Drive
from devices.services import _apply, _lock, _save, record_fact, with_lifecycle_records
from erasure.models import ErasureRecord, EvidenceFile, Source
from lib.erasure import ErasureParseError, classify_method, parse_evidence, sha256_hex
from lib.erasure.standards import is_verification
from organisations.models import Organisation

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


@dataclass
class DriveOutcome:
    index: int
    serial: str
    model: str
    status: str
    device: Device | None = None
    drive: Drive | None = None
    problem: str = ""  # why it was not matched, or why its evidence does not count

    @property
    def matched(self) -> bool:
        return self.drive is not None


@dataclass
class ImportResult:
    filename: str
    evidence: EvidenceFile | None = None
    report: dict | None = None
    error: str = ""
    duplicate_of: EvidenceFile | None = None
    drives: list[DriveOutcome] = field(default_factory=list)
    moved: list[tuple[Device, str]] = field(default_factory=list)  # (device, new state)

    @property
    def ok(self) -> bool:
        return not self.error

    def as_dict(self) -> dict:
        return {
            "file": self.filename,
            "ok": self.ok,
            "error": self.error,
            "duplicate": self.duplicate_of is not None,
            "evidence_sha256": self.evidence.sha256 if self.evidence else None,
            "drives": [
                {
                    "serial": d.serial,
                    "model": d.model,
                    "status": d.status,
                    "matched": d.matched,
                    "device": str(d.device.uid) if d.device else None,
                    "problem": d.problem,
                }
                for d in self.drives
            ],
            "moved": [{"device": str(dev.uid), "state": state} for dev, state in self.moved],
        }


def too_large(filename: str) -> "ImportResult":
    return ImportResult(
        filename=filename,
        error=f"{filename}: larger than {MAX_EVIDENCE_BYTES // 1024 // 1024} MB; "
        "upload the log files one by one.",
    )


def parse(data: bytes, filename: str):
    """Parse a file of evidence, or raise ValidationError with the parser's message."""
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"{filename}: larger than {MAX_EVIDENCE_BYTES // 1024 // 1024} MB.")
    if not data:
        raise ValidationError(f"{filename}: the file is empty.")
    try:
        return parse_evidence(data, filename)
    except ErasureParseError as error:
        raise ValidationError(f"{filename}: {error}") from error


def _aware(value: str | None) -> datetime.datetime | None:
    """Tools log the wiping machine's local time; read it in the service's time zone."""
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return moment


def _candidate_drives(organisation: Organisation, serials: list[str]) -> dict[str, list[Drive]]:
    devices = Device.objects.filter(custodian=organisation)
    found: dict[str, list[Drive]] = {}
    wanted = {s.strip().upper() for s in serials if s.strip()}
    if not wanted:
        return found
    for drive in Drive.objects.filter(device__in=devices, serial__in=_case_variants(wanted)):
        found.setdefault(drive.serial.strip().upper(), []).append(drive)
    # Serials differing only in case: a second, case-insensitive pass over the rest.
    missing = wanted - set(found)
    for serial in missing:
        for drive in Drive.objects.filter(device__in=devices, serial__iexact=serial):
            found.setdefault(serial, []).append(drive)
    return found


def _case_variants(serials: set[str]) -> list[str]:
    return sorted({v for s in serials for v in (s, s.lower())})


def import_evidence(
    data: bytes,
    filename: str,
    *,
    organisation: Organisation,
    actor,
    source: str = Source.UPLOAD,
    assign: dict[int, Device] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import one file. `assign` maps a drive's position in the file to a device the user chose.

    Returns an ImportResult; a file that cannot be parsed gives a result with `error` set and
    nothing stored.
    """
    result = ImportResult(filename=filename)
    try:
        report = parse(data, filename)
    except ValidationError as error:
        result.error = error.messages[0]
        return result
    result.report = report.to_json_dict()
    digest = sha256_hex(data)
    existing = EvidenceFile.objects.filter(organisation=organisation, sha256=digest).first()
    if existing is not None:
        result.duplicate_of = existing
        result.error = (
            f"{filename}: already imported on {timezone.localtime(existing.uploaded_at):%d %B %Y} "
            f"as {existing.filename}."
        )
        return result
    serials = [d.serial for d in report.drives if not d.serial_anonymised]
    candidates = _candidate_drives(organisation, serials)
    assign = assign or {}
    for index, reported in enumerate(report.drives):
        outcome = DriveOutcome(index, reported.serial, reported.model, reported.status)
        result.drives.append(outcome)
        key = reported.serial.strip().upper()
        if index in assign:
            outcome.device = assign[index]
        elif reported.serial_anonymised:
            outcome.problem = (
                "The log's serial numbers are anonymised (nwipe -q), so the drive cannot be "
                "matched; assign it to a device by hand. Anonymised evidence never counts as "
                "a verified erasure."
            )
        elif not key:
            outcome.problem = "The log gives no serial number for this drive."
        elif key not in candidates:
            outcome.problem = (
                f"No device your organisation holds has a drive with serial {reported.serial}."
            )
        elif len({d.device_id for d in candidates[key]}) > 1:
            outcome.problem = f"Several devices have a drive with serial {reported.serial}."
        else:
            outcome.drive = candidates[key][0]
            outcome.device = outcome.drive.device
    if dry_run:
        return result
    with transaction.atomic():
        _store(result, report, data, digest, organisation=organisation, actor=actor, source=source)
    return result


def _store(result, report, data, digest, *, organisation, actor, source):
    evidence = EvidenceFile.objects.create(
        organisation=organisation,
        filename=result.filename[:255],
        sha256=digest,
        content=data,
        size=len(data),
        tool=report.tool,
        tool_version=report.tool_version or "",
        parsed=result.report,
        source=source,
        uploaded_by=actor,
    )
    result.evidence = evidence
    matched = [d for d in result.drives if d.device is not None]
    _record(evidence, report, matched, organisation=organisation, actor=actor, result=result)


def _record(evidence, report, outcomes, *, organisation, actor, result):
    """Create erasure records for matched drives, then write each device's events."""
    if not outcomes:
        return
    devices = {d.pk: d for d in _lock({o.device.pk for o in outcomes})}
    touched: dict[int, list] = {}
    for outcome in outcomes:
        device = devices[outcome.device.pk]
        problem = _cannot_take_evidence(device, organisation)
        if problem:
            outcome.problem = problem
            outcome.drive = None
            continue
        reported = report.drives[outcome.index]
        drive = outcome.drive
        if drive is None and reported.serial_anonymised:
            # An anonymised serial names no drive: it can only be the device's single drive.
            data_bearing = [d for d in device.drives.all() if d.is_data_bearing]
            if len(data_bearing) != 1:
                outcome.problem = (
                    "Anonymised evidence cannot say which of this device's drives it covers; "
                    "it was not attached."
                )
                continue
            drive = data_bearing[0]
        if drive is None and reported.serial:
            wanted = reported.serial.strip().upper()
            drive = next(
                (d for d in device.drives.all() if d.serial.strip().upper() == wanted), None
            )
            if (
                drive is None
                and Drive.objects.filter(serial__iexact=reported.serial.strip())
                .exclude(device=device)
                .exists()
            ):
                outcome.problem = (
                    f"A drive with serial {reported.serial} belongs to another device; "
                    "it was not attached here."
                )
                continue
        if drive is None:
            drive = Drive.objects.create(
                device=device,
                serial=reported.serial[:120],
                model=reported.model[:120],
                size_bytes=reported.size_bytes,
            )
            if device.has_no_storage:
                device.has_no_storage = False
                Device.objects.filter(pk=device.pk).update(has_no_storage=False)
        outcome.drive = drive
        outcome.device = device
        method = reported.method or report.method or ""
        category, standard = classify_method(report.tool, method)
        record = ErasureRecord.objects.create(
            drive=drive,
            evidence=evidence,
            method=method[:120],
            nist_category=category or "",
            standard=(standard or "")[:120],
            tool=report.tool,
            tool_version=(report.tool_version or "")[:40],
            verification=(report.verify or "")[:60],
            verified=_verified(report, reported),
            rounds=report.rounds,
            started_at=_aware(reported.started_at or report.started_at),
            finished_at=_aware(reported.finished_at or report.finished_at),
            status=reported.status,
            pass_errors=reported.pass_errors,
            verify_errors=reported.verify_errors,
            sync_errors=reported.sync_errors,
            serial_anonymised=reported.serial_anonymised,
            reported_serial=reported.serial[:120],
            operator_name=(report.operator or "")[:120],
            operator=actor,
        )
        if not record.passes:
            outcome.problem = f"Evidence recorded, but it does not count: {record.problem()}."
        touched.setdefault(device.pk, []).append((drive, record))
    # Read the devices again (still locked, same transaction) so the guards see the new records.
    fresh = {d.pk: d for d in with_lifecycle_records(Device.objects.filter(pk__in=touched))}
    by_device = {}
    for device_id, items in touched.items():
        device = fresh[device_id]
        devices[device_id] = device
        by_device[device_id] = items
    events = []
    changed = []
    for device_id, items in by_device.items():
        device = devices[device_id]
        events.append(
            _evidence_event(device, evidence, items, actor=actor, organisation=organisation)
        )
        next_step = _next_transition(device)
        if next_step:
            events.append(
                _apply(
                    device,
                    next_step,
                    actor=actor,
                    organisation=organisation,
                    payload={"evidence": evidence.sha256},
                )
            )
            result.moved.append((device, device.state))
        changed.append(device)
    _save(changed, events)


def _verified(report, reported) -> bool:
    """Verified only when the tool says verification ran and nothing says it failed."""
    if reported.verified is False:
        return False
    return is_verification(report.verify or "")


def _cannot_take_evidence(device, organisation) -> str:
    """Evidence is recorded for devices in the holder's workshop, received and not yet erased."""
    if device.custodian_id != organisation.pk or device.in_transit_to_id:
        return f"{organisation} does not hold {device}."
    if device.state not in (State.RECEIVED, State.ERASURE_FAILED):
        return (
            f"{device} is {device.get_state_display().lower()}: evidence is recorded after a "
            "device is received and before it is erased."
        )
    return ""


def _next_transition(device) -> str | None:
    if device.state in (State.RECEIVED, State.ERASURE_FAILED) and not lifecycle.check(
        device, "erase"
    ):
        return "erase"
    if device.state == State.RECEIVED and not lifecycle.check(device, "fail_erasure"):
        return "fail_erasure"
    return None


def _evidence_event(device, evidence, items, *, actor, organisation):
    return record_fact(
        device,
        EventKind.EVIDENCE,
        {
            "evidence": {
                "sha256": evidence.sha256,
                "file": evidence.filename,
                "tool": evidence.tool,
            },
            "drives": [
                {
                    "serial": drive.serial,
                    "status": record.status,
                    "verified": record.verified,
                    "passes": record.passes,
                }
                for drive, record in items
            ],
        },
        actor=actor,
        organisation=organisation,
    )


@transaction.atomic
def evidence_assign(
    evidence: EvidenceFile, index: int, device: Device, *, organisation, actor
) -> DriveOutcome:
    """Attach one unmatched drive from a stored file to a device the technician picked."""
    report = parse(bytes(evidence.content), evidence.filename)
    if not 0 <= index < len(report.drives):
        raise ValidationError("That drive is not in the file.")
    if ErasureRecord.objects.filter(
        evidence=evidence, reported_serial=report.drives[index].serial
    ).exists():
        raise ValidationError("That drive's evidence is already attached to a device.")
    reported = report.drives[index]
    outcome = DriveOutcome(index, reported.serial, reported.model, reported.status, device=device)
    result = ImportResult(filename=evidence.filename, evidence=evidence, drives=[outcome])
    _record(evidence, report, [outcome], organisation=organisation, actor=actor, result=result)
    return outcome
