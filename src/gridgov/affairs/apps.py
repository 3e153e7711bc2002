from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AffairsConfig(AppConfig):
    name = "gridgov.affairs"
    label = "affairs"
    verbose_name = _("Village affairs")  # 四议两公开、三务公开

    def ready(self):
        from django.utils.translation import pgettext_lazy

        from gridgov.core import audit
        from gridgov.core.scoping import extend_policy

        from .policy import POLICY

        extend_policy(POLICY)
        audit.ACTION_LABELS.update({
            "affairs.settings": pgettext_lazy("audit action", "Set the town's village-affairs settings"),
            "affairs.matter_rule": pgettext_lazy("audit action", "Set which matters go through 4+2"),
            "affairs.schedule": pgettext_lazy("audit action", "Set a disclosure schedule"),
            "affairs.board_link": pgettext_lazy("audit action", "Create a village-affairs board link"),
            "affairs.matter_open": pgettext_lazy("audit action", "Open a village matter"),
            "affairs.step": pgettext_lazy("audit action", "Record a step of a village matter"),
            "affairs.matter_state": pgettext_lazy("audit action", "A village matter moves on"),
            "affairs.matter_file": pgettext_lazy("audit action", "Add a file to a village matter"),
            "affairs.publish": pgettext_lazy("audit action", "Publish on the village-affairs board"),
            "affairs.disclosure_file": pgettext_lazy("audit action", "Add a file to a board item"),
            "affairs.ask": pgettext_lazy("audit action", "Ask about village affairs"),
            "affairs.answer": pgettext_lazy("audit action", "Answer a question on village affairs"),
            "affairs.remark": pgettext_lazy("audit action", "Supervision committee comment"),
            "affairs.check": pgettext_lazy("audit action", "Supervision committee check"),
        })
        # Registered by the other parts of the app (pages, metrics, demo) from their own modules.
        from . import plugins

        plugins.register()
