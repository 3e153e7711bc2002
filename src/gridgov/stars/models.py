"""Five-star branches (五星支部创建): a scheme per town and year, quarterly assessments per village.

A scheme holds five stars, each with indicators (scored by hand, from a metric source, or by reward and
penalty entries on a base), veto items (一票否决) and the points a star needs; the level mapping (e.g.
>= 90 points: 五星) is data on the scheme. An assessment is one village in one quarter ("2026Q3"); it
moves draft -> submitted (自评荐星) -> reviewed (党委评星) -> confirmed (复核定星) -> published (公示)
-> named (命名). Figures are stored with a snapshot of the records they came from.

Star rows go with the org node or account they hang on (CASCADE, SET_NULL): accounts are deactivated
rather than deleted in use, and the audit log keeps the history of every step either way.

Every scoped row carries the materialised org path of its node: a scheme its town's, an assessment its
village's (and its town's, so published results can be shown town-wide with one prefix filter).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Region

ZERO = Decimal("0")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Self-assessed")
    REVIEWED = "reviewed", _("Reviewed by the town")
    CONFIRMED = "confirmed", _("Confirmed by the county")
    PUBLISHED = "published", _("In publicity")
    NAMED = "named", _("Named")


PUBLIC_STATES = (State.PUBLISHED, State.NAMED)


class Method(models.TextChoices):
    MANUAL = "manual", _("Entered with evidence")
    METRIC = "metric", _("Computed from records")
    DYNAMIC = "dynamic", _("Base plus rewards and penalties")


def default_levels() -> list:
    # Kept here under this name: migration 0001 refers to it as the field's default.
    from .defaults import levels

    return levels()


class Scheme(models.Model):
    """The star scheme of a town for one year."""

    town = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="star_schemes", verbose_name=_("town"))
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    # Ordered best first: [{"min_total": 90, "min_stars": 5 (optional), "label": "五星"}, ...]; the first
    # entry whose conditions hold names the level.
    levels = models.JSONField(_("levels"), default=default_levels)
    publicity_days = models.PositiveSmallIntegerField(_("publicity days"), default=5)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "star_scheme"
    scope_path_field = "path"
    audit_fields = ["town_id", "year", "name", "levels", "publicity_days", "path"]

    class Meta:
        ordering = ["path", "-year"]
        constraints = [models.UniqueConstraint(fields=["town", "year"], name="star_scheme_one_per_town_year")]
        verbose_name = _("star scheme")

    def __str__(self):
        return self.name


class Star(models.Model):
    """One of the five stars of a scheme and the points it needs."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="stars")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(default=0)
    threshold = models.DecimalField(_("points needed"), max_digits=6, decimal_places=2)

    audit_fields = ["scheme_id", "code", "name", "order", "threshold"]

    class Meta:
        ordering = ["scheme", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="star_code_unique_in_scheme")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """A scored item of a star. `config` says how points are made:
    manual: {} (the assessor enters 0..max with evidence);
    metric: {"source": code, "map": "linear", "floor": x, "target": y} (0 points at or below the
            floor, max at or above the target, linear between) or {"source": code, "map": "brackets",
            "brackets": [[min_value, points], ...]} (the highest bracket reached) or {"source": code,
            "map": "score"} (the source's own 0..1 score times max);
    dynamic: {"base": points} plus the reward and penalty entries of the quarter, kept within 0..max."""

    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=24)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(_("max points"), max_digits=6, decimal_places=2)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    config = models.JSONField(default=dict, blank=True)

    audit_fields = ["star_id", "code", "name", "order", "max_points", "method", "config"]

    class Meta:
        ordering = ["star", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["star", "code"], name="star_indicator_code_unique")]

    def __str__(self):
        return self.name


class VetoItem(models.Model):
    """一票否决: a fact that, when found, blocks a star whatever its points."""

    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="vetoes")
    code = models.CharField(_("code"), max_length=24)
    name = models.CharField(_("name"), max_length=200)

    audit_fields = ["star_id", "code", "name"]

    class Meta:
        ordering = ["star", "code"]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """One village's assessment for one quarter, with its current figures (see scoring.py)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="assessments")
    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="star_assessments",
                                verbose_name=_("village"))
    period = models.CharField(_("period"), max_length=6, db_index=True)  # "2026Q3"
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)
    path = models.CharField(max_length=255, db_index=True)
    town_path = models.CharField(max_length=255, db_index=True)
    # Figures as last computed: {"stars": {code: {"score", "earned", "vetoed"}}}, totals below.
    figures = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(max_digits=7, decimal_places=2, default=ZERO)
    stars_earned = models.PositiveSmallIntegerField(default=0)
    level = models.CharField(max_length=32, blank=True)
    nominated = models.JSONField(default=list, blank=True)  # star codes the village put forward (荐星)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    publicity_until = models.DateTimeField(null=True, blank=True, db_index=True)
    named_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "star_assessment"
    scope_path_field = "path"
    audit_fields = ["scheme_id", "village_id", "period", "state", "total", "stars_earned", "level", "nominated",
                    "figures", "published_at", "publicity_until", "named_at", "review_note", "path"]

    class Meta:
        ordering = ["period", "path"]
        constraints = [models.UniqueConstraint(fields=["village", "period"], name="star_assessment_one_per_quarter")]
        verbose_name = _("star assessment")

    def __str__(self):
        return f"{self.village.name} {self.period}"

    @staticmethod
    def own_q(person):
        # Residents and party members see their own village's results once they are public. A person's
        # path lies under their village's, so the village is one of its prefixes (no query).
        parts = [p for p in person.path.split(".") if p]
        return Q(path__in=[".".join(parts[:i]) + "." for i in range(1, len(parts) + 1)], state__in=PUBLIC_STATES)


class Score(models.Model):
    """The points of one indicator in one assessment: what the village claimed, what stands now, and
    for a metric the value and a snapshot of the records it came from."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    self_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=ZERO)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    records = models.JSONField(default=dict, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    adjust_reason = models.TextField(_("reason for the adjustment"), blank=True)

    audit_fields = ["assessment_id", "indicator_id", "self_points", "points", "value", "evidence", "adjust_reason"]

    class Meta:
        ordering = ["indicator__star__order", "indicator__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="star_score_unique")]


class VetoFlag(models.Model):
    """A veto item found in a village in a quarter; it blocks the item's star."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="vetoes")
    item = models.ForeignKey(VetoItem, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["assessment_id", "item_id", "reason", "by_id"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="star_veto_once")]


class Entry(models.Model):
    """A reward (+) or penalty (-) on a dynamic indicator during the quarter (百分目标动态管理)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("approver"))
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["assessment_id", "indicator_id", "points", "reason", "evidence", "approver_id"]

    class Meta:
        ordering = ["created_at", "pk"]


class Objection(models.Model):
    """An objection raised during publicity (公示) and the town's answer."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="objections")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("objection"))
    created_at = models.DateTimeField(default=clock.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    audit_fields = ["assessment_id", "by_id", "text", "answer", "answered_by_id", "answered_at"]

    class Meta:
        ordering = ["created_at", "pk"]


class Income(models.Model):
    """A village's collective economy income (村集体经济收入) for a year, in yuan, with its evidence."""

    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.PositiveBigIntegerField(_("amount (yuan)"))
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "star_assessment"
    scope_path_field = "path"
    audit_fields = ["village_id", "year", "amount", "evidence", "entered_by_id", "path"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="star_income_one_per_year")]


class MentorPair(models.Model):
    """导师帮带: a village paired with a mentor village or a town cadre for a year."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="mentor_pairs")
    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    mentor_village = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    mentor_name = models.CharField(_("mentor"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    audit_fields = ["scheme_id", "village_id", "mentor_village_id", "mentor_name", "note"]

    class Meta:
        ordering = ["scheme", "village__path"]


def _evidence_path(instance, filename: str) -> str:
    return f"stars/evidence/{instance.assessment_id}/{filename}"


class EvidenceFile(models.Model):
    """A photo or document backing an indicator's points (台账佐证); photos are re-encoded without EXIF."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="files")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["assessment_id", "indicator_id", "name", "content_type", "size", "uploaded_by_id"]

    class Meta:
        ordering = ["created_at", "pk"]
