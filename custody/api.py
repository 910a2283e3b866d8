import datetime

from ninja import Router, Schema, Status

from api.schemas import ErrorOut
from custody.ledger import latest_checkpoint

router = Router(tags=["custody"])


class CheckpointOut(Schema):
    number: int
    created_at: datetime.datetime
    root: str
    hash: str
    previous: str
    events: int
    devices: int

    @staticmethod
    def resolve_number(obj) -> int:
        return obj.pk


@router.get(
    "/custody/checkpoint",
    auth=None,
    response={200: CheckpointOut, 404: ErrorOut},
    summary="The latest published custody checkpoint (public)",
)
def checkpoint_latest(request):
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        return Status(404, {"detail": "No checkpoint has been taken yet."})
    return Status(200, checkpoint)
