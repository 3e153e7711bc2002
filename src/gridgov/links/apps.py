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
