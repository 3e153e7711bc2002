from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "gridgov.meetings"
    label = "meetings"
    verbose_name = _("Organisational life")  # 三会一课、主题党日
