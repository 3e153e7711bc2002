"""Open311 GeoReport v2 adapter: the API keys of outside clients, the link between a request a client
submitted and the case it became, the per-key request counters of the rate limit, and the extra
fields (attributes) a service asks for.

No case data lives here: a service request *is* a case of gridgov.cases; this app only translates.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.cases.models import Case, Category
from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.core.sealed import SealedValue
from gridgov.org.models import Region


class ApiKey(models.Model):
    """A key an outside Open311 client sends as `api_key`; only its SHA-256 is stored."""

    name = models.CharField(_("name"), max_length=100)
    # The first characters of the key, so people can tell keys apart without the secret.
    prefix = models.CharField(_("key starts with"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    # The town (jurisdiction) the key may report to; none: every town of the server (issued on the command line).
    town = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    path = models.CharField(max_length=255, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=pgettext_lazy("open311 key", "issued by"))
    created_at = models.DateTimeField(_("issued at"), default=clock.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("revoked by"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "open311_key"
    scope_path_field = "path"
    audit_fields = ["name", "prefix", "town_id", "path", "created_by_id", "revoked_at", "revoked_by_id"]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Open311Request(models.Model):
    """A case submitted through Open311: which key sent it, the token handed out for it, and what the
    client sent that a case has no field for. Contact data is sealed and never leaves through GET."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="open311", verbose_name=_("case"))
    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests", verbose_name=_("API key"))
    token = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=255, db_index=True)
    # A public link the client gave (it is the client's own URL; gridgov does not fetch it).
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    # attribute code -> value(s), as the service definition asked for them.
    attributes = models.JSONField(default=dict, blank=True)
    email_enc = models.TextField(blank=True, default="")
    email_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    name_enc = models.TextField(blank=True, default="")
    name_hash = models.CharField(max_length=64, null=True, blank=True)
    # Only keyed hashes: enough to find a device's or account's requests again, nothing to read back.
    device_hash = models.CharField(max_length=64, blank=True, db_index=True)
    account_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=clock.now)

    email = SealedValue(lambda value: value.strip().lower())
    name = SealedValue()

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "case"
    scope_path_field = "path"
    audit_fields = ["case_id", "key_id", "path", "media_url", "attributes"]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self):
        return f"open311 {self.case_id}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class RateWindow(models.Model):
    """How many requests a key made in one fixed window: a counter every web process shares."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "start"], name="open311_rate_window_unique")]
        indexes = [models.Index(fields=["start"], name="open311_rate_window_start")]

    def __str__(self):
        return f"{self.key_id} {self.start:%H:%M:%S} {self.count}"


class AddressWindow(models.Model):
    """How many keyless requests one client address (an IPv4 address, an IPv6 /64) made in one fixed
    window; shared by every web process like RateWindow. Rows are forgotten an hour after their window."""

    address = models.CharField(max_length=64)
    start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address", "start"], name="open311_address_window_unique")]
        indexes = [models.Index(fields=["start"], name="open311_address_window_start")]

    def __str__(self):
        return f"{self.address} {self.start:%H:%M:%S} {self.count}"


class PublicService(models.Model):
    """A service (a subcategory) whose requests a town publishes through keyless GET. A category without
    a row is private: a new category, and by default the sensitive families (disputes, welfare and
    social assistance, public order), whose requests only staff and the client that sent them see."""

    town = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="open311_public",
                                 verbose_name=_("category"))
    path = models.CharField(max_length=255)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"), default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "open311_key"  # who manages a town's keys chooses what it publishes
    scope_path_field = "path"
    audit_fields = ["town_id", "category_id", "path"]

    class Meta:
        ordering = ["town", "category"]
        constraints = [models.UniqueConstraint(fields=["town", "category"], name="open311_public_service_unique")]
        verbose_name = _("public Open311 service")
        verbose_name_plural = _("public Open311 services")

    def __str__(self):
        return f"{self.town_id}:{self.category_id}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class ServiceAttribute(models.Model):
    """An extra field a service asks for (GeoReport v2 service definition `attribute`)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One of a list")
        MULTI = "multivaluelist", _("Several of a list")

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="open311_attributes",
                                 verbose_name=_("category"))
    code = models.CharField(_("code"), max_length=50)
    # False: a note shown to the client, not a question.
    variable = models.BooleanField(_("asks for a value"), default=True)
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("datatype description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.CharField(_("question"), max_length=300)
    # [{"key": "...", "name": "..."}] for the list datatypes.
    values = models.JSONField(_("values"), default=list, blank=True)

    audit_fields = ["category_id", "code", "variable", "datatype", "required", "datatype_description", "order",
                    "description", "values"]

    class Meta:
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique")]
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")

    def __str__(self):
        return f"{self.category_id}:{self.code}"
