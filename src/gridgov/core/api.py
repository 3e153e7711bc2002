"""The error shapes every router of /api/v1/ answers with (see gridgov/api.py for the handlers):
{"detail"} for refusals, and {"detail", "errors": [{field, message, type}]} for invalid input."""

from django.utils.translation import gettext as _
from ninja import Schema, Status


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
