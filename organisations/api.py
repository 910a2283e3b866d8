import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from api.pagination import BoundedPageNumberPagination
from api.schemas import ErrorOut, principal
from organisations.models import Organisation
from organisations.selectors import with_accreditations

router = Router(tags=["organisations"])


class AccreditationOut(Schema):
    scheme: str
    scheme_name: str
    number: str
    certifying_body: str
    valid_from: datetime.date | None
    expires_on: datetime.date
    status: str

    @staticmethod
    def resolve_scheme_name(obj) -> str:
        return obj.get_scheme_display()

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.status()


class OrganisationOut(Schema):
    slug: str
    name: str
    kinds: list[str]
    org_identifier: str
    areas_served: list[str]
    contact_email: str
    contact_phone: str
    website: str
    accreditations: list[AccreditationOut]

    @staticmethod
    def resolve_areas_served(obj) -> list[str]:
        return [area.code for area in obj.areas_served.all()]

    @staticmethod
    def resolve_accreditations(obj):
        return list(obj.accreditations.all())


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations you may see")
@paginate(BoundedPageNumberPagination, page_size=50)
def organisation_list(request, kind: str | None = None):
    organisations = with_accreditations(
        Organisation.objects.visible_to(principal(request))
    ).order_by("name")
    if kind in {"donor", "itad", "vcse", "local_authority", "regional_body"}:
        organisations = organisations.of_kind(kind)
    return organisations


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationOut, 404: ErrorOut},
    summary="One organisation you may see",
)
def organisation_detail(request, slug: str):
    queryset = with_accreditations(Organisation.objects.visible_to(principal(request)))
    return Status(200, get_object_or_404(queryset, slug=slug))
