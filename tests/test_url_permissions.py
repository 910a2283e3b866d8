"""Every URL in the project refuses anonymous visitors and outsiders unless it says otherwise.

The test walks the whole URL configuration, so routes added later are covered automatically.
A route is one of:
  - public (`@public`), open to anyone;
  - self-service (`@self_service`, or allauth's own account pages), acting only on the signed-in
    user's account or active organisation, so any signed-in user may open it;
  - role-restricted without parameters (`@role_required`): a user without the role is refused;
  - about an object (URL parameters): it needs an entry in SAMPLES naming who may open it and
    with which arguments; charlie, a worker at an unrelated VCSE, must be refused.
Anything else fails the test with a message saying what to add.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.services import api_token_create

REFUSED = {401, 403, 404}

# Who may open each route that takes parameters, and with what: (persona, kwargs factory).
SAMPLES = {
    "organisations:detail": ("coordinator", lambda p: {"slug": p.ladywood.slug}),
    "accounts:invitation_withdraw": ("alice", lambda p: {"pk": p.invitation.pk}),
    "api_tokens:revoke": ("alice", lambda p: {"pk": p.token.pk}),
    "api:organisation_detail": ("alice", lambda p: {"slug": p.ladywood.slug}),
    "api:device_detail": ("technician", lambda p: {"uid": p.device.uid}),
    "erasure:detail": ("technician", lambda p: {"pk": p.evidence.pk}),
    "erasure:download": ("technician", lambda p: {"pk": p.evidence.pk}),
    "erasure:assign": ("technician", lambda p: {"pk": p.evidence.pk, "index": 0}),
    "erasure:push_endpoint_revoke": ("technician", lambda p: {"pk": p.endpoint.pk}),
    "donations:detail": ("technician", lambda p: {"reference": p.batch.reference}),
    "donations:certificate": ("donor", lambda p: {"reference": p.batch.reference}),
    "donations:certificate_pdf": ("donor", lambda p: {"reference": p.batch.reference}),
    "donations:labels": ("technician", lambda p: {"reference": p.batch.reference}),
    "donations:registration_decide": ("coordinator", lambda p: {"pk": p.registration.pk}),
    "donations:collection_act": (
        "technician",
        lambda p: {"pk": p.collection.pk, "action": "confirm"},
    ),
    "donations:collection_cancel": ("donor", lambda p: {"pk": p.collection.pk}),
    "api:batch_detail": ("donor", lambda p: {"reference": p.pledged_batch.reference}),
    "api:manifest_upload": ("donor", lambda p: {"reference": p.pledged_batch.reference}),
    "devices:transition": ("technician", lambda p: {"uid": p.device.uid, "name": "erase"}),
    "devices:drive_destroy": (
        "technician",
        lambda p: {"uid": p.device.uid, "pk": p.device.drives.first().pk},
    ),
}
# Device routes: the technician whose ITAD holds the device may open them.
for _name in (
    "detail",
    "assess",
    "refurbish",
    "recycle",
    "lose",
    "drive_add",
    "no_storage",
    "handover_send",
    "handover_confirm",
    "handover_cancel",
    "correct",
):
    SAMPLES[f"devices:{_name}"] = ("technician", lambda p: {"uid": p.device.uid})
# Pledge routes: the donor who pledged may open them.
for _name in ("pledge", "pledge_batch_add", "pledge_withdraw"):
    SAMPLES[f"donations:{_name}"] = ("donor", lambda p: {"reference": p.pledge.reference})
# Batch routes on the donor's side, and the manifest's pages.
for _name in (
    "manifest_upload",
    "partner",
    "collection_book",
    "reconciliation",
    "reconciliation_csv",
):
    SAMPLES[f"donations:{_name}"] = ("donor", lambda p: {"reference": p.pledged_batch.reference})
for _name in (
    "manifest",
    "manifest_map",
    "manifest_commit",
    "manifest_discard",
    "manifest_problems",
):
    SAMPLES[f"donations:{_name}"] = (
        "donor",
        lambda p: {"reference": p.pledged_batch.reference, "pk": p.manifest.pk},
    )
# Receiving is the partner's.
for _name in ("receive", "receiving_close"):
    SAMPLES[f"donations:{_name}"] = (
        "technician",
        lambda p: {"reference": p.pledged_batch.reference},
    )
# A referral is its VCSE's alone: another VCSE (the outsider) gets a 404, as if it did not exist.
for _name in ("detail", "edit", "withdraw", "renew", "ready", "handover", "follow_up", "erase"):
    SAMPLES[f"referrals:{_name}"] = ("alice", lambda p: {"uid": p.referral.uid})
SAMPLES["api:referral_detail"] = ("alice", lambda p: {"uid": p.referral.uid})
# Allocation is the coordinator's; ring-fences the council's (and the coordinator's).
for _name in ("run", "commit", "discard", "swap"):
    SAMPLES[f"allocation:{_name}"] = ("coordinator", lambda p: {"uid": p.run.uid})
for _name in ("remove", "undo"):
    SAMPLES[f"allocation:{_name}"] = (
        "coordinator",
        lambda p: {"uid": p.run.uid, "pk": p.run.matches.first().pk},
    )
SAMPLES["allocation:ring_fence_limit"] = ("coordinator", lambda p: {"slug": p.batch.area.slug})
SAMPLES["allocation:ring_fence_lift"] = ("council_officer", lambda p: {"pk": p.ring_fence.pk})
# A library page in review: its writers (Ladywood) and the coordinator may open it; a draft or
# a page in review is another organisation's business only as a 404.
for _name in ("manage", "edit", "submit", "withdraw"):
    SAMPLES[f"library:{_name}"] = ("alice", lambda p: {"slug": p.library_page.slug})
for _name in ("publish", "send_back"):
    SAMPLES[f"library:{_name}"] = ("coordinator", lambda p: {"slug": p.library_page.slug})
# A directory entry is kept by its organisation (Ladywood) and the coordinator; a proposed
# change is the coordinator's to decide. Another organisation gets a 404.
for _name in ("edit", "confirm", "withdraw"):
    SAMPLES[f"directory:{_name}"] = ("alice", lambda p: {"pk": p.directory_entry.pk})
for _name in ("revision", "decide"):
    SAMPLES[f"directory:{_name}"] = ("coordinator", lambda p: {"pk": p.directory_change.pk})
# An employer in the engagement pipeline is its region's coordinator's alone.
for _name in ("prospect", "move"):
    SAMPLES[f"opportunity:{_name}"] = ("coordinator", lambda p: {"pk": _prospect(p).pk})
# Versions of the impact method are the coordinator's (version 1 comes with the region pack).
for _name in ("method_edit", "method_adopt"):
    SAMPLES[f"impact:{_name}"] = ("coordinator", lambda p: {"version": "1"})
SAMPLES["impact:snapshot_download"] = (
    "coordinator",
    lambda p: {"year": datetime.date.today().year, "fmt": "csv"},
)
# A donor's impact statement: the donor's own contacts (and the coordinator) may open it.
for _name in ("donor_statement", "donor_statement_pdf"):
    SAMPLES[f"impact:{_name}"] = ("donor", lambda p: {"slug": p.donor_org.slug})
# API uploads (POST with a file): who may use them, and who may not, is tested with the upload
# itself (donations/tests/test_pages.py), since a bare request fails validation before access.
API_TESTED_WITH_UPLOADS = {"api:manifest_upload"}
# Parameterised routes that are public by design, with sample arguments.
PUBLIC_SAMPLES = {
    "impact:report_download": {"pk": 1, "fmt": "pdf"},
    "impact:method_version": {"version": "1"},
    "accounts:invitation_accept": {"token": "not-a-real-token"},
    "assessment:step": {"step": "device"},
    "assessment:rules_version": {"version": 1},
    "api:shredos_push": {"token": "sh_not-a-real-token"},
    "directory:detail": {"pk": 999999},
    "api:openreferral_service": {"id": "00000000-0000-4000-8000-000000000000"},
    "library:page": {"slug": "no-such-page"},
    "api:library_page_detail": {"slug": "no-such-page"},
}
# Django admin: every view goes through AdminSite.has_permission (coordinators only).
ADMIN_KWARGS = {"app_label": "organisations", "object_id": "1", "content_type_id": "1", "url": "x"}
# django-ninja's own documentation routes.
NINJA_PUBLIC = {"api:openapi-json", "api:openapi-view", "api:api-root"}


@dataclass
class Route:
    name: str
    route: str
    callback: object
    namespace: str
    params: list[str]
    url_name: str | None


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            params = (
                list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
            )
            params = (
                params
                or re.findall(r"\(\?P<(\w+)>", route)
                or re.findall(r"<(?:\w+:)?(\w+)>", route)
            )
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or route)
            yield Route(name, route, pattern.callback, namespace, params, pattern.name)


ROUTES = list(_walk(get_resolver().url_patterns))


def _is_public(route: Route) -> bool:
    return getattr(route.callback, "login_required", True) is False or route.name in NINJA_PUBLIC


def _is_self_service(route: Route) -> bool:
    module = getattr(route.callback, "__module__", "") or ""
    return getattr(route.callback, "rehome_self_service", False) or module.startswith("allauth.")


def _api_public_operations(client) -> set[str]:
    schema = client.get("/api/v1/openapi.json").json()
    public = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            if not operation.get("security"):
                public.add(operation["operationId"])
    return public


def _refused(response) -> bool:
    """Refused: an error status, or sent (through any redirects) to the sign-in page."""
    if response.status_code in REFUSED:
        return True
    chain = getattr(response, "redirect_chain", None) or []
    return bool(chain) and chain[-1][0].startswith(reverse("account_login"))


def _fetch(client, url, **extra):
    """GET the route (POST if it only takes POST), following redirects."""
    response = client.get(url, follow=True, **extra)
    if response.status_code == 405:
        response = client.post(url, follow=True, **extra)
    return response


@pytest.fixture
def setup(personas, lab, client):
    from accounts.services import invitation_create
    from erasure.models import EvidenceFile, PushEndpoint

    personas.batch = lab.batch
    personas.device = lab.device(state="erased")
    personas.evidence = EvidenceFile.objects.get()
    personas.endpoint = PushEndpoint.objects.create(
        organisation=personas.itad_org,
        name="Bench",
        token_hash=PushEndpoint.hash_token("sh_sample"),
        prefix="sh_sample",
        created_by=personas.technician,
    )

    _donations(personas)
    personas.referral = _referral(personas)
    personas.directory_entry, personas.directory_change = _directory(personas)
    personas.library_page = _library_page(personas)
    _allocation(personas, lab)
    personas.invitation, _ = invitation_create(
        organisation=personas.ladywood,
        email="new@example.org",
        role="vcse_worker",
        invited_by=personas.alice,
    )
    alice_membership = personas.membership(personas.alice)
    personas.token, _ = api_token_create(membership=alice_membership, name="Sync")
    _, personas.charlie_secret = api_token_create(
        membership=personas.membership(personas.charlie), name="Theirs"
    )
    _, personas.alice_secret = api_token_create(membership=alice_membership, name="Mine")
    personas.secrets = {"alice": personas.alice_secret}
    for who in ("technician", "donor", "coordinator"):
        user = getattr(personas, who)
        _, personas.secrets[who] = api_token_create(
            membership=personas.membership(user), name=f"{who} token"
        )
    return personas


def _donations(personas) -> None:
    """A pledge with an uploaded (not yet imported) manifest and a requested collection."""
    import datetime

    from django.utils import timezone

    from donations import manifests, services
    from organisations.services import accreditation_add

    today = timezone.localdate()
    accreditation_add(
        organisation=personas.itad_org,
        scheme="cyber_essentials_plus",
        number="CEP-PERM",
        expires_on=today + datetime.timedelta(days=200),
    )
    personas.pledge = services.pledge_create(
        donor=personas.donor_org,
        actor=personas.donor,
        area=personas.batch.area,
        sites="HQ",
        earliest_collection=today,
        counts={"laptop": 1},
        sensitivity="standard",
        contact_name="Desk",
        contact_email="desk@example.org",
    )
    personas.pledged_batch = batch = personas.pledge.batches.get()
    personas.manifest = manifests.manifest_upload(
        batch, filename="assets.csv", content=b"Serial,Type\nX1,laptop\n", actor=personas.donor
    )
    services.partner_choose(
        batch, personas.itad_org, reason="Near", collection_date=today, actor=personas.donor
    )
    personas.collection = services.collection_book(
        batch, date=today, site="HQ", actor=personas.donor
    )
    personas.registration = services.registration_submit(
        region=personas.region,
        areas=[personas.batch.area],
        organisation_name="New Donor Ltd",
        contact_name="Nia",
        contact_email="nia@newdonor.example",
    )


def _referral(personas):
    from referrals import services

    return services.referral_create(
        vcse=personas.ladywood,
        actor=personas.alice,
        needs=services.Needs(
            reference="LCH-0001",
            area=personas.batch.area,
            device_type="laptop",
            connectivity="has_connection",
            eligibility=["low_income"],
            consent_by="person",
            consent_purposes=["referral", "aggregate"],
        ),
    )


def _library_page(personas):
    from library import services

    page = services.page_create(
        organisation=personas.ladywood,
        actor=personas.alice,
        draft=services.Draft(
            kind="case_study", title="Drop-in", summary="S", body="B", themes=["digital_skills"]
        ),
    )
    return services.page_submit(page, actor=personas.alice, organisation=personas.ladywood)


def _directory(personas):
    """Ladywood's live directory entry, and a change to it waiting for the coordinator."""
    from directory import services

    entry = services.Entry(
        name="Repair café",
        kind="repair_cafe",
        description="Mending.",
        area_codes=[personas.batch.area.code],
        contact_email="repair@ladywood.example",
    )
    first = services.service_propose(
        organisation=personas.ladywood, actor=personas.alice, entry=entry
    )
    live = services.revision_approve(first, actor=personas.coordinator)
    change = services.service_propose(
        organisation=personas.ladywood, actor=personas.alice, entry=entry, service=live
    )
    return live, change


def _allocation(personas, lab):
    from allocation import services, weights

    lab.device(state="ready", year=2025)
    personas.run = services.run_preview(
        personas.region, actor=personas.coordinator, organisation=personas.wmca
    )
    weights.ring_fence_limit_set(personas.batch.area, 100, actor=personas.coordinator)
    personas.ring_fence = weights.ring_fence_add(
        personas.device, council=personas.birmingham_council, reason="Local", actor=None
    )


def _prospect(personas):
    from lib.opportunity import Employer
    from opportunity.models import Prospect
    from opportunity.services import prospects_import

    employer = Employer(2, "Sample Employer", 100)
    prospects_import(region=personas.region, employers=[employer], actor=personas.coordinator)
    return Prospect.objects.get(name=employer.name)


def _url(route: Route, kwargs: dict) -> str:
    if route.url_name:
        return reverse(route.name, kwargs=kwargs)
    return "/" + route.route.lstrip("^").rstrip("$")


class MissingSample(Exception):
    pass


def _kwargs_for(route: Route, personas) -> dict | None:
    """Arguments to open `route` with; None for a public route nobody needs to open here."""
    if not route.params:
        return {}
    if route.namespace == "admin":
        return {p: ADMIN_KWARGS[p] for p in route.params}
    if route.name in PUBLIC_SAMPLES:
        return PUBLIC_SAMPLES[route.name]
    if route.name in SAMPLES:
        return SAMPLES[route.name][1](personas)
    if _is_public(route):
        return None  # e.g. allauth's emailed-key pages: open to anyone holding the key
    raise MissingSample(f"{route.name}: add a sample to SAMPLES (who may open it, with what)")


def _is_public_api(route: Route, public_operations: set[str]) -> bool:
    operation = route.name.split(":", 1)[1]
    return route.name in NINJA_PUBLIC or any(
        op.endswith(f"_{operation}") for op in public_operations
    )


@pytest.mark.django_db
def test_every_route_refuses_anonymous_visitors_unless_public(setup, client):
    public_operations = _api_public_operations(client)
    problems = []
    for route in ROUTES:
        try:
            kwargs = _kwargs_for(route, setup)
        except MissingSample as missing:
            problems.append(str(missing))
            continue
        if kwargs is None:
            continue
        url = _url(route, kwargs)
        response = _fetch(client, url)
        public = (
            _is_public_api(route, public_operations)
            if route.namespace == "api"
            else _is_public(route)
        )
        if public:
            if response.status_code >= 500:
                problems.append(f"{url}: public route failed with {response.status_code}")
        elif not _refused(response):
            problems.append(f"{url}: anonymous visitor got {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_protected_route_refuses_another_organisations_user(setup, client):
    problems = []
    personas = {
        "coordinator": setup.coordinator,
        "council_officer": setup.council_officer,
        "alice": setup.alice,
        "donor": setup.donor,
        "technician": setup.technician,
    }
    role_holders = [
        (setup.coordinator, "coordinator"),
        (setup.council_officer, "council_officer"),
        (setup.alice, "vcse_worker"),
        (setup.donor, "donor_contact"),
        (setup.technician, "itad_technician"),
    ]
    outsiders = [
        (setup.charlie, "vcse_worker"),
        (setup.donor, "donor_contact"),
        (setup.council_officer, "council_officer"),
    ]
    for route in ROUTES:
        if _is_public(route) or route.name in PUBLIC_SAMPLES:
            continue
        if route.namespace == "api":
            if route.name not in SAMPLES or route.name in API_TESTED_WITH_UPLOADS:
                continue  # parameterless API reads are scoped by visible_to (tested in api/tests)
            who, make_kwargs = SAMPLES[route.name]
            url = reverse(route.name, kwargs=make_kwargs(setup))
            outsider = client.get(url, headers={"Authorization": f"Bearer {setup.charlie_secret}"})
            insider = client.get(url, headers={"Authorization": f"Bearer {setup.secrets[who]}"})
            if outsider.status_code not in REFUSED:
                problems.append(f"{url}: outsider's token got {outsider.status_code}")
            if insider.status_code != 200:
                problems.append(f"{url}: rightful token got {insider.status_code}")
            continue
        if route.namespace == "admin":
            kwargs = {p: ADMIN_KWARGS[p] for p in route.params}
            client.force_login(setup.charlie)
            response = _fetch(client, _url(route, kwargs))
            if not _refused(response):
                problems.append(f"{route.name}: outsider got {response.status_code}")
            continue
        if route.params:
            if _is_self_service(route):
                continue
            who, make_kwargs = SAMPLES[route.name]
            url = reverse(route.name, kwargs=make_kwargs(setup))
            client.force_login(setup.charlie)
            outsider = _fetch(client, url)
            if not _refused(outsider):
                problems.append(f"{url}: outsider got {outsider.status_code}")
            client.force_login(personas[who])
            insider = client.get(url, follow=True)
            if insider.status_code == 405:
                continue  # a POST action: its rightful use is tested with its view
            if _refused(insider):
                problems.append(f"{url}: {who} (who may open it) got {insider.status_code}")
            continue
        if _is_self_service(route):
            continue
        roles = getattr(route.callback, "rehome_roles", None)
        if roles is None:
            problems.append(f"{route.name}: mark it @public, @self_service or @role_required(...)")
            continue
        url = _url(route, {})
        outsider, _ = next((u, r) for u, r in outsiders if r not in roles)
        client.force_login(outsider)
        if not _refused(_fetch(client, url)):
            problems.append(f"{url}: a user without the role got through")
        holder = next(u for u, r in role_holders if r in roles)
        client.force_login(holder)
        if _refused(client.get(url, follow=True)):
            problems.append(f"{url}: a user with the role was refused")
    assert not problems, "\n".join(problems)
