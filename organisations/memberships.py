"""The membership a signed-in user is acting as, chosen with the organisation switcher."""

from organisations.models import Membership

SESSION_KEY = "rehome_active_membership"


def memberships_of(user):
    return Membership.objects.filter(user=user).select_related(
        "organisation", "organisation__region"
    )


def active_membership(request) -> Membership | None:
    """The membership chosen in this session, or the user's first one; None for anonymous users."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = list(memberships_of(user))
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None
