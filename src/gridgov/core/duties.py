"""Separation of duties (issue 17): the auditor (审计员) reads the audit log of its scope and changes nothing.

POLICY gives the role only the audit kind (view, export), so every scoped read and every check through
core.scoping refuses it. Some writes are open to any signed-in account without a scoped object (a
resident reports a case, anyone files a points claim): this middleware refuses every unsafe request
of an auditor before a view runs, except signing in and out, its own password, second factor and API
tokens — what keeps the account itself working."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from .scoping import AUDITOR

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
OWN_ACCOUNT = ("/login/", "/logout/", "/password/", "/api/v1/auth/")


def read_only(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", "") == AUDITOR


def refused(request, user) -> bool:
    """Whether this request is a write by an auditor (the API's bearer tokens ask this too, api.py)."""
    return request.method not in SAFE_METHODS and not request.path.startswith(OWN_ACCOUNT) and read_only(user)


def message() -> str:
    return _("An auditor reads the audit log and changes nothing.")


class AuditorReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if refused(request, getattr(request, "user", None)):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        from django.core.exceptions import PermissionDenied

        if request.path.startswith(("/api/", "/open311/")):
            return JsonResponse({"detail": message()}, status=403)
        raise PermissionDenied(message())
