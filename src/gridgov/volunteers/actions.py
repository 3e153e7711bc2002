"""Writes of volunteer service: register (with consent), keep teams, join one, publish an activity, sign up
and cancel, check in and out (with the activity's code, or ticked by the organiser), add a walk-in,
correct the hours, close the activity (points once). Each checks who may, writes in a transaction and
audits.

VolunteerError carries the HTTP status the API answers: 404 out of reach (like a missing object), 403 a
role or person that may not, 409 a state that does not allow it (full, closed, past the cut-off), 422 bad
input naming the field.

Organisers of an activity: village or town staff whose scope holds it, and the user of the team's leader.
Hours: the minutes between check-in and check-out that fall inside the activity's start and end (a
volunteer who comes early or stays late is counted for the activity's time), unless corrected with a
reason. Points: an activity earns `points` per activity (when any time was served) or per hour (whole
points, rounded down: 2 points an hour for 2 h 40 min earn 5). Each point is one application of the
town's rule for the automatic source "volunteer_activity" (set it to 1 point; its cap holds per
application), keyed per activity, person and point, so closing again awards nothing twice.
"""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core import audit, clock
from gridgov.core.scoping import CHANGE, VIEW, reach, restrict
from gridgov.org.models import Person, Region
from gridgov.org.queries import path_prefixes

from .models import Activity, Membership, Signup, Team, Volunteer

AUTO = "volunteer_activity"
# The consent a volunteer gives, by version; a new wording gets a new version and the old ones stay.
CONSENT_VERSION = "2026-1"
CONSENT_TEXTS = {
    "2026-1": gettext_lazy(
        "I agree that the village and town keep my name, phone and residence with my volunteer record (teams, "
        "activities signed up for, attendance, hours and points), to organise volunteer service, count it and "
        "award points. Only the organisers of my activities and the village and town staff see it; I may ask "
        "for my registration to be ended."),
}
CODE_WINDOW = datetime.timedelta(hours=1)  # the code works from an hour before the start until an hour after the end
MAX_TEXT = 2000


class VolunteerError(Exception):
    def __init__(self, message, status: int = 422, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def now() -> datetime.datetime:
    return clock.now()


def _active(actor) -> bool:
    return actor is not None and actor.is_authenticated and actor.is_active


def is_staff_for(actor, path: str) -> bool:
    """Village or town staff whose scope holds `path` (they keep teams and organise activities there)."""
    if actor is None:
        return True
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    return (reach(actor, CHANGE, "volunteer_activity") is not None and bool(actor.scope_path)
            and path.startswith(actor.scope_path))


def is_organiser(actor, activity: Activity) -> bool:
    if is_staff_for(actor, activity.path):
        return True
    person_id = getattr(actor, "person_id", None)
    return bool(_active(actor) and person_id and activity.team.leader_id == person_id)


def town_path(path: str) -> str:
    prefixes = path_prefixes(path)
    return prefixes[1] if len(prefixes) > 1 else path


def audience_path(team: Team, audience: str) -> str:
    if audience == Activity.Audience.TEAM:
        return ""
    if audience == Activity.Audience.VILLAGE:
        return team.path
    return town_path(team.path)


def may_join(person: Person, activity: Activity) -> bool:
    """Whether the activity is open to the person: its audience, or a member or the leader of its team."""
    if activity.audience_path and person.path.startswith(activity.audience_path):
        return True
    if activity.team.leader_id == person.pk:
        return True
    return Membership.objects.filter(team_id=activity.team_id, person=person).exists()


def visible_activity(actor, activity_id) -> Activity:
    activity = restrict(actor, VIEW, Activity).select_related("team").filter(pk=activity_id).first()
    if activity is None:
        raise VolunteerError(_("No such activity."), status=404)
    return activity


def _text(value, limit: int, message, field: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise VolunteerError(message, field=field)
    if len(value) > limit:
        raise VolunteerError(_("%(field)s is longer than %(limit)d characters.") % {"field": field, "limit": limit},
                             field=field)
    return value


# --- volunteers and teams ------------------------------------------------------------------------------

def consent_text(version: str = CONSENT_VERSION) -> str:
    return str(CONSENT_TEXTS[version])


def _register(person: Person, actor, channel: str, version: str) -> Volunteer:
    existing = Volunteer.objects.filter(person=person).first()
    if existing is not None:
        return existing
    moment = now()
    volunteer = Volunteer(person=person, registered_at=moment, consent_version=version, consent_at=moment,
                          channel=channel, registered_by=actor if _active(actor) else None, path=person.path)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:  # registered at the same moment by another request
        return Volunteer.objects.get(person=person)
    audit.record("volunteer.register", volunteer, None, audit.snapshot(volunteer), actor=actor)
    return volunteer


@transaction.atomic
def do_register(actor, consent: bool, version: str = CONSENT_VERSION) -> tuple[Volunteer, bool]:
    """The caller (a resident or party member of the registry) registers as a volunteer, agreeing to the
    consent text of `version` (the current one). Returns (volunteer, created); registering again changes nothing."""
    person = getattr(actor, "person", None) if _active(actor) else None
    if person is None:
        raise VolunteerError(_("Only an account of a person in the registry can register as a volunteer."),
                             status=403)
    if version not in CONSENT_TEXTS or version != CONSENT_VERSION:
        raise VolunteerError(_("Agree to the current consent text (version %(version)s).")
                             % {"version": CONSENT_VERSION}, field="version")
    if not consent:
        raise VolunteerError(_("Registration needs your consent to the use of your data."), field="consent")
    existed = Volunteer.objects.filter(person=person).exists()
    return _register(person, actor, Volunteer.Channel.SELF, version), not existed


@transaction.atomic
def do_withdraw(actor) -> dict:
    """The caller withdraws their consent and stops being a volunteer: their registration is deleted (the
    audit row keeps what was agreed to and when), they leave their teams, and their sign-ups for activities
    not yet begun are cancelled. Hours served and points earned stay: they are records of work done.
    Registering again takes a new consent."""
    person = getattr(actor, "person", None) if _active(actor) else None
    volunteer = Volunteer.objects.select_for_update().filter(person=person).first() if person is not None else None
    if volunteer is None:
        raise VolunteerError(_("You are not registered as a volunteer."), status=404)
    moment = now()
    cancelled = Signup.objects.filter(person=person, state=Signup.State.SIGNED, check_in__isnull=True,
                                      activity__state=Activity.State.OPEN, activity__start__gt=moment)
    cancelled_ids = list(cancelled.values_list("pk", flat=True))
    Signup.objects.filter(pk__in=cancelled_ids).update(state=Signup.State.CANCELLED, cancelled_at=moment)
    teams = list(Membership.objects.filter(person=person).values_list("team_id", flat=True))
    Membership.objects.filter(person=person).delete()
    before = {**audit.snapshot(volunteer), "teams": teams, "cancelled_signups": cancelled_ids}
    audit.record("volunteer.withdraw", volunteer, before, None, actor=actor)
    volunteer.delete()
    return {"cancelled": len(cancelled_ids), "teams_left": len(teams)}


def _person_for(actor, person_id, region_path: str) -> Person:
    """A person an organiser may act for: in their scope (staff) or of the activity's village or town (a leader)."""
    if is_staff_for(actor, region_path) and actor is not None and not actor.is_superuser:
        person = restrict(actor, VIEW, Person).filter(pk=person_id).first()
    else:
        person = Person.objects.filter(pk=person_id, path__startswith=town_path(region_path)).first()
    if person is None:
        raise VolunteerError(_("No such person in your area."), status=404, field="person")
    return person


@transaction.atomic
def do_create_team(actor, name: str, region: Region | None, kind: str = Team.Kind.OTHER,
                   leader: int | None = None) -> Team:
    if region is None or region.level not in (Region.Level.TOWN, Region.Level.VILLAGE) \
            or not is_staff_for(actor, region.path):
        raise VolunteerError(_("No such village or town in your area."), status=404, field="region")
    name = _text(name, 100, _("Give the team a name."), "name")
    if kind not in Team.Kind.values:
        raise VolunteerError(_("Choose a kind of team."), field="kind")
    leader_person = _person_for(actor, leader, region.path) if leader else None
    if Team.objects.filter(region=region, name=name).exists():
        raise VolunteerError(_("This village or town already has a team of this name."), status=409, field="name")
    team = Team.objects.create(name=name, region=region, kind=kind, leader=leader_person, path=region.path,
                               created_at=now())
    audit.record("volunteer.team", team, None, audit.snapshot(team), actor=actor)
    if leader_person is not None:
        _register(leader_person, actor, Volunteer.Channel.ORGANISER, CONSENT_VERSION)
        _join(team, leader_person, actor)
    return team


def _join(team: Team, person: Person, actor) -> Membership:
    membership = Membership.objects.filter(team=team, person=person).first()
    if membership is None:
        membership = Membership.objects.create(team=team, person=person, joined_at=now(), path=person.path)
        audit.record("volunteer.join", membership, None, audit.snapshot(membership), actor=actor)
    return membership


@transaction.atomic
def do_join(actor, team: Team, person_id: int | None = None) -> Membership:
    """The caller joins a team of their village or town (registered first); staff may add a person."""
    if person_id is not None:
        if not is_staff_for(actor, team.path) and not (
                getattr(actor, "person_id", None) and team.leader_id == actor.person_id):
            raise VolunteerError(_("Only the team's leader or staff add others to a team."), status=403,
                                 field="person")
        person = _person_for(actor, person_id, team.path)
        _register(person, actor, Volunteer.Channel.ORGANISER, CONSENT_VERSION)
    else:
        person = getattr(actor, "person", None) if _active(actor) else None
        if person is None or not Volunteer.objects.filter(person=person).exists():
            raise VolunteerError(_("Register as a volunteer first."), status=403)
        if not person.path.startswith(team.path):
            raise VolunteerError(_("No such team."), status=404)
    return _join(team, person, actor)


# --- activities ----------------------------------------------------------------------------------------

def _new_code() -> str:
    for _attempt in range(20):
        code = f"{secrets.randbelow(1_000_000):06d}"
        if not Activity.objects.filter(code=code, state=Activity.State.OPEN).exists():
            return code
    return f"{secrets.randbelow(100_000_000):08d}"


@transaction.atomic
def do_create_activity(actor, team: Team | None, title: str, start: datetime.datetime, end: datetime.datetime,
                       quota: int, points: int = 0, points_per: str = Activity.PointsPer.ACTIVITY,
                       audience: str = Activity.Audience.VILLAGE, signup_until: datetime.datetime | None = None,
                       place: str = "", description: str = "") -> Activity:
    """Publish an activity of a team: staff of the team's village or town, or the team's leader."""
    if team is None or not team.is_active:
        raise VolunteerError(_("No such team."), status=404, field="team")
    if not is_staff_for(actor, team.path) and not (
            _active(actor) and getattr(actor, "person_id", None) and team.leader_id == actor.person_id):
        raise VolunteerError(_("No such team."), status=404, field="team")
    title = _text(title, 100, _("Give the activity a title."), "title")
    place = _text(place, 200, "", "place", required=False)
    description = _text(description, MAX_TEXT, "", "description", required=False)
    for field, value in (("start", start), ("end", end), ("signup_until", signup_until)):
        if value is not None and timezone.is_naive(value):
            raise VolunteerError(_("Give the time with its time zone."), field=field)
    if end <= start:
        raise VolunteerError(_("The activity must end after it starts."), field="end")
    if end <= now():
        raise VolunteerError(_("The activity must end in the future."), field="end")
    if not 1 <= quota <= 10000:
        raise VolunteerError(_("Give a quota between 1 and 10000."), field="quota")
    if not 0 <= points <= 1000:
        raise VolunteerError(_("Give points between 0 and 1000."), field="points")
    if points_per not in Activity.PointsPer.values:
        raise VolunteerError(_("Points are per activity or per hour."), field="points_per")
    if audience not in Activity.Audience.values:
        raise VolunteerError(_("Choose who may sign up: team members, the village or the town."), field="audience")
    signup_until = signup_until or start
    if signup_until > end:
        raise VolunteerError(_("Sign-up must close before the activity ends."), field="signup_until")
    activity = Activity.objects.create(
        team=team, title=title, description=description, start=start, end=end, place=place, quota=quota,
        points=points, points_per=points_per, audience=audience, audience_path=audience_path(team, audience),
        signup_until=signup_until, code=_new_code(), created_by=actor if _active(actor) else None,
        created_at=now(), path=team.path)
    audit.record("volunteer.activity", activity, None, audit.snapshot(activity), actor=actor)
    return activity


def _locked(activity_id) -> Activity:
    return Activity.objects.select_for_update().select_related("team").get(pk=activity_id)


def do_signup(actor, activity: Activity, person_id: int | None = None) -> Signup:
    """The caller signs up (a registered volunteer the activity is open to, before the cut-off); an organiser
    may sign up a resident of their area (registered on the way, the cut-off does not bind them). The
    activity's row is locked while the seats are counted, so the quota holds under any number of requests."""
    organiser = person_id is not None
    if organiser:
        if not is_organiser(actor, activity):
            raise VolunteerError(_("Only the organisers sign up others."), status=403, field="person")
        person = _person_for(actor, person_id, activity.path)
    else:
        person = getattr(actor, "person", None) if _active(actor) else None
        if person is None or not Volunteer.objects.filter(person=person).exists():
            raise VolunteerError(_("Register as a volunteer first."), status=403)
        if not may_join(person, activity):
            raise VolunteerError(_("No such activity."), status=404)
    with transaction.atomic():
        activity = _locked(activity.pk)
        moment = now()
        if activity.state != Activity.State.OPEN or moment >= activity.end:
            raise VolunteerError(_("This activity is closed."), status=409)
        if not organiser and moment >= activity.signup_until:
            raise VolunteerError(_("Sign-up for this activity has closed."), status=409)
        existing = Signup.objects.filter(activity=activity, person=person).first()
        if existing is not None and existing.state == Signup.State.SIGNED:
            return existing
        taken = Signup.objects.filter(activity=activity, state=Signup.State.SIGNED).count()
        if taken >= activity.quota:
            raise VolunteerError(_("This activity is full."), status=409)
        if organiser:
            _register(person, actor, Volunteer.Channel.ORGANISER, CONSENT_VERSION)
        if existing is not None:
            before = audit.snapshot(existing)
            existing.state, existing.cancelled_at, existing.signed_at = Signup.State.SIGNED, None, moment
            existing.save(update_fields=["state", "cancelled_at", "signed_at"])
            audit.record("volunteer.signup", existing, *audit.diff(before, audit.snapshot(existing)), actor=actor)
            return existing
        signup = Signup.objects.create(activity=activity, person=person, signed_at=moment, path=person.path)
        audit.record("volunteer.signup", signup, None, audit.snapshot(signup), actor=actor)
        return signup


@transaction.atomic
def do_cancel(actor, activity: Activity) -> Signup:
    """The caller cancels their sign-up, before the activity's cut-off and before checking in."""
    person_id = getattr(actor, "person_id", None) if _active(actor) else None
    activity = _locked(activity.pk)
    signup = Signup.objects.filter(activity=activity, person_id=person_id, state=Signup.State.SIGNED).first()
    if signup is None:
        raise VolunteerError(_("You have not signed up for this activity."), status=404)
    if now() >= activity.signup_until or activity.state != Activity.State.OPEN:
        raise VolunteerError(_("The cut-off for cancelling has passed."), status=409)
    if signup.check_in is not None:
        raise VolunteerError(_("You have checked in already."), status=409)
    before = audit.snapshot(signup)
    signup.state, signup.cancelled_at = Signup.State.CANCELLED, now()
    signup.save(update_fields=["state", "cancelled_at"])
    audit.record("volunteer.cancel", signup, *audit.diff(before, audit.snapshot(signup)), actor=actor)
    return signup


def counted_minutes(activity: Activity, check_in, check_out) -> int:
    if check_in is None or check_out is None:
        return 0
    lo, hi = max(check_in, activity.start), min(check_out, activity.end)
    return max(0, int((hi - lo).total_seconds() // 60))


def earned(activity: Activity, minutes: int) -> int:
    """Points a sign-up earns: per activity when any time was served, per hour pro rata rounded down."""
    if minutes <= 0 or not activity.points:
        return 0
    if activity.points_per == Activity.PointsPer.HOUR:
        return minutes * activity.points // 60
    return activity.points


def _write_attendance(actor, activity, signup, check_in, check_out, action):
    before = audit.snapshot(signup)
    signup.check_in, signup.check_out = check_in, check_out
    if not signup.corrected:
        signup.minutes = counted_minutes(activity, check_in, check_out)
    signup.save(update_fields=["check_in", "check_out", "minutes"])
    audit.record(action, signup, *audit.diff(before, audit.snapshot(signup)), actor=actor)
    return signup


@transaction.atomic
def do_check_in_with_code(actor, activity: Activity, code: str) -> Signup:
    """A volunteer types the code the organiser's phone shows: the first time checks in, the second checks
    out. Only a signed-up volunteer, within an hour of the activity's time."""
    person_id = getattr(actor, "person_id", None) if _active(actor) else None
    activity = _locked(activity.pk)
    if (code or "").strip() != activity.code:
        raise VolunteerError(_("This code is not the activity's code."), field="code")
    moment = now()
    if activity.state != Activity.State.OPEN or not (
            activity.start - CODE_WINDOW <= moment <= activity.end + CODE_WINDOW):
        raise VolunteerError(_("Checking in is open from an hour before the start to an hour after the end."),
                             status=409, field="code")
    signup = Signup.objects.filter(activity=activity, person_id=person_id, state=Signup.State.SIGNED).first()
    if signup is None:
        raise VolunteerError(_("You have not signed up for this activity; ask the organiser to add you."),
                             status=409, field="code")
    if signup.check_in is None:
        return _write_attendance(actor, activity, signup, moment, None, "volunteer.check_in")
    if signup.check_out is None:
        return _write_attendance(actor, activity, signup, signup.check_in, max(moment, signup.check_in),
                                 "volunteer.check_out")
    raise VolunteerError(_("You have checked in and out already."), status=409, field="code")


@transaction.atomic
def do_attendance(actor, activity: Activity, person_id: int, check_in=None, check_out=None,
                  hours: float | None = None, reason: str = "") -> Signup:
    """The organiser records a person's check-in and check-out (a tick: now), adding a walk-in who has not
    signed up (registered as a volunteer on the way, beyond the quota: they are there), or corrects the
    hours with a reason."""
    if not is_organiser(actor, activity):
        raise VolunteerError(_("No such activity."), status=404)
    person = _person_for(actor, person_id, activity.path)
    activity = _locked(activity.pk)
    if activity.state != Activity.State.OPEN:
        raise VolunteerError(_("This activity is closed."), status=409)
    for field, value in (("check_in", check_in), ("check_out", check_out)):
        if value is not None and timezone.is_naive(value):
            raise VolunteerError(_("Give the time with its time zone."), field=field)
        if value is not None and value > now() + datetime.timedelta(minutes=5):
            raise VolunteerError(_("A check-in or check-out cannot be in the future."), field=field)
    signup = Signup.objects.filter(activity=activity, person=person).first()
    check_in = check_in or (signup.check_in if signup else None)
    check_out = check_out or (signup.check_out if signup else None)
    if check_out is not None and check_in is None:
        raise VolunteerError(_("Check in before checking out."), field="check_out")
    if check_in is not None and check_out is not None and check_out < check_in:
        raise VolunteerError(_("The check-out must come after the check-in."), field="check_out")
    if hours is not None:
        if not 0 <= hours <= (activity.end - activity.start).total_seconds() / 3600 + 24:
            raise VolunteerError(_("Give hours between 0 and the activity's length."), field="hours")
        reason = _text(reason, 200, _("Give the reason for correcting the hours."), "reason")
    if signup is None:
        _register(person, actor, Volunteer.Channel.ORGANISER, CONSENT_VERSION)
        signup = Signup.objects.create(activity=activity, person=person, signed_at=now(), walk_in=True,
                                       path=person.path)
        audit.record("volunteer.walk_in", signup, None, audit.snapshot(signup), actor=actor)
    elif signup.state != Signup.State.SIGNED:
        before = audit.snapshot(signup)
        signup.state, signup.cancelled_at = Signup.State.SIGNED, None
        signup.save(update_fields=["state", "cancelled_at"])
        audit.record("volunteer.signup", signup, *audit.diff(before, audit.snapshot(signup)), actor=actor)
    if check_in != signup.check_in or check_out != signup.check_out:
        _write_attendance(actor, activity, signup, check_in, check_out, "volunteer.attendance")
    if hours is not None:
        before = audit.snapshot(signup)
        signup.minutes, signup.corrected, signup.reason = round(hours * 60), True, reason
        signup.save(update_fields=["minutes", "corrected", "reason"])
        audit.record("volunteer.correct", signup, *audit.diff(before, audit.snapshot(signup)), actor=actor)
    return signup


def do_close(actor, activity: Activity) -> dict:
    """Close an activity after its start: check out whoever is still in at its end, and award each volunteer
    the points their time earned, under the town's rule and its cap. Closing again answers the same and
    awards nothing twice (the keys); it also retries awards that found no rule the first time."""
    if not is_organiser(actor, activity):
        raise VolunteerError(_("No such activity."), status=404)
    with transaction.atomic():
        activity = _locked(activity.pk)
        if activity.state == Activity.State.CANCELLED:
            raise VolunteerError(_("This activity was cancelled."), status=409)
        if activity.state == Activity.State.OPEN:
            moment = now()
            if moment < activity.start:
                raise VolunteerError(_("An activity closes after it has started."), status=409)
            for signup in Signup.objects.filter(activity=activity, state=Signup.State.SIGNED,
                                                check_in__isnull=False, check_out__isnull=True):
                _write_attendance(actor, activity, signup, signup.check_in,
                                  max(signup.check_in, min(activity.end, moment)), "volunteer.check_out")
            before = audit.snapshot(activity)
            activity.state, activity.closed_at = Activity.State.CLOSED, moment
            activity.save(update_fields=["state", "closed_at"])
            audit.record("volunteer.close", activity, *audit.diff(before, audit.snapshot(activity)), actor=actor)
        return award(activity, actor)


def award(activity: Activity, actor=None, at=None) -> dict:
    """Award each sign-up of a closed activity its points (keys activity, person and point: idempotent)."""
    from gridgov.points.public import award_automatic

    counts = {"awarded": 0, "exists": 0, "capped": 0, "none": 0}
    for signup in Signup.objects.filter(activity=activity, state=Signup.State.SIGNED, minutes__gt=0) \
            .select_related("person"):
        due = earned(activity, signup.minutes)
        got = 0
        for n in range(1, due + 1):
            result = award_automatic(
                AUTO, person=signup.person, path=signup.path, key=f"volunteer:{activity.pk}:{signup.person_id}:{n}",
                reason=_("Volunteer activity %(title)s on %(date)s") % {
                    "title": activity.title, "date": timezone.localdate(activity.start).isoformat()}, now=at)
            counts[result] += 1
            got += result in ("awarded", "exists")
        if got != signup.points:
            before = audit.snapshot(signup)
            signup.points = got
            signup.save(update_fields=["points"])
            audit.record("volunteer.points", signup, *audit.diff(before, audit.snapshot(signup)), actor=actor)
    return counts
