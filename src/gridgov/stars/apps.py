from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StarsConfig(AppConfig):
    name = "gridgov.stars"
    label = "stars"
    verbose_name = _("Five-star branches")

    def ready(self):
        from gridgov.core.scoping import extend_policy

        from .policy import POLICY

        extend_policy(POLICY)
