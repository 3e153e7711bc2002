from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "gridgov.meetings"
    label = "meetings"
    verbose_name = _("Organisational life")  # 三会一课、主题党日

    def ready(self):
        from django.utils.translation import pgettext_lazy

        from gridgov.core import audit, modules
        from gridgov.core.scoping import extend_policy
        from gridgov.points.public import register_automatic
        from gridgov.stars import metrics as star_metrics

        from . import metrics
        from .policy import POLICY

        extend_policy(POLICY)
        modules.register_template(modules.HOME, "meetings/_home.html")
        modules.register_template(modules.MENU, "meetings/_menu.html")
        from . import demo

        modules.register_demo("meetings", demo.build, 21)
        register_automatic("meeting_attended", _("A party member attends a meeting of their organisation"))
        star_metrics.register("meetings.compliance",
                              _("Organisational life held on time (share of required meetings)"), metrics.compliance)
        star_metrics.register("meetings.attendance", _("Attendance at organisational life"), metrics.attendance)
        audit.ACTION_LABELS.update({
            "meeting.record": pgettext_lazy("audit action", "Record a party meeting"),
            "meeting.photo": pgettext_lazy("audit action", "Add a photo to a party meeting"),
            "meeting.rule": pgettext_lazy("audit action", "Set a rule of organisational life"),
            "meeting.settings": pgettext_lazy("audit action", "Set the town's organisational-life settings"),
            "meeting.kind": pgettext_lazy("audit action", "Add a kind of party meeting"),
            "meeting.demo": pgettext_lazy("audit action", "Load the demo party meetings"),
        })
