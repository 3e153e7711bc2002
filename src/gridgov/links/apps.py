from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    name = "gridgov.links"
    label = "links"
    verbose_name = _("Party members and households")

    def ready(self):
        from gridgov.cases import origins
        from gridgov.core.scoping import extend_policy
        from gridgov.points.public import register_automatic

        from . import metrics
        from .policy import POLICY

        extend_policy(POLICY)
        _audit_labels()
        register_automatic("link_contact", _("A party member contacts a linked household"))
        metrics.register()
        origins.register("contact", _origin)


def _origin(case, user):
    from django.urls import reverse
    from django.utils.translation import gettext

    from gridgov.core.scoping import VIEW, restrict

    from .models import Contact

    contact = restrict(user, VIEW, Contact).filter(case_id=case.pk).select_related("household").first()
    if contact is None:
        return None
    return (gettext("Contact with %(household)s on %(date)s") % {"household": contact.household.address,
                                                                   "date": contact.date.isoformat()},
            reverse("links:contact", args=[contact.pk]))


def _audit_labels():
    """Names of this app's audit actions on the audit log page (core.audit reads one table for all apps)."""
    from django.utils.translation import pgettext_lazy

    from gridgov.core.audit import ACTION_LABELS

    ACTION_LABELS.update({
        "link.create": pgettext_lazy("audit action", "Link a party member to a household"),
        "link.end": pgettext_lazy("audit action", "End a household link"),
        "link.import": pgettext_lazy("audit action", "Import household links"),
        "link.settings": pgettext_lazy("audit action", "Set the town's link rules"),
        "link.contact": pgettext_lazy("audit action", "Log a household contact"),
        "link.contact_photo": pgettext_lazy("audit action", "Add a photo to a household contact"),
        "link.contact_case": pgettext_lazy("audit action", "Turn a household contact into a case"),
        "link.demo": pgettext_lazy("audit action", "Link the demo's households"),
        "link.demo_contacts": pgettext_lazy("audit action", "Log the demo's household contacts"),
    })
