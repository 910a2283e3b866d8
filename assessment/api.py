import datetime
from typing import Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import field_validator, model_validator

from api.schemas import ExactInput
from lib.assessment import (
    BATTERY,
    DATA_WIPED,
    DEVICE_TYPES,
    KEYBOARD,
    LOCKS,
    OPERATING_SYSTEMS,
    SCREEN,
    STORAGE_TYPES,
    VERDICTS,
    YES_NO,
    DeviceFacts,
    assess,
    describe_cpu,
)

from .selectors import active_rules

router = Router(tags=["assessment"])


class AssessmentIn(ExactInput):
    """What is known about a device. Leave out what you do not know."""

    device_type: Literal[DEVICE_TYPES]
    make: str = Field("", max_length=80)
    model: str = Field("", max_length=120)
    year: int | None = Field(None, ge=1990, le=2100, description="Year it was made.")
    cpu: str = Field("", max_length=120, description="Processor name, e.g. Intel Core i5-8250U.")
    ram_gb: int | None = Field(None, ge=0, le=4096)
    storage_type: Literal[STORAGE_TYPES] = "unknown"
    storage_gb: int | None = Field(None, ge=0, le=100_000)
    powers_on: bool | None = None
    battery: Literal[BATTERY] = "unknown"
    battery_health_pct: int | None = Field(None, ge=0, le=100)
    screen: Literal[SCREEN] = "unknown"
    keyboard: Literal[KEYBOARD] = "unknown"
    operating_system: Literal[OPERATING_SYSTEMS] = "unknown"
    security_updates: Literal[YES_NO] = "unknown"
    updates_until: datetime.date | None = Field(
        None, description="Last day of security updates (a Chromebook's auto update expiration)."
    )
    tpm: Literal[YES_NO] = "unknown"
    locks: list[Literal[(*LOCKS, "unknown")]] = Field(
        default_factory=lambda: ["unknown"],
        max_length=len(LOCKS),
        description='Locks found; [] for none, ["unknown"] (the default) if nobody has checked.',
    )
    data_wiped: Literal[DATA_WIPED] = "unknown"

    @field_validator("updates_until", mode="before")
    @classmethod
    def _date_as_text(cls, value):
        # pydantic would read a bare number as seconds since 1970: a date is written as one.
        if value is not None and not isinstance(value, str | datetime.date):
            raise ValueError('Give the date as text, e.g. "2027-06-30".')
        return value

    @model_validator(mode="after")
    def _unknown_locks_alone(self):
        if "unknown" in self.locks and len(self.locks) > 1:
            raise ValueError('locks: "unknown" cannot be given with other locks')
        return self


class OperatingSystemOut(Schema):
    key: str
    name: str
    reason: str


class AssessmentOut(Schema):
    verdict: Literal[VERDICTS]
    verdict_label: str
    reasons: list[str] = Field(min_length=1)
    recommended_os: OperatingSystemOut | None
    data_advice: list[str]
    rules_version: int
    cpu_read_as: str
    accredited_partners_url: str


@router.post(
    "/assessment",
    auth=None,
    response={200: AssessmentOut},
    summary="Assess a donated device: give, refurbish, unlock first, parts or recycle",
)
def assessment(request, payload: AssessmentIn):
    """Public: the device-assessment guide's verdict under the rules in use, with every reason,
    the operating system to install, what to do about the data, and the rules version."""
    facts = DeviceFacts(**payload.model_dump() | {"locks": tuple(payload.locks)})
    verdict = assess(facts, active_rules(), today=timezone.localdate())
    return AssessmentOut(
        verdict=verdict.verdict,
        verdict_label=verdict.label,
        reasons=verdict.reasons,
        recommended_os=OperatingSystemOut(**vars(verdict.recommended_os))
        if verdict.recommended_os
        else None,
        data_advice=verdict.data_advice,
        rules_version=verdict.rules_version,
        cpu_read_as=describe_cpu(payload.cpu),
        accredited_partners_url=request.build_absolute_uri(reverse("public:donate")),
    )
