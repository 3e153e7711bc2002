"""Services for the people (为民服务): a town's catalogue of service items, residents' applications for
them, and the service hall's appointment slots.

An item lists the materials it requires (JSON: name, original or copy, count, whether a photo upload is
enough). An application moves draft → submitted → accepted → processing → done | refused; staff may
return a submitted one for missing materials (returned), and the applicant uploads them and submits
again. Each step has a deadline on the case loop's working calendar (gridgov.cases.calendar): one
working day to accept or return a submitted application, then the item's time limit in working days
from acceptance until it is finished (`due_at`). A returned application waits for the applicant: its
clock is paused.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Person, Region
from gridgov.org.paths import town_path


class Group(models.TextChoices):
    SOCIAL = "social", pgettext_lazy("service group", "Social insurance")  # 社保
    MEDICAL = "medical", pgettext_lazy("service group", "Medical insurance")  # 医保
    CIVIL = "civil", pgettext_lazy("service group", "Civil affairs")  # 民政
    FAMILY = "family", pgettext_lazy("service group", "Family planning")  # 计生
    CERTIFICATE = "certificate", pgettext_lazy("service group", "Certificates")  # 证明
    FARMING = "farming", pgettext_lazy("service group", "Agriculture")  # 农业
    DISABILITY = "disability", pgettext_lazy("service group", "Disabled persons")  # 残联
    VETERANS = "veterans", pgettext_lazy("service group", "Veterans")  # 退役军人
    HOUSING = "housing", pgettext_lazy("service group", "Housing and land")  # 住建国土
    OTHER = "other", pgettext_lazy("service group", "Other")  # 其他


class HandledAt(models.TextChoices):
    VILLAGE = "village", pgettext_lazy("handled at", "Village")
    TOWN = "town", pgettext_lazy("handled at", "Town service hall")
    DEPARTMENT = "department", pgettext_lazy("handled at", "Department")


class ServiceItem(models.Model):
    """One item of a town's service catalogue (办事指南)."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="service_items", verbose_name=_("town"))
    code = models.CharField(_("item code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices, default=Group.OTHER)
    department = models.CharField(_("department"), max_length=50, blank=True)
    # [{"name": "户口簿", "original": true, "count": 1, "photo_ok": true}, ...]
    materials = models.JSONField(_("materials required"), default=list, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5)
    agent_allowed = models.BooleanField(_("an agent may apply"), default=True)
    handled_at = models.CharField(_("finally handled at"), max_length=12, choices=HandledAt.choices,
                                  default=HandledAt.TOWN)
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, db_index=True)  # the town's path

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "service_item"
    scope_path_field = "path"
    audit_fields = ["code", "name", "group", "department", "materials", "limit_days", "agent_allowed",
                    "handled_at", "is_active", "path"]

    class Meta:
        ordering = ["path", "code"]
        constraints = [models.UniqueConstraint(fields=["town", "code"], name="service_item_code_per_town")]
        indexes = [models.Index(fields=["path", "group", "code"])]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self):
        return f"{self.code} {self.name}"

    @staticmethod
    def own_q(person):
        return Q(path=town_path(person.path), is_active=True)

    def material_names(self) -> list[str]:
        return [m["name"] for m in self.materials or []]

    def upload_names(self) -> list[str]:
        """Materials a photo or scan is enough for: those an application must carry before it is submitted."""
        return [m["name"] for m in self.materials or [] if m.get("photo_ok", True)]


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application state", "Submitted")
    RETURNED = "returned", pgettext_lazy("application state", "Returned for materials")
    ACCEPTED = "accepted", pgettext_lazy("application state", "Accepted")
    PROCESSING = "processing", pgettext_lazy("application state", "Processing")
    DONE = "done", pgettext_lazy("application state", "Done")
    REFUSED = "refused", pgettext_lazy("application state", "Refused")


CLOCKED = {State.SUBMITTED, State.ACCEPTED, State.PROCESSING}
FINAL = {State.DONE, State.REFUSED}


class Application(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("service item"))
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="service_applications",
                                  verbose_name=_("applicant"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The grid worker (代办员) who applies on the applicant's behalf; null when they applied themselves.
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="service_agent_applications", verbose_name=_("agent"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    note = models.TextField(_("note"), blank=True)
    missing = models.JSONField(_("missing materials"), default=list, blank=True)
    return_note = models.CharField(_("return note"), max_length=500, blank=True)
    refuse_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)
    step_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)  # of the current step
    due_soon_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)  # the item's time limit, counted from acceptance
    returns = models.PositiveSmallIntegerField(default=0)
    on_time = models.BooleanField(null=True, blank=True)  # finished by due_at
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_note = models.CharField(max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    path = models.CharField(max_length=255, db_index=True)  # the applicant's small grid

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "service_application"
    scope_path_field = "path"
    audit_fields = ["item_id", "applicant_id", "agent_id", "state", "note", "missing", "return_note",
                    "refuse_reason", "deadline", "due_at", "on_time", "rating", "path"]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["path", "state"]), models.Index(fields=["path", "finished_at"]),
            models.Index(fields=["item", "created_at"]), models.Index(fields=["applicant", "created_at"]),
            models.Index(fields=["agent", "created_at"]), models.Index(fields=["state", "deadline"]),
        ]
        verbose_name = _("service application")
        verbose_name_plural = _("service applications")

    def __str__(self):
        return f"{self.number} {self.item_id}"

    @property
    def number(self) -> str:
        return f"FW{self.pk:06d}"

    @staticmethod
    def own_q(person):
        return Q(applicant_id=person.pk) | Q(agent__person_id=person.pk)

    def clock(self, now=None) -> str | None:
        """normal | due_soon | overdue | paused (returned, waiting for the applicant); None otherwise:
        the words and CSS classes of the case loop's clock (cases/_clock.html)."""
        if self.state == State.RETURNED:
            return "paused"
        if self.state not in CLOCKED or self.deadline is None:
            return None
        now = now or clock.now()
        if now > self.deadline:
            return "overdue"
        if self.due_soon_at and now >= self.due_soon_at:
            return "due_soon"
        return "normal"


def _material_path(instance, filename):
    now = timezone.localtime()
    return f"services/{now:%Y/%m}/{filename}"


class Material(models.Model):
    """An uploaded material: a photo re-encoded without EXIF, or a PDF checked by its content."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("material"), max_length=100)
    file = models.FileField(upload_to=_material_path, max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["application_id", "name", "content_type", "size"]

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.name


class Slot(models.Model):
    """A time slot of the town's service hall with a capacity; `booked` counts live bookings and only a
    conditional update (booked < capacity) raises it, so the capacity holds under concurrency."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="service_slots", verbose_name=_("town"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(default=0)
    place = models.CharField(_("place"), max_length=100, blank=True)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "service_item"
    scope_path_field = "path"
    audit_fields = ["start", "end", "capacity", "place", "path"]

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["path", "start"])]
        constraints = [models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")),
                                              name="service_slot_within_capacity")]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M}"

    @staticmethod
    def own_q(person):
        return Q(path=town_path(person.path))

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class Booking(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="service_bookings")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    path = models.CharField(max_length=255, db_index=True)  # the person's small grid

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "service_application"
    scope_path_field = "path"
    audit_fields = ["slot_id", "person_id", "application_id", "path"]

    class Meta:
        ordering = ["slot", "id"]
        constraints = [models.UniqueConstraint(fields=["slot", "person"], name="service_booking_once")]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self):
        return f"{self.slot_id} {self.person_id}"

    @staticmethod
    def own_q(person):
        return Q(person_id=person.pk)
