"""Pages of organisational life: the branch secretary records a meeting on the phone (members ticked,
absent with a reason), the meetings list and a meeting, a party member's own meetings, the town's
compliance board (organisation x month and quarter: held / late / missing, with attendance), an
organisation's members (attendance rate, absent three times running), the town's rules, and the
quarterly report (printable and .xlsx). Thin: a form, an action or a query, a page."""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gridgov.core import clock, xlsx
from gridgov.core.scoping import VIEW, can, restrict
from gridgov.org.models import PartyOrg, Region

from . import actions, periods, queries
from .actions import MeetingError
from .api import resolve_scope
from .models import FREQUENCIES, Attendance, Meeting, MeetingPhoto, MeetingRule

MAX_QUARTERS = 4


def _today():
    return timezone.localdate(clock.now())


@login_required
def index(request):
    """The meetings a user may read, newest first; a secretary's button to record one."""
    user = request.user
    if not can(user, VIEW, "meeting"):
        raise Http404
    rows = restrict(user, VIEW, Meeting).select_related("org", "kind").order_by("-date", "-id")
    org = request.GET.get("org", "").strip()[:32]
    if org:
        rows = rows.filter(org__code=org)
    mine = user.role == "party_member"
    attended = {}
    if mine and user.person_id:
        attended = dict(Attendance.objects.filter(person_id=user.person_id).values_list("meeting_id", "present"))
    meetings = list(rows[:100])
    for m in meetings:
        m.my_present = attended.get(m.pk)
    return render(request, "meetings/index.html", {
        "meetings": meetings, "mine": mine, "attended": attended, "may_record": actions.may_record(user),
        "may_board": resolve_scope(user, None) is not None, "org": org})


def _members_form(org, post=None, meeting=None) -> list[dict]:
    """A row per member to tick: all present on a new record; on a correction as the meeting counted
    them (and those counted who have left the organisation since, who stay on its record)."""
    people = list(actions.members(org))
    counted = {}
    if meeting is not None:
        counted = {a.person_id: a for a in meeting.attendance.select_related("person")}
        known = {person.pk for person in people}
        people += [a.person for pid, a in counted.items() if pid not in known]
    out = []
    for person in people:
        row = {"person": person, "present": True, "reason": "", "note": ""}
        if meeting is not None:
            a = counted.get(person.pk)
            row.update(present=bool(a and a.present), reason=a.reason if a else "", note=a.note if a else "")
        if post is not None:
            row["present"] = str(person.pk) in post.getlist("present")
            row["reason"] = post.get(f"reason_{person.pk}", "")
        out.append(row)
    return out


@login_required
def record(request):
    """Record a meeting: choose the organisation, then kind, date, place, topic, the members present and
    the absent with their reason, minutes, resolutions, photos; a late entry's reason."""
    user = request.user
    if not actions.may_record(user):
        raise Http404
    orgs = list(actions.recordable_orgs(user))
    code = (request.POST.get("org") or request.GET.get("org") or "").strip()
    org = next((o for o in orgs if o.code == code), orgs[0] if len(orgs) == 1 else None)
    return _record_form(request, org, orgs)


@login_required
def edit(request, pk: int):
    """Correct a meeting before its record locks: the record form, filled with what was recorded."""
    meeting = (Meeting.objects.select_related("org", "kind").filter(pk=pk, org__in=actions.recordable_orgs(request.user))
               .first())
    if meeting is None:
        raise Http404
    if actions.is_locked(meeting):
        messages.error(request, _("This record is locked."))
        return redirect("meetings:detail", meeting.pk)
    return _record_form(request, meeting.org, [meeting.org], meeting)


def _record_form(request, org, orgs, meeting=None):
    """The record form, new (meeting None) or correcting `meeting` (its organisation and kind stay)."""
    user, editing = request.user, meeting is not None
    town = actions.town_of(org.path) if org else None
    today = _today()
    values = {"date": today.isoformat(), "kind": "", "place": "", "topic": "", "host": "", "minutes": "",
              "resolutions": "", "late_reason": ""}
    if meeting is not None:
        values = {"date": meeting.date.isoformat(), "kind": meeting.kind.code, "place": meeting.place,
                  "topic": meeting.topic, "host": str(meeting.host_id or ""), "minutes": meeting.minutes,
                  "resolutions": meeting.resolutions, "late_reason": meeting.late_reason}
    rows = _members_form(org, meeting=meeting) if org else []
    if request.method == "POST" and org is not None:
        values = {k: request.POST.get(k, "") for k in values}
        rows = _members_form(org, request.POST, meeting)
        present = [r["person"].pk for r in rows if r["present"]]
        # The form has no field for an absence's note: a correction keeps the one recorded.
        absent = [{"person": r["person"].pk, "reason": r["reason"], "note": r["note"]}
                  for r in rows if not r["present"] and r["reason"]]
        try:
            date = datetime.date.fromisoformat(values["date"])
        except ValueError:
            date = None
        fields = {"attendees": present, "absent": absent, "place": values["place"], "host": values["host"] or None,
                  "minutes": values["minutes"], "resolutions": values["resolutions"],
                  "late_reason": values["late_reason"], "photos": request.FILES.getlist("photos")}
        try:
            if not editing:
                meeting = actions.do_record(user, org, values["kind"], date, values["topic"], **fields)
            else:
                actions.do_edit(user, meeting, date=date, topic=values["topic"], **fields)
        except MeetingError as exc:
            if exc.status == 404:
                raise Http404 from None
            messages.error(request, exc.message)
            if editing and exc.status == 409:
                return redirect("meetings:detail", meeting.pk)
        else:
            messages.success(request, _("The record is corrected.") if editing else _("The meeting is recorded."))
            return redirect("meetings:detail", meeting.pk)
    lock_days = actions.settings_for(town)[0]
    return render(request, "meetings/record.html", {
        "orgs": orgs, "org": org, "kinds": actions.kinds_for(town) if org else [], "rows": rows, "values": values,
        "reasons": Attendance.Reason.choices, "lock_days": lock_days, "meeting": meeting,
        "lock_before": today - datetime.timedelta(days=lock_days), "today": today,
        "max_date": min(today, timezone.localdate(meeting.entered_at)) if meeting else today})


@login_required
def detail(request, pk: int):
    meeting = (restrict(request.user, VIEW, Meeting).select_related("org", "kind", "host", "entered_by")
               .filter(pk=pk).first())
    if meeting is None:
        raise Http404
    rows = list(meeting.attendance.select_related("person").order_by("-present", "person__name"))
    until = actions.editable_until(meeting)
    locked = _today() > until
    may_record = actions.may_record(request.user) and actions.recordable_orgs(request.user).filter(
        pk=meeting.org_id).exists()
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "present": [a for a in rows if a.present], "absent": [a for a in rows if not a.present],
        "photos": meeting.photos.all(), "locked": locked, "editable_until": until,
        "locked_on": until + datetime.timedelta(days=1), "may_add_photo": may_record,
        "may_edit": may_record and not locked})


@login_required
@require_POST
def add_photo(request, pk: int):
    try:
        actions.do_add_photo(request.user, pk, request.FILES.get("photo"))
    except MeetingError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    return redirect("meetings:detail", pk)


@login_required
def photo(request, pk: int):
    """A meeting's photo, to whoever may read the meeting (404 to anyone else)."""
    item = MeetingPhoto.objects.filter(pk=pk, meeting__in=restrict(request.user, VIEW, Meeting)).first()
    if item is None:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=not item.is_image,
                            filename=item.name or None)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _period(request) -> tuple[datetime.date, datetime.date]:
    try:
        return periods.parse(request.GET.get("period", ""))
    except ValueError:
        return periods.slot("quarter", _today())


def _scope(request):
    user = request.user
    code = request.GET.get("scope", "").strip()[:20]
    path = resolve_scope(user, code or None)
    if path is None:
        raise Http404
    node = Region.objects.filter(path=path).first()
    return code, path, node


@login_required
def board(request):
    """Organisation x slot of the quarter (the months, then the quarter's own slot): held, late, missing or
    pending per kind; attendance; totals."""
    code, path, node = _scope(request)
    since, until = _period(request)
    today = _today()
    rows = queries.compliance(path, since, until, today, slots_detail=True)
    labels = [periods.month_label(m) for m in _months(since, until)] + [periods.quarter_label(since)]
    states = {queries.HELD: _("held"), queries.LATE: _("late"), queries.MISSING: _("missing"),
              queries.PENDING: _("not over yet")}
    for row in rows:
        by = {label: [] for label in labels}
        for s in row["slots"]:
            s["state_label"] = states[s["state"]]
            by.setdefault(s["slot"], []).append(s)
        row["cells"] = [by[label] for label in labels]
    town = actions.town_of(path)
    return render(request, "meetings/board.html", {
        "rows": rows, "labels": labels, "totals": queries.totals(rows), "scope": code, "node": node,
        "period": periods.quarter_label(since), "since": since, "until": until,
        "previous": periods.quarter_label(since - datetime.timedelta(days=1)),
        "next": periods.quarter_label(until + datetime.timedelta(days=1)),
        "may_configure": actions.may_configure(request.user, town), "town": town})


def _months(since, until):
    out, day = [], since
    while day <= until:
        out.append(day)
        day = periods.next_month(day)
    return out


@login_required
def org_page(request, code: str):
    """One organisation in a quarter: its members' attendance and those absent three times running."""
    user = request.user
    path = resolve_scope(user, None)
    org = PartyOrg.objects.filter(code=code, kind__in=actions.ORG_KINDS).first()
    if path is None or org is None or not org.path.startswith(path):
        raise Http404
    since, until = _period(request)
    return render(request, "meetings/org.html", {
        "org": org, "period": periods.quarter_label(since), "since": since, "until": until,
        "members": queries.member_rates(org, since, until),
        "meetings": Meeting.objects.filter(org=org, date__gte=since, date__lte=until).select_related("kind")})


@login_required
def rules(request):
    """The town's rules (which kinds each kind of organisation holds, how often), its lock days and whether
    members away for work count; a kind of its own."""
    user = request.user
    town = actions.town_of(user.scope_path or "") if user.is_authenticated else None
    if town is None and user.is_superuser:
        towns = Region.objects.filter(level=Region.Level.TOWN).order_by("code")
        town = towns.filter(code=request.GET.get("town", "").strip()).first() or towns.first()
    if not actions.may_configure(user, town):
        raise Http404
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "settings":
                actions.do_set_settings(user, town, _int(request.POST.get("lock_days")),
                                        request.POST.get("count_migrants") == "1")
            elif what == "kind":
                actions.do_add_kind(user, town, request.POST.get("code", ""), request.POST.get("name", ""))
            else:
                for kind in actions.kinds_for(town):
                    for org_kind in actions.ORG_KINDS:
                        value = request.POST.get(f"f_{org_kind}_{kind.pk}")
                        if value and value != _effective(town, org_kind, kind):
                            actions.do_set_rule(user, town, org_kind, kind, value)
        except MeetingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('meetings:rules')}?town={town.code}")
    table = actions.rules_for(town)
    grid = [{"kind": k, "cells": [(ok, PartyOrg.Kind(ok).label, table.get((ok, k.pk), "none"))
                                  for ok in actions.ORG_KINDS]}
            for k in actions.kinds_for(town)]
    lock_days, count_migrants = actions.settings_for(town)
    return render(request, "meetings/rules.html", {
        "town": town, "grid": grid, "frequencies": FREQUENCIES, "org_kinds": actions.ORG_KINDS,
        "lock_days": lock_days, "count_migrants": count_migrants,
        "own_rules": MeetingRule.objects.filter(town=town).count()})


def _effective(town, org_kind, kind) -> str:
    return actions.rules_for(town).get((org_kind, kind.pk), "none")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _report_context(request) -> dict:
    code, path, node = _scope(request)
    since, until = _period(request)
    today = _today()
    rows = queries.compliance(path, since, until, today)
    villages = {}
    for row in rows:
        villages.setdefault(row["path"].split(".")[2] if row["path"].count(".") >= 3 else "", []).append(row)
    regions = {r.path.split(".")[2]: r for r in Region.objects.filter(path__startswith=path,
                                                                        level=Region.Level.VILLAGE)}
    groups = [{"village": regions.get(key), "rows": vrows, "totals": queries.totals(vrows)}
              for key, vrows in sorted(villages.items())]
    return {"scope": code, "node": node, "period": periods.quarter_label(since), "since": since, "until": until,
            "groups": groups, "totals": queries.totals(rows), "printed": today}


@login_required
def report(request):
    """The quarterly organisational-life report of a village or the town, to print."""
    return render(request, "meetings/report.html", _report_context(request))


@login_required
def report_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    ctx = _report_context(request)
    wb = Workbook()
    ws = wb.active
    ws.title = ctx["period"]
    xlsx.append(ws, [_("Organisational life report %(period)s") % {"period": ctx["period"]}
                     + (f" · {ctx['node'].name}" if ctx["node"] else "")])
    ws["A1"].font = Font(bold=True, size=14)
    xlsx.append(ws, [_("Village"), pgettext("meeting", "Party organisation"), pgettext("meeting compliance", "Required"),
                     _("Held on time"), pgettext("meeting compliance", "Late"), _("Missing"),
                     _("Not over yet"), _("Meetings"), _("Attendance rate")])
    for g in ctx["groups"]:
        for r in g["rows"]:
            xlsx.append(ws, [g["village"].name if g["village"] else "", r["name"], r["required"], r["held"], r["late"],
                             r["missing"], r["pending"], r["meetings"], r["attendance_rate"]])
    t = ctx["totals"]
    xlsx.append(ws, [_("Total"), "", t["required"], t["held"], t["late"], t["missing"], t["pending"], t["meetings"],
                     t["attendance_rate"]])
    ws.column_dimensions["B"].width = 24
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="meetings-{ctx["period"]}.xlsx"'
    return response
