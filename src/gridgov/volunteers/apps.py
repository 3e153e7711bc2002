from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VolunteersConfig(AppConfig):
    name = "gridgov.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")  # 志愿服务

    def ready(self):
        from gridgov.core import audit, modules
        from gridgov.core.scoping import extend_policy
        from gridgov.points.public import register_automatic

        from . import demo, metrics
        from .actions import AUTO
        from .policy import POLICY

        extend_policy(POLICY)
        metrics.register()
        modules.register_demo("volunteers", demo.build, 23)
        modules.register_template(modules.HOME, "volunteers/_home.html")
        modules.register_template(modules.MENU, "volunteers/_menu.html")
        register_automatic(AUTO, _("A volunteer serves in an activity (each point of the activity)"))
        audit.ACTION_LABELS.update({
            "volunteer.register": pgettext_lazy("audit action", "Register as a volunteer"),
            "volunteer.team": pgettext_lazy("audit action", "Add a volunteer team"),
            "volunteer.join": pgettext_lazy("audit action", "Join a volunteer team"),
            "volunteer.activity": pgettext_lazy("audit action", "Publish a volunteer activity"),
            "volunteer.signup": pgettext_lazy("audit action", "Sign up for a volunteer activity"),
            "volunteer.cancel": pgettext_lazy("audit action", "Cancel a volunteer sign-up"),
            "volunteer.withdraw": pgettext_lazy("audit action", "Withdraw consent and stop volunteering"),
            "volunteer.walk_in": pgettext_lazy("audit action", "Add a walk-in volunteer"),
            "volunteer.check_in": pgettext_lazy("audit action", "Check in to a volunteer activity"),
            "volunteer.check_out": pgettext_lazy("audit action", "Check out of a volunteer activity"),
            "volunteer.attendance": pgettext_lazy("audit action", "Record volunteer attendance"),
            "volunteer.correct": pgettext_lazy("audit action", "Correct volunteer hours"),
            "volunteer.close": pgettext_lazy("audit action", "Close a volunteer activity"),
            "volunteer.points": pgettext_lazy("audit action", "Award volunteer points"),
            "volunteer.demo": pgettext_lazy("audit action", "Load the demo volunteers"),
        })
