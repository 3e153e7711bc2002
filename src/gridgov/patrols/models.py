"""Grid patrols (网格巡查): a grid worker's walk through their grids, its check-ins, notes and photos,
the cases it raised, and the town's rule that says how often each small grid is to be patrolled.

A patrol counts for a small grid when one of its check-ins lies inside that grid and the grid is one of
the worker's. `Visit` keeps one row per (patrol, counted grid) with the patrol's local day, so the
compliance board is one indexed range read on (path, day) whatever the number of check-ins.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Grid, Person, Region

DEFAULT_WEEKLY = 3
DEFAULT_HALF_MONTH = 1


class PatrolRule(models.Model):
    """A town's patrol rule: each small grid `weekly_count` patrols per ISO week (一周三巡) and at least
    `half_month_count` in each half month, the 1st-15th and the 16th to the month's end (半月全覆盖)."""

    town = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="patrol_rule", verbose_name=_("town"))
    weekly_count = models.PositiveSmallIntegerField(_("patrols per week"), default=DEFAULT_WEEKLY)
    half_month_count = models.PositiveSmallIntegerField(_("patrols per half month"), default=DEFAULT_HALF_MONTH)
    path = models.CharField(max_length=255, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "patrol_rule"
    scope_path_field = "path"
    audit_fields = ["town_id", "weekly_count", "half_month_count", "path"]

    class Meta:
        verbose_name = _("patrol rule")
        verbose_name_plural = _("patrol rules")

    def __str__(self):
        return f"{self.town} {self.weekly_count}/{self.half_month_count}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Patrol(models.Model):
    """One patrol by one grid worker (a person of the registry, and the account that recorded it)."""

    class State(models.TextChoices):
        OPEN = "open", _("Under way")
        FINISHED = "finished", _("Finished")

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="patrols",
                               verbose_name=_("grid worker"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("account"))
    worker_name = models.CharField(_("grid worker"), max_length=150)
    # The worker's own node (their account's scope, else their post's grid): who sees the patrol.
    path = models.CharField(max_length=255, db_index=True)
    # The paths of the worker's grids when the patrol began: a check-in counts inside one of them.
    grid_paths = models.JSONField(_("grids of the worker"), default=list)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    started_at = models.DateTimeField(_("started"), default=clock.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    day = models.DateField(_("day"), db_index=True)
    by_hand = models.BooleanField(_("entered by hand"), default=False)
    reason = models.CharField(_("reason for entering by hand"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "patrol"
    scope_path_field = "path"
    audit_fields = ["person_id", "user_id", "worker_name", "path", "state", "started_at", "finished_at", "day",
                    "by_hand", "reason"]

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["path", "day"])]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")

    def __str__(self):
        return f"{self.worker_name} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @staticmethod
    def own_q(person):
        return Q(person_id=person.pk)


class CheckIn(models.Model):
    """A point of a patrol: where the phone was (and how sure it was), located to its small grid.
    `counted`: inside one of the worker's grids; a check-in elsewhere is kept, flagged, and counts for nothing."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("patrol"))
    time = models.DateTimeField(_("time"), default=clock.now)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("grid"))
    counted = models.BooleanField(_("counted"), default=False)
    by_hand = models.BooleanField(_("entered by hand"), default=False)
    # The check-in's own id, made once on the phone (issue 11): one kept without signal and sent again is made once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    audit_fields = ["patrol_id", "time", "lat", "lng", "accuracy", "grid_id", "counted", "by_hand"]

    class Meta:
        ordering = ["time", "id"]
        # Per recording account: a patrol is one account's (actions.own_patrol), so (patrol, client_id) is.
        constraints = [models.UniqueConstraint(fields=["patrol", "client_id"], name="checkin_client_id_once",
                                               condition=Q(client_id__isnull=False))]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.patrol_id} {timezone.localtime(self.time):%H:%M}"

    @property
    def path(self) -> str:  # the audit log is scoped by the patrol's path
        return self.patrol.path


class Visit(models.Model):
    """A small grid that a patrol counts for (one counted check-in inside it is enough)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="visits")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+")
    # db_index: on PostgreSQL also a varchar_pattern_ops index, which serves path LIKE 'x%'.
    path = models.CharField(max_length=255, db_index=True)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patrol", "grid"], name="patrol_visit_once_per_grid")]
        # Covers the board's read (grid and day of the rows under a path in a window): no table lookups.
        indexes = [models.Index(fields=["path", "day", "grid"], name="patrol_visit_path_day_grid")]


def _photo_path(instance, filename):
    return f"patrols/{timezone.localtime(clock.now()):%Y/%m}/{filename}"


class Note(models.Model):
    """A note or photo taken on a patrol (a photo is re-encoded like a case photo: no EXIF)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="notes", verbose_name=_("patrol"))
    time = models.DateTimeField(_("time"), default=clock.now)
    text = models.TextField(_("note"), blank=True)
    photo = models.FileField(_("photo"), upload_to=_photo_path, max_length=200, blank=True)
    content_type = models.CharField(_("photo type"), max_length=32, blank=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)  # as CheckIn.client_id

    audit_fields = ["patrol_id", "time", "text", "content_type"]

    class Meta:
        ordering = ["time", "id"]
        constraints = [models.UniqueConstraint(fields=["patrol", "client_id"], name="patrol_note_client_id_once",
                                               condition=Q(client_id__isnull=False))]
        verbose_name = _("patrol note")
        verbose_name_plural = _("patrol notes")

    def __str__(self):
        return f"{self.patrol_id} {timezone.localtime(self.time):%H:%M}"

    @property
    def path(self) -> str:
        return self.patrol.path


class PatrolCase(models.Model):
    """A case raised from a patrol (channel "patrol")."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="case_links", verbose_name=_("patrol"))
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))

    audit_fields = ["patrol_id", "case_id"]

    class Meta:
        verbose_name = _("case raised on patrol")
        verbose_name_plural = _("cases raised on patrol")

    def __str__(self):
        return f"{self.patrol_id} → {self.case_id}"

    @property
    def path(self) -> str:
        return self.patrol.path
