"""Page-number pagination with bounds: an absurd page number or size is a clear 422 listing
the problem, never a database overflow."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 500


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
