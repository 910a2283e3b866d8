"""Changes to the business-engagement pipeline: employers added or updated from a list, their
details changed, and their stage moved through guarded transitions.

Every change records a ProspectEvent in the same transaction, with the acting user.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from devices.lifecycle import State as DeviceState
from devices.models import Device
from lib import opportunity as estimator
from organisations.models import Membership, Organisation
from organisations.roles import Role
from regions.models import Region

from .models import EventKind, Prospect, ProspectEvent, Stage

# Forward one step at a time; back one step when a conversation or a pledge falls through.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.PROSPECT: (Stage.CONTACTED,),
    Stage.CONTACTED: (Stage.PLEDGED, Stage.PROSPECT),
    Stage.PLEDGED: (Stage.DONATING, Stage.CONTACTED),
    Stage.DONATING: (Stage.SIGNATORY,),
    Stage.SIGNATORY: (),
}
BACKWARDS = {(Stage.CONTACTED, Stage.PROSPECT), (Stage.PLEDGED, Stage.CONTACTED)}

NOT_ALLOWED = "A prospect cannot move from {source} to {target}."
NEEDS_OWNER = "Give the employer an owner before recording that it was contacted."
NEEDS_ORGANISATION = (
    "Link the employer to its donor organisation in Rehome before recording a pledge, so its "
    "devices can be counted."
)
NEEDS_DEVICES = (
    "{organisation} has given no devices yet: an employer is donating once its first devices "
    "have been received."
)
NEEDS_NOTE = "Say why the employer moves back a stage."
OWNER_NOT_COORDINATOR = "{user} is not a coordinator in {region}."
ORGANISATION_NOT_DONOR = "{organisation} is not a donor organisation in {region}."
ORGANISATION_TAKEN = "{organisation} is already linked to {other}."
CONCURRENT_IMPORT = (
    "Another change added some of these employers at the same moment; upload the list again."
)


def moves(prospect: Prospect) -> list[tuple[str, str]]:
    """(stage, label) of every stage the prospect may move to, guards aside."""
    return [(stage, Stage(stage).label) for stage in TRANSITIONS[prospect.stage]]


def _guard(prospect: Prospect, target: str, note: str) -> list[str]:
    if (prospect.stage, target) in BACKWARDS:
        return [] if note.strip() else [NEEDS_NOTE]
    if target == Stage.CONTACTED and prospect.owner_id is None:
        return [NEEDS_OWNER]
    if target == Stage.PLEDGED and prospect.organisation_id is None:
        return [NEEDS_ORGANISATION]
    if target == Stage.DONATING:
        if prospect.organisation_id is None:
            return [NEEDS_ORGANISATION]
        received = Device.objects.filter(donor_id=prospect.organisation_id).exclude(
            state=DeviceState.PLEDGED
        )
        if not received.exists():
            return [NEEDS_DEVICES.format(organisation=prospect.organisation)]
    return []


@transaction.atomic
def prospect_move(prospect: Prospect, *, to_stage: str, actor, note: str = "") -> Prospect:
    """Move the prospect to `to_stage` if the transition is allowed and its guard passes.

    Raises ValidationError with every reason it refuses.
    """
    # Two coordinators moving the same employer at once would both read the old stage.
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    source = prospect.stage
    if to_stage not in TRANSITIONS.get(source, ()):
        target = Stage(to_stage).label if to_stage in Stage.values else to_stage
        raise ValidationError(NOT_ALLOWED.format(source=Stage(source).label, target=target))
    reasons = _guard(prospect, to_stage, note)
    if reasons:
        raise ValidationError(reasons)
    prospect.stage = to_stage
    prospect.stage_changed_at = timezone.now()
    prospect.save(update_fields=["stage", "stage_changed_at"])
    ProspectEvent.objects.create(
        prospect=prospect,
        kind=EventKind.STAGE,
        from_stage=source,
        to_stage=to_stage,
        actor=actor,
        note=note.strip()[:300],
    )
    return prospect


def _is_coordinator(user, region: Region) -> bool:
    return Membership.objects.filter(
        user=user, role=Role.COORDINATOR, organisation__region=region
    ).exists()


@transaction.atomic
def prospect_update(
    prospect: Prospect,
    *,
    actor,
    owner,
    next_step: str,
    next_step_on: datetime.date | None,
    organisation: Organisation | None,
) -> Prospect:
    """Change who owns the employer, its next step and date, and its donor organisation."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    region = prospect.region
    errors: dict[str, list[str]] = {}
    if owner is not None and not _is_coordinator(owner, region):
        errors["owner"] = [OWNER_NOT_COORDINATOR.format(user=owner, region=region)]
    if organisation is not None:
        if not organisation.is_donor or organisation.region_id != region.pk:
            errors["organisation"] = [
                ORGANISATION_NOT_DONOR.format(organisation=organisation, region=region)
            ]
        else:
            other = (
                Prospect.objects.filter(organisation=organisation).exclude(pk=prospect.pk).first()
            )
            if other is not None:
                errors["organisation"] = [
                    ORGANISATION_TAKEN.format(organisation=organisation, other=other)
                ]
    if errors:
        raise ValidationError(errors)
    prospect.owner = owner
    prospect.next_step = next_step.strip()
    prospect.next_step_on = next_step_on
    prospect.organisation = organisation
    prospect.save(update_fields=["owner", "next_step", "next_step_on", "organisation"])
    ProspectEvent.objects.create(prospect=prospect, kind=EventKind.CHANGED, actor=actor)
    return prospect


@transaction.atomic
def prospects_import(
    *, region: Region, employers: list[estimator.Employer], actor
) -> tuple[int, int]:
    """Add a checked list of employers to the pipeline, whole or not at all.

    An employer already in the pipeline (same name, any case) has its employees, sector and
    factors replaced by the list's; its stage, owner and history stay. Returns (added, updated).
    """
    # Two imports of overlapping lists would both find a name missing and both add it.
    Region.objects.select_for_update().get(pk=region.pk)
    existing = {
        p.lowered: p
        for p in Prospect.objects.filter(region=region)
        .annotate(lowered=Lower("name"))
        .filter(lowered__in=[e.name.lower() for e in employers])
    }
    added = updated = 0
    try:
        with transaction.atomic():
            for employer in employers:
                figures = {
                    "employees": employer.employees,
                    "sector": employer.sector[:100],
                    **{name: employer.overrides.get(name) for name in estimator.FACTORS},
                }
                prospect = existing.get(employer.name.lower())
                if prospect is None:
                    prospect = Prospect.objects.create(
                        region=region, name=employer.name[:200], **figures
                    )
                    kind, added = EventKind.ADDED, added + 1
                else:
                    for name, value in figures.items():
                        setattr(prospect, name, value)
                    prospect.save(update_fields=list(figures))
                    kind, updated = EventKind.UPDATED, updated + 1
                ProspectEvent.objects.create(
                    prospect=prospect, kind=kind, to_stage=prospect.stage, actor=actor
                )
    except IntegrityError as error:
        raise ValidationError(CONCURRENT_IMPORT) from error
    return added, updated
