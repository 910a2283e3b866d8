"""Allocation runs: preview (the pure solver over what is ready and waiting now), adjust (remove
or swap a match, with a reason), commit (row locks in a fixed order, every match re-checked;
anything changed since the preview is left out and reported), undo before handover. Every
committed, adjusted, skipped or undone match is in the allocation ledger."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from devices.lifecycle import State as DeviceState
from devices.models import Device
from devices.services import TransitionRefused
from lib import allocation as solver
from organisations.models import Organisation
from organisations.roles import Role
from referrals import services as referral_services
from referrals.models import HOLDING_A_DEVICE, Referral
from referrals.models import State as ReferralState
from regions.models import Area, Region
from rehome.mail import member_emails, queue_templated

from . import weights as need_weights
from .explain import describe
from .models import AllocationRun, LedgerAction, LedgerEntry, Match, MatchStatus, RunStatus


def _require_coordinator(organisation: Organisation, region: Region) -> None:
    if not (organisation.is_regional_body and organisation.region_id == region.pk):
        raise ValidationError("Only the region's coordinator runs allocation.")


# ---------------------------------------------------------------------------------------------
# From the database to the solver's instance.


def ready_devices(region: Region):
    """Ready devices in the region that no open referral holds."""
    return (
        Device.objects.filter(region=region, state=DeviceState.READY, area_of_origin__isnull=False)
        .select_related("area_of_origin")
        .only("pk", "device_type", "ram_gb", "storage_gb", "year", "area_of_origin__code", "state")
    )


def build_instance(region: Region) -> tuple[solver.Instance, dict[str, Area]]:
    """The instance the solver reads: devices by id with type, tier, area and ring-fence;
    waiting referrals; the current need weights (by area code)."""
    devices = list(ready_devices(region))
    fenced = need_weights.ring_fenced_ids(d.pk for d in devices)
    this_year = timezone.localdate().year
    instance_devices = [_solver_device(d, fenced, this_year) for d in devices]
    rows = (
        Referral.objects.filter(region=region, state=ReferralState.WAITING)
        .values_list(
            "pk",
            "area__code",
            "device_type",
            "substitutes",
            "minimum_tier",
            "priority",
            "referred_at",
        )
        .order_by()
    )
    instance_referrals = [_solver_referral(*row) for row in rows]
    weights, _, _ = need_weights.current_weights(region)
    areas = {a.code: a for a in Area.objects.filter(region=region)}
    instance = solver.Instance(
        devices=instance_devices, referrals=instance_referrals, weights=weights
    )
    return instance, areas


def _solver_device(device: Device, fenced: set[int], this_year: int) -> solver.Device:
    return solver.Device(
        id=device.pk,
        type=device.device_type,
        tier=device.spec_tier(this_year),
        area=device.area_of_origin.code,
        ring_fenced=device.pk in fenced,
    )


def _solver_referral(
    pk, area_code, device_type, substitutes, minimum_tier, priority, referred_at
) -> solver.Referral:
    return solver.Referral(
        id=pk,
        area=area_code,
        accepts=frozenset([device_type, *substitutes]),
        min_tier=minimum_tier,
        priority=priority,
        referred_on=timezone.localtime(referred_at).date(),
    )


# ---------------------------------------------------------------------------------------------
# Preview and adjustment.


@transaction.atomic
def run_preview(region: Region, *, actor, organisation: Organisation) -> AllocationRun:
    """Solve over what is ready and waiting now and keep the plan as a preview."""
    _require_coordinator(organisation, region)
    instance, areas = build_instance(region)
    started = time.perf_counter()
    plan = solver.allocate(instance)
    seconds = time.perf_counter() - started
    weights = {code: str(w) for code, w in instance.weights.items()}
    run = AllocationRun.objects.create(
        region=region,
        policy_version=plan.policy,
        weights=weights,
        by_area={code: figures.to_json() for code, figures in plan.by_area.items()},
        devices_considered=len(instance.devices),
        referrals_considered=len(instance.referrals),
        unallocated_devices=len(plan.unallocated_devices),
        unserved_referrals=len(plan.unserved_referrals),
        solve_seconds=seconds,
        created_by=actor,
    )
    names = {code: area.name for code, area in areas.items()}
    matches = []
    for m in plan.matches:
        explanation = m.explanation.to_json()
        matches.append(
            Match(
                run=run,
                device_id=m.device_id,
                referral_id=m.referral_id,
                area=areas[m.explanation.area.area],
                explanation=explanation,
                summary=describe(explanation, names),
            )
        )
    Match.objects.bulk_create(matches, batch_size=2000)
    return run


def _refresh_figures(run: AllocationRun) -> None:
    """After an adjustment or a commit, each area's figures count the matches that stand."""
    standing = MatchStatus.PROPOSED if run.status == RunStatus.PREVIEW else MatchStatus.COMMITTED
    counts = dict(
        Match.objects.filter(run=run, status=standing)
        .values_list("area__code")
        .annotate(n=Count("pk"))
        .values_list("area__code", "n")
    )
    total = sum(counts.values())
    for code, figures in run.by_area.items():
        allocated = counts.get(code, 0)
        waiting = figures["waiting"]
        weight = float(figures["weight"])
        figures["allocated"] = allocated
        figures["fill_rate"] = allocated / waiting if waiting else None
        figures["weighted_fill_rate"] = allocated / (waiting * weight) if waiting else None
        figures["share"] = allocated / total if total else 0
    run.save(update_fields=["by_area"])


def _preview_match(match: Match, organisation: Organisation) -> Match:
    match = Match.objects.select_for_update().select_related("run").get(pk=match.pk)
    _require_coordinator(organisation, match.run.region)
    if match.run.status != RunStatus.PREVIEW:
        raise ValidationError("The run is no longer a preview: it cannot be adjusted.")
    if match.status != MatchStatus.PROPOSED:
        raise ValidationError("That match is no longer proposed.")
    return match


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why: the reason goes in the allocation ledger."]})
    return reason.strip()[:300]


@transaction.atomic
def match_remove(match: Match, *, reason: str, actor, organisation: Organisation) -> Match:
    reason = _reason(reason)
    match = _preview_match(match, organisation)
    match.status = MatchStatus.REMOVED
    match.note = reason
    match.save(update_fields=["status", "note"])
    _ledger(match, LedgerAction.REMOVED, actor, reason)
    _refresh_figures(match.run)
    return match


@transaction.atomic
def match_swap(first: Match, second: Match, *, reason: str, actor, organisation) -> None:
    """Give each of two referrals the other's device, if each device suits the other person."""
    reason = _reason(reason)
    first, second = sorted([first, second], key=lambda m: m.pk)
    first = _preview_match(first, organisation)
    second = _preview_match(second, organisation)
    if first.run_id != second.run_id or first.pk == second.pk:
        raise ValidationError("Choose two different matches of the same run.")
    devices = {d.pk: d for d in Device.objects.filter(pk__in=[first.device_id, second.device_id])}
    fenced = need_weights.ring_fenced_ids(devices)
    this_year = timezone.localdate().year
    for match, device_id in ((first, second.device_id), (second, first.device_id)):
        device, r = devices[device_id], match.referral
        wants = _solver_referral(
            r.pk,
            r.area.code,
            r.device_type,
            r.substitutes,
            r.minimum_tier,
            r.priority,
            r.referred_at,
        )
        if not solver.compatible(_solver_device(device, fenced, this_year), wants):
            raise ValidationError(f"{device} does not meet the needs of the other referral.")
    first.device_id, second.device_id = second.device_id, first.device_id
    for match in (first, second):
        match.note = reason
        match.save(update_fields=["device", "note"])
        _ledger(match, LedgerAction.SWAPPED, actor, reason)


@transaction.atomic
def run_discard(run: AllocationRun, *, actor, organisation) -> AllocationRun:
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    _require_coordinator(organisation, run.region)
    if run.status != RunStatus.PREVIEW:
        raise ValidationError("Only a preview can be discarded.")
    run.status = RunStatus.DISCARDED
    run.save(update_fields=["status"])
    return run


# ---------------------------------------------------------------------------------------------
# Commit and undo.


@dataclass
class CommitReport:
    committed: list[Match] = field(default_factory=list)
    skipped: list[tuple[Match, str]] = field(default_factory=list)


def _skip_reason(device: Device, referral: Referral, fenced: set[int]) -> str | None:
    if device.state != DeviceState.READY:
        return f"{device} is now {device.get_state_display().lower()}."
    if referral.state != ReferralState.WAITING:
        return f"The referral is now {referral.get_state_display().lower()}."
    if device.device_type not in referral.accepted_types:
        return "The referral's needs changed."
    if device.pk in fenced and device.area_of_origin_id != referral.area_id:
        return f"{device} has been ring-fenced to {device.area_of_origin}."
    return None


@transaction.atomic
def run_commit(run: AllocationRun, *, actor, organisation: Organisation) -> CommitReport:
    """Apply every proposed match whose device and referral are still as previewed.

    Locks are taken in one fixed order (the run, then devices by id, then referrals by id), so
    two coordinators committing overlapping runs cannot deadlock, and the second to lock sees
    the first's changes and skips those matches: nothing is allocated twice."""
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    _require_coordinator(organisation, run.region)
    if run.status != RunStatus.PREVIEW:
        raise ValidationError(f"The run is {run.get_status_display().lower()}, not a preview.")
    matches = list(
        Match.objects.filter(run=run, status=MatchStatus.PROPOSED).order_by("device_id", "pk")
    )
    device_ids = sorted({m.device_id for m in matches})
    referral_ids = sorted({m.referral_id for m in matches})
    devices = {
        d.pk: d
        for d in Device.objects.select_for_update(of=("self",))
        .filter(pk__in=device_ids)
        .order_by("pk")
        .select_related("area_of_origin")
    }
    referrals = {
        r.pk: r
        for r in Referral.objects.select_for_update(of=("self",))
        .filter(pk__in=referral_ids)
        .order_by("pk")
    }
    fenced = need_weights.ring_fenced_ids(device_ids)
    report = CommitReport()
    for match in matches:
        device, referral = devices[match.device_id], referrals[match.referral_id]
        problem = _skip_reason(device, referral, fenced)
        if problem is None:
            try:
                with transaction.atomic():  # a refusal rolls back only this match
                    referral_services.allocate(
                        referral, device, actor=actor, organisation=organisation
                    )
            except (ValidationError, TransitionRefused) as error:
                problem = " ".join(getattr(error, "reasons", None) or error.messages)
        if problem:
            match.status = MatchStatus.SKIPPED
            match.note = problem[:300]
            report.skipped.append((match, problem))
            _ledger(match, LedgerAction.SKIPPED, actor, problem)
        else:
            match.status = MatchStatus.COMMITTED
            report.committed.append(match)
            _ledger(match, LedgerAction.COMMITTED, actor, "")
        match.save(update_fields=["status", "note"])
    run.status = RunStatus.COMMITTED
    run.committed_by = actor
    run.committed_at = timezone.now()
    run.save(update_fields=["status", "committed_by", "committed_at"])
    _refresh_figures(run)
    _notify(run, report.committed)
    return report


@transaction.atomic
def match_undo(match: Match, *, reason: str, actor, organisation: Organisation) -> Match:
    """Take back a committed allocation before handover: device ready, referral waiting."""
    reason = _reason(reason)
    match = Match.objects.select_for_update().select_related("run", "referral").get(pk=match.pk)
    _require_coordinator(organisation, match.run.region)
    if match.status != MatchStatus.COMMITTED:
        raise ValidationError("Only an allocated match can be undone.")
    referral = match.referral
    if referral.state not in HOLDING_A_DEVICE or referral.device_id != match.device_id:
        raise ValidationError(
            "The device has been handed over or the referral has changed: it cannot be undone."
        )
    referral_services.deallocate(referral, actor=actor, organisation=organisation, reason=reason)
    match.status = MatchStatus.UNDONE
    match.note = reason
    match.save(update_fields=["status", "note"])
    _ledger(match, LedgerAction.UNDONE, actor, reason)
    _refresh_figures(match.run)
    return match


def _ledger(match: Match, action: str, actor, reason: str) -> LedgerEntry:
    return LedgerEntry.objects.create(
        run_id=match.run_id,
        match=match,
        action=action,
        actor=actor,
        reason=reason[:300],
        policy_version=match.run.policy_version,
    )


# ---------------------------------------------------------------------------------------------
# Notifications.


def _notify(run: AllocationRun, committed: list[Match]) -> None:
    """Each VCSE hears which of its referrals got a device; each holder what to prepare."""
    if not committed:
        return
    rows = (
        Match.objects.filter(pk__in=[m.pk for m in committed])
        .select_related("referral__vcse", "device__custodian")
        .order_by("referral__vcse_id", "pk")
    )
    by_vcse: dict[int, list[Match]] = {}
    by_holder: dict[int, list[Match]] = {}
    for match in rows:
        by_vcse.setdefault(match.referral.vcse_id, []).append(match)
        if match.device.custodian_id:
            by_holder.setdefault(match.device.custodian_id, []).append(match)
    site = settings.SITE_URL
    for vcse_id, matches in by_vcse.items():
        queue_templated(
            member_emails(vcse_id, Role.VCSE_WORKER),
            f"{len(matches)} of your referrals {'has' if len(matches) == 1 else 'have'} a device",
            "allocation/email/vcse_allocated.txt",
            {"matches": matches, "site_url": site},
        )
    for holder_id, matches in by_holder.items():
        queue_templated(
            member_emails(holder_id, Role.ITAD_TECHNICIAN),
            f"{len(matches)} device{'s' if len(matches) != 1 else ''} to prepare for collection",
            "allocation/email/holder_prepare.txt",
            {"matches": matches, "site_url": site, "devices_url": site + reverse("devices:list")},
        )
