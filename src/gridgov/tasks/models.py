"""Town tasks (任务清单): a task the town issues to some or all of its villages, each village's own
assignment of it with a state machine, the events and evidence of each assignment; the town's monthly
meetings (月例会) that issue tasks; and the quarterly inspection (季督查): a checklist scored per village.

Tasks, meetings and inspections carry the town's path; an assignment and its events and evidence the
village's path, so a village secretary's `restrict` reaches their own assignments only.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Region


class State(models.TextChoices):
    ISSUED = "issued", _("Issued")
    SIGNED = "signed", _("Signed for")
    IN_PROGRESS = "in_progress", pgettext_lazy("task", "In progress")
    COMPLETED = "completed", _("Completed")
    ACCEPTED = "accepted", pgettext_lazy("task", "Accepted")


OPEN_STATES = (State.ISSUED, State.SIGNED, State.IN_PROGRESS)
# The clock turns "due soon" (amber) this long before the deadline, then "overdue" (red) after it.
DUE_SOON = datetime.timedelta(days=1)


class Meeting(models.Model):
    """A town's monthly meeting (月例会): when, what, who came (accounts or names), the minutes."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    path = models.CharField(max_length=255)
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("attendees"))
    other_attendees = models.CharField(_("other attendees"), max_length=1000, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "task"
    scope_path_field = "path"
    audit_fields = ["town_id", "path", "date", "topic", "other_attendees", "minutes"]

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["path", "date"], name="task_meeting_path_date")]
        verbose_name = _("monthly meeting")
        verbose_name_plural = _("monthly meetings")

    def __str__(self):
        return f"{self.date} {self.topic}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Task(models.Model):
    """What the town asks of its villages: a task (任务) or a weekly hint (周提示: short, no evidence)."""

    class Kind(models.TextChoices):
        TASK = "task", _("Task")
        HINT = "hint", _("Weekly hint")

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    path = models.CharField(max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TASK)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    deadline = models.DateField(_("deadline"))
    # The end of the working hours of the deadline (a workday of the case loop's calendar).
    due_at = models.DateTimeField(_("due"))
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks",
                                verbose_name=_("monthly meeting"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "task"
    scope_path_field = "path"
    audit_fields = ["town_id", "path", "kind", "title", "content", "deadline", "due_at", "evidence_required",
                    "meeting_id"]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["path", "created_at"], name="task_path_created")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Assignment(models.Model):
    """One village's share of a task: issued → signed → in progress → completed → accepted (or returned
    to in progress). `due_at` is the task's, kept here so the board and the counts read one table."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("task"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    path = models.CharField(max_length=255)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ISSUED)
    due_at = models.DateTimeField(_("due"))
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    returns = models.PositiveSmallIntegerField(_("times returned"), default=0)
    updated_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "task"
    scope_path_field = "path"
    audit_fields = ["task_id", "village_id", "path", "state", "due_at", "signed_at", "completed_at", "accepted_at",
                    "returns"]

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "village"], name="task_assignment_once")]
        # The board and the 问责 counts: the assignments under a path due in a window, with the columns they
        # group and count by, so the read needs no table lookups (as patrols' visit index).
        # On PostgreSQL the path column of each index takes varchar_pattern_ops, which serves path LIKE 'x%'
        # whatever the collation (SQLite ignores opclasses and reads the range of queries.under()).
        indexes = [models.Index(fields=["path", "due_at", "village", "state", "completed_at"],
                                name="task_assignment_path_due",
                                opclasses=["varchar_pattern_ops", "timestamptz_ops", "int8_ops", "varchar_ops",
                                           "timestamptz_ops"]),
                   models.Index(fields=["path", "state"], name="task_assignment_path_state",
                                opclasses=["varchar_pattern_ops", "varchar_ops"])]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")

    def __str__(self):
        return f"{self.task_id} → {self.village_id}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])

    def is_overdue(self, now=None) -> bool:
        """Still the village's to do and past due."""
        return self.state in OPEN_STATES and (now or clock.now()) > self.due_at

    @property
    def late(self) -> bool:
        """Completed after its deadline."""
        return self.completed_at is not None and self.completed_at > self.due_at

    def clock(self, now=None) -> str | None:
        """The case loop's clock words (normal | due_soon | overdue) while the village has it; None after."""
        if self.state not in OPEN_STATES:
            return None
        now = now or clock.now()
        if now > self.due_at:
            return "overdue"
        if self.due_at - now <= DUE_SOON:
            return "due_soon"
        return "normal"


EVENT_LABELS = {"sign": _("Signed for"), "progress": _("Progress"), "complete": _("Completed"),
                "accept": pgettext_lazy("task", "Accepted"), "return": _("Returned")}


class Event(models.Model):
    """One step of an assignment's history (append-only)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


def _file_path(instance, filename):
    return f"tasks/{clock.now():%Y/%m}/{filename}"


class File(models.Model):
    """A photo or document: an attachment of a task (`task`) or evidence of an assignment (`assignment`;
    `event` is the completion it went with, empty while it waits for one). Photos are re-encoded like
    case photos; documents are checked by their content (PDF, Word, Excel)."""

    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    path = models.CharField(max_length=255)
    file = models.FileField(upload_to=_file_path, max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "task"
    scope_path_field = "path"
    audit_fields = ["task_id", "assignment_id", "event_id", "path", "name", "content_type", "size"]

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])

    @property
    def is_photo(self) -> bool:
        return self.content_type.startswith("image/")


class Inspection(models.Model):
    """A town's quarterly inspection (季督查): one per town per quarter."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "task"
    scope_path_field = "path"
    audit_fields = ["town_id", "path", "year", "quarter", "title"]

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["town", "year", "quarter"], name="task_inspection_once")]
        indexes = [models.Index(fields=["path", "year", "quarter"], name="task_inspection_path_q")]
        verbose_name = _("quarterly inspection")
        verbose_name_plural = _("quarterly inspections")

    def __str__(self):
        return f"{self.year}Q{self.quarter} {self.title}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


class Item(models.Model):
    """A checklist item with its maximum points."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("item"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=1)

    audit_fields = ["inspection_id", "order", "title", "max_points"]

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def path(self) -> str:
        return self.inspection.path


class Score(models.Model):
    """A village's points on an item, with a note."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="scores")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255)
    points = models.DecimalField(max_digits=6, decimal_places=1)
    note = models.CharField(max_length=500, blank=True)

    audit_fields = ["item_id", "inspection_id", "village_id", "path", "points", "note"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "village"], name="task_score_once")]
        indexes = [models.Index(fields=["path", "inspection"], name="task_score_path")]

    def __str__(self):
        return f"{self.item_id} {self.village_id} {self.points}"
