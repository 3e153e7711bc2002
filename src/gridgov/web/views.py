"""Server-rendered pages. Thin: parse, restrict, query, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def _pending(request, *args, **kwargs):
    return render(request, "web/base.html")


home = login_required(_pending)
login_view = logout_view = password_change = tree = region_detail = grid_detail = _pending
household_list = household_detail = person_list = person_detail = reveal_personal = _pending
map_view = audit_log = _pending
