from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
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
        # Migration 0002 adds the built-in kinds once; a flush (a test's, or `gridgov flush`) empties the
        # table and is followed by post_migrate, not by the migration, so they come back here too.
        post_migrate.connect(ensure_builtin_kinds, sender=self)
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
            "meeting.edit": pgettext_lazy("audit action", "Correct a party meeting's record"),
            "meeting.photo": pgettext_lazy("audit action", "Add a photo to a party meeting"),
            "meeting.rule": pgettext_lazy("audit action", "Set a rule of organisational life"),
            "meeting.settings": pgettext_lazy("audit action", "Set the town's organisational-life settings"),
            "meeting.kind": pgettext_lazy("audit action", "Add a kind of party meeting"),
            "meeting.demo": pgettext_lazy("audit action", "Load the demo party meetings"),
        })


def ensure_builtin_kinds(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    from .models import BUILTIN_NAMES

    try:
        MeetingKind = apps.get_model("meetings", "MeetingKind")
    except LookupError:  # migrated back before the model existed
        return
    have = set(MeetingKind.objects.using(using).filter(town__isnull=True).values_list("code", flat=True))
    MeetingKind.objects.using(using).bulk_create([
        MeetingKind(code=code, name=name, town=None, path="") for code, name in BUILTIN_NAMES.items()
        if code not in have])
