"""Pages of volunteers: the resident's phone pages (register with consent, activities open to them, sign up
and cancel, check in with the organiser's code, my record), the organiser's (publish an activity, the code
screen, the attendance list with ticks, walk-ins and corrections, close) and the staff's (teams, activities,
figures). Thin: a form, an action, a redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.scoping import SUBTREE, VIEW, reach, restrict
from gridgov.org.models import Person, Region
from gridgov.org.queries import scope_node, search_people

from . import actions, queries
from .actions import VolunteerError
from .models import Activity, Signup, Team, Volunteer


def _fail(request, exc: VolunteerError):
    if exc.status == 404:
        raise Http404(exc.message)
    messages.error(request, exc.message)


def _is_staff(user) -> bool:
    return reach(user, VIEW, "volunteer_activity") == SUBTREE


def _person(user):
    return getattr(user, "person", None) if user.is_authenticated else None


def _activity(request, pk: int) -> Activity:
    try:
        return actions.visible_activity(request.user, pk)
    except VolunteerError:
        raise Http404 from None


def _with_taken(rows):
    return rows.select_related("team").annotate(taken=Count("signups", filter=Q(signups__state=Signup.State.SIGNED)))


@login_required
def index(request):
    """Activities: upcoming and recent ones the user sees (open to a resident; of the scope for staff)."""
    user = request.user
    if not (_is_staff(user) or _person(user) is not None):
        raise Http404
    rows = _with_taken(restrict(user, VIEW, Activity))
    now = clock.now()
    upcoming = rows.filter(end__gte=now, state=Activity.State.OPEN).order_by("start", "id")[:50]
    past = rows.filter(Q(end__lt=now) | ~Q(state=Activity.State.OPEN)).order_by("-start", "-id")[:20]
    person = _person(user)
    volunteer = Volunteer.objects.filter(person=person).first() if person is not None else None
    mine = set(Signup.objects.filter(person=person, state=Signup.State.SIGNED).values_list("activity_id", flat=True)) \
        if person is not None else set()
    leads = Team.objects.filter(leader=person, is_active=True).exists() if person is not None else False
    return render(request, "volunteers/index.html", {
        "upcoming": upcoming, "past": past, "volunteer": volunteer, "mine": mine, "staff": _is_staff(user),
        "may_publish": _is_staff(user) or leads})


@login_required
def register(request):
    person = _person(request.user)
    if person is None:
        raise Http404
    if request.method == "POST":
        try:
            actions.do_register(request.user, request.POST.get("consent") == "yes",
                                request.POST.get("version", ""))
        except VolunteerError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("You are registered as a volunteer."))
            return redirect(_safe_next(request) or "volunteers:index")
    return render(request, "volunteers/register.html", {
        "text": actions.consent_text(), "version": actions.CONSENT_VERSION,
        "volunteer": Volunteer.objects.filter(person=person).first(), "next": _safe_next(request)})


@login_required
@require_POST
def withdraw(request):
    """Withdraw one's consent and stop being a volunteer (the record page's button)."""
    try:
        done = actions.do_withdraw(request.user)
    except VolunteerError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("You are no longer a volunteer: %(cancelled)d sign-ups cancelled, %(teams)d "
                                    "teams left. Hours served and points earned stay on your record.")
                         % {"cancelled": done["cancelled"], "teams": done["teams_left"]})
    return redirect("volunteers:record")


def _safe_next(request) -> str:
    value = request.GET.get("next") or request.POST.get("next") or ""
    return value if value.startswith("/volunteers/") else ""


@login_required
def record(request):
    """My service record: totals and every activity served or signed up for."""
    person = _person(request.user)
    if person is None:
        raise Http404
    rows = (Signup.objects.filter(person=person).select_related("activity", "activity__team")
            .order_by("-activity__start", "-id")[:100])
    teams = Team.objects.filter(memberships__person=person).select_related("region")
    return render(request, "volunteers/record.html", {
        "volunteer": Volunteer.objects.filter(person=person).first(), "totals": queries.record(person),
        "rows": rows, "teams": teams})


@login_required
def detail(request, pk: int):
    activity = _activity(request, pk)
    user = request.user
    person = _person(user)
    organiser = actions.is_organiser(user, activity)
    mine = Signup.objects.filter(activity=activity, person=person).first() if person is not None else None
    taken = activity.signups.filter(state=Signup.State.SIGNED).count()
    now = clock.now()
    return render(request, "volunteers/detail.html", {
        "activity": activity, "organiser": organiser, "mine": mine, "taken": taken,
        "registered": person is not None and Volunteer.objects.filter(person=person).exists(),
        "may_sign_up": activity.state == Activity.State.OPEN and now < activity.signup_until and taken < activity.quota
        and person is not None and (mine is None or mine.state != Signup.State.SIGNED),
        "may_cancel": mine is not None and mine.state == Signup.State.SIGNED and mine.check_in is None
        and now < activity.signup_until and activity.state == Activity.State.OPEN,
        "may_check_in": mine is not None and mine.state == Signup.State.SIGNED and mine.check_out is None
        and activity.state == Activity.State.OPEN
        and activity.start - actions.CODE_WINDOW <= now <= activity.end + actions.CODE_WINDOW,
        "code": request.GET.get("code", "")[:8]})


def _step(request, pk: int, do, success: str, to: str = "volunteers:detail"):
    try:
        do()
    except VolunteerError as exc:
        _fail(request, exc)
    else:
        messages.success(request, success)
    return redirect(to, pk)


@login_required
@require_POST
def signup(request, pk: int):
    activity = _activity(request, pk)
    if _person(request.user) is not None and not Volunteer.objects.filter(person=request.user.person).exists():
        return redirect(reverse("volunteers:register") + f"?next={reverse('volunteers:detail', args=[pk])}")
    return _step(request, pk, lambda: actions.do_signup(request.user, activity), _("You are signed up."))


@login_required
@require_POST
def cancel(request, pk: int):
    activity = _activity(request, pk)
    return _step(request, pk, lambda: actions.do_cancel(request.user, activity), _("Your sign-up is cancelled."))


@login_required
def checkin(request, pk: int):
    """GET (the QR's link): the detail page with the code filled in; POST: check in or out with the code."""
    activity = _activity(request, pk)
    if request.method != "POST":
        return redirect(reverse("volunteers:detail", args=[pk]) + "?code=" + request.GET.get("code", "")[:8])

    def do():
        s = actions.do_check_in_with_code(request.user, activity, request.POST.get("code", ""))
        messages.success(request, _("Checked out: %(hours)s hours.") % {"hours": s.hours} if s.check_out
                         else _("Checked in at %(time)s.") % {"time": timezone.localtime(s.check_in).strftime("%H:%M")})

    try:
        do()
    except VolunteerError as exc:
        _fail(request, exc)
    return redirect("volunteers:detail", pk)


def _organised(request, pk: int) -> Activity:
    activity = _activity(request, pk)
    if not actions.is_organiser(request.user, activity):
        raise Http404
    return activity


@login_required
def code(request, pk: int):
    """The organiser's code screen: the code in large digits, and a QR code of the check-in link that a
    volunteer's phone camera opens (the code filled in)."""
    from gridgov.core import qr

    activity = _organised(request, pk)
    link = request.build_absolute_uri(reverse("volunteers:checkin", args=[pk]) + f"?code={activity.code}")
    return render(request, "volunteers/code.html", {"activity": activity, "link": link,
                                                    "qr": qr.svg(link, box_size=10)})


def _people_for(user, activity: Activity):
    if actions.is_staff_for(user, activity.path) and not user.is_superuser:
        return restrict(user, VIEW, Person)
    return Person.objects.filter(path__startswith=actions.town_path(activity.path))


@login_required
def attendance(request, pk: int):
    """The organiser's list: tick people in and out (now), correct hours with a reason, add a walk-in."""
    activity = _organised(request, pk)
    if request.method == "POST":
        op, person_id = request.POST.get("op", ""), request.POST.get("person", "")
        now = clock.now()
        try:
            person_id = int(person_id)
            if op == "in":
                actions.do_attendance(request.user, activity, person_id, check_in=now)
            elif op == "out":
                actions.do_attendance(request.user, activity, person_id, check_out=now)
            elif op == "hours":
                actions.do_attendance(request.user, activity, person_id, hours=float(request.POST.get("hours", "")),
                                      reason=request.POST.get("reason", ""))
            elif op == "walk_in":
                actions.do_attendance(request.user, activity, person_id, check_in=now)
            else:
                raise Http404
        except (TypeError, ValueError):
            messages.error(request, _("Give a number of hours."))
        except VolunteerError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Saved."))
        return redirect("volunteers:attendance", pk)
    q = request.GET.get("q", "").strip()
    found = list(search_people(_people_for(request.user, activity), q)[:10]) if q else []
    signups = activity.signups.select_related("person").order_by("state", "person__name", "id")
    return render(request, "volunteers/attendance.html", {"activity": activity, "signups": signups, "q": q,
                                                          "found": found})


@login_required
@require_POST
def close(request, pk: int):
    activity = _organised(request, pk)

    def do():
        counts = actions.do_close(request.user, activity)
        messages.success(request, _("Closed: %(awarded)d points awarded now, %(exists)d before, %(capped)d over the "
                                    "cap.") % counts)

    try:
        do()
    except VolunteerError as exc:
        _fail(request, exc)
    return redirect("volunteers:detail", pk)


def _parse_dt(day: str, time: str):
    try:
        return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day),
                                                             datetime.time.fromisoformat(time)))
    except (TypeError, ValueError):
        return None


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def create(request):
    """Publish an activity (staff of the scope, or a team's leader for their team)."""
    user = request.user
    person = _person(user)
    teams = restrict(user, VIEW, Team).filter(is_active=True).select_related("region") if _is_staff(user) else \
        Team.objects.filter(leader=person, is_active=True).select_related("region") if person else Team.objects.none()
    if not teams.exists():
        raise Http404
    values = request.POST if request.method == "POST" else {
        "day": (timezone.localdate(clock.now()) + datetime.timedelta(days=3)).isoformat(), "start": "09:00",
        "end": "11:00", "quota": "20", "points": "2", "points_per": "activity", "audience": "village",
        "cutoff": "1"}
    if request.method == "POST":
        start, end = _parse_dt(values.get("day"), values.get("start")), _parse_dt(values.get("day"), values.get("end"))
        team = teams.filter(pk=_int(values.get("team"), 0)).first()
        if start is None or end is None:
            messages.error(request, _("Give the day and the times."))
        else:
            try:
                activity = actions.do_create_activity(
                    user, team, values.get("title", ""), start, end, _int(values.get("quota"), 0),
                    _int(values.get("points"), -1), values.get("points_per", ""), values.get("audience", ""),
                    start - datetime.timedelta(hours=max(0, _int(values.get("cutoff"), 0))),
                    values.get("place", ""), values.get("description", ""))
            except VolunteerError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("The activity is published."))
                return redirect("volunteers:detail", activity.pk)
    return render(request, "volunteers/create.html", {"teams": teams, "values": values,
                                                      "audiences": Activity.Audience.choices,
                                                      "points_per": Activity.PointsPer.choices})


@login_required
def teams(request):
    """Teams: staff keep them (add one); residents see their village's and town's and join one."""
    user = request.user
    staff = _is_staff(user)
    if not staff and _person(user) is None:
        raise Http404
    if request.method == "POST":
        if not staff:
            raise Http404
        region = restrict(user, VIEW, Region).filter(code=request.POST.get("region", "")).first()
        try:
            actions.do_create_team(user, request.POST.get("name", ""), region, request.POST.get("kind", ""),
                                   _int(request.POST.get("leader")))
        except VolunteerError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("The team is added."))
        return redirect("volunteers:teams")
    rows = (restrict(user, VIEW, Team).select_related("region", "leader").annotate(n=Count("memberships"))
            .order_by("path", "name"))
    person = _person(user)
    joined = set(Team.objects.filter(memberships__person=person).values_list("pk", flat=True)) if person else set()
    regions = restrict(user, VIEW, Region).filter(level__in=[Region.Level.TOWN, Region.Level.VILLAGE]) \
        if staff else []
    return render(request, "volunteers/teams.html", {"teams": rows, "staff": staff, "joined": joined,
                                                     "regions": regions, "kinds": Team.Kind.choices,
                                                     "person": person})


@login_required
@require_POST
def join(request, pk: int):
    team = restrict(request.user, VIEW, Team).filter(pk=pk).first()
    if team is None:
        raise Http404
    try:
        actions.do_join(request.user, team)
    except VolunteerError as exc:
        if exc.status == 403:
            return redirect(reverse("volunteers:register") + "?next=" + reverse("volunteers:teams"))
        _fail(request, exc)
    else:
        messages.success(request, _("You joined %(team)s.") % {"team": team.name})
    return redirect("volunteers:teams")


@login_required
def stats(request):
    """A node's figures for a period (staff of its scope): teams, volunteers, active volunteers, activities,
    hours; and per village below a town."""
    user = request.user
    if not _is_staff(user):
        raise Http404
    code = request.GET.get("scope", "").strip()
    node = scope_node(user, code) if code else None
    if code and node is None:
        raise Http404
    path = node.path if node is not None else user.scope_path
    try:
        since = datetime.date.fromisoformat(request.GET["since"]) if request.GET.get("since") else None
        until = datetime.date.fromisoformat(request.GET["until"]) if request.GET.get("until") else None
    except ValueError:
        since = until = None
        messages.error(request, _("Give the days as YYYY-MM-DD."))
    since, until = queries.period(since, until)
    since = min(since, until)
    figures = queries.figures(path or "", since, until)
    villages = [(v, queries.figures(v.path, since, until)) for v in
                Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=path or "").order_by("path")[:60]]
    return render(request, "volunteers/stats.html", {"figures": figures, "villages": villages,
                                                     "node": node or user.scope_node, "scope": code})
