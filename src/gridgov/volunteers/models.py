"""Volunteer service (志愿服务): teams, volunteers, activities and their sign-ups with attendance.

A Volunteer is a registered person (the person stays in org.Person; here only the registration and its
consent: what was agreed to, when, which version of the text). A Team belongs to a village or the town
(`path` is that region's path). An Activity belongs to a team and carries the team's path; who may sign
up is `audience`: the team's members, the team's village (or town, for a town team), or the whole town —
`audience_path` is the prefix a person's path must start with ("" for team members only). A Signup is
one person on one activity: signed up or cancelled, checked in and out, its counted minutes and the
points it earned when the activity closed. `path` of a sign-up is the person's path (their small grid).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Person, Region, User
from gridgov.org.queries import path_prefixes


class Volunteer(models.Model):
    """A person registered as a volunteer, with the consent they gave to the use of their data."""

    class Channel(models.TextChoices):
        SELF = "self", _("On their own phone")
        ORGANISER = "organiser", _("In person, entered by an organiser")

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="volunteer",
                                  verbose_name=_("person"))
    registered_at = models.DateTimeField(_("registered at"), default=clock.now)
    consent_purpose = models.CharField(_("consent to"), max_length=32, default="volunteer_service")
    consent_version = models.CharField(_("version of the consent text"), max_length=16)
    consent_at = models.DateTimeField(_("consent given at"))
    channel = models.CharField(_("registered"), max_length=16, choices=Channel.choices, default=Channel.SELF)
    registered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "volunteer"
    scope_path_field = "path"
    audit_fields = ["person_id", "registered_at", "consent_purpose", "consent_version", "consent_at", "channel",
                    "registered_by_id", "path"]

    class Meta:
        ordering = ["path", "id"]
        indexes = [models.Index(fields=["path", "registered_at"])]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return str(self.person_id)

    @staticmethod
    def own_q(person):
        return Q(person_id=person.pk)


class Team(models.Model):
    """A volunteer team (志愿服务队) of a village or of the town."""

    class Kind(models.TextChoices):
        VANGUARD = "vanguard", _("Party member vanguard (党员先锋队)")
        WOMEN = "women", _("Women (巾帼)")
        YOUTH = "youth", _("Youth (青年)")
        SENIOR = "senior", _("Seniors (银龄)")
        OTHER = "other", pgettext_lazy("team kind", "Other")

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="volunteer_teams",
                               verbose_name=_("village or town"))
    leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams",
                               verbose_name=_("leader"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=clock.now)
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "volunteer_team"
    scope_path_field = "path"
    audit_fields = ["name", "region_id", "leader_id", "kind", "is_active", "path"]

    class Meta:
        ordering = ["path", "name", "id"]
        indexes = [models.Index(fields=["path", "created_at"])]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="volunteer_team_name_per_region")]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        """The teams of the person's village and town, and the teams they lead."""
        return Q(path__in=path_prefixes(person.path)) | Q(leader_id=person.pk)


class Membership(models.Model):
    """A volunteer in a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="volunteer_teams")
    joined_at = models.DateTimeField(default=clock.now)
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "volunteer"
    scope_path_field = "path"
    audit_fields = ["team_id", "person_id", "joined_at", "path"]

    class Meta:
        ordering = ["team_id", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="volunteer_membership_once")]
        indexes = [models.Index(fields=["person", "team"])]

    @staticmethod
    def own_q(person):
        return Q(person_id=person.pk)


class Activity(models.Model):
    """A volunteer activity of a team: when and where, how many, what it earns, who may sign up."""

    class PointsPer(models.TextChoices):
        ACTIVITY = "activity", _("per activity")
        HOUR = "hour", _("per hour")

    class Audience(models.TextChoices):
        TEAM = "team", _("Team members")
        VILLAGE = "village", _("The village")
        TOWN = "town", _("Everyone in the town")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("activity state", "Open")
        CLOSED = "closed", pgettext_lazy("activity state", "Closed")
        CANCELLED = "cancelled", pgettext_lazy("activity state", "Cancelled")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="activities", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(pgettext_lazy("volunteer activity", "description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    quota = models.PositiveIntegerField(_("quota"))
    points = models.PositiveIntegerField(_("points"), default=0)
    points_per = models.CharField(_("points are"), max_length=8, choices=PointsPer.choices, default=PointsPer.ACTIVITY)
    audience = models.CharField(_("who may sign up"), max_length=8, choices=Audience.choices,
                                default=Audience.VILLAGE)
    audience_path = models.CharField(max_length=255, blank=True)
    signup_until = models.DateTimeField(_("sign-up and cancelling close at"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    # The short code the organiser's phone shows; volunteers type it to check in and out.
    code = models.CharField(max_length=8)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "volunteer_activity"
    scope_path_field = "path"
    audit_fields = ["team_id", "title", "description", "start", "end", "place", "quota", "points", "points_per",
                    "audience", "audience_path", "signup_until", "state", "closed_at", "path"]

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["path", "start"]), models.Index(fields=["audience_path", "start"]),
                   models.Index(fields=["team", "start"]), models.Index(fields=["code", "state"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="volunteer_activity_ends")]
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")

    def __str__(self):
        return self.title

    @staticmethod
    def own_q(person):
        """Activities open to the person (their village's or town's, their teams'), and those of teams they lead."""
        return (Q(audience_path__in=path_prefixes(person.path)) | Q(team__leader_id=person.pk)
                | Q(team_id__in=Membership.objects.filter(person_id=person.pk).values("team_id")))


class Signup(models.Model):
    """One person on one activity: signed up (or cancelled), attendance, minutes counted, points earned."""

    class State(models.TextChoices):
        SIGNED = "signed", pgettext_lazy("signup state", "Signed up")
        CANCELLED = "cancelled", pgettext_lazy("signup state", "Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="volunteer_signups")
    state = models.CharField(max_length=12, choices=State.choices, default=State.SIGNED)
    signed_at = models.DateTimeField(default=clock.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    walk_in = models.BooleanField(default=False)
    check_in = models.DateTimeField(null=True, blank=True)
    check_out = models.DateTimeField(null=True, blank=True)
    # Minutes of service: check-in to check-out within the activity's time, unless corrected (with a reason).
    minutes = models.PositiveIntegerField(default=0)
    corrected = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    points = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "volunteer_signup"
    scope_path_field = "path"
    audit_fields = ["activity_id", "person_id", "state", "cancelled_at", "walk_in", "check_in", "check_out",
                    "minutes", "corrected", "reason", "points", "path"]

    class Meta:
        ordering = ["activity_id", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="volunteer_signup_once")]
        indexes = [models.Index(fields=["person", "activity"]), models.Index(fields=["path", "activity"])]

    @staticmethod
    def own_q(person):
        """The person's own sign-ups, and those of the activities of teams they lead (they organise them)."""
        return Q(person_id=person.pk) | Q(activity__team__leader_id=person.pk)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)
