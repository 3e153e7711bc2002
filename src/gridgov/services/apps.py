from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "gridgov.services"
    label = "services"
    verbose_name = _("Services for the people")  # 为民服务
