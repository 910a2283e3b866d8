from django.utils.functional import SimpleLazyObject

from regions.selectors import current_region


def service(request):
    """The service name and attribution lines come from the loaded region, never from code."""
    region = SimpleLazyObject(current_region)
    return {
        "region": region,
        "service_name": SimpleLazyObject(lambda: region.service_name if region else "Rehome"),
    }
