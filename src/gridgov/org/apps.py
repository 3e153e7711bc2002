from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "gridgov.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        # Registers the "org.import" job handler with core.jobs for `gridgov worker`.
        from . import imports  # noqa: F401
