"""Input no handler should ever see: NUL bytes, and numbers the database cannot hold.

PostgreSQL refuses NUL in text, and both databases overflow on integers beyond 64 bits (an id of 2^63,
a page whose offset passes 2^63). Left alone, each becomes a 500 deep inside a query. This middleware
answers them with a 400 and a message instead: NUL is refused before any view reads the request, and an
overflow that a view runs into is turned into the same answer.

The shape of the answer follows the part of the site: JSON `{"detail"}` under the API, the error body of
an app that registers one (Open311 registers its own), a plain page elsewhere.
"""

import re
from collections.abc import Callable

from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

# Far beyond any real list (50 a page), and small enough that page * page_size stays inside 64 bits.
MAX_PAGE = 10**9
# The largest integer both databases store (a signed 64-bit column).
MAX_INTEGER = 2**63 - 1

# path prefix -> function(request, status, message) -> HttpResponse; apps add theirs in AppConfig.ready().
RESPONDERS: dict[str, Callable] = {}

_NUL_ESCAPE = re.compile(rb"\\u0000", re.IGNORECASE)


def register_responder(prefix: str, respond: Callable) -> None:
    RESPONDERS[prefix] = respond


def _has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        # Files are binary and may hold NUL; only the text fields are checked.
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    body = request.body
    if b"\x00" in body or _NUL_ESCAPE.search(body):
        return True
    return content_type.startswith("application/x-www-form-urlencoded") and b"%00" in body


def _too_large(request) -> str | None:
    """The name of a number in the request that no list or row can reach: a page far past the end, or a
    path segment (an id) beyond 64 bits."""
    for name in ("page", "page_size"):
        value = request.GET.get(name, "")
        if value.isdigit() and int(value) > MAX_PAGE:
            return name
    if any(part.isdigit() and int(part) > MAX_INTEGER for part in request.path.split("/")):
        return "id"
    return None


def answer(request, status: int, message: str) -> HttpResponse:
    for prefix, respond in RESPONDERS.items():
        if request.path.startswith(prefix):
            return respond(request, status, message)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return answer(request, 400, _("The request contains a NUL character (\\0), which no field accepts."))
        field = _too_large(request)
        if field is not None:
            message = _("A number in the request is too large.")
            if field != "id" and request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Invalid input."), "errors": [
                    {"field": field, "message": str(message), "type": "less_than_equal"}]}, status=422,
                    json_dumps_params={"ensure_ascii": False})
            return answer(request, 404 if field == "id" else 400, message)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # SQLite raises OverflowError for an integer beyond 64 bits; PostgreSQL a DataError ("out of range").
        if isinstance(exception, OverflowError) or (isinstance(exception, DataError) and "out of range" in str(exception)):
            return answer(request, 400, _("A number in the request is too large."))
        return None

