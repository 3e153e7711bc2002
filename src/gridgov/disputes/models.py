"""Dispute mediation (矛盾纠纷排查化解): 周排查、月汇总、季回访、年考评 and the "13710" working method.

A dispute belongs to a village (its `path` is the village's path): its parties (persons of the registry
by foreign key, or outsiders whose name and phone are sealed like the registry's ID numbers and phones),
a mediator (an account), mediation sessions, an outcome (mediated with an agreement and its signed scan,
referred to the judicial office or the court, withdrawn) and follow-up visits (季回访) after the outcome.

The 13710 steps are deadlines on the case loop's working calendar, counted from the moment the dispute
was reported: acknowledged (registered) within `ack_days` working days, a first mediation session within
`handle_days`, an answer to the parties within `answer_days`, concluded within `conclude_days`
(1, 3, 7 and 10 by default; each town may set its own in `DisputeRule`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock, personal
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.core.sealed import SealedValue
from gridgov.org.models import Person, Region

# The 13710 steps: (code, default working days). Their labels are in STEP_LABELS.
STEPS = (("ack", 1), ("handle", 3), ("answer", 7), ("conclude", 10))
STEP_LABELS = {
    "ack": _("Acknowledged"),
    "handle": _("Mediation begun"),
    "answer": _("Parties answered"),
    "conclude": _("Concluded"),
}
DEFAULT_FOLLOWUP_DAYS = [90, 180]  # 季回访: a visit a quarter and two quarters after the outcome


def _default_followups():
    return list(DEFAULT_FOLLOWUP_DAYS)


class DisputeRule(models.Model):
    """A town's 13710 steps (working days from the report), follow-up intervals (calendar days after the
    outcome) and the days after a week's Sunday by which its screening still counts as on time."""

    town = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="dispute_rule", verbose_name=_("town"))
    path = models.CharField(max_length=255, db_index=True)
    ack_days = models.PositiveSmallIntegerField(_("days to acknowledge"), default=1)
    handle_days = models.PositiveSmallIntegerField(_("days to begin mediation"), default=3)
    answer_days = models.PositiveSmallIntegerField(_("days to answer the parties"), default=7)
    conclude_days = models.PositiveSmallIntegerField(_("days to conclude"), default=10)
    followup_days = models.JSONField(_("follow-up visits (days after the outcome)"), default=_default_followups)
    screening_grace_days = models.PositiveSmallIntegerField(_("days after the week's end a screening is on time"),
                                                            default=0)
    updated_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "dispute_rule"
    scope_path_field = "path"
    audit_fields = ["town_id", "path", "ack_days", "handle_days", "answer_days", "conclude_days", "followup_days",
                    "screening_grace_days"]

    class Meta:
        verbose_name = _("dispute rule")
        verbose_name_plural = _("dispute rules")

    def __str__(self):
        return f"{self.town} 13710"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])

    def days(self, step: str) -> int:
        return getattr(self, f"{step}_days")


class Dispute(models.Model):
    """A dispute (矛盾纠纷) found in a village, from its report to its outcome and follow-up visits."""

    class Kind(models.TextChoices):
        NEIGHBOURS = "neighbours", _("Neighbours")  # 邻里
        FAMILY = "family", _("Marriage and family")  # 婚姻家庭
        LAND = "land", _("Land")  # 土地
        LABOUR = "labour", _("Labour and wages")  # 劳资
        FOREST = "forest", _("Forest and hills")  # 山林
        DEBT = "debt", _("Debt")  # 债务
        OTHER = "other", _("Other")

    class Risk(models.TextChoices):
        LOW = "low", _("Low risk")
        MEDIUM = "medium", _("Medium risk")
        HIGH = "high", _("High risk")

    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        MEDIATING = "mediating", _("In mediation")
        MEDIATED = "mediated", _("Mediated with an agreement")
        REFERRED = "referred", _("Referred")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Referral(models.TextChoices):
        JUDICIAL = "judicial", _("Judicial office")  # 司法所
        COURT = "court", _("Court")  # 人民法院

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    path = models.CharField(max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    risk = models.CharField(_("risk level"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    description = models.TextField(_("description"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REGISTERED)
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="mediated_disputes", verbose_name=_("mediator"))
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="dispute",
                                verbose_name=_("case"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("registered by"))
    reported_at = models.DateTimeField(_("reported at"), default=clock.now)
    created_at = models.DateTimeField(pgettext_lazy("dispute", "registered at"), default=clock.now)
    # The 13710 deadlines, fixed when the dispute is registered, and when each step was done.
    ack_due = models.DateTimeField(_("acknowledge by"))
    handle_due = models.DateTimeField(_("begin mediation by"))
    answer_due = models.DateTimeField(_("answer by"))
    conclude_due = models.DateTimeField(_("conclude by"))
    ack_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    handle_at = models.DateTimeField(_("mediation begun at"), null=True, blank=True)
    answer_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    conclude_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    answer = models.TextField(_("answer to the parties"), blank=True)
    agreement = models.TextField(_("agreement"), blank=True)
    scan = models.FileField(_("signed agreement"), upload_to="disputes/%Y/%m/", max_length=200, blank=True)
    scan_type = models.CharField(max_length=64, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=16, choices=Referral.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "dispute"
    scope_path_field = "path"
    audit_fields = ["village_id", "path", "kind", "risk", "state", "mediator_id", "case_id", "reported_at",
                    "ack_due", "handle_due", "answer_due", "conclude_due", "ack_at", "handle_at", "answer_at",
                    "conclude_at", "referred_to", "scan_type"]

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["path", "reported_at"], name="dispute_path_reported"),
            models.Index(fields=["path", "conclude_at"], name="dispute_path_concluded"),
            models.Index(fields=["path", "state"], name="dispute_path_state"),
            models.Index(fields=["mediator", "state"], name="dispute_mediator_state"),
            models.Index(fields=["risk", "state"], name="dispute_risk_state"),
        ]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])

    @property
    def concluded(self) -> bool:
        return self.state in (self.State.MEDIATED, self.State.REFERRED, self.State.WITHDRAWN)

    def steps(self, now=None) -> list[dict]:
        """The 13710 steps: label, due, done, and "done" / "late" (done after its deadline) / "overdue"
        (not done, deadline passed) / "pending"."""
        now = now or clock.now()
        out = []
        for code, _days in STEPS:
            due, done = getattr(self, f"{code}_due"), getattr(self, f"{code}_at")
            if done is not None:
                status = "done" if done <= due else "late"
            else:
                status = "overdue" if now > due else "pending"
            out.append({"step": code, "label": STEP_LABELS[code], "due": due, "done": done, "status": status})
        return out


class Party(models.Model):
    """A party to a dispute: a person of the registry, or an outsider whose name and phone are sealed."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties", verbose_name=_("dispute"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    name_enc = models.TextField(blank=True, default="")
    name_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    phone_enc = models.TextField(blank=True, default="")
    phone_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)

    name = SealedValue()
    phone = SealedValue(personal.normalize_phone)

    audit_fields = ["dispute_id", "person_id"]

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(name_enc=""),
                                              name="dispute_party_person_or_name")]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return f"{self.dispute_id}: {self.masked_name}"

    @property
    def path(self) -> str:
        return self.dispute.path

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id else self.name

    @property
    def masked_name(self) -> str:
        return personal.mask_name(self.display_name)

    @property
    def phone_masked(self) -> str:
        return self.person.phone_masked if self.person_id else personal.mask_phone(self.phone)


class Session(models.Model):
    """A mediation session (调解) with its notes."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("dispute"))
    at = models.DateTimeField(_("time"), default=clock.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=_("recorded by"))
    notes = models.TextField(_("notes"))

    audit_fields = ["dispute_id", "at", "by_id", "notes"]

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self):
        return f"{self.dispute_id} {timezone.localtime(self.at):%Y-%m-%d}"

    @property
    def path(self) -> str:
        return self.dispute.path


class FollowUp(models.Model):
    """A follow-up visit (季回访) due some days after the outcome, and when it was made."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="followups", verbose_name=_("dispute"))
    path = models.CharField(max_length=255)
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("visited by"))
    notes = models.TextField(_("notes"), blank=True)

    audit_fields = ["dispute_id", "path", "due", "done_at", "by_id", "notes"]

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["path", "due"], name="dispute_followup_path_due")]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")

    def __str__(self):
        return f"{self.dispute_id} {self.due}"


class Screening(models.Model):
    """A village's weekly screening (周排查) of an ISO week: the disputes found that week, or a zero report
    (`none`: nothing found). One per village and week; on time when filed by the week's Sunday plus the
    town's grace days."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    path = models.CharField(max_length=255)
    week = models.DateField(_("week (its Monday)"))
    none = models.BooleanField(_("zero report"), default=False)
    found = models.PositiveIntegerField(_("disputes found"), default=0)
    note = models.TextField(_("note"), blank=True)
    filed_at = models.DateTimeField(_("filed at"), default=clock.now)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("filed by"))
    on_time = models.BooleanField(_("on time"), default=True)

    audit_fields = ["village_id", "path", "week", "none", "found", "note", "filed_at", "filed_by_id", "on_time"]

    class Meta:
        ordering = ["-week", "path"]
        constraints = [models.UniqueConstraint(fields=["village", "week"], name="dispute_screening_once_a_week")]
        indexes = [models.Index(fields=["path", "week"], name="dispute_screening_path_week")]
        verbose_name = _("weekly screening")
        verbose_name_plural = _("weekly screenings")

    def __str__(self):
        return f"{self.village_id} {self.week}"
