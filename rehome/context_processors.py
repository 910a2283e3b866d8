from django.utils.functional import SimpleLazyObject

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
        context["memberships"] = getattr(request, "memberships", [])
        context["navigation"] = SimpleLazyObject(
            lambda: navigation_for(request.membership, request.path)
        )
    return context
