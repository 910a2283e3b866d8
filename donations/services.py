"""Writes for the donor journey: registrations, pledges, partner choice, collections, receipt
against the manifest, and the milestone emails donors receive.

Manifest import lives in `donations.manifests`.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from devices import services as device_services
from devices.lifecycle import HOLDS_DONOR_DATA, State
from devices.models import Device, DeviceType
from organisations.models import Membership, Organisation
from organisations.roles import Kind, Role
from organisations.services import organisation_create
from rehome.mail import queue_templated

from . import matching
from .models import (
    Batch,
    Collection,
    CollectionStatus,
    DonorRegistration,
    ManifestItem,
    PartnerChoice,
    Pledge,
    PledgeLine,
    PledgeStatus,
    RegistrationStatus,
)

DEVICE_TYPES = tuple(DeviceType.values)


def identifier_key(value: str) -> str:
    """An identifier as compared: upper case, without spaces or dashes (as
    `devices.models.identifier_key_expression` in the database)."""
    key = value.replace("-", "")
    if key.isalnum():  # most are, and this runs for every row of a manifest
        return key.upper()
    return "".join(key.split()).upper()


def _next_reference(model, prefix: str) -> str:
    year = timezone.localdate().year
    stem = f"{prefix}-{year}-"
    last = (
        model.objects.filter(reference__startswith=stem)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:04d}"


def _create_with_reference(model, prefix: str, **fields):
    """Create a row with the next free reference, trying again if another request took it."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return model.objects.create(reference=_next_reference(model, prefix), **fields)
        except IntegrityError:
            continue
    raise ValidationError("Could not allocate a reference; please try again.")


# ---------------------------------------------------------------------------------------------
# Registration: an organisation asks to donate; a coordinator approves it.


@transaction.atomic
def registration_submit(*, region, areas: Sequence, **fields) -> DonorRegistration:
    registration = DonorRegistration(region=region, **fields)
    registration.full_clean()
    if not areas:
        raise ValidationError({"areas": "Choose the areas your sites are in."})
    registration.save()
    registration.areas.set(areas)
    if region.contact_email:
        queue_templated(
            [region.contact_email],
            f"New donor registration: {registration.organisation_name}",
            "donations/email/registration_received.txt",
            {"registration": registration, "url": _url("donations:registrations")},
        )
    return registration


@transaction.atomic
def registration_approve(registration: DonorRegistration, *, actor) -> Organisation:
    """Create the donor organisation and invite the contact as its first admin."""
    from accounts.services import invitation_create

    registration = DonorRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError("This registration has already been decided.")
    existing = Organisation.objects.filter(
        region=registration.region, name__iexact=registration.organisation_name
    ).first()
    if existing and not existing.is_donor:
        existing.is_donor = True
        existing.save(update_fields=["is_donor"])
    organisation = existing or organisation_create(
        region=registration.region,
        name=registration.organisation_name,
        kinds=[Kind.DONOR],
        areas_served=list(registration.areas.all()),
        org_identifier=registration.org_identifier,
        contact_email=registration.contact_email,
        contact_phone=registration.contact_phone,
    )
    invitation_create(
        organisation=organisation,
        email=registration.contact_email,
        role=Role.DONOR_CONTACT,
        is_admin=True,
        invited_by=actor,
    )
    registration.status = RegistrationStatus.APPROVED
    registration.decided_by = actor
    registration.decided_at = timezone.now()
    registration.organisation = organisation
    registration.save()
    return organisation


@transaction.atomic
def registration_decline(registration: DonorRegistration, *, actor, note: str) -> None:
    registration = DonorRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError("This registration has already been decided.")
    if not note.strip():
        raise ValidationError({"note": "Say why, so the organisation knows what to do next."})
    registration.status = RegistrationStatus.DECLINED
    registration.decided_by = actor
    registration.decided_at = timezone.now()
    registration.decision_note = note.strip()
    registration.save()
    queue_templated(
        [registration.contact_email],
        "Your registration to donate devices",
        "donations/email/registration_declined.txt",
        {"registration": registration},
    )


# ---------------------------------------------------------------------------------------------
# Pledges and batches.


@transaction.atomic
def pledge_create(
    *,
    donor: Organisation,
    actor,
    area,
    sites: str,
    earliest_collection: datetime.date,
    counts: dict[str, int],
    sensitivity: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    notes: str = "",
    donor_reference: str = "",
) -> Pledge:
    """A pledge and its first batch (collected from the first site)."""
    if not donor.is_donor:
        raise ValidationError(f"{donor} is not a donor organisation.")
    if area.region_id != donor.region_id:
        raise ValidationError({"area": f"{area} is not in {donor.region}."})
    if earliest_collection < timezone.localdate():
        raise ValidationError({"earliest_collection": "Choose today or a later date."})
    counts = {kind: n for kind, n in counts.items() if n}
    unknown = set(counts) - set(DEVICE_TYPES)
    if unknown:
        raise ValidationError(f"Unknown device types: {', '.join(sorted(unknown))}.")
    if not counts:
        raise ValidationError({"counts": "Say how many devices of at least one type you expect."})
    if any(n < 0 for n in counts.values()):
        raise ValidationError({"counts": "Counts cannot be negative."})
    pledge = Pledge(
        region=donor.region,
        donor=donor,
        area=area,
        sites=sites,
        earliest_collection=earliest_collection,
        sensitivity=sensitivity,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        notes=notes,
        created_by=actor,
        reference="P-pending",
    )
    pledge.full_clean(exclude=["reference"])
    if not pledge.site_list:
        raise ValidationError({"sites": "Give at least one site to collect from."})
    fields = {f.name: getattr(pledge, f.name) for f in Pledge._meta.concrete_fields}
    for name in ("id", "reference"):
        fields.pop(name)
    pledge = _create_with_reference(Pledge, "P", **fields)
    PledgeLine.objects.bulk_create(
        [PledgeLine(pledge=pledge, device_type=kind, count=n) for kind, n in counts.items()]
    )
    batch_add(pledge, site=pledge.site_list[0], donor_reference=donor_reference)
    return pledge


def batch_add(pledge: Pledge, *, site: str, donor_reference: str = "") -> Batch:
    if pledge.status != PledgeStatus.OPEN:
        raise ValidationError("This pledge has been withdrawn.")
    return _create_with_reference(
        Batch,
        "B",
        region=pledge.region,
        donor=pledge.donor,
        pledge=pledge,
        area=pledge.area,
        site=site,
        donor_reference=donor_reference,
    )


@transaction.atomic
def pledge_withdraw(pledge: Pledge, *, actor, reason: str) -> Pledge:
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if Device.objects.filter(batch__pledge=pledge).exists():
        raise ValidationError(
            "Devices from this pledge have been received; it cannot be withdrawn."
        )
    Collection.objects.filter(batch__pledge=pledge).live().exclude(
        status=CollectionStatus.COLLECTED
    ).update(status=CollectionStatus.CANCELLED, cancelled_reason=f"Pledge withdrawn: {reason}")
    pledge.status = PledgeStatus.WITHDRAWN
    pledge.notes = (pledge.notes + f"\nWithdrawn: {reason}").strip()
    pledge.save(update_fields=["status", "notes"])
    return pledge


# ---------------------------------------------------------------------------------------------
# The partner for a batch.


def _lock_batch(batch: Batch) -> Batch:
    return (
        Batch.objects.select_for_update(of=("self",))
        .select_related("pledge", "area")
        .get(pk=batch.pk)
    )


@transaction.atomic
def partner_choose(
    batch: Batch, partner: Organisation, *, reason: str, collection_date: datetime.date, actor
) -> PartnerChoice:
    """Assign the partner who will collect and process the batch, recording why.

    Only a partner that serves the batch's area and holds every accreditation the batch's data
    needs, valid on the collection date, can be chosen.
    """
    batch = _lock_batch(batch)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this partner was chosen."})
    if Device.objects.filter(batch=batch).exclude(state=State.PLEDGED).exists():
        raise ValidationError("Devices of this batch have been received: its partner is settled.")
    if batch.collections.live().exclude(status=CollectionStatus.REQUESTED).exists():
        raise ValidationError("Cancel the confirmed collection before changing partner.")
    eligibility = {e.partner.pk: e for e in matching.partners_for(batch, collection_date)}
    chosen = eligibility.get(partner.pk)
    if chosen is None or not chosen.eligible:
        why = " ".join(chosen.reasons) if chosen else f"{partner} is not a partner in the region."
        raise ValidationError({"partner": f"{partner} cannot take this batch: {why}"})
    choice = PartnerChoice.objects.create(
        batch=batch,
        partner=partner,
        reason=reason.strip(),
        collection_date=collection_date,
        eligible=[e.partner.name for e in eligibility.values() if e.eligible],
        chosen_by=actor,
    )
    batch.partner = partner
    batch.partner_reason = reason.strip()
    batch.partner_chosen_by = actor
    batch.partner_chosen_at = choice.chosen_at
    batch.save(
        update_fields=["partner", "partner_reason", "partner_chosen_by", "partner_chosen_at"]
    )
    # A collection requested from the previous partner is withdrawn with it.
    batch.collections.filter(status=CollectionStatus.REQUESTED).exclude(partner=partner).update(
        status=CollectionStatus.CANCELLED, cancelled_reason="Another partner was chosen."
    )
    Device.objects.filter(batch=batch, state=State.PLEDGED).update(partner=partner)
    return choice


# ---------------------------------------------------------------------------------------------
# Collections.


@transaction.atomic
def collection_book(batch: Batch, *, date: datetime.date, site: str, actor) -> Collection:
    batch = _lock_batch(batch)
    if batch.partner_id is None:
        raise ValidationError("Choose the partner before booking a collection.")
    if batch.pledge_id and batch.pledge.status != PledgeStatus.OPEN:
        raise ValidationError("This pledge has been withdrawn.")
    if date < timezone.localdate():
        raise ValidationError({"date": "Choose today or a later date."})
    if batch.pledge_id and date < batch.pledge.earliest_collection:
        raise ValidationError(
            {"date": f"The devices are available from {batch.pledge.earliest_collection:%d %B %Y}."}
        )
    if not site.strip():
        raise ValidationError({"site": "Say where the devices are collected from."})
    eligibility = matching.assess(batch.partner, batch, date)
    if not eligibility.eligible:
        raise ValidationError(
            {
                "date": f"{batch.partner} cannot collect on that date: {' '.join(eligibility.reasons)}"
            }
        )
    if batch.collections.live().exists():
        raise ValidationError("This batch already has a collection booked; cancel it first.")
    return Collection.objects.create(
        batch=batch, partner=batch.partner, date=date, site=site.strip(), requested_by=actor
    )


def _lock_collection(collection: Collection) -> Collection:
    return (
        Collection.objects.select_for_update(of=("self",))
        .select_related("batch", "batch__pledge", "partner")
        .get(pk=collection.pk)
    )


@transaction.atomic
def collection_confirm(collection: Collection, *, actor, organisation) -> Collection:
    """The partner accepts the collection; the donor is told."""
    collection = _lock_collection(collection)
    if organisation.pk != collection.partner_id:
        raise ValidationError("Only the collecting partner can confirm a collection.")
    if collection.status != CollectionStatus.REQUESTED:
        raise ValidationError(f"This collection is {collection.get_status_display().lower()}.")
    eligibility = matching.assess(collection.partner, collection.batch, collection.date)
    if not eligibility.eligible:
        raise ValidationError(
            "Your accreditations do not cover this collection on its date: "
            + " ".join(eligibility.reasons)
        )
    collection.status = CollectionStatus.CONFIRMED
    collection.confirmed_by = actor
    collection.confirmed_at = timezone.now()
    collection.save()
    _tell_donor(
        collection.batch,
        f"Collection confirmed: {collection.batch.reference} on {collection.date:%d %B %Y}",
        "donations/email/collection_confirmed.txt",
        {"collection": collection},
    )
    return collection


@transaction.atomic
def collection_collected(collection: Collection, *, actor, organisation) -> Collection:
    collection = _lock_collection(collection)
    if organisation.pk != collection.partner_id:
        raise ValidationError("Only the collecting partner can record the collection.")
    if collection.status != CollectionStatus.CONFIRMED:
        raise ValidationError("Confirm the collection before recording it as collected.")
    collection.status = CollectionStatus.COLLECTED
    collection.collected_at = timezone.now()
    collection.save()
    return collection


@transaction.atomic
def collection_cancel(collection: Collection, *, actor, organisation, reason: str) -> Collection:
    collection = _lock_collection(collection)
    batch = collection.batch
    allowed = organisation.pk in (collection.partner_id, batch.donor_id) or (
        organisation.is_regional_body and organisation.region_id == batch.region_id
    )
    if not allowed:
        raise ValidationError("Only the donor, the partner or the coordinator can cancel it.")
    if collection.status in (CollectionStatus.COLLECTED, CollectionStatus.CANCELLED):
        raise ValidationError(f"This collection is {collection.get_status_display().lower()}.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the collection is cancelled."})
    collection.status = CollectionStatus.CANCELLED
    collection.cancelled_reason = reason.strip()
    collection.save()
    return collection


# ---------------------------------------------------------------------------------------------
# Receipt against the manifest.


OUTCOME_LABELS = {
    "received": "Received",
    "already": "Already received",
    "unexpected": "Not on the manifest",
    "registered_unexpected": "Registered, not on the manifest",
    "refused": "Refused",
}


@dataclass
class ScanOutcome:
    identifier: str
    outcome: str  # a key of OUTCOME_LABELS
    message: str
    device: Device | None = None

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class ReceiptReport:
    outcomes: list[ScanOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)


def _receiving_problems(batch: Batch, organisation) -> list[str]:
    problems = []
    if batch.partner_id != organisation.pk:
        problems.append("Only the batch's partner receives its devices.")
    if not batch.collections.filter(
        status__in=[CollectionStatus.CONFIRMED, CollectionStatus.COLLECTED]
    ).exists():
        problems.append("The batch has no confirmed collection yet.")
    if batch.receiving_closed_at:
        problems.append("Receiving was closed; reopen it to scan more devices.")
    return problems


@transaction.atomic
def receive_scan(
    batch: Batch,
    identifiers: Iterable[str],
    *,
    actor,
    organisation,
    unexpected_type: str | None = None,
) -> ReceiptReport:
    """Receive scanned devices into the partner's workshop, matching them to the manifest.

    An identifier on the manifest registers its device as received. A pledged device of the
    batch is received. Anything else is unexpected: it is registered (as `unexpected_type`)
    only when that type is given, so a mistyped scan never creates a device.
    """
    batch = _lock_batch(batch)
    problems = _receiving_problems(batch, organisation)
    if problems:
        raise ValidationError(problems)
    if unexpected_type is not None and unexpected_type not in DEVICE_TYPES:
        raise ValidationError({"unexpected_type": "Choose a device type."})
    collection = batch.collections.filter(
        status__in=[CollectionStatus.CONFIRMED, CollectionStatus.COLLECTED]
    ).first()
    if collection.status == CollectionStatus.CONFIRMED:
        collection.status = CollectionStatus.COLLECTED
        collection.collected_at = timezone.now()
        collection.save(update_fields=["status", "collected_at"])
    report = ReceiptReport()
    seen: set[str] = set()
    for raw in identifiers:
        key = identifier_key(raw)
        if not key or key in seen:
            continue
        seen.add(key)
        report.outcomes.append(
            _receive_one(batch, raw.strip(), key, actor, organisation, unexpected_type)
        )
    return report


def _item_for(batch: Batch, key: str) -> ManifestItem | None:
    return (
        ManifestItem.objects.filter(batch=batch)
        .filter(Q(serial_key=key) | Q(asset_tag_key=key) | Q(imei=key))
        .select_related("device")
        .order_by("row")
        .first()
    )


def _batch_device(batch: Batch, key: str) -> Device | None:
    candidates = Device.objects.filter(batch=batch).filter(
        Q(serial_number__iexact=key) | Q(asset_tag__iexact=key) | Q(imei=key)
    )
    return candidates.order_by("pk").first()


def _receive_one(batch, raw, key, actor, organisation, unexpected_type) -> ScanOutcome:
    item = _item_for(batch, key)
    if item is not None and item.device_id:
        return ScanOutcome(
            raw, "already", f"Already received (manifest row {item.row}).", item.device
        )
    device = _batch_device(batch, key)
    if device is not None and device.state != State.PLEDGED:
        return ScanOutcome(raw, "already", "Already received.", device)
    if device is not None:
        try:
            device = device_services.device_transition(
                device, "receive", actor=actor, organisation=organisation
            )
        except device_services.TransitionRefused as refused:
            return ScanOutcome(raw, "refused", " ".join(refused.reasons), device)
        if item is not None:
            ManifestItem.objects.filter(pk=item.pk).update(device=device)
        return ScanOutcome(raw, "received", "Received.", device)
    if item is not None:
        device = device_services.device_register(
            region=batch.region,
            device_type=item.device_type,
            actor=actor,
            organisation=organisation,
            donor=batch.donor,
            batch=batch,
            area_of_origin=batch.area,
            state=State.RECEIVED,
            make=item.make,
            model=item.model,
            serial_number=item.serial_number,
            imei=item.imei,
            asset_tag=item.asset_tag,
            cpu=item.cpu,
            ram_gb=item.ram_gb,
            storage_gb=item.storage_gb,
            year=item.year,
            screen_inches=item.screen_inches,
        )
        ManifestItem.objects.filter(pk=item.pk).update(device=device)
        return ScanOutcome(raw, "received", f"Received (manifest row {item.row}).", device)
    if unexpected_type is None:
        return ScanOutcome(raw, "unexpected", "Not on the manifest.")
    is_imei = key.isdigit() and len(key) in (14, 15)
    device = device_services.device_register(
        region=batch.region,
        device_type=unexpected_type,
        actor=actor,
        organisation=organisation,
        donor=batch.donor,
        batch=batch,
        area_of_origin=batch.area,
        state=State.RECEIVED,
        imei=key if is_imei else "",
        serial_number="" if is_imei else raw,
    )
    return ScanOutcome(
        raw, "registered_unexpected", "Not on the manifest: registered as unexpected.", device
    )


@transaction.atomic
def receiving_close(batch: Batch, *, actor, organisation) -> Batch:
    """The partner has scanned everything that arrived: the reconciliation is final."""
    batch = _lock_batch(batch)
    if batch.partner_id != organisation.pk:
        raise ValidationError("Only the batch's partner closes receiving.")
    if batch.receiving_closed_at:
        raise ValidationError("Receiving is already closed.")
    if not Device.objects.filter(batch=batch).exclude(state=State.PLEDGED).exists():
        raise ValidationError("Nothing has been received yet.")
    batch.receiving_closed_at = timezone.now()
    batch.receiving_closed_by = actor
    batch.save(update_fields=["receiving_closed_at", "receiving_closed_by"])
    summary = reconciliation(batch)
    _tell_donor(
        batch,
        f"Batch received: {batch.reference}",
        "donations/email/batch_received.txt",
        {"summary": summary},
    )
    transaction.on_commit(lambda: certificate_ready_check([batch.pk]))
    return batch


@transaction.atomic
def receiving_reopen(batch: Batch, *, actor, organisation) -> Batch:
    batch = _lock_batch(batch)
    if batch.partner_id != organisation.pk:
        raise ValidationError("Only the batch's partner reopens receiving.")
    if batch.certificate_ready_at:
        raise ValidationError("The batch's certificate has been issued; receiving stays closed.")
    batch.receiving_closed_at = None
    batch.receiving_closed_by = None
    batch.save(update_fields=["receiving_closed_at", "receiving_closed_by"])
    return batch


@dataclass
class Reconciliation:
    batch: Batch
    expected: int
    received: list  # ManifestItems with their devices
    missing: list  # ManifestItems not received
    unexpected: list  # Devices of the batch on no manifest row
    closed: bool

    @property
    def discrepancies(self) -> int:
        return len(self.missing) + len(self.unexpected)


def reconciliation(batch: Batch) -> Reconciliation:
    items = list(ManifestItem.objects.filter(batch=batch).select_related("device").order_by("row"))
    received = [i for i in items if i.device_id]
    missing = [i for i in items if not i.device_id]
    unexpected = list(
        Device.objects.filter(batch=batch, manifest_item__isnull=True)
        .exclude(state=State.PLEDGED)
        .order_by("pk")
    )
    return Reconciliation(
        batch=batch,
        expected=len(items),
        received=received,
        missing=missing,
        unexpected=unexpected,
        closed=batch.receiving_closed_at is not None,
    )


# ---------------------------------------------------------------------------------------------
# Milestone emails.


def certificate_ready_check(batch_ids: Iterable[int]) -> list[Batch]:
    """Tell donors whose batch has no device still holding its data that the certificate is ready."""
    ready = []
    for batch in Batch.objects.filter(
        pk__in=list(batch_ids), receiving_closed_at__isnull=False, certificate_ready_at__isnull=True
    ):
        with transaction.atomic():
            batch = _lock_batch(batch)
            if batch.certificate_ready_at:
                continue
            if Device.objects.filter(batch=batch, state__in=HOLDS_DONOR_DATA).exists():
                continue
            batch.certificate_ready_at = timezone.now()
            batch.save(update_fields=["certificate_ready_at"])
            _tell_donor(
                batch,
                f"Data-destruction certificate ready: {batch.reference}",
                "donations/email/certificate_ready.txt",
                {"url": _url("donations:certificate", batch.reference)},
            )
            ready.append(batch)
    return ready


def donor_recipients(batch: Batch) -> list[str]:
    emails = set(
        Membership.objects.filter(
            organisation_id=batch.donor_id, role=Role.DONOR_CONTACT
        ).values_list("user__email", flat=True)
    )
    if batch.pledge_id and batch.pledge.contact_email:
        emails.add(batch.pledge.contact_email)
    return sorted(e.lower() for e in emails if e)


def _tell_donor(batch: Batch, subject: str, template: str, context: dict) -> None:
    recipients = donor_recipients(batch)
    if recipients:
        context = {
            "batch": batch,
            "batch_url": _url("donations:detail", batch.reference),
            **context,
        }
        queue_templated(recipients, subject, template, context)


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)
