"""The navigation each role needs, in one place."""

from dataclasses import dataclass

from django.urls import reverse

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
    ("Your organisation", "organisations:profile", None, False),
    ("Team", "organisations:team", None, False),
    ("API tokens", "api_tokens:list", None, True),
    ("Reference data", "admin:index", {Role.COORDINATOR}, False),
    ("Account", "mfa_index", None, False),
]


def navigation_for(membership, path: str) -> list[NavItem]:
    if membership is None:
        return [NavItem("Account", reverse("mfa_index"), path.startswith(reverse("mfa_index")))]
    items = []
    for label, url_name, roles, admin_only in ITEMS:
        if roles is not None and membership.role not in roles:
            continue
        if admin_only and not membership.is_admin:
            continue
        url = reverse(url_name)
        active = path == url if url_name == "workspace:home" else path.startswith(url)
        items.append(NavItem(label, url, active))
    return items
