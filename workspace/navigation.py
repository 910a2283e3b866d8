"""The navigation each role needs, in one place."""

from dataclasses import dataclass

from django.urls import reverse

from directory.models import EDITORS as DIRECTORY_EDITORS
from organisations.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


# (label, url name, roles that see it or None for everyone, organisation admins only)
ITEMS = [
    ("Home", "workspace:home", None, False),
    ("Organisations", "organisations:list", {Role.COORDINATOR, Role.COUNCIL_OFFICER}, False),
    (
        "Devices",
        "devices:list",
        {Role.COORDINATOR, Role.ITAD_TECHNICIAN, Role.VCSE_WORKER, Role.DONOR_CONTACT},
        False,
    ),
    ("Scan devices", "devices:bulk", {Role.ITAD_TECHNICIAN, Role.VCSE_WORKER}, False),
    ("Erasure evidence", "erasure:list", {Role.ITAD_TECHNICIAN, Role.COORDINATOR}, False),
    ("Pledges", "donations:pledges", {Role.COORDINATOR, Role.DONOR_CONTACT}, False),
    ("Donor registrations", "donations:registrations", {Role.COORDINATOR}, False),
    ("Collections", "donations:collections", {Role.ITAD_TECHNICIAN}, False),
    (
        "Batches",
        "donations:list",
        {Role.COORDINATOR, Role.ITAD_TECHNICIAN, Role.DONOR_CONTACT},
        False,
    ),
    ("Referrals", "referrals:list", {Role.VCSE_WORKER}, False),
    ("SIM stock", "referrals:sims", {Role.VCSE_WORKER}, False),
    ("Demand and supply", "referrals:demand", {Role.COORDINATOR, Role.COUNCIL_OFFICER}, False),
    ("Allocation", "allocation:overview", {Role.COORDINATOR}, False),
    (
        "Ring-fenced devices",
        "allocation:ring_fences",
        {Role.COUNCIL_OFFICER, Role.COORDINATOR},
        False,
    ),
    ("Directory entries", "directory:manage", set(DIRECTORY_EDITORS), False),
    ("Directory approvals", "directory:review", {Role.COORDINATOR}, False),
    ("Employers to engage", "opportunity:pipeline", {Role.COORDINATOR}, False),
    ("Assessment rules", "assessment:rules", {Role.COORDINATOR}, False),
    ("Library pages", "library:workspace", None, False),
    ("Your organisation", "organisations:profile", None, False),
    ("Team", "organisations:team", None, False),
    ("API tokens", "api_tokens:list", None, True),
    ("Referral access log", "referrals:access_log", {Role.VCSE_WORKER}, True),
    ("Impact method", "impact:methods", {Role.COORDINATOR}, False),
    ("Annual snapshot", "impact:snapshot", {Role.COORDINATOR}, False),
    ("Council report", "impact:council_report", {Role.COUNCIL_OFFICER, Role.COORDINATOR}, False),
    ("Reference data", "admin:index", {Role.COORDINATOR}, False),
    ("Account", "mfa_index", None, False),
]


def navigation_for(membership, path: str) -> list[NavItem]:
    """The items the membership's role needs; the one whose address best matches `path` is active."""
    if membership is None:
        entries = [("Account", reverse("mfa_index"))]
    else:
        entries = [
            (label, reverse(url_name))
            for label, url_name, roles, admin_only in ITEMS
            if (roles is None or membership.role in roles)
            and (membership.is_admin or not admin_only)
        ]
    # The longest address that prefixes the path wins, so /organisation/team/ lights up "Team",
    # not "Your organisation" as well.
    matches = [url for _, url in entries if path.startswith(url)]
    active = max(matches, key=len, default=None)
    return [NavItem(label, url, url == active) for label, url in entries]
