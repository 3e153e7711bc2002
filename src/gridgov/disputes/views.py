"""Pages of dispute mediation, mobile first: village staff file the weekly screening (a zero report is one
tap), register disputes and follow them; a mediator sees their disputes and records an agreement with a
photo of the signed paper; the town sees every village, the high-risk list and the monthly summaries.
Thin: a form, an action, a redirect. A dispute out of reach is 404, like a missing one."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.scoping import CHANGE, SUBTREE, reach
from gridgov.org.models import Person, Region, User

from . import actions, periods, queries
from .actions import DisputeError
from .models import Dispute, Screening

WEEKS_SHOWN = 8
OPEN = (Dispute.State.REGISTERED, Dispute.State.MEDIATING)


def _fail(request, exc: DisputeError):
    if exc.status == 404:
        raise Http404(exc.message)
    messages.error(request, exc.message)


def _villages(user):
    """The villages the user handles as staff (one for a village secretary, the town's for the town)."""
    if not (user.is_authenticated and (user.is_superuser or reach(user, CHANGE, "dispute") == SUBTREE)):
        return Region.objects.none()
    rows = Region.objects.filter(level=Region.Level.VILLAGE).order_by("code")
    return rows if user.is_superuser else rows.filter(path__startswith=user.scope_path)


def _today():
    return timezone.localdate(clock.now())


def _weeks(village: Region, today: datetime.date) -> list[dict]:
    """The village's last weeks, newest first: filed (on time or late), or missing."""
    this_monday = periods.week_start(today)
    mondays = [this_monday - datetime.timedelta(weeks=i) for i in range(WEEKS_SHOWN)]
    filed = {s.week: s for s in Screening.objects.filter(village=village, week__gte=mondays[-1])}
    return [{"monday": m, "label": periods.week_label(m), "screening": filed.get(m),
             "found": actions.disputes_of_week(village, m), "current": m == this_monday,
             "due": actions.due_day(m, village.path)} for m in mondays]


@login_required
def index(request):
    user = request.user
    villages = list(_villages(user))
    mine = Dispute.objects.filter(mediator=user).select_related("village").order_by("-reported_at")
    if not villages and not mine.exists():
        raise Http404
    today = _today()
    context = {"villages": villages, "mine": mine.filter(state__in=OPEN)[:50], "today": today}
    if len(villages) == 1:
        village = villages[0]
        context.update(village=village, weeks=_weeks(village, today),
                       disputes=queries.visible(user).filter(village=village).select_related("village")[:50])
    elif villages:
        paths = [v.path for v in villages]
        counts = {row["village"]: row for row in Dispute.objects.filter(path__in=paths).values("village").annotate(
            open=Count("id", filter=Q(state__in=OPEN)),
            high=Count("id", filter=Q(state__in=OPEN, risk=Dispute.Risk.HIGH)))}
        monday = periods.week_start(today)
        last = monday - datetime.timedelta(weeks=1)
        filed = {(s["village"], s["week"]): s["on_time"] for s in Screening.objects.filter(
            path__in=paths, week__in=[monday, last]).values("village", "week", "on_time")}
        context["rows"] = [{"village": v, "open": counts.get(v.pk, {}).get("open", 0),
                            "high": counts.get(v.pk, {}).get("high", 0),
                            "last_week": filed.get((v.pk, last)), "this_week": filed.get((v.pk, monday))}
                           for v in villages]
        context["last_label"], context["this_label"] = periods.week_label(last), periods.week_label(monday)
    return render(request, "disputes/index.html", context)


@login_required
def mine(request):
    rows = Dispute.objects.filter(mediator=request.user).select_related("village").order_by("-reported_at")[:100]
    return render(request, "disputes/list.html", {"title": _("My disputes"), "disputes": rows})


@login_required
def high_risk(request):
    if reach(request.user, CHANGE, "dispute") != SUBTREE and not request.user.is_superuser:
        raise Http404
    rows = queries.visible(request.user).filter(risk=Dispute.Risk.HIGH, state__in=OPEN) \
        .select_related("village").order_by("reported_at")
    return render(request, "disputes/list.html", {"title": _("High-risk disputes"), "disputes": rows})


@login_required
@require_POST
def screen(request, code: str):
    week = request.POST.get("week", "")
    try:
        actions.do_screen(request.user, code, week, request.POST.get("none") == "1", request.POST.get("note", ""))
    except DisputeError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The screening of %(week)s is filed.") % {"week": week})
    return redirect("disputes:index")


def _party_rows(user, post) -> list[dict]:
    """Up to three parties from the form: a registry person found by ID number or phone (their keyed hash,
    within the user's scope), or an outsider by name and optional phone."""
    from gridgov.core.scoping import VIEW, restrict

    out = []
    for i in range(1, 4):
        ident = (post.get(f"p{i}_ident") or "").strip()
        name, phone = (post.get(f"p{i}_name") or "").strip(), (post.get(f"p{i}_phone") or "").strip()
        if ident:
            people = restrict(user, VIEW, Person)
            person = people.filter(Q(id_number_hash=Person.id_number.hash_of(ident))
                                   | Q(phone_hash=Person.phone.hash_of(ident))).first()
            if person is None:
                raise DisputeError(_("No person of your area has the ID number or phone of party %(n)d.") % {"n": i},
                                   field="parties")
            out.append({"person": person.pk})
        elif name:
            out.append({"name": name, "phone": phone})
    return out


@login_required
def new(request):
    user = request.user
    villages = list(_villages(user))
    if not villages:
        raise Http404
    mediators = _mediators(villages[0])
    if request.method == "POST":
        post = request.POST
        try:
            case = int(post["case"]) if post.get("case", "").isdigit() else None
            mediator = int(post["mediator"]) if post.get("mediator", "").isdigit() else None
            d = actions.do_register(user, post.get("village", ""), post.get("kind", ""), post.get("description", ""),
                                    _party_rows(user, post), risk=post.get("risk", "low"), mediator=mediator,
                                    case=case)
        except DisputeError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Dispute #%(id)d is registered.") % {"id": d.pk})
            return redirect("disputes:detail", d.pk)
    return render(request, "disputes/new.html", {
        "villages": villages, "kinds": Dispute.Kind.choices, "risks": Dispute.Risk.choices, "mediators": mediators,
        "form": request.POST if request.method == "POST" else {"case": request.GET.get("case", "")}})


def _mediators(village: Region):
    town = queries.town_path(village.path)
    return (User.objects.filter(is_active=True, scope_path__startswith=town,
                                role__in=["town_admin", "village_secretary", "grid_worker", "department"])
            .select_related("person").order_by("role", "username")[:200])


def _visible(request, pk: int) -> Dispute:
    d = queries.visible(request.user, Dispute.objects.select_related("village", "mediator__person", "case")) \
        .filter(pk=pk).first()
    if d is None:
        raise Http404
    return d


@login_required
def detail(request, pk: int):
    user = request.user
    d = _visible(request, pk)
    staff = queries.manages(user, d.path)
    handles = actions.may_handle(user, d)
    return render(request, "disputes/detail.html", {
        "d": d, "steps": d.steps(), "parties": d.parties.select_related("person"), "sessions": d.sessions.all(),
        "followups": d.followups.all(), "staff": staff, "handles": handles,
        "open": d.state in OPEN, "mediating": d.state == Dispute.State.MEDIATING,
        "next_visit": d.followups.filter(done_at__isnull=True).first() if d.state in (
            Dispute.State.MEDIATED, Dispute.State.REFERRED) else None,
        "mediators": _mediators(d.village) if staff and d.state in OPEN else [],
        "referrals": Dispute.Referral.choices, "risks": Dispute.Risk.choices,
    })


@login_required
@require_POST
def step(request, pk: int):
    """One step from the detail page's forms: the form's `action` names it."""
    user, post = request.user, request.POST
    mediator = post.get("mediator", "")
    steps = {
        "mediate": lambda: actions.do_mediate(user, pk, post.get("notes", "")),
        "answer": lambda: actions.do_answer(user, pk, post.get("text", "")),
        "agree": lambda: actions.do_agree(user, pk, post.get("agreement", ""), request.FILES.get("scan")),
        "refer": lambda: actions.do_refer(user, pk, post.get("to", ""), post.get("note", "")),
        "withdraw": lambda: actions.do_withdraw(user, pk, post.get("note", "")),
        "visit": lambda: actions.do_visit(user, pk, post.get("notes", "")),
        "assign": lambda: actions.do_assign(user, pk, int(mediator) if mediator.isdigit() else None),
        "risk": lambda: actions.do_set_risk(user, pk, post.get("risk", "")),
    }
    do = steps.get(post.get("action", ""))
    if do is None:
        raise Http404
    try:
        do()
    except DisputeError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("disputes:detail", pk)


@login_required
def scan(request, pk: int):
    """The signed agreement's scan, only for those who may see the dispute (files are not public)."""
    d = _visible(request, pk)
    if not d.scan:
        raise Http404
    response = FileResponse(d.scan.open("rb"), content_type=d.scan_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def reveal(request, pk: int, party: int):
    from django.http import HttpResponse
    from django.utils.html import escape

    try:
        value = actions.do_reveal(request.user, pk, party, request.POST.get("field", ""))
    except DisputeError as exc:
        if exc.status == 404:
            raise Http404 from None
        return HttpResponse(escape(exc.message), status=exc.status)
    return HttpResponse(f'<span class="revealed">{escape(value)}</span>')


def _summary(request):
    scope, month = request.GET.get("scope") or None, request.GET.get("month") or None
    try:
        node, first, last = queries.summary_params(request.user, scope, month)
    except ValueError:
        node, first, last = queries.summary_params(request.user, scope, None)
        messages.error(request, _("Give a month such as 2026-12."))
    if node is None:
        raise Http404
    return node, queries.summary(queries.villages_under(node.path), first, last)


SUMMARY_COLUMNS = [
    ("found", _("Found")), ("mediated", _("Mediated")), ("referred", _("Referred")),
    ("withdrawn", _("Withdrawn")), ("open", _("Open at month end")), ("concluded_late", _("Concluded late")),
    ("weeks", _("Weeks")), ("screenings", _("Screenings filed")), ("screenings_on_time", _("Filed on time")),
    ("zero_reports_on_time", _("Zero reports on time")), ("followups_due", _("Follow-up visits due")),
    ("followups_done", _("Follow-up visits made")),
]


@login_required
def summary(request):
    """The monthly summary (月汇总) of a town or village, printable."""
    node, result = _summary(request)
    columns = [(key, str(label)) for key, label in SUMMARY_COLUMNS]
    rows = [{"name": r["name"], "cells": [r[k] for k, _l in columns]} for r in result["rows"]]
    first = result["first"]
    previous = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
    following = (result["last"] + datetime.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "disputes/summary.html", {
        "node": node, "columns": columns, "rows": rows, "total": [result["total"][k] for k, _l in columns],
        "month": f"{first:%Y-%m}", "previous": previous, "following": following})


@login_required
def summary_xlsx(request):
    from django.http import HttpResponse
    from openpyxl import Workbook

    from gridgov.core import audit, xlsx

    node, result = _summary(request)
    month = f"{result['first']:%Y-%m}"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(month)
    xlsx.append(ws, [_("Village"), *[str(label) for _k, label in SUMMARY_COLUMNS]])
    for r in result["rows"]:
        xlsx.append(ws, [r["name"], *[r[k] for k, _l in SUMMARY_COLUMNS]])
    xlsx.append(ws, [_("Total"), *[result["total"][k] for k, _l in SUMMARY_COLUMNS]])
    audit.record("dispute.summary_export", node, None, {"month": month}, actor=request.user)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="disputes-{node.code}-{month}.xlsx"'
    wb.save(response)
    return response
