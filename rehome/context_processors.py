from django.utils.functional import SimpleLazyObject

from organisations.memberships import memberships_of
from regions.selectors import current_region
from workspace.navigation import navigation_for


def service(request):
    """The service name and attribution come from the loaded region; navigation from the role."""
    region = SimpleLazyObject(current_region)
    context = {
        "region": region,
        "service_name": SimpleLazyObject(lambda: region.service_name if region else "Rehome"),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["memberships"] = SimpleLazyObject(lambda: list(memberships_of(user)))
        context["navigation"] = SimpleLazyObject(
            lambda: navigation_for(request.membership, request.path)
        )
    return context
