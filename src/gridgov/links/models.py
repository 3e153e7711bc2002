"""Party members linked to households (党员联户) and their contacts with them (联户走访).

A link ties a member (a party member, or a person of a party-member central household) to one
household from `since` (a date) until `until` (the day it ended; None while active). A link is
active on day d when since <= d and (until is None or d < until). A household has at most one
active link (a partial unique index, SQLite and PostgreSQL alike); ended links stay as history.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Household, Person, Region


class LinkSettings(models.Model):
    """A town's rules for links: how many households a member should take, how often to contact them."""

    town = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="link_settings",
                                verbose_name=_("town"))
    target_per_member = models.PositiveSmallIntegerField(_("households per member"), default=10)
    contacts_per_month = models.PositiveSmallIntegerField(_("contacts per household each month"), default=1)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "link"
    scope_path_field = "path"
    audit_fields = ["town_id", "target_per_member", "contacts_per_month", "path"]

    class Meta:
        verbose_name = _("link settings")
        verbose_name_plural = _("link settings")

    def __str__(self):
        return str(self.town)

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Link(models.Model):
    member = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_links",
                               verbose_name=_("party member"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="links",
                                  verbose_name=_("household"))
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    # The household's path (its small grid), so "links under a node" is one prefix filter.
    path = models.CharField(max_length=255, db_index=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "link"
    scope_path_field = "path"
    audit_fields = ["member_id", "household_id", "since", "until", "reason", "path"]

    class Meta:
        ordering = ["path", "household_id", "-since", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(until__isnull=True),
                                    name="link_one_active_per_household"),
        ]
        indexes = [
            models.Index(fields=["member", "until"]), models.Index(fields=["path", "until"]),
            # PostgreSQL: counts of a node's links on a day read the index alone.
            models.Index(fields=["path", "since", "until", "household"], name="link_path_dates",
                         opclasses=["varchar_pattern_ops", "date_ops", "date_ops", "int8_ops"]),
        ]
        verbose_name = _("household link")
        verbose_name_plural = _("household links")

    def __str__(self):
        return f"{self.member_id} → {self.household_id}"

    @property
    def is_active(self) -> bool:
        return self.until is None

    @staticmethod
    def own_q(person):
        """A member's own links, and the link of the person's household."""
        q = Q(member_id=person.pk)
        if person.household_id:
            q |= Q(household_id=person.household_id)
        return q


def _contact_photo_path(instance, filename):
    return f"contacts/{timezone.localtime(clock.now()):%Y/%m}/{filename}"


class Contact(models.Model):
    class Way(models.TextChoices):
        VISIT = "visit", pgettext_lazy("contact way", "Visit")
        PHONE = "phone", pgettext_lazy("contact way", "Phone")
        WECHAT = "wechat", pgettext_lazy("contact way", "WeChat")

    class Topic(models.TextChoices):
        THOUGHT = "thought", _("Thinking (联思想)")
        DEVELOPMENT = "development", _("Development (联发展)")
        HARMONY = "harmony", _("Harmony (联和谐)")
        LIVELIHOOD = "livelihood", _("Livelihood (联民生)")

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="contacts")
    member = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_contacts",
                               verbose_name=_("party member"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="contacts",
                                  verbose_name=_("household"))
    way = models.CharField(_("way"), max_length=8, choices=Way.choices)
    date = models.DateField(_("date"))
    topics = models.JSONField(_("topics"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    photo = models.FileField(_("photo"), upload_to=_contact_photo_path, max_length=200, blank=True)
    photo_type = models.CharField(_("photo type"), max_length=32, blank=True)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="contact", verbose_name=_("case"))
    path = models.CharField(max_length=255, db_index=True)
    # year * 100 + month of `date` (202612), kept by save() (bulk writers set it): "the contacts of a node
    # in a month" is then one index range, (month, path prefix), on the county's largest table.
    month = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=clock.now)
    # The record's own id, a UUID the phone makes once per contact (issue 11): a contact kept on the phone
    # without signal and sent again (a lost answer, Background Sync and the page both) is made once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "link_contact"
    scope_path_field = "path"
    audit_fields = ["member_id", "household_id", "way", "date", "topics", "note", "photo_type", "case_id", "path"]

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["path", "date"]), models.Index(fields=["household", "date"]),
            # PostgreSQL: the pattern operator class lets `path LIKE 'prefix%'` use the index's second
            # column (other databases ignore operator classes).
            models.Index(fields=["month", "path", "household"], name="contact_month_path",
                         opclasses=["int4_ops", "varchar_pattern_ops", "int8_ops"]),
        ]
        # Per recording account, like a case's client_id: a contact is only ever recorded by the member's own
        # account (actions.member_link), so the member is that account's person.
        constraints = [
            models.UniqueConstraint(fields=["member", "client_id"], name="contact_client_id_once",
                                    condition=Q(client_id__isnull=False)),
        ]
        verbose_name = _("household contact")
        verbose_name_plural = _("household contacts")

    def __str__(self):
        return f"{self.date} {self.member_id} → {self.household_id}"

    def save(self, *args, **kwargs):
        self.month = month_key(self.date)
        super().save(*args, **kwargs)

    @staticmethod
    def own_q(person):
        return Q(member_id=person.pk)


def month_key(day) -> int:
    return day.year * 100 + day.month
