"""The JSON API of volunteers (志愿服务) under /api/v1/: teams, registration, activities, sign-ups,
attendance, closing, a volunteer's record and a node's figures.

Thin: parse, call an action (actions.py) or a query, render. Refusals answer {"detail"} with their status
(404 out of reach, exactly like a missing object; 403 a caller who may not; 409 full, closed or past the
cut-off); bad input 422 naming the field.
"""

import datetime

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.api import ErrorOut, InvalidOut, Rendered
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import SUBTREE, VIEW, reach, restrict
from gridgov.org.api import ScopeCode
from gridgov.org.models import Region
from gridgov.org.queries import scope_node

from . import actions, queries
from .actions import VolunteerError
from .models import Activity, Signup, Team, Volunteer

router = Router(tags=["volunteers"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


def _refused(exc: VolunteerError):
    if exc.status == 422:
        return _invalid(exc.field, exc.message)
    return Status(exc.status, {"detail": exc.message})


class IdOut(Schema):
    id: int


class TeamIn(Schema):
    name: str
    region: str = Field(..., description="code of the village or town the team belongs to")
    kind: str = Field("other", description="vanguard (党员先锋队), women (巾帼), youth (青年), senior (银龄) or other")
    leader: int | None = Field(None, description="the leader (person id), registered as a volunteer on the way")


class TeamOut(Schema):
    id: int
    name: str
    region: str = Field(..., description="code of the village or town")
    region_name: str
    kind: str
    leader: int | None = Field(None, description="person id of the leader")
    leader_name: str
    members: int
    is_active: bool


def _team_out(t: Team) -> dict:
    return {"id": t.pk, "name": t.name, "region": t.region.code, "region_name": t.region.name, "kind": t.kind,
            "leader": t.leader_id, "leader_name": t.leader.name if t.leader_id else "",
            "members": getattr(t, "n_members", 0), "is_active": t.is_active}


@router.get("/volunteers/teams", response=list[TeamOut])
@paginate(PageNumberPagination)
def team_list(request):
    """Teams the caller sees: staff those of their scope; residents those of their village and town."""
    rows = (restrict(request.user, VIEW, Team).select_related("region", "leader")
            .annotate(n_members=Count("memberships")).order_by("path", "name", "id"))
    return Rendered(rows, _team_out)


@router.post("/volunteers/teams", response={201: TeamOut, **ERRORS})
def team_create(request, body: TeamIn):
    """A village's or the town's staff add a team (its leader, if given, becomes its first member)."""
    region = Region.objects.filter(code=body.region.strip()).first()
    try:
        team = actions.do_create_team(request.user, body.name, region, body.kind, body.leader)
    except VolunteerError as exc:
        return _refused(exc)
    team = Team.objects.select_related("region", "leader").annotate(n_members=Count("memberships")).get(pk=team.pk)
    return Status(201, _team_out(team))


class JoinIn(Schema):
    person: int | None = Field(None, description="staff or the leader: a person to add; default the caller")


@router.post("/volunteers/teams/{team_id}/members", response={201: IdOut, **ERRORS})
def team_join(request, team_id: int, body: JoinIn = None):
    """The caller (a registered volunteer) joins a team of their village or town."""
    team = restrict(request.user, VIEW, Team).filter(pk=team_id).first()
    if team is None:
        raise Http404
    try:
        membership = actions.do_join(request.user, team, body.person if body else None)
    except VolunteerError as exc:
        return _refused(exc)
    return Status(201, {"id": membership.pk})


class WithdrawOut(Schema):
    cancelled: int = Field(..., description="sign-ups for activities not yet begun that were cancelled")
    teams_left: int


@router.post("/volunteers/withdraw", response={200: WithdrawOut, **ERRORS})
def withdraw(request):
    """The caller withdraws their consent: no longer a volunteer, out of their teams, sign-ups for activities
    not yet begun cancelled; hours served and points earned stay. 404 when not registered."""
    try:
        return Status(200, actions.do_withdraw(request.user))
    except VolunteerError as exc:
        return _refused(exc)


class RegisterIn(Schema):
    consent: bool = Field(..., description="the caller agrees to the consent text")
    version: str = Field(actions.CONSENT_VERSION, description="version of the consent text agreed to")


class VolunteerOut(Schema):
    id: int
    person: int
    registered_at: datetime.datetime
    consent_purpose: str
    consent_version: str
    consent_at: datetime.datetime
    channel: str


def _volunteer_out(v: Volunteer) -> dict:
    return {"id": v.pk, "person": v.person_id, "registered_at": v.registered_at, "consent_purpose": v.consent_purpose,
            "consent_version": v.consent_version, "consent_at": v.consent_at, "channel": v.channel}


@router.post("/volunteers/register", response={200: VolunteerOut, 201: VolunteerOut, **ERRORS})
def register(request, body: RegisterIn):
    """The caller becomes a volunteer, with their consent recorded (what, when, which version of the text);
    201, or 200 with the registration they already have."""
    try:
        volunteer, created = actions.do_register(request.user, body.consent, body.version)
    except VolunteerError as exc:
        return _refused(exc)
    return Status(201 if created else 200, _volunteer_out(volunteer))


class RecordOut(Schema):
    volunteer: VolunteerOut | None = Field(None, description="the caller's registration, null when not registered")
    consent_version: str = Field(..., description="the current version of the consent text")
    consent_text: str
    activities: int = Field(..., description="activities served (time counted)")
    hours: float
    points: int = Field(..., description="points earned by volunteer activities")
    teams: list[TeamOut]


@router.get("/volunteers/me", response={200: RecordOut})
def my_record(request):
    """The caller's service record: hours, activities and points earned, teams, and the consent text."""
    person = getattr(request.user, "person", None)
    volunteer = Volunteer.objects.filter(person=person).first() if person is not None else None
    teams = (Team.objects.filter(memberships__person=person).select_related("region", "leader")
             .annotate(n_members=Count("memberships")) if person is not None else Team.objects.none())
    figures = queries.record(person) if person is not None else {"activities": 0, "hours": 0.0, "points": 0}
    return {"volunteer": _volunteer_out(volunteer) if volunteer else None,
            "consent_version": actions.CONSENT_VERSION, "consent_text": actions.consent_text(), **figures,
            "teams": [_team_out(t) for t in teams]}


class ActivityIn(Schema):
    team: int = Field(..., description="team id")
    title: str
    start: datetime.datetime
    end: datetime.datetime
    quota: int
    points: int = Field(0, description="points per activity or per hour (see points_per)")
    points_per: str = Field("activity", description="activity or hour")
    audience: str = Field("village", description="who may sign up: team (members), village, town (everyone)")
    signup_until: datetime.datetime | None = Field(None, description="sign-up and cancelling close; default start")
    place: str = ""
    description: str = ""


class ActivityOut(Schema):
    id: int
    team: int
    team_name: str
    title: str
    description: str
    start: datetime.datetime
    end: datetime.datetime
    place: str
    quota: int
    taken: int = Field(..., description="seats taken (sign-ups not cancelled)")
    points: int
    points_per: str
    audience: str
    signup_until: datetime.datetime
    state: str = Field(..., description="open, closed or cancelled")


class SignupOut(Schema):
    id: int
    activity: int
    person: int
    name: str
    state: str
    walk_in: bool
    check_in: datetime.datetime | None
    check_out: datetime.datetime | None
    hours: float
    corrected: bool
    reason: str
    points: int


class ActivityDetailOut(ActivityOut):
    code: str | None = Field(None, description="the check-in code, for the organisers")
    mine: SignupOut | None = Field(None, description="the caller's sign-up")
    signups: list[SignupOut] = Field(..., description="for the organisers: everyone signed up or walked in")


def _activity_out(a: Activity) -> dict:
    taken = getattr(a, "taken", None)
    if taken is None:
        taken = a.signups.filter(state=Signup.State.SIGNED).count()
    return {"id": a.pk, "team": a.team_id, "team_name": a.team.name, "title": a.title, "description": a.description,
            "start": a.start, "end": a.end, "place": a.place, "quota": a.quota, "taken": taken, "points": a.points,
            "points_per": a.points_per, "audience": a.audience, "signup_until": a.signup_until, "state": a.state}


def _signup_out(s: Signup) -> dict:
    return {"id": s.pk, "activity": s.activity_id, "person": s.person_id, "name": s.person.name, "state": s.state,
            "walk_in": s.walk_in, "check_in": s.check_in, "check_out": s.check_out, "hours": s.hours,
            "corrected": s.corrected, "reason": s.reason, "points": s.points}


def _taken():
    return Count("signups", filter=Q(signups__state=Signup.State.SIGNED))


class ActivityFilter(Schema):
    team: int | None = Field(None, description="team id")
    state: str | None = Field(None, description="open, closed or cancelled")
    since: datetime.date | None = Field(None, description="starting on or after this day")
    until: datetime.date | None = Field(None, description="starting on or before this day")


@router.get("/volunteers/activities", response=list[ActivityOut])
@paginate(PageNumberPagination)
def activity_list(request, filters: Query[ActivityFilter]):
    """Activities the caller sees, latest start first: staff those of their scope; residents those open to
    them (their village's, their town's, their teams')."""
    rows = restrict(request.user, VIEW, Activity).select_related("team").annotate(taken=_taken())
    if filters.team:
        rows = rows.filter(team_id=filters.team)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.since:
        rows = rows.filter(start__gte=queries.day_start(filters.since))
    if filters.until:
        rows = rows.filter(start__lt=queries.day_start(filters.until + datetime.timedelta(days=1)))
    return Rendered(rows.order_by("-start", "-id"), _activity_out)


@router.post("/volunteers/activities", response={201: ActivityOut, **ERRORS})
def activity_create(request, body: ActivityIn):
    """Publish an activity: staff of the team's village or town, or the team's leader."""
    team = Team.objects.filter(pk=body.team).first()
    try:
        activity = actions.do_create_activity(
            request.user, team, body.title, body.start, body.end, body.quota, body.points, body.points_per,
            body.audience, body.signup_until, body.place, body.description)
    except VolunteerError as exc:
        return _refused(exc)
    return Status(201, _activity_out(activity))


def _activity(request, activity_id: int) -> Activity:
    try:
        return actions.visible_activity(request.user, activity_id)
    except VolunteerError:
        raise Http404 from None


@router.get("/volunteers/activities/{activity_id}", response={200: ActivityDetailOut, 404: ErrorOut})
def activity_detail(request, activity_id: int):
    activity = _activity(request, activity_id)
    organiser = actions.is_organiser(request.user, activity)
    person_id = getattr(request.user, "person_id", None)
    mine = Signup.objects.filter(activity=activity, person_id=person_id).select_related("person").first() \
        if person_id else None
    signups = activity.signups.select_related("person").order_by("id") if organiser else []
    return {**_activity_out(activity), "code": activity.code if organiser else None,
            "mine": _signup_out(mine) if mine else None, "signups": [_signup_out(s) for s in signups]}


class SignupIn(Schema):
    person: int | None = Field(None, description="an organiser or staff: a resident of their area to sign up "
                                                 "(registered as a volunteer on the way); default the caller")


@router.post("/volunteers/activities/{activity_id}/signups", response={201: SignupOut, **ERRORS})
def activity_signup(request, activity_id: int, body: SignupIn = None):
    """Sign up (the caller, or a resident by an organiser); 409 when the activity is full or closed."""
    activity = _activity(request, activity_id)
    try:
        signup = actions.do_signup(request.user, activity, body.person if body else None)
    except VolunteerError as exc:
        return _refused(exc)
    return Status(201, _signup_out(Signup.objects.select_related("person").get(pk=signup.pk)))


@router.post("/volunteers/activities/{activity_id}/signups/cancel", response={200: SignupOut, **ERRORS})
def activity_cancel(request, activity_id: int):
    """The caller cancels their sign-up before the cut-off (409 after it)."""
    activity = _activity(request, activity_id)
    try:
        signup = actions.do_cancel(request.user, activity)
    except VolunteerError as exc:
        return _refused(exc)
    return _signup_out(Signup.objects.select_related("person").get(pk=signup.pk))


class CodeIn(Schema):
    code: str = Field(..., description="the code the organiser's phone shows")


@router.post("/volunteers/activities/{activity_id}/checkin", response={200: SignupOut, **ERRORS})
def activity_checkin(request, activity_id: int, body: CodeIn):
    """The caller checks in with the activity's code (again: checks out)."""
    activity = _activity(request, activity_id)
    try:
        signup = actions.do_check_in_with_code(request.user, activity, body.code)
    except VolunteerError as exc:
        return _refused(exc)
    return _signup_out(Signup.objects.select_related("person").get(pk=signup.pk))


class AttendanceIn(Schema):
    person: int = Field(..., description="person id; someone not signed up is added as a walk-in")
    check_in: datetime.datetime | None = None
    check_out: datetime.datetime | None = None
    hours: float | None = Field(None, description="corrected hours, with `reason`")
    reason: str = ""


@router.post("/volunteers/activities/{activity_id}/attendance", response={200: SignupOut, **ERRORS})
def activity_attendance(request, activity_id: int, body: AttendanceIn):
    """The organiser records a check-in and check-out, adds a walk-in or corrects the hours (with a reason)."""
    activity = _activity(request, activity_id)
    try:
        signup = actions.do_attendance(request.user, activity, body.person, body.check_in, body.check_out,
                                       body.hours, body.reason)
    except VolunteerError as exc:
        return _refused(exc)
    return _signup_out(Signup.objects.select_related("person").get(pk=signup.pk))


class CloseOut(Schema):
    id: int
    state: str
    awarded: int = Field(..., description="points awarded by this call")
    exists: int = Field(..., description="points awarded before (closing again awards nothing twice)")
    capped: int = Field(..., description="points skipped under the rule's cap")
    none: int = Field(..., description="points with no rule to award them")


@router.post("/volunteers/activities/{activity_id}/close", response={200: CloseOut, **ERRORS})
def activity_close(request, activity_id: int):
    """Close the activity and award its points (once, whatever the number of calls)."""
    activity = _activity(request, activity_id)
    try:
        counts = actions.do_close(request.user, activity)
    except VolunteerError as exc:
        return _refused(exc)
    return {"id": activity.pk, "state": Activity.objects.get(pk=activity.pk).state, **counts}


class StatsFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid; default the caller's own node")
    since: datetime.date | None = Field(None, description="first day, inclusive; default 1 January of `until`")
    until: datetime.date | None = Field(None, description="last day, inclusive; default today")


class StatsOut(Schema):
    scope: str | None
    since: datetime.date
    until: datetime.date
    teams: int
    volunteers: int
    active_volunteers: int = Field(..., description="volunteers living under the node who served in the period")
    activities: int = Field(..., description="activities under the node that started in the period")
    hours: float = Field(..., description="hours served on those activities")


@router.get("/volunteers/stats", response={200: StatsOut, 404: ErrorOut, 422: InvalidOut})
def stats(request, filters: Query[StatsFilter]):
    """Teams, volunteers, active volunteers, activities and hours of a node (staff of its scope) in a period."""
    user = request.user
    if reach(user, VIEW, "volunteer_activity") != SUBTREE:
        raise Http404
    node = scope_node(user, filters.scope) if filters.scope else None
    if filters.scope and node is None:
        raise Http404
    path = node.path if node is not None else user.scope_path
    if not path and not user.is_superuser:
        raise Http404
    since, until = queries.period(filters.since, filters.until)
    if since > until:
        return _invalid("since", _("The period must begin on or before its last day."))
    return {"scope": node.code if node is not None else None, **queries.figures(path or "", since, until)}
