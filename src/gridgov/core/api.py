"""What every router of /api/v1/ shares: the error shapes (see gridgov/api.py for the handlers),
{"detail"} for refusals and {"detail", "errors": [{field, message, type}]} for invalid input; and the
one list shape, {"items": [...], "count": N} with `?page=` (and `?page_size=`), 50 a page.

Lists that fit a queryset use ninja's `@paginate(PageNumberPagination)`; `Rendered` lets such a list
render only its page. A list that comes with figures of its own (a ranking with its window) takes
`PageIn` among its parameters and answers `page_of(rows, params)` beside them.
"""

from collections.abc import Callable, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import PageNumberPagination

from .guards import MAX_PAGE


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str
    type: str


class InvalidOut(Schema):
    detail: str
    errors: list[FieldError]


def invalid(field: str, message, kind: str = "value_error") -> Status:
    """A 422 naming one field, for checks the schema cannot express (a code outside the caller's scope,
    a window that ends before it starts)."""
    return Status(422, {"detail": _("Invalid input."), "errors": [{"field": field, "message": str(message),
                                                                   "type": kind}]})


class Rendered:
    """Rows that become answers only when the paginator slices its page out, so a page renders (and
    decrypts, and reads the relations of) its own rows rather than every row in scope."""

    def __init__(self, rows, render: Callable):
        self.rows = rows
        self.render = render

    def count(self) -> int:
        return self.rows.count() if isinstance(self.rows, QuerySet) else len(self.rows)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [self.render(row) for row in self.rows[item]]


class PageIn(Schema):
    """The paging parameters of `@paginate(PageNumberPagination)`, for lists paged by hand."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="from 1; a page past the end answers an empty `items`")
    page_size: int | None = Field(None, ge=1, description="default 50, at most 100")


def page_of(rows: Sequence, params: PageIn) -> dict:
    """{"items": the page, "count": all rows}: ninja's own page arithmetic, so hand-paged lists
    page exactly like the decorated ones."""
    return PageNumberPagination().paginate_queryset(rows, PageNumberPagination.Input(
        page=params.page, page_size=params.page_size), None)
