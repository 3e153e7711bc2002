from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "gridgov.tasks"
    label = "tasks"
    verbose_name = _("Town tasks")  # 任务清单、周提示、月例会、季督查
