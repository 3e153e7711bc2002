from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "gridgov.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self):
        from gridgov.core import guards
        from gridgov.core.scoping import extend_policy

        from .policy import POLICY

        extend_policy(POLICY)
        guards.register_responder("/open311/", _bad_input)


def _bad_input(request, status: int, message: str):
    """A request the guards refuse (a NUL byte, a number beyond 64 bits) answers in the spec's error body."""
    from .formats import Open311Error, error_response

    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error_response(fmt, Open311Error(status, [(status, message)]))
