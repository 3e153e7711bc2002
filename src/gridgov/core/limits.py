"""A request body larger than any form or upload of the site is refused before anything reads it.

Django spools an upload to memory or disk while parsing it, before any view can check a file's size:
without this, a 200 MB body was read in full to be refused by the 10 MB check of a photo. The
Content-Length header is checked first of all (settings.MAX_REQUEST_BYTES, GRIDGOV_MAX_REQUEST_MB) and
answered 413 without reading the body. The front proxy refuses the same size even earlier (README:
client_max_body_size). A body without Content-Length (chunked) is not read by Django's WSGI handler at all.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import guards


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        if declared_length(request) <= limit:
            return self.get_response(request)
        # Placed before LocaleMiddleware (which may read the session, never the body): the language is
        # chosen here the same way.
        with translation.override(translation.get_language_from_request(request)):
            message = _("The request is too large: at most %(mb)d MB may be sent at once.") % {
                "mb": limit // (1024 * 1024)}
            # In the shape of the part of the site asked (an API's JSON, Open311's own error body).
            return guards.answer(request, 413, message)
