from regions.models import Region


def current_region() -> Region | None:
    """The deployment's region, or None before any region pack has been loaded."""
    try:
        return Region.objects.current()
    except Region.DoesNotExist:
        return None
