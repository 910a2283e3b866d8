import datetime
import json
import uuid

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from api.pagination import BoundedPageNumberPagination
from api.schemas import ErrorOut, principal
from custody.models import CustodyEvent
from devices.lifecycle import State
from devices.models import Device, Drive
from erasure.models import ErasureRecord
from organisations.roles import Role
from organisations.scope import scope_of

router = Router(tags=["devices"])


class ErasureOut(Schema):
    method: str
    nist_category: str
    standard: str
    tool: str
    tool_version: str
    verification: str
    verified: bool
    status: str
    pass_errors: int | None
    verify_errors: int | None
    sync_errors: int | None
    serial_anonymised: bool
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    counts: bool
    problem: str
    evidence_sha256: str

    @staticmethod
    def resolve_counts(obj) -> bool:
        return obj.passes

    @staticmethod
    def resolve_problem(obj) -> str:
        return obj.problem()

    @staticmethod
    def resolve_evidence_sha256(obj) -> str:
        return obj.evidence.sha256


class DriveOut(Schema):
    kind: str
    model: str
    serial: str
    size_bytes: int | None
    is_data_bearing: bool
    destroyed: bool
    sanitised: bool
    erasures: list[ErasureOut]

    @staticmethod
    def resolve_destroyed(obj) -> bool:
        return obj.is_destroyed

    @staticmethod
    def resolve_sanitised(obj) -> bool:
        return obj.is_sanitised()

    @staticmethod
    def resolve_erasures(obj):
        return list(obj.erasures.all())


class DeviceOut(Schema):
    uid: uuid.UUID
    device_type: str
    make: str
    model: str
    serial_number: str
    imei: str
    asset_tag: str
    state: str
    in_transit: bool
    batch: str | None
    grade: str

    @staticmethod
    def resolve_in_transit(obj) -> bool:
        return obj.in_transit_to_id is not None

    @staticmethod
    def resolve_batch(obj) -> str | None:
        return obj.batch.reference if obj.batch_id else None


class EventOut(Schema):
    seq: int
    occurred_at: datetime.datetime
    kind: str
    transition: str
    from_state: str
    to_state: str
    actor_organisation: str | None
    payload: dict
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_actor_organisation(obj) -> str | None:
        return obj.actor_organisation.name if obj.actor_organisation_id else None

    @staticmethod
    def resolve_payload(obj) -> dict:
        return obj.data


class DeviceDetailOut(DeviceOut):
    cpu: str
    ram_gb: int | None
    storage_gb: int | None
    year: int | None
    custodian: str | None
    drives: list[DriveOut]
    events: list[EventOut]

    @staticmethod
    def resolve_custodian(obj) -> str | None:
        return getattr(obj, "custodian_name", None)

    @staticmethod
    def resolve_drives(obj):
        return list(obj.drives.all())


def _devices(request):
    return Device.objects.visible_to(principal(request)).select_related("batch")


@router.get("/devices", response=list[DeviceOut], summary="Devices you may see")
@paginate(BoundedPageNumberPagination, page_size=100)
def device_list(request, q: str = "", state: str = ""):
    """Filter by an exact serial number, asset tag, IMEI or drive serial (`q`) and by `state`."""
    devices = _devices(request)
    if q.strip():
        q = q.strip()
        devices = devices.filter(
            Q(serial_number__iexact=q)
            | Q(asset_tag__iexact=q)
            | Q(imei=q)
            | Q(drives__serial__iexact=q)
        ).distinct()
    if state in State.values:
        devices = devices.filter(state=state)
    return devices.order_by("pk")


@router.get(
    "/devices/{uid}",
    response={200: DeviceDetailOut, 404: ErrorOut},
    summary="One device, its drives, erasure evidence and custody events",
)
def device_detail(request, uid: uuid.UUID):
    device = get_object_or_404(
        _devices(request)
        .select_related("custodian")
        .prefetch_related(
            Prefetch(
                "drives",
                queryset=Drive.objects.prefetch_related(
                    Prefetch("erasures", queryset=ErasureRecord.objects.select_related("evidence"))
                ),
            ),
            Prefetch(
                "custody_events",
                queryset=CustodyEvent.objects.select_related("actor_organisation").order_by("seq"),
            ),
        ),
        uid=uid,
    )
    donor_only = scope_of(principal(request)).roles == {Role.DONOR_CONTACT}
    device.events = list(device.custody_events.all())
    device.custodian_name = None
    if device.custodian_id and (
        not donor_only or device.custodian_id in (device.donor_id, device.partner_id)
    ):
        device.custodian_name = device.custodian.name
    if donor_only:
        for event in device.events:
            # Free text (reasons, notes) can name a partner or a person: donors get the facts.
            event.payload = json.dumps(
                {k: v for k, v in event.data.items() if k not in {"reason", "note"}}
            )
            if event.actor_organisation_id not in (device.donor_id, device.partner_id):
                event.actor_organisation = None
                event.actor_organisation_id = None
    return Status(200, device)
