"""What a principal (a signed-in user or an organisation's API token) may see.

Every `visible_to()` QuerySet method starts here, so the rules for "who sees what" follow from
memberships in one place. The scope is computed once per principal object and cached on it.
"""

from dataclasses import dataclass, field

from organisations.roles import Role


@dataclass(frozen=True)
class Grant:
    """One membership as visibility needs it: an organisation and the role held there."""

    organisation_id: int
    region_id: int
    role: str
    area_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Scope:
    grants: tuple[Grant, ...] = ()
    is_anonymous: bool = False

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(grant.organisation_id for grant in self.grants)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.grants)

    @property
    def coordinator_region_ids(self) -> frozenset[int]:
        return frozenset(g.region_id for g in self.grants if g.role == Role.COORDINATOR)

    @property
    def council_area_ids(self) -> frozenset[int]:
        """The areas a council officer answers for: those their council serves."""
        return frozenset(
            a for g in self.grants if g.role == Role.COUNCIL_OFFICER for a in g.area_ids
        )


ANONYMOUS = Scope(is_anonymous=True)


def _grants_for_memberships(memberships) -> tuple[Grant, ...]:
    return tuple(
        Grant(
            organisation_id=m.organisation_id,
            region_id=m.organisation.region_id,
            role=m.role,
            area_ids=frozenset(a.pk for a in m.organisation.areas_served.all()),
        )
        for m in memberships
    )


def scope_of(principal) -> Scope:
    if principal is None or not getattr(principal, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(principal, "_rehome_scope", None)
    if cached is not None:
        return cached
    if hasattr(principal, "grant"):  # an API token acts for one organisation with one role
        scope = Scope(grants=(principal.grant(),))
    elif not principal.is_active:
        scope = ANONYMOUS
    else:
        memberships = principal.memberships.select_related("organisation").prefetch_related(
            "organisation__areas_served"
        )
        scope = Scope(grants=_grants_for_memberships(memberships))
    principal._rehome_scope = scope
    return scope


def forget_scope(principal) -> None:
    """Drop the cached scope after memberships change within the same request."""
    if hasattr(principal, "_rehome_scope"):
        del principal._rehome_scope
