"""The case page's link back to the patrol a case was raised on (gridgov.cases.origins)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core.scoping import VIEW, restrict

from .models import Patrol, PatrolCase


def resolve(case, user):
    link = PatrolCase.objects.filter(case_id=case.pk).values_list("patrol_id", flat=True).first()
    if link is None or not restrict(user, VIEW, Patrol).filter(pk=link).exists():
        return None
    return _("Patrol #%(id)d") % {"id": link}, reverse("patrols:detail", args=[link])
