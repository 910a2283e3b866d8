"""Changing the directory: an organisation proposes an entry or a change to one, the coordinator
approves it (it goes live) or rejects it with a reason (the organisation is told why); anyone
responsible for an entry can confirm it is still correct, or withdraw it.

The published Service is never edited in place by a proposal: the proposal waits as a
ServiceRevision, so the public sees the live version until the coordinator approves.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation
from organisations.roles import Role
from regions.models import Area, Region
from rehome.mail import member_emails, queue_templated

from .models import (
    Audience,
    RevisionStatus,
    Service,
    ServiceAudience,
    ServiceKind,
    ServiceRevision,
    ServiceStatus,
)

NOT_PENDING = "This change has already been decided."
REASON_NEEDED = "Say why the change is not approved, so the organisation can put it right."
NEEDS_CONTACT = (
    "Give at least one way to get in touch: an e-mail address, a phone number or a website."
)
NEEDS_AREA = "Choose at least one area the entry serves."
UNKNOWN_AREAS = "These areas are not in the region: {codes}."
NOT_YOURS = "Only the entry's organisation or the coordinator can change it."


@dataclass
class Entry:
    """Everything an organisation says about one directory entry: what a proposal holds."""

    name: str
    kind: str
    description: str
    area_codes: list[str]
    audiences: list[str] = field(default_factory=list)
    eligibility: str = ""
    how_to_access: str = ""
    opening_times: str = ""
    address: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""

    LABELS = {
        "name": "Name",
        "kind": "Type of service",
        "description": "Description",
        "area_codes": "Areas served",
        "audiences": "Who it is for",
        "eligibility": "Eligibility",
        "how_to_access": "How to get referred or join",
        "opening_times": "Opening times",
        "address": "Where",
        "contact_email": "E-mail",
        "contact_phone": "Phone",
        "website": "Website",
    }

    @classmethod
    def of(cls, service: Service) -> "Entry":
        return cls(
            name=service.name,
            kind=service.kind,
            description=service.description,
            area_codes=sorted(a.code for a in service.areas.all()),
            audiences=sorted(service.audience_values),
            eligibility=service.eligibility,
            how_to_access=service.how_to_access,
            opening_times=service.opening_times,
            address=service.address,
            contact_email=service.contact_email,
            contact_phone=service.contact_phone,
            website=service.website,
        )

    @classmethod
    def from_data(cls, data: dict) -> "Entry":
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    def data(self) -> dict:
        return asdict(self)

    def shown(self, name: str, areas: dict[str, str]) -> str:
        """A field as a person reads it: labels for choices, area names for codes."""
        value = getattr(self, name)
        if name == "kind":
            return ServiceKind(value).label if value in ServiceKind.values else value
        if name == "area_codes":
            return ", ".join(sorted(areas.get(code, code) for code in value))
        if name == "audiences":
            return ", ".join(Audience(v).label for v in value if v in Audience.values)
        return value


@dataclass(frozen=True)
class Change:
    label: str
    live: str
    proposed: str


def changes(revision: ServiceRevision) -> list[Change]:
    """What a proposal would change, field by field (every filled field for a new entry)."""
    proposed = Entry.from_data(revision.data)
    live = Entry.of(revision.service) if revision.service_id else None
    areas = dict(Area.objects.filter(region_id=revision.region_id).values_list("code", "name"))
    rows = []
    for name, label in Entry.LABELS.items():
        after = proposed.shown(name, areas)
        before = live.shown(name, areas) if live else ""
        if after != before:
            rows.append(Change(label, before, after))
    return rows


def _clean(entry: Entry, region: Region) -> tuple[Entry, list[Area]]:
    """The entry with text trimmed and the areas it names, or a ValidationError naming every
    problem by field. The form checks each field's shape; these are the directory's rules."""
    errors: dict[str, list[str]] = {}
    for name in ("name", "description", "eligibility", "how_to_access", "opening_times"):
        setattr(entry, name, (getattr(entry, name) or "").strip())
    for name in ("address", "contact_email", "contact_phone", "website"):
        setattr(entry, name, (getattr(entry, name) or "").strip())
    if not entry.name:
        errors.setdefault("name", []).append("Enter the entry's name.")
    if not entry.description:
        errors.setdefault("description", []).append("Describe what the entry offers.")
    if entry.kind not in ServiceKind.values:
        errors.setdefault("kind", []).append("Choose the type of service.")
    unknown = [a for a in entry.audiences if a not in Audience.values]
    if unknown:
        errors.setdefault("audiences", []).append(f"Unknown audiences: {', '.join(unknown)}.")
    codes = sorted(set(entry.area_codes))
    areas = list(Area.objects.filter(region=region, code__in=codes).order_by("name"))
    missing = sorted(set(codes) - {a.code for a in areas})
    if missing:
        errors.setdefault("areas", []).append(UNKNOWN_AREAS.format(codes=", ".join(missing)))
    elif not codes:
        errors.setdefault("areas", []).append(NEEDS_AREA)
    if not (entry.contact_email or entry.contact_phone or entry.website):
        errors.setdefault("contact_email", []).append(NEEDS_CONTACT)
    if errors:
        raise ValidationError(errors)
    entry.area_codes = codes
    entry.audiences = sorted(set(entry.audiences))
    return entry, areas


@transaction.atomic
def service_propose(
    *,
    organisation: Organisation,
    actor,
    entry: Entry,
    service: Service | None = None,
) -> ServiceRevision:
    """Propose a new entry for `organisation` (no `service`) or a change to `service`.

    Nothing public changes: the proposal waits for the coordinator. A newer proposal for the same
    entry replaces one still waiting. Raises ValidationError naming every problem by field, or
    when the organisation does not own the entry and is not the region's coordinator.
    """
    region = organisation.region
    entry, _ = _clean(entry, region)
    owner = organisation
    if service is not None:
        # Locks the entry so two proposals at once cannot both be left waiting.
        service = Service.objects.select_for_update().get(pk=service.pk)
        coordinates = organisation.is_regional_body and service.region_id == region.pk
        if service.organisation_id != organisation.pk and not coordinates:
            raise ValidationError(NOT_YOURS)
        owner = service.organisation or organisation
        ServiceRevision.objects.pending().filter(service=service).update(
            status=RevisionStatus.SUPERSEDED, decided_at=timezone.now()
        )
    return ServiceRevision.objects.create(
        region=region, service=service, organisation=owner, data=entry.data(), proposed_by=actor
    )


def _lock_pending(revision: ServiceRevision) -> ServiceRevision:
    # Locks the proposal so two coordinators deciding at once cannot both apply it.
    locked = ServiceRevision.objects.select_for_update().get(pk=revision.pk)
    if locked.status != RevisionStatus.PENDING:
        raise ValidationError(NOT_PENDING)
    return locked


def _apply(service: Service, entry: Entry, areas: list[Area], now: datetime.datetime) -> None:
    for name in (
        "name",
        "kind",
        "description",
        "eligibility",
        "how_to_access",
        "opening_times",
        "address",
        "contact_email",
        "contact_phone",
        "website",
    ):
        setattr(service, name, getattr(entry, name))
    service.status = ServiceStatus.PUBLISHED
    service.reviewed_at = now
    service.save()
    service.areas.set(areas)
    service.audiences.exclude(audience__in=entry.audiences).delete()
    have = set(service.audiences.values_list("audience", flat=True))
    ServiceAudience.objects.bulk_create(
        [ServiceAudience(service=service, audience=a) for a in entry.audiences if a not in have]
    )


@transaction.atomic
def revision_approve(revision: ServiceRevision, *, actor) -> Service:
    """Publish the proposal: create the entry, or copy the change onto the live one, marked as
    reviewed now. The rules are checked again, since areas may have changed since it was made."""
    revision = _lock_pending(revision)
    entry, areas = _clean(Entry.from_data(revision.data), revision.region)
    now = timezone.now()
    if revision.service_id is None:
        service = Service(region=revision.region, organisation=revision.organisation)
    else:
        service = Service.objects.select_for_update().get(pk=revision.service_id)
    _apply(service, entry, areas, now)
    revision.service = service
    revision.status = RevisionStatus.APPROVED
    revision.decided_by, revision.decided_at = actor, now
    revision.save()
    return service


@transaction.atomic
def revision_reject(revision: ServiceRevision, *, actor, reason: str) -> ServiceRevision:
    """Turn the proposal down with a reason, which is e-mailed to the organisation's members.
    The live entry, if any, stays as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_NEEDED]})
    revision = _lock_pending(revision)
    revision.status = RevisionStatus.REJECTED
    revision.decided_by, revision.decided_at = actor, timezone.now()
    revision.reason = reason
    revision.save()
    queue_templated(
        _member_emails(revision.organisation_id),
        f"Your directory change was not approved: {revision}",
        "directory/email/rejected.txt",
        {"revision": revision},
    )
    return revision


def _member_emails(organisation_id: int) -> list[str]:
    return sorted({e for role in Role.values for e in member_emails(organisation_id, role)})


@transaction.atomic
def service_confirm(service: Service, *, actor) -> Service:
    """The entry's organisation (or the coordinator) says it is still correct: it is no longer
    stale for another year."""
    Service.objects.filter(pk=service.pk).update(reviewed_at=timezone.now())
    service.refresh_from_db(fields=["reviewed_at"])
    return service


@transaction.atomic
def service_withdraw(service: Service, *, actor) -> Service:
    """Take the entry out of the public directory at once (a change waiting is dropped). A new
    proposal, once approved, brings it back."""
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.WITHDRAWN)
    ServiceRevision.objects.pending().filter(service=service).update(
        status=RevisionStatus.SUPERSEDED, decided_at=timezone.now()
    )
    service.refresh_from_db(fields=["status"])
    return service
