"""The directory as open data, in the shape of the Open Referral UK standard (version 1 of its
API: services with their organization, service_areas, service_at_locations, contacts,
regular_schedules, eligibilitys and service_taxonomys; lists paged with totalElements,
totalPages, number, size, first, last, empty and content).

Public and read-only. Only published entries appear; a change waiting for the coordinator
never does. Identifiers are UUIDs: an entry's own, and for organisations and taxonomy terms
one derived from their stable slug or code, so they stay the same between calls.
"""

import math
import uuid

from django.core.paginator import Paginator
from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema, Status

from api.pagination import MAX_PAGE, MAX_PAGE_SIZE
from api.schemas import ErrorOut
from lib.postcodes import FULL_POSTCODE
from organisations.models import Organisation
from regions.selectors import current_region

from . import selectors
from .models import Audience, Service, ServiceKind

router = Router(tags=["directory (Open Referral UK)"])

NOT_FOUND = "No published directory entry has that id."
ONS_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"
VOCABULARIES = {"service_type": ServiceKind, "audience": Audience}
VOCABULARY_PREFIX = "rehome:"


def _derived(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "rehome:" + ":".join(parts)))


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="The page, from 1.")
    per_page: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Items on a page.")


class ServicesIn(PageIn):
    text: str = Field(
        "", max_length=100, pattern=r"^[^\x00]*$", description="Words every service must match."
    )


class OrganizationOut(Schema):
    id: str
    name: str
    description: str
    email: str
    url: str
    uri: str = ""


class PhoneOut(Schema):
    id: str
    number: str
    language: str = "English"


class ContactOut(Schema):
    id: str
    name: str
    title: str
    phones: list[PhoneOut]


class ServiceAreaOut(Schema):
    id: str
    service_area: str
    uri: str


class PhysicalAddressOut(Schema):
    id: str
    address_1: str
    postal_code: str
    country: str = "GB"


class LocationOut(Schema):
    id: str
    name: str
    description: str
    latitude: float | None = None
    longitude: float | None = None
    physical_addresses: list[PhysicalAddressOut]


class ServiceAtLocationOut(Schema):
    id: str
    location: LocationOut


class RegularScheduleOut(Schema):
    id: str
    description: str


class EligibilityOut(Schema):
    id: str
    eligibility: str
    minimum_age: int | None = None
    maximum_age: int | None = None


class TaxonomyOut(Schema):
    id: str
    name: str
    vocabulary: str
    parent: str | None = None


class ServiceTaxonomyOut(Schema):
    id: str
    taxonomy: TaxonomyOut


class ServiceOut(Schema):
    id: str
    name: str
    description: str
    url: str
    email: str
    status: str = Field(description="Always `active`: only published entries are listed.")
    application_process: str
    assured_date: str = Field(description="When the entry was last confirmed or approved.")
    organization: OrganizationOut | None
    contacts: list[ContactOut]
    service_areas: list[ServiceAreaOut]
    service_at_locations: list[ServiceAtLocationOut]
    regular_schedules: list[RegularScheduleOut]
    eligibilitys: list[EligibilityOut]
    service_taxonomys: list[ServiceTaxonomyOut]


class PageOut(Schema):
    # Open Referral UK's own field names, camel case and all.
    totalElements: int
    totalPages: int
    number: int
    size: int
    first: bool
    last: bool
    empty: bool


class ServicePageOut(PageOut):
    content: list[ServiceOut]


class OrganizationPageOut(PageOut):
    content: list[OrganizationOut]


class TaxonomyPageOut(PageOut):
    content: list[TaxonomyOut]


def _taxonomy(vocabulary: str, code: str) -> TaxonomyOut:
    label = VOCABULARIES[vocabulary](code).label
    return TaxonomyOut(
        id=_derived("taxonomy", vocabulary, code),
        name=label,
        vocabulary=VOCABULARY_PREFIX + vocabulary,
    )


def _organization(organisation: Organisation) -> OrganizationOut:
    return OrganizationOut(
        id=_derived("organisation", organisation.slug),
        name=organisation.name,
        description=organisation.description,
        email=organisation.contact_email,
        url=organisation.website,
    )


def _service(service: Service) -> ServiceOut:
    sid = str(service.uid)
    contacts = []
    if service.contact_phone:
        contacts.append(
            ContactOut(
                id=_derived("contact", sid),
                name=service.organisation.name if service.organisation else service.name,
                title="Enquiries",
                phones=[PhoneOut(id=_derived("phone", sid), number=service.contact_phone)],
            )
        )
    locations = []
    if service.address:
        postcode = FULL_POSTCODE.search(service.address)
        locations.append(
            ServiceAtLocationOut(
                id=_derived("service_at_location", sid),
                location=LocationOut(
                    id=_derived("location", sid),
                    name=service.name,
                    description=service.address,
                    physical_addresses=[
                        PhysicalAddressOut(
                            id=_derived("address", sid),
                            address_1=service.address,
                            postal_code=postcode.group(0).upper() if postcode else "",
                        )
                    ],
                ),
            )
        )
    taxonomies = [("service_type", service.kind)] + [
        ("audience", value) for value in sorted(service.audience_values)
    ]
    return ServiceOut(
        id=sid,
        name=service.name,
        description=service.description,
        url=service.website,
        email=service.contact_email,
        status="active",
        application_process=service.how_to_access,
        assured_date=service.reviewed_at.date().isoformat(),
        organization=_organization(service.organisation) if service.organisation else None,
        contacts=contacts,
        service_areas=[
            ServiceAreaOut(
                id=_derived("service_area", sid, area.code),
                service_area=area.name,
                uri=ONS_URI.format(code=area.code),
            )
            for area in service.areas.all()
        ],
        service_at_locations=locations,
        regular_schedules=[
            RegularScheduleOut(id=_derived("schedule", sid), description=service.opening_times)
        ]
        if service.opening_times
        else [],
        eligibilitys=[
            EligibilityOut(id=_derived("eligibility", sid), eligibility=service.eligibility)
        ]
        if service.eligibility
        else [],
        service_taxonomys=[
            ServiceTaxonomyOut(id=_derived("service_taxonomy", sid, v, c), taxonomy=_taxonomy(v, c))
            for v, c in taxonomies
        ],
    )


def _page(items, paging: PageIn, convert) -> dict:
    """One page of `items` (a queryset or a list) in Open Referral UK's envelope."""
    paginator = Paginator(items, paging.per_page)
    total = paginator.count
    pages = max(1, math.ceil(total / paging.per_page))
    number = min(paging.page, pages)
    content = [convert(item) for item in paginator.page(number).object_list] if total else []
    return {
        "totalElements": total,
        "totalPages": pages,
        "number": number,
        "size": paging.per_page,
        "first": number == 1,
        "last": number == pages,
        "empty": not content,
        "content": content,
    }


def published() -> QuerySet:
    region = current_region()
    services = Service.objects.published()
    return services.filter(region=region) if region else services.none()


@router.get(
    "/openreferral/services",
    response=ServicePageOut,
    auth=None,
    summary="Directory services in Open Referral UK form (public)",
)
def openreferral_services(request, filters: Query[ServicesIn]):
    """Every published directory entry, by name, a page at a time; `text` narrows to entries
    whose name, description, eligibility, address or organisation match every word."""
    region = current_region()
    found = (
        selectors.directory_search(region, query=filters.text) if region else Service.objects.none()
    )
    return _page(found, filters, _service)


@router.get(
    "/openreferral/services/{id}",
    response={200: ServiceOut, 404: ErrorOut},
    auth=None,
    summary="One directory service in Open Referral UK form (public)",
)
def openreferral_service(request, id: uuid.UUID):
    service = selectors.with_details(published()).filter(uid=id).first()
    if service is None:
        return Status(404, {"detail": NOT_FOUND})
    return _service(service)


@router.get(
    "/openreferral/organizations",
    response=OrganizationPageOut,
    auth=None,
    summary="Organisations with directory services, in Open Referral UK form (public)",
)
def openreferral_organizations(request, paging: Query[PageIn]):
    organisations = Organisation.objects.filter(services__in=published()).distinct()
    return _page(organisations.order_by("name", "pk"), paging, _organization)


@router.get(
    "/openreferral/taxonomies",
    response=TaxonomyPageOut,
    auth=None,
    summary="The directory's service types and audiences as taxonomy terms (public)",
)
def openreferral_taxonomies(request, paging: Query[PageIn]):
    terms = [(v, code) for v, choices in VOCABULARIES.items() for code in choices.values]
    return _page(terms, paging, lambda term: _taxonomy(*term))
