from ninja import Router, Schema

from api.models import ApiToken
from api.schemas import principal
from organisations.memberships import memberships_of

router = Router(tags=["account"])


class MembershipOut(Schema):
    organisation: str
    organisation_slug: str
    role: str
    is_admin: bool


class MeOut(Schema):
    kind: str  # "user" or "token"
    name: str
    email: str | None = None
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="Who the request is authenticated as")
def me(request):
    who = principal(request)
    if isinstance(who, ApiToken):
        grant = MembershipOut(
            organisation=who.organisation.name,
            organisation_slug=who.organisation.slug,
            role=who.role,
            is_admin=False,
        )
        return MeOut(kind="token", name=who.name, memberships=[grant])
    memberships = [
        MembershipOut(
            organisation=m.organisation.name,
            organisation_slug=m.organisation.slug,
            role=m.role,
            is_admin=m.is_admin,
        )
        for m in memberships_of(who)
    ]
    return MeOut(kind="user", name=who.get_full_name(), email=who.email, memberships=memberships)
