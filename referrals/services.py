"""What happens to a referral: made, kept on the list or withdrawn, allocated a device, made
ready, handed over as a bundle, followed up; expired, purged or erased on request.

Every change is a service that records a ReferralEvent in the same transaction; a change to a
device goes through `devices.services`, so the custody ledger records it too.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from devices import services as device_services
from devices.models import Device, DeviceType
from directory.models import Service
from impact import tally
from lib.personal_data import personal_data_errors
from lib.postcodes import normalise_district
from lib.suitability import TIER_LABELS
from organisations.models import Organisation
from organisations.roles import Role
from rehome.mail import member_emails, queue_templated

from .models import (
    CLOSED_STATES,
    HOLDING_A_DEVICE,
    OPEN_STATES,
    REQUIRED_CONSENT,
    AccessAction,
    Accessibility,
    CloseReason,
    Confidence,
    Connectivity,
    ConsentBy,
    ConsentPurpose,
    Eligibility,
    EventKind,
    FollowUp,
    Handover,
    Priority,
    Referral,
    ReferralAccess,
    ReferralEvent,
    SimBatch,
    SkillsTopic,
    State,
    StillUsing,
    Use,
)

TERMS_VERSION = "2026-1"
# The free-text fields that may hold something about the person; cleared by the purge.
PERSONAL_TEXT = ("priority_reason", "notes", "close_note")
REQUESTABLE_TYPES = [value for value, _ in DeviceType.choices if value != DeviceType.OTHER]


# ---------------------------------------------------------------------------------------------
# Checks shared by the form, the API and the services.


def _no_personal_data(errors: dict, field: str, value: str) -> None:
    problems = personal_data_errors(value or "")
    if problems:
        errors.setdefault(field, []).extend(problems)


def _choices(errors: dict, field: str, values, allowed, *, required=False, label="") -> list:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors.setdefault(field, []).append(f"Unknown {label or field}: {', '.join(unknown)}.")
    if required and not values:
        errors.setdefault(field, []).append(f"Choose at least one {label or field}.")
    return values


@dataclass
class Needs:
    """What a referral asks for, as the form and the API give it."""

    reference: str
    area: object
    device_type: str
    connectivity: str
    eligibility: list[str]
    consent_by: str
    consent_purposes: list[str]
    postcode_district: str = ""
    substitutes: Iterable[str] = ()
    accessibility: Iterable[str] = ()
    skills: Iterable[str] = ()
    priority: int = Priority.STANDARD
    priority_reason: str = ""
    notes: str = ""
    minimum_tier: int = 1


def _clean(needs: Needs, vcse: Organisation, *, instance: Referral | None = None) -> dict:
    """The referral's fields from `needs`, or ValidationError naming every problem by field."""
    errors: dict[str, list[str]] = {}
    reference = (needs.reference or "").strip()
    if not reference:
        errors["reference"] = ["Give your own reference for this person."]
    elif len(reference) > 40:
        errors["reference"] = ["Keep the reference to 40 characters."]
    else:
        _no_personal_data(errors, "reference", reference)
        if "@" in reference or (" " in reference.strip() and reference.replace(" ", "").isalpha()):
            errors.setdefault("reference", []).append(
                "Use your own case reference, not the person's name or contact details."
            )
        clash = Referral.objects.filter(vcse=vcse, reference__iexact=reference)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.setdefault("reference", []).append(
                "You already have a referral with this reference."
            )
    area = needs.area
    if area is None:
        errors["area"] = ["Choose the area the person lives in."]
    elif area.region_id != vcse.region_id:
        errors["area"] = [f"{area} is not in {vcse.region}."]
    district = ""
    if (needs.postcode_district or "").strip():
        district = normalise_district(needs.postcode_district) or ""
        if not district:
            errors["postcode_district"] = [
                "Give only the first half of the postcode (the district), for example B15."
            ]
        elif (
            area is not None and area.postcode_districts and district not in area.postcode_districts
        ):
            errors["postcode_district"] = [f"{district} is not a postcode district of {area}."]
    if needs.device_type not in REQUESTABLE_TYPES:
        errors["device_type"] = ["Choose the type of device the person needs."]
    substitutes = _choices(
        errors, "substitutes", needs.substitutes, REQUESTABLE_TYPES, label="device type"
    )
    substitutes = [t for t in substitutes if t != needs.device_type]
    eligibility = _choices(
        errors, "eligibility", needs.eligibility, Eligibility.values, required=True, label="reason"
    )
    accessibility = _choices(
        errors, "accessibility", needs.accessibility, Accessibility.values, label="need"
    )
    skills = _choices(errors, "skills", needs.skills, SkillsTopic.values, label="topic")
    if needs.minimum_tier not in TIER_LABELS:
        errors["minimum_tier"] = ["Choose the minimum specification the person needs."]
    if needs.connectivity not in Connectivity.values:
        errors["connectivity"] = ["Say how the person will get online."]
    if needs.priority not in Priority.values:
        errors["priority"] = ["Choose a priority band."]
    elif needs.priority != Priority.STANDARD and not (needs.priority_reason or "").strip():
        errors["priority_reason"] = ["Say why this referral is more urgent than most."]
    _no_personal_data(errors, "priority_reason", needs.priority_reason)
    _no_personal_data(errors, "notes", needs.notes)
    if Eligibility.OTHER in eligibility and not (needs.notes or "").strip():
        errors.setdefault("notes", []).append("Say in the notes why the person is eligible.")
    if needs.consent_by not in ConsentBy.values:
        errors["consent_by"] = ["Say who gave consent."]
    purposes = _choices(
        errors, "consent_purposes", needs.consent_purposes, ConsentPurpose.values, label="purpose"
    )
    missing = REQUIRED_CONSENT - set(purposes)
    if missing:
        errors.setdefault("consent_purposes", []).append(
            "The person must agree to be referred and counted anonymously before you refer them."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "reference": reference,
        "area": area,
        "postcode_district": district,
        "device_type": needs.device_type,
        "substitutes": substitutes,
        "minimum_tier": needs.minimum_tier,
        "eligibility": eligibility,
        "accessibility": accessibility,
        "connectivity": needs.connectivity,
        "skills": skills,
        "priority": needs.priority,
        "priority_reason": (needs.priority_reason or "").strip(),
        "notes": (needs.notes or "").strip(),
        "consent_by": needs.consent_by,
        "consent_purposes": purposes,
    }


def _require_vcse(referral: Referral, organisation: Organisation) -> None:
    if organisation is None or referral.vcse_id != organisation.pk:
        raise ValidationError("Only the organisation that made this referral can change it.")


def _event(referral, kind, *, actor=None, organisation=None, from_state="", detail=""):
    return ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        from_state=from_state,
        to_state=referral.state if kind == EventKind.STATE or kind == EventKind.CREATED else "",
        actor=actor,
        organisation=organisation,
        detail=detail[:200],
    )


def _move(referral: Referral, to: str, *, actor, organisation, detail: str = "", now=None):
    now = now or timezone.now()
    from_state = referral.state
    referral.state = to
    referral.state_changed_at = now
    if to in CLOSED_STATES:
        referral.closed_at = now
    referral.save()
    _event(
        referral,
        EventKind.STATE,
        actor=actor,
        organisation=organisation,
        from_state=from_state,
        detail=detail,
    )


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


# ---------------------------------------------------------------------------------------------
# Referring, changing needs, staying on the list, withdrawing, expiring.


@transaction.atomic
def referral_create(*, vcse: Organisation, actor, needs: Needs) -> Referral:
    if not vcse.is_vcse:
        raise ValidationError(f"{vcse} is not a community organisation that can refer people.")
    fields = _clean(needs, vcse)
    now = timezone.now()
    referral = Referral(
        region=vcse.region,
        vcse=vcse,
        created_by=actor,
        consent_recorded_by=actor,
        consent_at=now,
        referred_at=now,
        state_changed_at=now,
        expires_on=timezone.localdate()
        + datetime.timedelta(days=settings.REHOME_REFERRAL_EXPIRY_DAYS),
        **fields,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError as error:  # two workers saving the same reference at once
        raise ValidationError(
            {"reference": ["You already have a referral with this reference."]}
        ) from error
    _event(referral, EventKind.CREATED, actor=actor, organisation=vcse)
    tally.count_referral(referral)
    return referral


@transaction.atomic
def referral_update(referral: Referral, *, actor, organisation, needs: Needs) -> Referral:
    """Needs change while someone waits; consent is recorded again with the change."""
    referral = _lock(referral)
    _require_vcse(referral, organisation)
    if referral.state != State.WAITING:
        raise ValidationError("Only a waiting referral's needs can change.")
    fields = _clean(needs, referral.vcse, instance=referral)
    changed = [name for name, value in fields.items() if getattr(referral, name) != value]
    # The demand tallies count a referral by its area and device type: move it with them.
    recounted = {"area", "device_type"} & set(changed)
    if recounted:
        tally.count_referral(referral, undo=True)
    for name, value in fields.items():
        setattr(referral, name, value)
    if changed:
        referral.consent_recorded_by = actor
        referral.consent_at = timezone.now()
        referral.save()
        if recounted:
            tally.count_referral(referral)
        labels = [str(Referral._meta.get_field(n).verbose_name) for n in changed]
        _event(
            referral,
            EventKind.EDITED,
            actor=actor,
            organisation=organisation,
            detail="Changed: " + ", ".join(labels),
        )
    return referral


@transaction.atomic
def referral_renew(referral: Referral, *, actor, organisation) -> Referral:
    """Keep a waiting referral on the list for another full period, from today."""
    referral = _lock(referral)
    _require_vcse(referral, organisation)
    if referral.state not in OPEN_STATES:
        raise ValidationError("Only an open referral can be kept on the list.")
    referral.expires_on = timezone.localdate() + datetime.timedelta(
        days=settings.REHOME_REFERRAL_EXPIRY_DAYS
    )
    referral.expiry_notice_at = None
    referral.save(update_fields=["expires_on", "expiry_notice_at"])
    _event(
        referral,
        EventKind.RENEWED,
        actor=actor,
        organisation=organisation,
        detail=f"Now expires on {referral.expires_on:%d %B %Y}",
    )
    return referral


@transaction.atomic
def referral_withdraw(
    referral: Referral, *, actor, organisation, reason: str, note: str = ""
) -> Referral:
    referral = _lock(referral)
    _require_vcse(referral, organisation)
    if referral.state not in OPEN_STATES:
        raise ValidationError(
            f"A referral that is {referral.get_state_display().lower()} cannot be withdrawn."
        )
    errors: dict = {}
    if reason not in CloseReason.values:
        errors["reason"] = ["Choose why the referral is withdrawn."]
    elif reason == CloseReason.OTHER and not note.strip():
        errors["note"] = ["Say why the referral is withdrawn."]
    _no_personal_data(errors, "note", note)
    if errors:
        raise ValidationError(errors)
    _release(referral, actor=actor, organisation=organisation, reason="Referral withdrawn")
    referral.close_reason = reason
    referral.close_note = note.strip()
    _move(
        referral,
        State.WITHDRAWN,
        actor=actor,
        organisation=organisation,
        detail=CloseReason(reason).label,
    )
    return referral


def _release(referral: Referral, *, actor, organisation, reason: str) -> None:
    """Give back a referral's allocated device (it is ready for someone else)."""
    if referral.state in HOLDING_A_DEVICE and referral.device_id:
        device_services.deallocation_record(
            referral.device,
            referral_uid=referral.uid,
            reason=reason,
            actor=actor,
            organisation=organisation,
        )


# ---------------------------------------------------------------------------------------------
# Allocation (the coordinator's allocation run calls this for each match) and collection.


@transaction.atomic
def allocate(referral: Referral, device: Device, *, actor, organisation) -> Referral:
    """Set `device` aside for `referral`: both change together or neither does."""
    referral = _lock(referral)
    if not (organisation.is_regional_body or organisation.pk == referral.vcse_id):
        raise ValidationError(
            "Only the coordinator, or the referring organisation with a device it holds, "
            "can allocate to this referral."
        )
    if referral.state != State.WAITING:
        raise ValidationError(
            f"The referral is {referral.get_state_display().lower()}, not waiting."
        )
    if device.device_type not in referral.accepted_types:
        raise ValidationError(
            f"A {device.get_device_type_display().lower()} is not what this referral asked for."
        )
    if device.spec_tier() < referral.minimum_tier:
        raise ValidationError(
            f"{device} is below the {TIER_LABELS[referral.minimum_tier].lower()} specification "
            "this referral needs."
        )
    device_services.allocation_record(
        device, referral_uid=referral.uid, actor=actor, organisation=organisation
    )
    referral.device = device
    referral.allocated_at = timezone.now()
    _move(
        referral, State.ALLOCATED, actor=actor, organisation=organisation, detail=f"Device {device}"
    )
    return referral


@transaction.atomic
def deallocate(referral: Referral, *, actor, organisation, reason: str) -> Referral:
    """The coordinator takes an allocation back; the referral waits again in its old place."""
    referral = _lock(referral)
    if not organisation.is_regional_body:
        raise ValidationError("Only the coordinator can take an allocation back.")
    if referral.state not in HOLDING_A_DEVICE:
        raise ValidationError("The referral has no device allocated.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the allocation is taken back."]})
    _release(referral, actor=actor, organisation=organisation, reason=reason.strip())
    referral.device = None
    referral.allocated_at = None
    _move(
        referral,
        State.WAITING,
        actor=actor,
        organisation=organisation,
        detail="Allocation taken back",
    )
    return referral


@transaction.atomic
def mark_ready_to_collect(referral: Referral, *, actor, organisation) -> Referral:
    """The VCSE has the device (confirming its receipt if it is on the way): the person can come
    for it."""
    referral = _lock(referral)
    _require_vcse(referral, organisation)
    if referral.state != State.ALLOCATED:
        raise ValidationError("Only an allocated referral can be made ready to collect.")
    device = referral.device
    if device.in_transit_to_id == organisation.pk:
        device = device_services.handover_confirm(device, actor=actor, organisation=organisation)
    if device.custodian_id != organisation.pk:
        raise ValidationError(
            "The device has not reached you yet: ask its holder to send it to you first."
        )
    _move(referral, State.READY_TO_COLLECT, actor=actor, organisation=organisation)
    return referral


# ---------------------------------------------------------------------------------------------
# Connectivity stock.


@transaction.atomic
def sim_batch_add(
    *,
    vcse: Organisation,
    actor,
    network: str,
    data_gb,
    months: int,
    quantity: int,
    source: str = "",
    received_on: datetime.date | None = None,
) -> SimBatch:
    if not vcse.is_vcse:
        raise ValidationError(f"{vcse} is not a community organisation.")
    batch = SimBatch(
        vcse=vcse,
        network=(network or "").strip(),
        data_gb=data_gb,
        months=months,
        quantity=quantity,
        source=(source or "").strip(),
        received_on=received_on or timezone.localdate(),
        created_by=actor,
    )
    errors = {}
    if not batch.network:
        errors["network"] = ["Name the mobile network."]
    if not quantity or quantity < 1:
        errors["quantity"] = ["Say how many SIMs arrived."]
    if not months or months < 1:
        errors["months"] = ["Say how many months of data each SIM has."]
    if errors:
        raise ValidationError(errors)
    batch.full_clean()
    batch.save()
    return batch


def sim_stock(vcse: Organisation):
    """The VCSE's SIM batches with how many are left, oldest first (use those first)."""
    return (
        SimBatch.objects.filter(vcse=vcse)
        .annotate(used=Count("handovers"), left=F("quantity") - Count("handovers"))
        .order_by("received_on", "pk")
    )


def sims_left(batch: SimBatch) -> int:
    return batch.quantity - batch.handovers.count()


# ---------------------------------------------------------------------------------------------
# Handover and follow-up.


@dataclass
class Bundle:
    device: Device
    terms_agreed: bool
    sim_batch: SimBatch | None = None
    social_tariff_signposted: bool = False
    skills_offers: Iterable[Service] = ()
    skills_note: str = ""


@transaction.atomic
def handover_complete(referral: Referral, *, actor, organisation, bundle: Bundle) -> Handover:
    """The person receives the bundle. The device must be the one allocated to this referral;
    custody moves to "with the person" in the ledger; the follow-up is scheduled."""
    referral = _lock(referral)
    _require_vcse(referral, organisation)
    if referral.state not in HOLDING_A_DEVICE:
        raise ValidationError(
            f"The referral is {referral.get_state_display().lower()}: only a referral with an "
            "allocated device can be handed over."
        )
    errors: dict[str, list[str]] = {}
    device = bundle.device
    if device is None or device.pk != referral.device_id:
        errors["device"] = [
            "This is not the device allocated to this referral: hand over "
            f"{referral.device} instead."
        ]
    if not bundle.terms_agreed:
        errors["terms_agreed"] = [
            "The person must agree to the terms (the device is theirs, it is not for resale, "
            "and how to get help or give it back) before they take it."
        ]
    sim = bundle.sim_batch
    if sim is not None:
        sim = SimBatch.objects.select_for_update().get(pk=sim.pk)
        if sim.vcse_id != organisation.pk:
            errors["sim_batch"] = ["That SIM batch is not yours."]
        elif sims_left(sim) < 1:
            errors["sim_batch"] = [f"No SIMs are left in the batch “{sim}”."]
    if (
        referral.connectivity == Connectivity.NEEDS_SIM
        and sim is None
        and not bundle.social_tariff_signposted
    ):
        errors.setdefault("sim_batch", []).append(
            "The person needs a data SIM: give one, or record that you helped with a social tariff."
        )
    offers = list(bundle.skills_offers)
    for offer in offers:
        if not offer.is_skills_support or offer.region_id != referral.region_id:
            errors.setdefault("skills_offers", []).append(f"{offer} is not skills support.")
    _no_personal_data(errors, "skills_note", bundle.skills_note)
    if errors:
        raise ValidationError(errors)
    device_services.person_handover_record(
        device, referral_uid=referral.uid, actor=actor, organisation=organisation
    )
    now = timezone.now()
    handover = Handover.objects.create(
        referral=referral,
        device=device,
        sim_batch=sim,
        social_tariff_signposted=bundle.social_tariff_signposted,
        skills_note=(bundle.skills_note or "").strip(),
        terms_version=TERMS_VERSION,
        handed_over_at=now,
        handed_over_by=actor,
        waited_days=(
            timezone.localtime(now).date() - timezone.localtime(referral.referred_at).date()
        ).days,
        follow_up_due=timezone.localdate()
        + datetime.timedelta(days=settings.REHOME_FOLLOW_UP_DAYS),
    )
    handover.skills_offers.set(offers)
    tally.count_handover(handover, skills=bool(offers))
    _move(referral, State.HANDED_OVER, actor=actor, organisation=organisation, now=now)
    return handover


@dataclass
class Outcome:
    still_using: str
    confidence: str
    uses: Iterable[str] = ()
    needs_more_help: bool = False
    note: str = ""


@transaction.atomic
def follow_up_record(referral: Referral, *, actor, organisation, outcome: Outcome) -> FollowUp:
    referral = _lock(referral)
    _require_vcse(referral, organisation)
    if referral.state != State.HANDED_OVER:
        raise ValidationError("A follow-up is recorded after the handover, once.")
    errors: dict[str, list[str]] = {}
    if outcome.still_using not in StillUsing.values:
        errors["still_using"] = ["Say whether they still use the device."]
    if outcome.confidence not in Confidence.values:
        errors["confidence"] = ["Say whether they feel more confident online."]
    uses = _choices(errors, "uses", outcome.uses, Use.values, label="use")
    _no_personal_data(errors, "note", outcome.note)
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp.objects.create(
        referral=referral,
        recorded_by=actor,
        still_using=outcome.still_using,
        uses=uses,
        confidence=outcome.confidence,
        needs_more_help=outcome.needs_more_help,
        note=(outcome.note or "").strip(),
    )
    tally.count_follow_up(follow_up, device=referral.handover.device)
    _move(referral, State.FOLLOWED_UP, actor=actor, organisation=organisation)
    return follow_up


# ---------------------------------------------------------------------------------------------
# Daily housekeeping: expiry notices and expiry, follow-up reminders (rehome.schedule runs it).


def _vcse_recipients(vcse_id: int) -> list[str]:
    return member_emails(vcse_id, Role.VCSE_WORKER)


@transaction.atomic
def send_expiry_notices(today: datetime.date | None = None) -> int:
    """Tell each VCSE which of its referrals will expire soon (once per referral)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REHOME_REFERRAL_EXPIRY_NOTICE_DAYS)
    due = list(
        Referral.objects.select_for_update()
        .filter(state=State.WAITING, expires_on__lte=horizon, expiry_notice_at__isnull=True)
        .order_by("vcse_id", "expires_on")
    )
    now = timezone.now()
    by_vcse: dict[int, list[Referral]] = {}
    for referral in due:
        by_vcse.setdefault(referral.vcse_id, []).append(referral)
        referral.expiry_notice_at = now
        _event(referral, EventKind.NOTICE, detail=f"Expires on {referral.expires_on:%d %B %Y}")
    Referral.objects.filter(pk__in=[r.pk for r in due]).update(expiry_notice_at=now)
    for vcse_id, referrals in by_vcse.items():
        queue_templated(
            _vcse_recipients(vcse_id),
            f"{len(referrals)} referral{'s' if len(referrals) != 1 else ''} will expire soon",
            "referrals/email/expiry_notice.txt",
            {"referrals": referrals, "list_url": settings.SITE_URL + reverse("referrals:list")},
        )
    return len(due)


@transaction.atomic
def expire_due(today: datetime.date | None = None) -> int:
    """Waiting referrals past their date leave the list (their VCSE was told beforehand)."""
    today = today or timezone.localdate()
    due = list(
        Referral.objects.select_for_update().filter(state=State.WAITING, expires_on__lt=today)
    )
    for referral in due:
        _move(referral, State.EXPIRED, actor=None, organisation=None, detail="Not renewed in time")
    return len(due)


@transaction.atomic
def send_follow_up_reminders(today: datetime.date | None = None) -> int:
    """Remind each VCSE of the handovers whose follow-up is due (once per handover)."""
    today = today or timezone.localdate()
    due = list(
        Handover.objects.select_for_update(of=("self",))
        .select_related("referral")
        .filter(
            referral__state=State.HANDED_OVER,
            follow_up_due__lte=today,
            follow_up_reminded_at__isnull=True,
        )
        .order_by("referral__vcse_id", "follow_up_due")
    )
    now = timezone.now()
    by_vcse: dict[int, list[Referral]] = {}
    for handover in due:
        by_vcse.setdefault(handover.referral.vcse_id, []).append(handover.referral)
        _event(handover.referral, EventKind.REMINDER, detail="Follow-up due")
    Handover.objects.filter(pk__in=[h.pk for h in due]).update(follow_up_reminded_at=now)
    for vcse_id, referrals in by_vcse.items():
        queue_templated(
            _vcse_recipients(vcse_id),
            f"Time to follow up {len(referrals)} handover{'s' if len(referrals) != 1 else ''}",
            "referrals/email/follow_up_reminder.txt",
            {"referrals": referrals},
        )
    return len(due)


# ---------------------------------------------------------------------------------------------
# Privacy: the retention purge, erasure on request, the access log.


@dataclass
class PurgeReport:
    referrals: int = 0
    handovers: int = 0
    follow_ups: int = 0

    def as_dict(self) -> dict:
        return {
            "referrals": self.referrals,
            "handovers": self.handovers,
            "follow_ups": self.follow_ups,
        }


def _anonymise(referrals: list[Referral], now) -> None:
    """Clear what could be about the person; each keeps a unique, meaningless reference."""
    for referral in referrals:
        for name in PERSONAL_TEXT:
            setattr(referral, name, "")
        referral.postcode_district = ""
        referral.reference = f"erased-{referral.uid.hex[:12]}"
        referral.purged_at = now
    Referral.objects.bulk_update(
        referrals, [*PERSONAL_TEXT, "postcode_district", "reference", "purged_at"], batch_size=500
    )
    ids = [r.pk for r in referrals]
    Handover.objects.filter(referral_id__in=ids).update(skills_note="")
    FollowUp.objects.filter(referral_id__in=ids).update(note="")


def purge_candidates(now=None):
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REHOME_PERSONAL_TEXT_RETENTION_DAYS)
    return Referral.objects.filter(
        state__in=CLOSED_STATES, closed_at__lte=cutoff, purged_at__isnull=True
    )


@transaction.atomic
def purge_personal_data(*, dry_run: bool = False, now=None) -> PurgeReport:
    """Clear personal free text and replace the reference of referrals closed longer ago than
    the retention period. States, dates, areas and needs stay, so aggregates do not change."""
    now = now or timezone.now()
    candidates = purge_candidates(now).select_for_update()
    report = PurgeReport()
    ids = list(candidates.values_list("pk", flat=True))
    report.referrals = len(ids)
    report.handovers = Handover.objects.filter(referral_id__in=ids).exclude(skills_note="").count()
    report.follow_ups = FollowUp.objects.filter(referral_id__in=ids).exclude(note="").count()
    if dry_run:
        return report
    referrals = list(Referral.objects.filter(pk__in=ids))
    _anonymise(referrals, now)
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=r, kind=EventKind.PURGED, detail="Retention period over")
        for r in referrals
    )
    return report


@transaction.atomic
def referral_erase(referral: Referral, *, actor, organisation) -> None:
    """Erase a person's data on their request, whatever the referral's state. An open referral is
    withdrawn first (its device released). What remains is anonymous; the access log records
    that an erasure happened, not what was erased."""
    referral = _lock(referral)
    _require_vcse(referral, organisation)
    if referral.is_purged:
        raise ValidationError("This referral's personal details have already been erased.")
    if referral.state in OPEN_STATES:
        _release(referral, actor=actor, organisation=organisation, reason="Erased on request")
        referral.close_reason = CloseReason.CONSENT_WITHDRAWN
        _move(
            referral,
            State.WITHDRAWN,
            actor=actor,
            organisation=organisation,
            detail="Erased on request",
        )
    now = timezone.now()
    _anonymise([referral], now)
    _event(
        referral,
        EventKind.PURGED,
        actor=actor,
        organisation=organisation,
        detail="Erased on request",
    )
    ReferralAccess.objects.create(
        vcse=organisation, user=actor, action=AccessAction.ERASED, referral=None
    )


def log_access(
    *,
    vcse_id: int,
    user,
    action: str,
    referral: Referral | None = None,
    count: int = 1,
    path: str = "",
    via_api: bool = False,
) -> None:
    ReferralAccess.objects.create(
        vcse_id=vcse_id,
        user=user if getattr(user, "is_authenticated", False) and hasattr(user, "email") else None,
        action=action,
        referral=referral,
        count=count,
        path=path[:200],
        via_api=via_api,
    )
