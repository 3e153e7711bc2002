"""Pages of dispute mediation. Thin: a form, an action, a redirect."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from . import api, queries
from .models import Dispute


@login_required
def detail(request, pk: int):
    from django.http import Http404

    d = queries.visible(request.user, Dispute.objects.select_related("village")).filter(pk=pk).first()
    if d is None:
        raise Http404
    return JsonResponse(api.dispute_out(d), json_dumps_params={"default": str})
