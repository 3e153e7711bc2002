from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "gridgov.honours"
    label = "honours"
    verbose_name = _("Household honours")  # 星级文明户、美丽庭院、党员示范户
