from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "gridgov.services"
    label = "services"
    verbose_name = _("Services for the people")  # 为民服务

    def ready(self):
        from django.utils.translation import pgettext_lazy

        from gridgov.core import audit, modules
        from gridgov.core.scoping import extend_policy

        from . import metrics
        from .policy import POLICY

        extend_policy(POLICY)
        metrics.register()
        from . import demo

        modules.register_demo(_("Services for the people"), demo.build, 25)
        modules.register_template(modules.HOME, "services/_home.html")
        modules.register_template(modules.MENU, "services/_menu.html")
        audit.ACTION_LABELS.update({
            "service.apply": pgettext_lazy("audit action", "Apply for a service"),
            "service.material": pgettext_lazy("audit action", "Upload a service material"),
            "service.submit": pgettext_lazy("audit action", "Submit a service application"),
            "service.accept": pgettext_lazy("audit action", "Accept a service application"),
            "service.return": pgettext_lazy("audit action", "Return a service application for materials"),
            "service.process": pgettext_lazy("audit action", "Process a service application"),
            "service.finish": pgettext_lazy("audit action", "Finish a service application"),
            "service.refuse": pgettext_lazy("audit action", "Refuse a service application"),
            "service.rate": pgettext_lazy("audit action", "Rate a service"),
            "service.item": pgettext_lazy("audit action", "Save a service catalogue item"),
            "service.import": pgettext_lazy("audit action", "Import the service catalogue"),
            "service.slot": pgettext_lazy("audit action", "Open an appointment slot"),
            "service.book": pgettext_lazy("audit action", "Book an appointment"),
            "service.cancel_booking": pgettext_lazy("audit action", "Cancel an appointment"),
            "service.demo": pgettext_lazy("audit action", "Load the demo services"),
        })
