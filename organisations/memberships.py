"""The membership a signed-in user is acting as, chosen with the organisation switcher."""

from organisations.models import Membership

SESSION_KEY = "rehome_active_membership"


def memberships_of(user):
    return Membership.objects.filter(user=user).select_related(
        "organisation", "organisation__region"
    )


def choose_membership(memberships: list[Membership], chosen_pk) -> Membership | None:
    """The membership chosen in this session, or the user's first one."""
    for membership in memberships:
        if membership.pk == chosen_pk:
            return membership
    return memberships[0] if memberships else None
