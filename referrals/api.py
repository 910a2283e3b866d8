"""Referrals over the API, for a VCSE's own case-management system: refer someone, list the
organisation's referrals with each waiting person's place, and follow one referral's history.

Only a VCSE worker's token (or a signed-in VCSE worker) may use these endpoints, and it sees
only its own organisation's referrals: another VCSE's referral answers 404, as if it did not
exist. Every call is written to the referral access log, marked as made through the API.
"""

import datetime
import uuid
from typing import Literal

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as ServiceValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from pydantic import ConfigDict

from api.models import ApiToken
from api.pagination import BoundedPageNumberPagination
from api.schemas import ErrorOut, Text, principal
from organisations.models import Organisation
from organisations.roles import Role
from regions.models import Area

from . import selectors, services
from .models import (
    AccessAction,
    Accessibility,
    Connectivity,
    ConsentBy,
    ConsentPurpose,
    Eligibility,
    Priority,
    Referral,
    SkillsTopic,
    State,
)

router = Router(tags=["referrals"])

VCSE_ONLY = "Only a community organisation's (VCSE) worker token can use referrals."
UNKNOWN_AREA = "No area in {region} has the code or slug “{value}”."

RequestableType = Literal[tuple(services.REQUESTABLE_TYPES)]


class ReferralIn(Schema):
    """A referral's needs, with every choice given by its stored value."""

    model_config = ConfigDict(use_enum_values=True)

    reference: Text = Field(
        description="Your own pseudonymous reference for the person. Never their name."
    )
    area: Text = Field(
        description="Where the person lives: the area's ONS code (e.g. E08000025) or its slug."
    )
    postcode_district: Text = Field("", description="Optional: the first half of the postcode.")
    device_type: RequestableType
    substitutes: list[RequestableType] = Field(
        [], description="Other device types that would also do."
    )
    minimum_tier: int = Field(
        1, ge=1, le=3, description="Minimum specification: 1 basic, 2 standard, 3 high."
    )
    eligibility: list[Eligibility] = Field(description="At least one reason.")
    accessibility: list[Accessibility] = []
    connectivity: Connectivity
    skills: list[SkillsTopic] = []
    priority: Priority = Priority.STANDARD
    priority_reason: Text = Field("", description="Required for a priority other than standard.")
    notes: Text = Field("", description="No contact details, identity numbers or birth dates.")
    consent_by: ConsentBy
    consent_purposes: list[ConsentPurpose] = Field(
        description="Must include `referral` and `aggregate`."
    )


class ReferralAreaOut(Schema):
    code: str
    name: str


class NeedsOut(Schema):
    device_type: str
    substitutes: list[str]
    minimum_tier: int
    eligibility: list[str]
    accessibility: list[str]
    connectivity: str
    skills: list[str]
    priority: int
    priority_reason: str
    notes: str


class ReferralOut(Schema):
    uid: uuid.UUID
    reference: str
    state: str
    state_changed_at: datetime.datetime
    area: ReferralAreaOut
    postcode_district: str
    needs: NeedsOut
    referred_at: datetime.datetime
    expires_on: datetime.date
    position: int | None = Field(
        description="While waiting: the person's place in the area's queue for the device type."
    )
    estimate: str | None = Field(description="While waiting: the likely wait, in plain words.")


class ReferralEventOut(Schema):
    at: datetime.datetime
    kind: str
    from_state: str
    to_state: str
    detail: str


class ReferralDetailOut(ReferralOut):
    history: list[ReferralEventOut]


def _vcse(request) -> Organisation:
    """The VCSE the request acts for (a VCSE worker token's organisation, or the signed-in
    user's active VCSE membership), or 403 for anyone else."""
    who = principal(request)
    if isinstance(who, ApiToken):
        acting = who.organisation if who.role == Role.VCSE_WORKER else None
    else:
        membership = request.membership
        acting = (
            membership.organisation if membership and membership.role == Role.VCSE_WORKER else None
        )
    if acting is None:
        raise HttpError(403, VCSE_ONLY)
    return acting


def _own(request, vcse: Organisation):
    return Referral.objects.visible_to(principal(request)).filter(vcse=vcse).select_related("area")


def _log(request, vcse: Organisation, action: str, *, referral=None, count=1) -> None:
    services.log_access(
        vcse_id=vcse.pk,
        user=principal(request),
        action=action,
        referral=referral,
        count=count,
        path=request.path,
        via_api=True,
    )


def _out(row: selectors.ListRow) -> dict:
    referral = row.referral
    return {
        "uid": referral.uid,
        "reference": referral.reference,
        "state": referral.state,
        "state_changed_at": referral.state_changed_at,
        "area": referral.area,
        "postcode_district": referral.postcode_district,
        "needs": referral,
        "referred_at": referral.referred_at,
        "expires_on": referral.expires_on,
        "position": row.position,
        "estimate": row.estimate or None,
    }


def _one(referral: Referral) -> dict:
    """One referral with its place and likely wait, as the list shows it."""
    return _out(selectors.list_row(referral, timezone.localdate()))


def _area(vcse: Organisation, value: str) -> Area | None:
    value = value.strip()
    if not value:
        return None
    return Area.objects.filter(
        Q(code__iexact=value) | Q(slug=value.lower()), region_id=vcse.region_id
    ).first()


def _problems(by_field: dict[str, list[str]]) -> list[dict]:
    """The service's errors, by field, in the shape of every other 422 the API answers."""
    return [
        {
            "type": "value_error",
            "loc": ["body", "payload"] + ([] if field == NON_FIELD_ERRORS else [field]),
            "msg": message,
        }
        for field, messages in by_field.items()
        for message in messages
    ]


@router.post(
    "/referrals",
    response={201: ReferralOut, 400: ErrorOut},
    summary="Refer someone: they join the waiting list for their area",
)
def referral_create(request, payload: ReferralIn):
    """Nothing is stored unless the whole referral is valid: a 422 lists every problem, each
    with its field (`loc`); a body that is not JSON is a 400. Free text that looks like contact
    details, an identity number or a date of birth is refused."""
    vcse = _vcse(request)
    data = payload.model_dump()
    area = _area(vcse, data["area"])
    data["area"] = area
    who = principal(request)
    try:
        referral = services.referral_create(
            vcse=vcse,
            actor=None if isinstance(who, ApiToken) else who,
            needs=services.Needs(**data),
        )
    except ServiceValidationError as error:
        problems = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        if area is None and payload.area.strip():
            problems["area"] = [UNKNOWN_AREA.format(region=vcse.region, value=payload.area)]
        raise ValidationError(_problems(problems)) from error
    _log(request, vcse, AccessAction.CHANGED, referral=referral)
    return Status(201, _one(referral))


class _QueuePagination(BoundedPageNumberPagination):
    """A page of referrals with each waiting person's place and likely wait; the access log
    records how many were listed."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        rows = selectors.waiting_list_rows(page["items"], timezone.localdate())
        _log(request, _vcse(request), AccessAction.LISTED, count=len(rows))
        page["items"] = [_out(row) for row in rows]
        return page


@router.get(
    "/referrals",
    response=list[ReferralOut],
    summary="Your organisation's referrals, in queue order",
)
@paginate(_QueuePagination, page_size=50)
def referral_list(request, state: State | None = None):
    """In the allocation policy's order: higher priority first, then longest waiting. Filter by
    `state` (e.g. `waiting`)."""
    referrals = _own(request, _vcse(request))
    if state:
        referrals = referrals.filter(state=state)
    return selectors.with_position(referrals).order_by("priority", "referred_at", "pk")


@router.get(
    "/referrals/{uid}",
    response={200: ReferralDetailOut, 404: ErrorOut},
    summary="One of your referrals: its status and the history of its state changes",
)
def referral_detail(request, uid: uuid.UUID):
    vcse = _vcse(request)
    referral = get_object_or_404(_own(request, vcse), uid=uid)
    _log(request, vcse, AccessAction.VIEWED, referral=referral)
    history = referral.events.order_by("at", "pk").values(
        "at", "kind", "from_state", "to_state", "detail"
    )
    return Status(200, {**_one(referral), "history": list(history)})
