from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "gridgov.points"
    label = "points"
    verbose_name = _("Points and shop")

    def ready(self):
        from gridgov.core.scoping import extend_policy

        from .policy import POLICY

        extend_policy(POLICY)
