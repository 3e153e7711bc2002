from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HonoursConfig(AppConfig):
    name = "gridgov.honours"
    label = "honours"
    verbose_name = _("Household honours")  # 星级文明户、美丽庭院、党员示范户

    def ready(self):
        from gridgov.core import audit, modules
        from gridgov.core.scoping import extend_policy
        from gridgov.points.public import register_automatic
        from gridgov.stars import metrics as star_metrics

        from . import demo, metrics
        from .policy import POLICY

        extend_policy(POLICY)
        register_automatic("honour_named", _("A household or person is named for an honour"))
        star_metrics.register("honours.per_hundred", _("Named titles of the year per hundred households"),
                              metrics.per_hundred)
        modules.register_template(modules.HOME, "honours/_home.html")
        modules.register_template(modules.MENU, "honours/_menu.html")
        modules.register_demo("honours", demo.build, 24)
        audit.ACTION_LABELS.update({
            "honour.kind": pgettext_lazy("audit action", "Add an honour"),
            "honour.campaign": pgettext_lazy("audit action", "Open an honour campaign"),
            "honour.enter": pgettext_lazy("audit action", "Apply or nominate for an honour"),
            "honour.inspect": pgettext_lazy("audit action", "Inspect for an honour"),
            "honour.photo": pgettext_lazy("audit action", "Add an inspection photo"),
            "honour.review": pgettext_lazy("audit action", "Review an honour entry"),
            "honour.publish": pgettext_lazy("audit action", "Publish an honour entry"),
            "honour.object": pgettext_lazy("audit action", "Object to an honour entry"),
            "honour.answer": pgettext_lazy("audit action", "Answer an objection"),
            "honour.name": pgettext_lazy("audit action", "Name an honour"),
            "honour.revoke": pgettext_lazy("audit action", "Revoke an honour"),
            "honour.demo": pgettext_lazy("audit action", "Load the demo honours"),
        })
