from django.utils.functional import SimpleLazyObject

from organisations.memberships import active_membership


class ActiveMembershipMiddleware:
    """Attach `request.membership`: the organisation and role the user is acting as."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: active_membership(request))
        return self.get_response(request)
