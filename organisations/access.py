"""Access helpers: each returns the object the request may act on, or raises 404."""

from django.shortcuts import get_object_or_404

from organisations.models import Organisation


def get_organisation_for_user(request, slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
