from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view says `@login_not_required`.

    The JSON API authenticates each request itself (session or organisation token) and answers
    401 rather than redirecting to a sign-in page, so it is left to django-ninja's auth.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.namespace == "api":
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
