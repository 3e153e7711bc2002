"""Points (积分制) and the village points shop (积分超市).

The ledger is append-only: every change of a balance is one Entry, and Account.balance is kept equal to
the sum of its entries inside the same transaction (actions.py; ledger.check() proves it). A mistake is
undone by a reversing entry, never by editing one. Every entry has a unique idempotency key, so the same
source event (a verified case, an approved claim, an order) can never count twice, whoever retries.

Rows go with the org node they hang on (CASCADE): the app never deletes people, households or regions
(they are retired), so a deletion is a wipe of the whole registry (tests, a reset) and must not be
blocked by the ledger. Ledger rows are never deleted or edited by the app itself.

Rows carry the org path of the node they belong to (an account: its person's or household's small grid;
a rule: the town or village that set it; a shop: its village), so restrict() scopes them like the rest.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Household, Person, Region


class Unit(models.TextChoices):
    PERSON = "person", _("By person")
    HOUSEHOLD = "household", _("By household")


class Period(models.TextChoices):
    NONE = "", _("No cap")
    MONTH = "month", _("Per month")
    YEAR = "year", _("Per year")


class Account(models.Model):
    """The points account of one person or one household."""

    person = models.OneToOneField(Person, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="points_account", verbose_name=_("person"))
    household = models.OneToOneField(Household, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="points_account", verbose_name=_("household"))
    path = models.CharField(max_length=255, db_index=True)
    balance = models.IntegerField(_("balance"), default=0)
    # A sanction (a rule with sanction_days) suspends redemption until this day, inclusive.
    suspended_until = models.DateField(_("redemption suspended until"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_account"
    scope_path_field = "path"
    audit_fields = ["person_id", "household_id", "path", "balance", "suspended_until"]

    class Meta:
        ordering = ["path", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="points_balance_not_negative"),
            models.CheckConstraint(
                condition=(Q(person__isnull=False, household__isnull=True)
                           | Q(person__isnull=True, household__isnull=False)),
                name="points_account_one_holder"),
        ]
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")

    def __str__(self):
        return str(self.person or self.household)

    @property
    def unit(self) -> str:
        return Unit.PERSON if self.person_id else Unit.HOUSEHOLD

    @staticmethod
    def own_q(person):
        q = Q(person_id=person.pk)
        if person.household_id:
            q |= Q(household_id=person.household_id)
        return q


class Rule(models.Model):
    """A points rule (积分细则): what earns or costs how many points, for whom, how often, awarded by whom."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    points = models.IntegerField(_("points of the rule"))
    unit = models.CharField(_("scoring unit"), max_length=16, choices=Unit.choices, default=Unit.PERSON)
    cap = models.PositiveIntegerField(_("cap per period"), null=True, blank=True,
                                      help_text=_("Most points of this rule one account may get in a period."))
    cap_period = models.CharField(_("cap period"), max_length=8, choices=Period.choices, blank=True, default="")
    # Roles that may award it by hand (staff roles); empty: only automatically.
    award_roles = models.JSONField(_("who may award"), default=list, blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    sanction_days = models.PositiveIntegerField(_("suspends redemption for days"), default=0)
    # Automatic source this rule is applied to (see worker.py), e.g. "case_verified".
    auto = models.CharField(_("automatic source"), max_length=32, blank=True, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="points_rules", verbose_name=_("set by"))
    path = models.CharField(max_length=255, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_rule"
    scope_path_field = "path"
    audit_fields = ["code", "name", "points", "unit", "cap", "cap_period", "award_roles", "needs_review",
                    "sanction_days", "auto", "region_id", "path", "is_active"]

    class Meta:
        ordering = ["path", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="points_rule_not_zero"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | ~Q(cap_period=""),
                                   name="points_rule_cap_has_period"),
        ]
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")

    def __str__(self):
        return f"{self.name} ({self.points:+d})"

    @staticmethod
    def own_q(person):
        # Residents may read the rules that apply where they live: their town's and their village's.
        parts = person.path.split(".")
        prefixes = {".".join(parts[:n]) + "." for n in range(1, len(parts))}
        return Q(path__in=prefixes)


class Entry(models.Model):
    """One line of the ledger: a signed number of points on one account, never changed afterwards."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        DEDUCTION = "deduction", _("Deduction")
        REDEEM = "redeem", _("Redemption")
        REFUND = "refund", _("Refund")
        REVERSAL = "reversal", _("Reversal")
        SETTLEMENT = "settlement", _("Yearly settlement")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("points account"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries",
                             verbose_name=_("rule"))
    # The person whose conduct earned it (the account holder, or the member of a household account).
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    points = models.IntegerField(_("points of the entry"))
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("source"), max_length=64, blank=True)  # e.g. "case:123:verified"
    key = models.CharField(max_length=100, unique=True)  # idempotency key
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("actor"))
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    time = models.DateTimeField(_("time"), default=clock.now)
    date = models.DateField(_("date"), db_index=True)  # local date of `time`: periods, caps, rankings
    reversal_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="reversed_by", verbose_name=_("reverses"))
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_account"  # entries are seen with their account
    scope_path_field = "path"
    audit_fields = ["account_id", "kind", "rule_id", "person_id", "points", "reason", "source", "key",
                    "date", "reversal_of_id", "path"]

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["account", "date"], name="points_entry_account_date"),
                   models.Index(fields=["rule", "account", "date"], name="points_entry_rule_cap")]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero")]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self):
        return f"{self.date} {self.points:+d} {self.reason}"

    @staticmethod
    def own_q(person):
        return Q(account__in=Account.objects.filter(Account.own_q(person)).values("pk"))


class Claim(models.Model):
    """A claim for points with evidence (积分申报): group leader review → village approval → publicity."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed by the grid")
        PUBLICISED = "publicised", _("Approved, in publicity")
        EFFECTIVE = "effective", _("Counted")
        REJECTED = "rejected", _("Not approved")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="claims",
                                verbose_name=_("points account"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("claimant"))
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="claims", verbose_name=_("rule"))
    evidence = models.TextField(_("evidence"))
    photo = models.FileField(_("photo"), upload_to="points/claims/%Y/%m/", blank=True, max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(default=clock.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    publicity_until = models.DateTimeField(_("in publicity until"), null=True, blank=True, db_index=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    entry = models.OneToOneField(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="claim")
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_claim"
    scope_path_field = "path"
    audit_fields = ["account_id", "person_id", "rule_id", "state", "reviewed_by_id", "approved_by_id",
                    "publicity_until", "reject_reason", "entry_id", "path"]

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("points claim")
        verbose_name_plural = _("points claims")

    def __str__(self):
        return f"{self.person} {self.rule.name}"

    @staticmethod
    def own_q(person):
        return Q(person_id=person.pk) | Q(account__in=Account.objects.filter(Account.own_q(person)).values("pk"))


class Shop(models.Model):
    """A village's points shop (积分超市)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="points_shops",
                               verbose_name=_("village of the shop"))
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(max_length=255, db_index=True)
    # Besides the village's staff, these accounts may confirm pickups (e.g. the shopkeeper).
    clerks = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="points_shops",
                                    verbose_name=_("clerks"))
    is_active = models.BooleanField(_("open"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_shop"
    scope_path_field = "path"
    audit_fields = ["region_id", "name", "path", "is_active"]

    class Meta:
        ordering = ["path", "id"]
        verbose_name = _("points shop")
        verbose_name_plural = _("points shops")

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        return Q(path__in=[p for p in _ancestors(person.path)])


def _ancestors(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:n]) + "." for n in range(1, len(parts))]


class Product(models.Model):
    """Goods on a shop's shelf with a price in points and a stock."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products", verbose_name=_("shop"))
    name = models.CharField(_("name"), max_length=100)
    price = models.PositiveIntegerField(_("price in points"))
    stock = models.IntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_shop"
    scope_path_field = "path"
    audit_fields = ["shop_id", "name", "price", "stock", "is_active", "path"]

    class Meta:
        ordering = ["shop", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="points_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="points_price_positive"),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name

    own_q = Shop.own_q


def new_pickup_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


class Order(models.Model):
    """A redemption (兑换): points taken from an account, goods kept for pickup with a code."""

    class State(models.TextChoices):
        PLACED = "placed", _("Waiting for pickup")
        PICKED_UP = "picked_up", _("Picked up")
        EXPIRED = "expired", _("Expired, refunded")
        CANCELLED = "cancelled", _("Cancelled, refunded")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="orders",
                                verbose_name=_("points account"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="orders", verbose_name=_("product"))
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders", verbose_name=_("shop"))
    quantity = models.PositiveIntegerField(_("quantity"))
    points = models.PositiveIntegerField(_("points paid"))
    code = models.CharField(_("pickup code"), max_length=8)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PLACED)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    path = models.CharField(max_length=255, db_index=True)  # the shop's: clerks see the orders of their shop

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_order"
    scope_path_field = "path"
    audit_fields = ["account_id", "product_id", "shop_id", "quantity", "points", "state", "expires_at",
                    "closed_at", "closed_by_id", "path"]

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="points_order_quantity_positive"),
            # A pickup code finds exactly one waiting order in its shop.
            models.UniqueConstraint(fields=["shop", "code"], condition=Q(state="placed"),
                                    name="points_order_open_code"),
        ]
        verbose_name = _("shop order")
        verbose_name_plural = _("shop orders")

    def __str__(self):
        return f"{self.product} x{self.quantity}"

    @staticmethod
    def own_q(person):
        return Q(account__in=Account.objects.filter(Account.own_q(person)).values("pk"))


class Board(models.Model):
    """The unguessable link of a village's public ranking board (for the screen in the village hall)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="points_board")
    token = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "points_rule"
    scope_path_field = "path"
    audit_fields = ["region_id", "path"]  # never the token

    def __str__(self):
        return f"board {self.region}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)


class Cursor(models.Model):
    """How far a sweep has read a source (e.g. the last case event looked at)."""

    name = models.CharField(max_length=64, unique=True)
    position = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}@{self.position}"
