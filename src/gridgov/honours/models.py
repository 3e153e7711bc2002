"""Household honours (评星定级): the honour kinds of a town, its yearly campaigns with their score sheets,
and the entries that go from an application or a nomination through inspection, the village
committee's review and the public notice (公示) with its objections to a named title.

The built-in kinds of every town are 星级文明户 (starred 1-5), 美丽庭院 and 党员示范户; a town adds its
own, for households or for persons (好媳妇, 好公婆). A named title holds for its campaign's year.
Personal data stays in org: an entry refers to its household or person.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Household, Person, Region

DEFAULT_PUBLICITY_DAYS = 7
MAX_STARS = 5

# Built-in kinds of every town: code -> (name, subject, starred).
STARRED = "starred"
COURTYARD = "courtyard"
PARTY_MODEL = "party_model"
BUILT_IN = {
    STARRED: ("星级文明户", "household", True),
    COURTYARD: ("美丽庭院", "household", False),
    PARTY_MODEL: ("党员示范户", "household", False),
}


class Subject(models.TextChoices):
    HOUSEHOLD = "household", pgettext_lazy("honour", "Household")
    PERSON = "person", _("Person")


class HonourKind(models.Model):
    """An honour a town awards: built in, or added by the town (for households or persons)."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=50)
    subject = models.CharField(_("awarded to"), max_length=16, choices=Subject.choices, default=Subject.HOUSEHOLD)
    starred = models.BooleanField(_("starred (1-5)"), default=False)
    built_in = models.BooleanField(_("built in"), default=False)
    path = models.CharField(max_length=255, db_index=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "honour"
    scope_path_field = "path"
    audit_fields = ["town_id", "code", "name", "subject", "starred", "built_in", "path"]

    class Meta:
        ordering = ["town_id", "-built_in", "id"]
        constraints = [models.UniqueConstraint(fields=["town", "code"], name="honour_kind_code_once_per_town")]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Campaign(models.Model):
    """A town's yearly campaign for one honour, with its score sheet (criteria: name and maximum points)
    and, for a starred honour, the least total for each star (thresholds, five rising numbers)."""

    kind = models.ForeignKey(HonourKind, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("honour"))
    year = models.PositiveSmallIntegerField(_("year"))
    criteria = models.JSONField(_("score sheet"), default=list)
    thresholds = models.JSONField(_("star thresholds"), default=list, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("days of public notice"), default=DEFAULT_PUBLICITY_DAYS)
    path = models.CharField(max_length=255, db_index=True)  # the town's
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "honour"
    scope_path_field = "path"
    audit_fields = ["kind_id", "year", "criteria", "thresholds", "publicity_days", "path"]

    class Meta:
        ordering = ["-year", "kind_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="honour_campaign_once_a_year")]
        verbose_name = _("honour campaign")
        verbose_name_plural = _("honour campaigns")

    def __str__(self):
        return f"{self.year} {self.kind}"

    @property
    def max_total(self) -> int:
        return sum(int(c["max"]) for c in self.criteria)

    def stars_for(self, total: int) -> int | None:
        if not self.kind.starred:
            return None
        return sum(1 for t in self.thresholds if total >= t)

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Entry(models.Model):
    """One household's (or person's) way to a title in a campaign."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        INSPECTED = "inspected", _("Inspected")
        APPROVED = "approved", _("Approved by the village")
        REJECTED = "rejected", pgettext_lazy("honour", "Rejected")
        PUBLISHED = "published", _("Under public notice")
        NAMED = "named", _("Named")
        REVOKED = "revoked", _("Revoked")

    class Origin(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("honour", "Applied")
        NOMINATED = "nominated", _("Nominated")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="entries",
                                 verbose_name=_("campaign"))
    kind = models.ForeignKey(HonourKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("honour"))
    year = models.PositiveSmallIntegerField(_("year"))
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("household"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    path = models.CharField(max_length=255, db_index=True)  # the household's or person's (small grid)
    village_path = models.CharField(max_length=255)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    notes = models.TextField(_("inspection notes"), blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)  # of a rejection or a revocation
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    inspected_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # The first day after the public notice: objections until the day before, naming from this day.
    notice_ends = models.DateField(_("public notice ends"), null=True, blank=True)
    named_at = models.DateTimeField(_("named"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "honour"
    scope_path_field = "path"
    audit_fields = ["campaign_id", "household_id", "person_id", "path", "origin", "state", "scores", "total",
                    "stars", "notes", "reason", "published_on", "notice_ends", "named_at", "revoked_at"]

    class Meta:
        ordering = ["path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], condition=Q(household__isnull=False),
                                    name="honour_entry_household_once"),
            models.UniqueConstraint(fields=["campaign", "person"], condition=Q(person__isnull=False),
                                    name="honour_entry_person_once"),
        ]
        indexes = [
            # Titles by village and year (the list, the plaque list, the counts, the metric).
            models.Index(fields=["village_path", "year", "state"], name="honour_entry_village_year"),
            models.Index(fields=["campaign", "state"], name="honour_entry_campaign_state"),
        ]
        verbose_name = _("honour entry")
        verbose_name_plural = _("honour entries")

    def __str__(self):
        return f"{self.campaign} #{self.pk}"

    @staticmethod
    def own_q(person):
        q = Q(person_id=person.pk)
        if person.household_id:
            q |= Q(household_id=person.household_id)
        return q

    @property
    def head(self):
        """Who earns the points: the person, or the household's head."""
        if self.person_id:
            return self.person
        return self.household.head if self.household_id else None

    def in_notice(self, today) -> bool:
        return self.state == self.State.PUBLISHED and self.notice_ends is not None and today < self.notice_ends


def _photo_path(instance, filename):
    return f"honours/{timezone.localtime(clock.now()):%Y/%m}/{filename}"


class Photo(models.Model):
    """A photo of an inspection (re-encoded like a case photo: proven an image, no EXIF)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="photos", verbose_name=_("entry"))
    file = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["entry_id", "content_type"]

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self):
        return f"{self.entry_id} photo {self.pk}"

    @property
    def path(self) -> str:
        return self.entry.path


class Objection(models.Model):
    """An objection raised during the public notice, and staff's answer to it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="objections", verbose_name=_("entry"))
    text = models.TextField(_("objection"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    audit_fields = ["entry_id", "text", "answer", "answered_at"]

    class Meta:
        ordering = ["id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.entry_id} objection {self.pk}"

    @property
    def path(self) -> str:
        return self.entry.path
