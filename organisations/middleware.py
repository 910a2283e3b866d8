from organisations.memberships import SESSION_KEY, choose_membership, memberships_of


class ActiveMembershipMiddleware:
    """Attach `request.memberships` (all of the user's) and `request.membership` (the active one).

    Anonymous visitors get an empty list and None.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.memberships = list(memberships_of(request.user))
            request.membership = choose_membership(
                request.memberships, request.session.get(SESSION_KEY)
            )
        else:
            request.memberships, request.membership = [], None
        return self.get_response(request)
