from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "gridgov.disputes"
    label = "disputes"
    verbose_name = _("Dispute mediation")  # 矛盾纠纷排查化解

    def ready(self):
        from gridgov.cases import origins
        from gridgov.core import modules
        from gridgov.core.scoping import extend_policy

        from . import demo, metrics
        from . import origins as dispute_origins
        from .policy import POLICY

        extend_policy(POLICY)
        metrics.register()
        modules.register_demo("disputes", demo.build, 26)
        modules.register_template(modules.HOME, "disputes/_home.html")
        modules.register_template(modules.MENU, "disputes/_menu.html")
        _audit_labels()
        # A case raised from a dispute names it as its origin; a dispute started from a case of any channel
        # is named on that case's page among its linked records.
        origins.register("dispute", dispute_origins.resolve)
        origins.register_link(dispute_origins.linked)


def _audit_labels():
    from django.utils.translation import pgettext_lazy

    from gridgov.core.audit import ACTION_LABELS

    ACTION_LABELS.update({
        "dispute.register": pgettext_lazy("audit action", "Register a dispute"),
        "dispute.assign": pgettext_lazy("audit action", "Name a dispute's mediator"),
        "dispute.risk": pgettext_lazy("audit action", "Change a dispute's risk level"),
        "dispute.session": pgettext_lazy("audit action", "Record a mediation session"),
        "dispute.mediate": pgettext_lazy("audit action", "Begin mediating a dispute"),
        "dispute.answer": pgettext_lazy("audit action", "Answer the parties of a dispute"),
        "dispute.scan": pgettext_lazy("audit action", "Attach a signed agreement"),
        "dispute.agree": pgettext_lazy("audit action", "Record a mediation agreement"),
        "dispute.refer": pgettext_lazy("audit action", "Refer a dispute"),
        "dispute.withdraw": pgettext_lazy("audit action", "Record a withdrawn dispute"),
        "dispute.visit": pgettext_lazy("audit action", "Record a follow-up visit"),
        "dispute.reveal_name": pgettext_lazy("audit action", "See a dispute party's name in full"),
        "dispute.reveal_phone": pgettext_lazy("audit action", "See a dispute party's phone in full"),
        "dispute.rule": pgettext_lazy("audit action", "Set the town's 13710 steps"),
        "dispute.summary_export": pgettext_lazy("audit action", "Export a monthly dispute summary"),
        "dispute.demo": pgettext_lazy("audit action", "Load the demo disputes"),
        "dispute.screening": pgettext_lazy("audit action", "File a weekly dispute screening"),
    })
