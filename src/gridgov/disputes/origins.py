"""The link between a case and its dispute, both ways: a dispute names its case (Dispute.case), and the
case page names the dispute through gridgov.cases.origins for the users who may see the dispute."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import queries
from .models import Dispute


def linked(case, user):
    """(label, url) of the dispute registered from `case`, if the user may see it."""
    pk = queries.visible(user, Dispute.objects.filter(case_id=case.pk)).values_list("pk", flat=True).first()
    if pk is None:
        return None
    return _("Dispute #%(id)d") % {"id": pk}, reverse("disputes:detail", args=[pk])


resolve = linked
