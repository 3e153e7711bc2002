"""Pages of town tasks: the town's issue form, task board, list and 问责 list; a village secretary's own
tasks (sign, progress, complete with a photo from the phone); the assignment page where the town
accepts or returns; files served to those who may see them. Thin: a form, an action, a redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.scoping import VIEW, can, restrict
from gridgov.org.models import Region
from gridgov.org.queries import scope_node

from . import actions, queries
from .actions import TaskError
from .models import Assignment, File, Meeting, State, Task
from .policy import TASK


def _fail(request, exc: TaskError):
    if exc.status == 404:
        raise Http404(exc.message)
    messages.error(request, exc.message)


def _need_view(user):
    if not can(user, VIEW, TASK):
        raise Http404


def _month(value: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[first, last] day of the month "2026-03" (default this month)."""
    try:
        first = datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def _shift(first: datetime.date, months: int) -> str:
    index = first.year * 12 + first.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _scope(request):
    """(node or None, path) of the page's `scope=`, default the user's own node; 404 for what they may not see."""
    user = request.user
    code = request.GET.get("scope", "").strip()[:20]
    node = scope_node(user, code) if code else None
    if code and (node is None or not isinstance(node, Region)):
        raise Http404
    path = node.path if node is not None else user.scope_path
    if not path and user.is_superuser:
        path = Region.objects.filter(level=Region.Level.TOWN).values_list("path", flat=True).first() or ""
    return node, code, path


@login_required
def index(request):
    """Town staff go to the board, village secretaries to their village's tasks; others see nothing."""
    _need_view(request.user)
    if actions.may_manage(request.user):
        return redirect("tasks:board")
    return redirect("tasks:mine")


@login_required
def mine(request):
    """A village secretary's tasks: the open ones first (red when overdue), then the done ones."""
    user = request.user
    _need_view(user)
    now = clock.now()
    rows = restrict(user, VIEW, Assignment).select_related("task", "village")
    open_rows = list(rows.filter(state__in=[State.ISSUED, State.SIGNED, State.IN_PROGRESS]).order_by("due_at", "id")[:200])
    waiting = list(rows.filter(state=State.COMPLETED).order_by("-completed_at", "-id")[:30])
    done = list(rows.filter(state=State.ACCEPTED).order_by("-accepted_at", "-id")[:30])
    for a in open_rows + waiting + done:
        a.clock_now = a.clock(now)
    return render(request, "tasks/mine.html", {"open_rows": open_rows, "waiting": waiting, "done": done})


@login_required
def board(request):
    """The town's task board: villages × state of the month's assignments (by deadline), overdue in red."""
    user = request.user
    _need_view(user)
    node, code, path = _scope(request)
    now = clock.now()
    first, last = _month(request.GET.get("month", ""), queries.today())
    result = queries.board(path, first, last, now)
    return render(request, "tasks/board.html", {
        "node": node, "scope": code, "result": result, "first": first, "last": last,
        "month": first.strftime("%Y-%m"), "previous": _shift(first, -1), "next": _shift(first, 1),
        "may_issue": actions.may_manage(user),
        "tasks": restrict(user, VIEW, Task).filter(queries.under(path), deadline__gte=first, deadline__lte=last)
        .order_by("deadline", "id")[:50],
    })


@login_required
def assignments(request):
    """The assignments of the scope with a state (or overdue) and a month: what a board cell counts."""
    user = request.user
    _need_view(user)
    node, code, path = _scope(request)
    now = clock.now()
    first, last = _month(request.GET.get("month", ""), queries.today())
    start, end = queries.day_bounds(first, last)
    rows = (restrict(user, VIEW, Assignment).filter(queries.under(path), due_at__gte=start, due_at__lt=end)
            .select_related("task", "village").order_by("due_at", "village__code"))
    state = request.GET.get("state", "")
    if state == "overdue":
        rows = rows.filter(queries.overdue_q(now))
    elif state in State.values:
        rows = rows.filter(state=state)
    task_id = request.GET.get("task", "")
    if task_id.isdigit():
        rows = rows.filter(task_id=int(task_id))
    rows = list(rows[:500])
    for a in rows:
        a.clock_now = a.clock(now)
    return render(request, "tasks/assignments.html", {"rows": rows, "node": node, "scope": code,
                                                      "month": first.strftime("%Y-%m"), "state": state})


def _parse_date(value):
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@login_required
def new(request):
    """Issue a task or a weekly hint to some or all of the town's villages (town staff)."""
    user = request.user
    if not actions.may_manage(user):
        raise Http404
    town = actions.town_of_path(user.scope_path) or Region.objects.filter(level=Region.Level.TOWN).order_by(
        "code").first()
    if town is None:
        raise Http404
    meeting = None
    meeting_id = request.GET.get("meeting") or request.POST.get("meeting")
    if meeting_id and str(meeting_id).isdigit():
        meeting = restrict(user, VIEW, Meeting).filter(pk=int(meeting_id)).select_related("town").first()
        if meeting is None:
            raise Http404
        town = meeting.town
    villages = list(actions.villages_of(town))
    values = {"title": "", "content": "", "deadline": "", "days": "", "kind": "task", "evidence_required": True,
              "villages": [], "all": True}
    if request.method == "POST":
        post = request.POST
        values = {"title": post.get("title", ""), "content": post.get("content", ""),
                  "deadline": post.get("deadline", ""), "days": post.get("days", ""),
                  "kind": post.get("kind", "task"), "evidence_required": bool(post.get("evidence_required")),
                  "villages": post.getlist("villages"), "all": post.get("all") == "1"}
        days = int(values["days"]) if values["days"].strip().isdigit() else None
        deadline = _parse_date(values["deadline"]) if days is None else None
        try:
            task = actions.do_issue(user, values["title"], values["content"], deadline=deadline, days=days,
                                    villages="all" if values["all"] else values["villages"],
                                    evidence_required=values["evidence_required"] and values["kind"] == "task",
                                    kind=values["kind"], town=None if meeting else town.code, meeting=meeting,
                                    attachments=request.FILES.getlist("attachments"))
        except TaskError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Issued to %(n)d villages, due %(day)s.") % {
                "n": len(task.assignment_rows), "day": task.deadline.isoformat()})
            if meeting is not None:
                return redirect("tasks:meeting", meeting.pk)
            return redirect(f"{_url('tasks:assignments')}?task={task.pk}&month={task.deadline:%Y-%m}")
    return render(request, "tasks/new.html", {"town": town, "villages": villages, "values": values,
                                              "meeting": meeting})


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@login_required
def assignment(request, pk: int):
    """One village's task: its content, attachments, history and evidence, and the actions the user may take."""
    user = request.user
    a = restrict(user, VIEW, Assignment).select_related("task", "village", "task__meeting").filter(pk=pk).first()
    if a is None:
        raise Http404
    now = clock.now()
    a.clock_now = a.clock(now)
    events = list(a.events.select_related("actor").prefetch_related("files"))
    return render(request, "tasks/assignment.html", {
        "a": a, "task": a.task, "events": events, "attachments": list(a.task.files.all()),
        "pending": list(actions.pending_evidence(a)), "allowed": actions.allowed(a, user),
        "overdue": a.is_overdue(now),
    })


@login_required
@require_POST
def act(request, pk: int):
    action = request.POST.get("action", "")
    try:
        actions.do_act(request.user, pk, action, request.POST.get("note", ""), files=request.FILES.getlist("files"))
    except TaskError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": actions.action_label(action)})
    return redirect("tasks:assignment", pk)


@login_required
def file(request, pk: int):
    """A task's attachment or an assignment's evidence, for those who may see it (files are not public)."""
    user = request.user
    row = File.objects.filter(pk=pk).first()
    if row is None:
        raise Http404
    if row.task_id:
        seen = restrict(user, VIEW, Task).filter(pk=row.task_id).exists() or \
            restrict(user, VIEW, Assignment).filter(task_id=row.task_id).exists()
    else:
        seen = restrict(user, VIEW, File).filter(pk=row.pk).exists()
    if not seen:
        raise Http404
    response = FileResponse(row.file.open("rb"), content_type=row.content_type,
                            as_attachment=not row.is_photo, filename=row.name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def accountability(request):
    """The 问责 list: per village, the assignments due in the month (or quarter) that were late or are overdue."""
    user = request.user
    _need_view(user)
    node, code, path = _scope(request)
    today = queries.today()
    period = request.GET.get("period", "month")
    first, last = _month(request.GET.get("month", ""), today)
    if period == "quarter":
        first, last = actions.quarter_bounds(*actions.quarter_of(first))
    rows = queries.accountability(path, first, last, clock.now())
    return render(request, "tasks/accountability.html", {
        "rows": rows, "node": node, "scope": code, "first": first, "last": last, "period": period,
        "month": first.strftime("%Y-%m"), "previous": _shift(first, -3 if period == "quarter" else -1),
        "next": _shift(first, 3 if period == "quarter" else 1)})


# --- monthly meetings (月例会) -----------------------------------------------------------------------------

def _need_manage(user):
    if not actions.may_manage(user):
        raise Http404


@login_required
def meetings(request):
    """The town's monthly meetings, newest first, and a form to record one (town staff)."""
    user = request.user
    _need_view(user)
    rows = restrict(user, VIEW, Meeting).prefetch_related("tasks").order_by("-date", "-id")[:60]
    return render(request, "tasks/meetings.html", {"rows": rows, "may_manage": actions.may_manage(user)})


@login_required
def meeting_new(request):
    user = request.user
    _need_manage(user)
    town = actions.town_of_path(user.scope_path)
    staff = list(restrict(user, VIEW, _user_model()).filter(is_active=True, scope_path__startswith=town.path)
                 .exclude(role__in=["resident", "party_member"]).order_by("role", "username")[:200]) if town else []
    values = {"date": queries.today().isoformat(), "topic": "", "other_attendees": "", "minutes": "", "attendees": []}
    if request.method == "POST":
        post = request.POST
        values = {"date": post.get("date", ""), "topic": post.get("topic", ""), "minutes": post.get("minutes", ""),
                  "other_attendees": post.get("other_attendees", ""), "attendees": post.getlist("attendees")}
        try:
            meeting = actions.do_record_meeting(user, _parse_date(values["date"]), values["topic"],
                                                values["attendees"], values["other_attendees"], values["minutes"])
        except TaskError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("tasks:meeting", meeting.pk)
    return render(request, "tasks/meeting_new.html", {"staff": staff, "values": values, "town": town})


def _user_model():
    from gridgov.org.models import User

    return User


@login_required
def meeting(request, pk: int):
    user = request.user
    row = restrict(user, VIEW, Meeting).filter(pk=pk).first()
    if row is None:
        raise Http404
    return render(request, "tasks/meeting.html", {
        "meeting": row, "attendees": list(row.attendees.all().order_by("username")),
        "tasks": list(row.tasks.order_by("deadline", "id")), "may_manage": actions.may_manage(user, row.town)})


# --- quarterly inspections (季督查) ------------------------------------------------------------------------

@login_required
def inspections(request):
    user = request.user
    _need_view(user)
    from .models import Inspection

    rows = restrict(user, VIEW, Inspection).order_by("-year", "-quarter")[:40]
    today = queries.today()
    year, quarter = actions.quarter_of(today)
    return render(request, "tasks/inspections.html", {"rows": rows, "may_manage": actions.may_manage(user),
                                                      "quarter": f"{year}Q{quarter}"})


@login_required
@require_POST
def inspection_new(request):
    user = request.user
    _need_manage(user)
    label = request.POST.get("quarter", "").strip().upper()
    items = []
    for line in request.POST.get("items", "").splitlines():
        if not line.strip():
            continue
        name, _sep, points = line.rpartition("|") if "|" in line else (line, "", "")
        items.append((name.strip(), points.strip() or "0"))
    try:
        if len(label) != 6 or label[4] != "Q" or not label[:4].isdigit() or label[5] not in "1234":
            raise TaskError(_("Give a quarter such as 2026Q3."), field="quarter")
        inspection = actions.do_create_inspection(user, int(label[:4]), int(label[5]), request.POST.get("title", ""),
                                                  items)
    except TaskError as exc:
        _fail(request, exc)
        return redirect("tasks:inspections")
    return redirect("tasks:inspection", inspection.pk)


@login_required
def inspection(request, pk: int):
    """The checklist, the ranking, and the scoring form of one village (town staff)."""
    user = request.user
    from .models import Inspection, Score

    row = restrict(user, VIEW, Inspection).select_related("town").filter(pk=pk).first()
    if row is None:
        raise Http404
    items = list(row.items.all())
    villages = list(actions.villages_of(row.town))
    code = request.GET.get("village", "") or (villages[0].code if villages else "")
    village = next((v for v in villages if v.code == code), None)
    given = {s.item_id: s for s in Score.objects.filter(inspection=row, village=village)} if village else {}
    form = [{"item": i, "score": given.get(i.pk)} for i in items]
    return render(request, "tasks/inspection.html", {
        "inspection": row, "items": items, "ranking": queries.ranking(row), "villages": villages,
        "village": village, "form": form, "may_manage": actions.may_manage(user, row.town),
        "maximum": sum(i.max_points for i in items)})


@login_required
@require_POST
def inspection_score(request, pk: int):
    user = request.user
    from .models import Inspection

    row = restrict(user, VIEW, Inspection).select_related("town").filter(pk=pk).first()
    if row is None:
        raise Http404
    village = Region.objects.filter(code=request.POST.get("village", "").strip()[:20], parent=row.town).first()
    scores = {}
    for item in row.items.all():
        value = request.POST.get(f"points_{item.pk}", "").strip()
        if value:
            scores[item.pk] = (value, request.POST.get(f"note_{item.pk}", ""))
    try:
        actions.do_score(user, row, village, scores)
    except TaskError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The scores of %(village)s are saved.") % {"village": village.name})
    return redirect(f"{_url('tasks:inspection', row.pk)}?village={village.code if village else ''}")
