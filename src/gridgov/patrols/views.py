"""Pages of patrols: the grid worker's phone pages (start, check in, note and photo, report a problem,
finish; a patrol entered by hand) and the staff's compliance board. Thin: a form, an action, a redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.scoping import VIEW, can, restrict
from gridgov.org.models import Region
from gridgov.org.queries import scope_node

from . import actions, periods, queries
from .actions import PatrolError
from .models import Patrol

MAX_WEEKS = 12


def _float(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _fail(request, exc: PatrolError):
    if exc.status == 404:
        raise Http404(exc.message)
    messages.error(request, exc.message)


@login_required
def index(request):
    """A grid worker's patrols: the one under way, start one, recent ones; staff go to the board."""
    user = request.user
    if not actions.may_patrol(user):
        if can(user, VIEW, "patrol"):
            return redirect("patrols:board")
        raise Http404
    mine = Patrol.objects.filter(user=user).prefetch_related("visits__grid").order_by("-started_at", "-id")
    under_way = mine.filter(state=Patrol.State.OPEN, by_hand=False).first()
    return render(request, "patrols/index.html", {"under_way": under_way, "recent": mine[:20],
                                                  "grids": actions.worker_grids(user)})


@login_required
@require_POST
def start(request):
    try:
        patrol = actions.do_start(request.user)
    except PatrolError as exc:
        if exc.status == 403:
            raise Http404 from None
        _fail(request, exc)
        return redirect("patrols:index")
    return redirect("patrols:detail", patrol.pk)


@login_required
def detail(request, pk: int):
    user = request.user
    patrol = restrict(user, VIEW, Patrol).filter(pk=pk).first()
    if patrol is None:
        patrol = Patrol.objects.filter(pk=pk, user=user).first() if user.is_authenticated else None
    if patrol is None:
        raise Http404
    mine = patrol.user_id == user.pk
    from gridgov.cases.models import Category

    categories = Category.objects.filter(level=2, is_active=True).select_related("parent").order_by("code") \
        if mine and patrol.state == Patrol.State.OPEN else []
    return render(request, "patrols/detail.html", {
        "patrol": patrol, "mine": mine, "open": mine and patrol.state == Patrol.State.OPEN,
        "checkins": patrol.checkins.select_related("grid"), "notes": patrol.notes.all(),
        "cases": patrol.case_links.select_related("case"), "categories": categories,
    })


@login_required
def photo(request, pk: int, note_id: int):
    note = queries.note_photo(request.user, pk, note_id)
    if note is None:
        raise Http404
    response = FileResponse(note.photo.open("rb"), content_type=note.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


FIELD_LABELS = {"lat": pgettext_lazy("patrol field", "Latitude"), "lng": pgettext_lazy("patrol field", "Longitude"),
                "accuracy": pgettext_lazy("patrol field", "Accuracy"), "time": pgettext_lazy("patrol field", "Time"),
                "text": pgettext_lazy("patrol field", "Note"), "photo": pgettext_lazy("patrol field", "Photo")}


def _json_refusal(exc: PatrolError) -> JsonResponse:
    """For the phone's outbox (web/static/web/outbox.js): 400 names the field, 404 and 409 say why; none
    of them passes by sending again."""
    if exc.status == 400:
        # The case report's messages name their field themselves (请描述问题, 请选择小类).
        label = FIELD_LABELS.get(exc.field)
        detail = f"{label}: {exc.message}" if label else exc.message
        return JsonResponse({"detail": detail, "field": exc.field}, status=400)
    return JsonResponse({"detail": exc.message}, status=exc.status)


def _phone_time(value):
    """The phone's time of a record (ISO 8601, as JavaScript's toISOString writes it), or None."""
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise PatrolError(_("Give the time as an ISO 8601 date and time."), field="time") from None


def _answer(request, pk: int, make, say, described):
    """One step from the patrol page: JSON for the phone's outbox (201 done, 200 the first answer again for
    a repeated client_id), else a message and the patrol page."""
    try:
        row = make()
    except PatrolError as exc:
        if _wants_json(request):
            return _json_refusal(exc)
        _fail(request, exc)
        return redirect("patrols:detail", pk)
    repeated = getattr(row, "repeated", False)
    if _wants_json(request):
        return JsonResponse({**described(row), "repeated": repeated}, status=200 if repeated else 201)
    if not repeated:
        say(row)
    return redirect("patrols:detail", pk)


def _record(request, pk: int, make, say):
    """A check-in or a note (see _answer)."""
    return _answer(request, pk, make, say, lambda row: {
        "id": row.pk, "url": reverse("patrols:detail", args=[pk]), "time": row.time.isoformat()})


@login_required
@require_POST
def checkin(request, pk: int):
    post = request.POST

    def make():
        return actions.do_check_in(request.user, pk, _float(post.get("lat")), _float(post.get("lng")),
                                   _float(post.get("accuracy")), client_id=post.get("client_id"),
                                   made_at=_phone_time(post.get("time")))

    def say(c):
        if c.counted:
            messages.success(request, _("Checked in at %(grid)s.") % {"grid": c.grid.name})
        else:
            messages.warning(request, _("Checked in outside your grids: kept, but it does not count."))

    return _record(request, pk, make, say)


@login_required
@require_POST
def note(request, pk: int):
    post = request.POST

    def make():
        return actions.do_add_note(request.user, pk, post.get("text", ""), request.FILES.get("photo"),
                                   client_id=post.get("client_id"), made_at=_phone_time(post.get("time")))

    return _record(request, pk, make, lambda n: None)


@login_required
@require_POST
def case(request, pk: int):
    post = request.POST

    def make():
        return actions.do_report_case(request.user, pk, post.get("category", ""), post.get("description", ""),
                                      _float(post.get("lat")), _float(post.get("lng")),
                                      client_id=post.get("client_id") or None)

    def say(c):
        messages.success(request, _("Reported as case %(number)s.") % {"number": c.number})

    return _answer(request, pk, make, say, lambda c: {"id": c.pk, "number": c.number,
                                                       "url": reverse("cases:detail", args=[c.pk])})


@login_required
@require_POST
def finish(request, pk: int):
    post = request.POST

    def make():
        return actions.do_finish(request.user, pk, post.get("note", ""), made_at=_phone_time(post.get("time")),
                                 from_outbox=bool(post.get("client_id")))

    return _answer(request, pk, make, lambda p: None, lambda p: {
        "id": p.pk, "url": reverse("patrols:detail", args=[p.pk]), "time": p.finished_at.isoformat()})


def _moment(day: str, time: str):
    try:
        d = datetime.date.fromisoformat(day)
        t = datetime.time.fromisoformat(time)
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(datetime.datetime.combine(d, t))


@login_required
def by_hand(request):
    """A patrol entered afterwards, with its reason."""
    user = request.user
    if not actions.may_patrol(user):
        raise Http404
    grids = list(actions.worker_grids(user))
    today = timezone.localdate(clock.now())
    values = {"day": today.isoformat(), "start": "09:00", "end": "10:00", "reason": "", "note": "", "grids": []}
    if request.method == "POST":
        values = {"day": request.POST.get("day", ""), "start": request.POST.get("start", ""),
                  "end": request.POST.get("end", ""), "reason": request.POST.get("reason", ""),
                  "note": request.POST.get("note", ""), "grids": request.POST.getlist("grids")}
        try:
            patrol = actions.do_enter_by_hand(user, _moment(values["day"], values["start"]),
                                              _moment(values["day"], values["end"]), values["grids"],
                                              values["reason"], values["note"])
        except PatrolError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The patrol is entered, marked as entered by hand."))
            return redirect("patrols:detail", patrol.pk)
    return render(request, "patrols/by_hand.html", {"grids": grids, "values": values})


@login_required
def board(request):
    """The compliance board: small grid x ISO week (met / short / none), half-month coverage, and the
    patrol count of the node and period; the town's rule for town staff."""
    user = request.user
    if not can(user, VIEW, "patrol"):
        raise Http404
    code = request.GET.get("scope", "").strip()[:20]
    node = scope_node(user, code) if code else None
    if code and node is None:
        raise Http404
    path = node.path if node is not None else user.scope_path
    if not path and user.is_superuser:
        path = Region.objects.filter(level=Region.Level.COUNTY).values_list("path", flat=True).first() or ""
    today = timezone.localdate(clock.now())
    try:
        last = periods.parse_week(request.GET.get("week", "")) if request.GET.get("week") else periods.week_start(today)
    except ValueError:
        last = periods.week_start(today)
    try:
        count = min(max(int(request.GET.get("weeks", 4)), 1), MAX_WEEKS)
    except ValueError:
        count = 4
    mondays = [last - datetime.timedelta(weeks=i) for i in range(count - 1, -1, -1)]
    result = queries.board(path, mondays)
    since, until = mondays[0], mondays[-1] + datetime.timedelta(days=6)
    town = actions.town_of(path)
    weekly, per_half = actions.rule_for(town)
    return render(request, "patrols/board.html", {
        "node": node, "scope": code, "result": result, "weeks": count, "week": periods.week_label(last),
        "week_labels": [periods.week_label(m) for m in mondays], "since": since, "until": until,
        "patrols": queries.patrol_count(path, since, until), "town": town, "weekly": weekly, "per_half": per_half,
        "may_set_rule": town is not None and actions.may_set_rule(user, town),
        "previous": periods.week_label(last - datetime.timedelta(weeks=count)),
        "next": periods.week_label(last + datetime.timedelta(weeks=count)),
    })


@login_required
@require_POST
def rule(request):
    town = Region.objects.filter(code=request.POST.get("town", "").strip(), level=Region.Level.TOWN).first()
    try:
        actions.do_set_rule(request.user, town, int(request.POST.get("weekly_count", "")),
                            int(request.POST.get("half_month_count", "")))
    except ValueError:
        messages.error(request, _("Give a whole number from 0 to 21."))
    except PatrolError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The patrol rule is saved."))
    return redirect("patrols:board")
