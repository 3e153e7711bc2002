"""Organisational life (三会一课 · 主题党日): the kinds of meeting, the town's rules (which kinds each
kind of party organisation must hold and how often), the meetings a branch or grid party group
records with their attendance and photos, and the reminders the worker has sent.

Meetings and attendance carry the organisation's `path` (a branch: its village; a grid party group:
its small grid), so "everything under X" is one indexed prefix read like every other scoped table.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import PartyOrg, Person, Region

DEFAULT_LOCK_DAYS = 7

# The built-in kinds (codes fixed; the default rules name them).
COMMITTEE = "committee"  # 支委会
GENERAL = "general"  # 党员大会
GROUP = "group"  # 党小组会
LECTURE = "lecture"  # 党课
THEME_DAY = "theme_day"  # 主题党日
BUILTIN_LABELS = {
    COMMITTEE: _("Branch committee meeting"),
    GENERAL: _("General party meeting"),
    GROUP: _("Party group meeting"),
    LECTURE: _("Party lecture"),
    THEME_DAY: _("Theme party day"),
}
# The names stored on the built-in rows (what a database reader sees); pages show BUILTIN_LABELS.
BUILTIN_NAMES = {COMMITTEE: "支委会", GENERAL: "党员大会", GROUP: "党小组会", LECTURE: "党课", THEME_DAY: "主题党日"}

MONTH = "month"
QUARTER = "quarter"
NONE = "none"
FREQUENCIES = [(MONTH, _("Monthly")), (QUARTER, _("Quarterly")), (NONE, _("Not required"))]

# (org kind, meeting kind) -> how often, where a town has set nothing.
DEFAULT_RULES = {
    (PartyOrg.Kind.BRANCH, COMMITTEE): MONTH,
    (PartyOrg.Kind.BRANCH, GENERAL): QUARTER,
    (PartyOrg.Kind.BRANCH, LECTURE): QUARTER,
    (PartyOrg.Kind.BRANCH, THEME_DAY): MONTH,
    (PartyOrg.Kind.GROUP, GROUP): MONTH,
}


class MeetingKind(models.Model):
    """A kind of meeting: the five built in (town empty) and those a town adds."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    town = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("town"))
    path = models.CharField(max_length=255, blank=True, db_index=True)  # the town's; "" for the built-in kinds
    audit_fields = ["code", "name", "town_id", "path"]

    class Meta:
        ordering = ["id"]
        verbose_name = _("meeting kind")
        verbose_name_plural = _("meeting kinds")

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        return BUILTIN_LABELS.get(self.code, self.name) if self.town_id is None else self.name


class MeetingSettings(models.Model):
    """A town's settings: after how many days a meeting's record locks (a later entry is late and needs
    a reason), and whether a member away for work (流动党员, absent 外出务工) counts against attendance."""

    town = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    lock_days = models.PositiveSmallIntegerField(_("days until a record locks"), default=DEFAULT_LOCK_DAYS)
    count_migrants = models.BooleanField(_("members away for work count in attendance"), default=False)
    path = models.CharField(max_length=255, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "meeting_rule"
    scope_path_field = "path"
    audit_fields = ["town_id", "lock_days", "count_migrants", "path"]

    class Meta:
        verbose_name = _("meeting settings")
        verbose_name_plural = _("meeting settings")

    def __str__(self):
        return f"{self.town} {self.lock_days}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class MeetingRule(models.Model):
    """A town's rule: organisations of `org_kind` hold meetings of `kind` monthly, quarterly or not at all
    (overrides the default for that pair)."""

    town = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    org_kind = models.CharField(_("organisation kind"), max_length=16, choices=PartyOrg.Kind.choices)
    kind = models.ForeignKey(MeetingKind, on_delete=models.CASCADE, related_name="+", verbose_name=_("meeting kind"))
    frequency = models.CharField(_("how often"), max_length=8, choices=FREQUENCIES)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "meeting_rule"
    scope_path_field = "path"
    audit_fields = ["town_id", "org_kind", "kind_id", "frequency", "path"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "org_kind", "kind"], name="meeting_rule_once")]
        verbose_name = _("meeting rule")
        verbose_name_plural = _("meeting rules")

    def __str__(self):
        return f"{self.town} {self.org_kind} {self.kind_id} {self.frequency}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Meeting(models.Model):
    """A meeting held by a party organisation, as its secretary recorded it."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    host = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("host"))
    minutes = models.TextField(_("minutes"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    late = models.BooleanField(_("entered late"), default=False)
    late_reason = models.CharField(_("reason for the late entry"), max_length=500, blank=True)
    entered_at = models.DateTimeField(_("entered"), default=clock.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    path = models.CharField(max_length=255, db_index=True)
    # Counted from its attendance when recorded and again when corrected (actions._counts), so the compliance
    # board reads meetings only: members present, absent, and of those absent the ones away for work.
    present_count = models.PositiveIntegerField(default=0)
    absent_count = models.PositiveIntegerField(default=0)
    migrant_count = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "meeting"
    scope_path_field = "path"
    audit_fields = ["org_id", "kind_id", "date", "place", "topic", "host_id", "minutes", "resolutions", "late",
                    "late_reason", "entered_at", "entered_by_id", "path"]

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["path", "date"], name="meeting_path_date"),
                   models.Index(fields=["org", "date"], name="meeting_org_date")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.date} {self.topic}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=Attendance.objects.filter(person_id=person.pk).values("meeting_id"))


class Attendance(models.Model):
    """A member's attendance at a meeting: present, or absent with a reason."""

    class Reason(models.TextChoices):
        SICK = "sick", _("Sick leave")
        PERSONAL = "personal", _("Personal leave")
        MIGRANT = "migrant", _("Away for work")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance",
                                verbose_name=_("meeting"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    present = models.BooleanField(_("present"), default=True)
    reason = models.CharField(_("reason of absence"), max_length=16, choices=Reason.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Copied from the meeting for the per-organisation and per-member reads.
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    path = models.CharField(max_length=255)

    audit_fields = ["meeting_id", "person_id", "present", "reason", "note"]

    class Meta:
        ordering = ["meeting_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]
        indexes = [models.Index(fields=["path", "date"], name="attendance_path_date"),
                   models.Index(fields=["person", "date"], name="attendance_person_date"),
                   models.Index(fields=["org", "date"], name="attendance_org_date")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return f"{self.meeting_id} {self.person_id} {self.present}"


def _photo_path(instance, filename):
    return f"meetings/{timezone.localtime(clock.now()):%Y/%m}/{filename}"


class MeetingPhoto(models.Model):
    """A photo of a meeting (re-encoded like a case photo: no EXIF) or a file of it (the minutes as a PDF,
    Word or Excel document, checked by content), served only through the meeting's scope."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos", verbose_name=_("meeting"))
    file = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=100)
    name = models.CharField(_("file name"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["meeting_id", "content_type", "name"]

    class Meta:
        ordering = ["id"]
        verbose_name = _("meeting photo")
        verbose_name_plural = _("meeting photos")

    def __str__(self):
        return f"{self.meeting_id} {self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def path(self) -> str:
        return self.meeting.path


class Reminder(models.Model):
    """A reminder the worker sent, keyed so that it goes out once ("due:<org>:<slot>", "missing:<town>:<month>")."""

    key = models.CharField(max_length=100, unique=True)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self):
        return self.key
