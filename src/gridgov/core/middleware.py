import logging
import re

from django.conf import settings

from .context import actor_var, new_request_id, request_id_var

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tags each request with an id (kept from a trusted proxy's X-Request-ID) for logs and audit rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # An id from the proxy in front ties our audit rows to its logs; only trusted when configured,
        # since any client could otherwise choose the id its writes are audited under.
        incoming = request.headers.get("X-Request-ID", "") if settings.TRUST_REQUEST_ID else ""
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else new_request_id()
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ActorMiddleware:
    """Makes the logged-in user the actor of audit rows written while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = actor_var.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            actor_var.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Adds %(request_id)s to log records. django.request logs a response after the middleware has
    returned, so it is read off the record's request there."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = request_id_var.get() or getattr(request, "request_id", "") or "-"
        return True
