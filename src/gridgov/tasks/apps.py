from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TasksConfig(AppConfig):
    name = "gridgov.tasks"
    label = "tasks"
    verbose_name = _("Town tasks")  # 任务清单、周提示、月例会、季督查

    def ready(self):
        from gridgov.core import audit, modules
        from gridgov.core.scoping import extend_policy

        from . import demo, metrics
        from .policy import POLICY

        extend_policy(POLICY)
        metrics.register()
        audit.ACTION_LABELS.update({
            "task.issue": pgettext_lazy("audit action", "Issue a task to villages"),
            "task.evidence": pgettext_lazy("audit action", "Add evidence to a task"),
            "task.sign": pgettext_lazy("audit action", "Sign for a task"),
            "task.progress": pgettext_lazy("audit action", "Report progress on a task"),
            "task.complete": pgettext_lazy("audit action", "Complete a task"),
            "task.accept": pgettext_lazy("audit action", "Accept a completed task"),
            "task.return": pgettext_lazy("audit action", "Return a task to the village"),
            "task.meeting": pgettext_lazy("audit action", "Record a monthly meeting"),
            "task.inspection": pgettext_lazy("audit action", "Set up a quarterly inspection"),
            "task.score": pgettext_lazy("audit action", "Score a village in an inspection"),
            "task.demo": pgettext_lazy("audit action", "Load the demo tasks"),
        })
        modules.register_template(modules.HOME, "tasks/_home.html")
        modules.register_template(modules.MENU, "tasks/_menu.html")
        modules.register_demo("tasks", demo.build, 22)
