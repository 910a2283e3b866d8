"""Decorators that state a view's access contract.

Every page needs a signed-in user by default (LoginRequiredMiddleware). A view says otherwise,
or narrows it further, with exactly one of these; the URL permission test reads the marks they
leave on the view to know what each route promises.
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

public = login_not_required


def self_service(view):
    """Any signed-in user, acting only on their own account or active organisation."""
    view.rehome_self_service = True
    return view


def role_required(*roles: str, admin: bool = False):
    """The active membership must hold one of `roles` (and be an organisation admin if asked)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = request.membership
            if not membership or membership.role not in roles:
                raise PermissionDenied("This page is for another role.")
            if admin and not membership.is_admin:
                raise PermissionDenied("Only your organisation's admins can do this.")
            return view(request, *args, **kwargs)

        wrapped.rehome_roles = frozenset(roles)
        wrapped.rehome_admin_only = admin
        return wrapped

    return decorator


def org_admin_required(view):
    """The active membership must be an admin of its organisation, whatever the role.

    Such pages act on the user's own active organisation, so they are also self-service.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        membership = request.membership
        if not membership or not membership.is_admin:
            raise PermissionDenied("Only your organisation's admins can do this.")
        return view(request, *args, **kwargs)

    wrapped.rehome_admin_only = True
    wrapped.rehome_self_service = True
    return wrapped
