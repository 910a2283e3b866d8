"""Shared API pieces: errors and the principal behind a request."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str


def principal(request):
    """The user or organisation token the request was authenticated as."""
    return request.auth
