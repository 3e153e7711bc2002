from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PatrolsConfig(AppConfig):
    name = "gridgov.patrols"
    label = "patrols"
    verbose_name = _("Grid patrols")

    def ready(self):
        from gridgov.cases import origins
        from gridgov.core import audit
        from gridgov.core.scoping import extend_policy
        from gridgov.points.public import register_automatic
        from gridgov.stars import metrics as star_metrics

        from . import metrics
        from . import origins as patrol_origins
        from .policy import POLICY

        extend_policy(POLICY)
        register_automatic("patrol_done", _("A grid worker completes a patrol"))
        star_metrics.register("patrols.compliance", _("Patrol compliance (share of grid-weeks meeting the rule)"),
                              metrics.compliance)
        origins.register("patrol", patrol_origins.resolve)
        audit.ACTION_LABELS.update({
            "patrol.start": pgettext_lazy("audit action", "Start a patrol"),
            "patrol.checkin": pgettext_lazy("audit action", "Check in on a patrol"),
            "patrol.note": pgettext_lazy("audit action", "Add a patrol note"),
            "patrol.finish": pgettext_lazy("audit action", "Finish a patrol"),
            "patrol.by_hand": pgettext_lazy("audit action", "Enter a patrol by hand"),
            "patrol.case": pgettext_lazy("audit action", "Report a problem found on patrol"),
            "patrol.rule": pgettext_lazy("audit action", "Set the patrol rule"),
            "patrol.demo": pgettext_lazy("audit action", "Load the demo patrols"),
        })
