"""The data-destruction certificate of one donor batch: what was sanitised, how, and the proof.

`certificate_for()` reads everything the certificate states in a fixed handful of queries,
however many devices the batch holds, and returns plain data that the web page and the PDF
both render. It is truthful by construction: a device is listed as erased only when every
data-bearing drive has passing evidence (or was physically destroyed) and the device is past
the states in which it may still hold the donor's data; every other device is listed apart,
with the reason.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from custody.ledger import checkpoint_covering, latest_checkpoint
from custody.models import Checkpoint, CustodyEvent
from devices.lifecycle import State
from devices.models import Device, Drive
from donations.models import Batch
from erasure.models import ErasureRecord, NistCategory
from organisations.models import Accreditation, Organisation

NUMBER_PREFIX = "RH-CERT-"

# Why a device is not in the erased table (the headings of the second table).
RECYCLED_MEDIA_DESTROYED = "Recycled, storage destroyed"
RECYCLED = "Recycled"
LOST = "Lost"
ERASURE_FAILED = "Erasure failed"
AWAITING_ERASURE = "Awaiting erasure"
NO_STORAGE = "No data-bearing storage"
EVIDENCE_INCOMPLETE = "Evidence incomplete"

_REASON_ORDER = (
    ERASURE_FAILED,
    EVIDENCE_INCOMPLETE,
    AWAITING_ERASURE,
    RECYCLED_MEDIA_DESTROYED,
    RECYCLED,
    LOST,
    NO_STORAGE,
)

NOT_RECEIVED_DETAIL = "Not yet received by the partner."
RECEIVED_DETAIL = "Received by the partner; its erasure is not yet recorded."
NO_CHECKPOINT = "No custody checkpoint covers the events of this batch yet."

# A device in one of these states may still hold the donor's data, whatever its drives say.
_NOT_ATTESTED = frozenset({State.PLEDGED, State.RECEIVED, State.ERASURE_FAILED})


@dataclass(frozen=True)
class DriveSanitisation:
    """One data-bearing drive of an erased device: its passing erasure, or its destruction."""

    drive: Drive
    erasure: ErasureRecord | None  # None when the drive was physically destroyed

    @property
    def standard(self) -> str:
        if self.erasure is None:
            return f"Physical destruction (NIST SP 800-88 {NistCategory.DESTROY.label})"
        return standard_label(self.erasure)

    @property
    def size(self) -> str:
        """The capacity in decimal units, as drive makers label it."""
        size = self.drive.size_bytes
        if not size:
            return ""
        for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
            if size >= scale:
                return f"{size / scale:.3g} {unit}"
        return f"{size} bytes"

    @property
    def operator(self) -> str:
        if self.erasure is None:
            return str(self.drive.destroyed_by or "")
        # The operator the tool's report names; else the technician who imported it.
        return str(self.erasure.operator_name or self.erasure.operator or "")


@dataclass(frozen=True)
class ErasedDevice:
    device: Device
    drives: list[DriveSanitisation]
    destination: str  # reuse, recycling or lost, as NIST's sample certificate asks


@dataclass(frozen=True)
class ExcludedDevice:
    device: Device
    reason: str
    detail: str


@dataclass(frozen=True)
class Certificate:
    number: str
    issued_at: datetime.datetime
    batch: Batch
    donor: Organisation
    partner: Organisation | None
    accreditations: list[Accreditation]
    standards: list[str]
    erased: list[ErasedDevice]
    excluded: list[ExcludedDevice]
    events: int
    last_event_at: datetime.datetime | None
    checkpoint: Checkpoint | None
    last_checkpoint: Checkpoint | None

    @property
    def devices(self) -> int:
        return len(self.erased) + len(self.excluded)


def certificate_number(batch: Batch) -> str:
    return f"{NUMBER_PREFIX}{batch.reference}"


def standard_label(erasure: ErasureRecord) -> str:
    """The standard a record meets, with its NIST SP 800-88 category when that adds anything."""
    category = (
        f"NIST SP 800-88 {erasure.get_nist_category_display()}" if erasure.nist_category else ""
    )
    standard = erasure.standard or erasure.method
    if not category or standard == category:
        return standard or category
    return f"{standard} ({category})"


def certificate_for(batch: Batch, *, at: datetime.datetime | None = None) -> Certificate:
    """The certificate of `batch` from its records as they are now, issued at `at` (default now)."""
    accreditations = (
        list(Accreditation.objects.filter(organisation=batch.partner).order_by("scheme"))
        if batch.partner_id
        else []
    )
    devices = (
        Device.objects.filter(batch=batch)
        .select_related("recycling")
        .prefetch_related(
            Prefetch(
                "drives",
                queryset=Drive.objects.select_related("destroyed_by").prefetch_related(
                    Prefetch(
                        "erasures",
                        queryset=ErasureRecord.objects.select_related("evidence", "operator").defer(
                            "evidence__content", "evidence__parsed"
                        ),
                    )
                ),
            )
        )
        .order_by("asset_tag", "serial_number", "pk")
    )
    erased: list[ErasedDevice] = []
    excluded: list[ExcludedDevice] = []
    for device in devices:
        entry = _classify(device)
        (erased if isinstance(entry, ErasedDevice) else excluded).append(entry)
    events = list(CustodyEvent.objects.filter(device__batch=batch).only("pk", "occurred_at"))
    checkpoint = checkpoint_covering(events)
    return Certificate(
        number=certificate_number(batch),
        issued_at=at or timezone.now(),
        batch=batch,
        donor=batch.donor,
        partner=batch.partner,
        accreditations=accreditations,
        standards=sorted({d.standard for entry in erased for d in entry.drives}),
        erased=erased,
        excluded=sorted(excluded, key=lambda entry: _REASON_ORDER.index(entry.reason)),
        events=len(events),
        last_event_at=max((e.occurred_at for e in events), default=None),
        checkpoint=checkpoint,
        last_checkpoint=checkpoint or latest_checkpoint(),
    )


def _classify(device: Device) -> ErasedDevice | ExcludedDevice:
    drives = [d for d in device.drives.all() if d.is_data_bearing]
    recycling = getattr(device, "recycling", None)
    if (
        drives
        and device.state not in _NOT_ATTESTED
        and all(drive.is_sanitised() for drive in drives)
    ):
        return ErasedDevice(
            device=device,
            drives=[
                DriveSanitisation(d, None if d.is_destroyed else d.latest_erasure()) for d in drives
            ],
            destination=_destination(device, recycling),
        )
    reason, detail = _why_not_erased(device, drives, recycling)
    return ExcludedDevice(device=device, reason=reason, detail=detail)


def _recycled_by(recycling) -> str:
    if recycling is None:
        return "No recycling record."
    return f"{recycling.recycler}, waste transfer note {recycling.reference}."


def _destination(device: Device, recycling) -> str:
    if device.state == State.RECYCLED:
        return f"Recycling: {_recycled_by(recycling)}"
    if device.state == State.LOST:
        return "Lost after its erasure."
    return "Reuse."


def _why_not_erased(device: Device, drives: list[Drive], recycling) -> tuple[str, str]:
    if device.state == State.RECYCLED:
        if recycling is not None and recycling.media_destroyed:
            return RECYCLED_MEDIA_DESTROYED, _recycled_by(recycling)
        return RECYCLED, _recycled_by(recycling)
    if device.state == State.LOST:
        return LOST, "Written off as lost before an erasure of all its storage was verified."
    if device.state == State.PLEDGED:
        return AWAITING_ERASURE, NOT_RECEIVED_DETAIL
    if not drives:
        if device.has_no_storage:
            return NO_STORAGE, "The partner recorded that the device holds no storage."
        return EVIDENCE_INCOMPLETE, "No drives are recorded for this device."
    failed = [d for d in drives if d.latest_erasure_failed()]
    if failed:
        return ERASURE_FAILED, _problems(failed)
    unsanitised = [d for d in drives if not d.is_sanitised()]
    # Evidence that exists but does not count (anonymised serials, unverified) is said so.
    has_evidence = any(d.latest_erasure() is not None for d in unsanitised)
    if not unsanitised or (device.state == State.RECEIVED and not has_evidence):
        return AWAITING_ERASURE, RECEIVED_DETAIL
    return EVIDENCE_INCOMPLETE, _problems(unsanitised)


def _problems(drives: list[Drive]) -> str:
    return " ".join(f"{d}: {d.sanitisation_problem()}." for d in drives)
