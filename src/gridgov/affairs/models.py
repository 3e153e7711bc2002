"""Village self-governance on the record: major matters through 四议两公开, and the 三务公开 board.

A Matter moves through six steps, in this order only: propose (党支部会议提议), discuss (两委会议商议),
review (党员大会审议), decide (村民会议或村民代表会议决议), publish_decision (决议公开), publish_result
(实施结果公开). Each deliberation records its meeting (expected, present, votes); the quorum and majority
rules are in quorum.py. A matter rejected at a deliberation ends there.

A Disclosure is an item of a village's public board: party affairs, village affairs or finances, for
the period the town's schedule sets (a month, a quarter) or for an event; a matter's two publications
are disclosures too. Residents ask Questions about an item or a matter; the members of the village
affairs supervision committee (村务监督委员会, org Post kind "supervisor" on the village) leave Remarks:
comments, or the check that signs an item off (审核签字).

Every row carries its village's `path`, so "everything under X" is one indexed prefix read.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.org.models import Person, Post, Region
from gridgov.org.paths import village_path

# Where a town has set nothing (AffairsSettings).
DEFAULT_BOARD_DAYS = 7  # a publication stays on the board at least this many days (公示期)
DEFAULT_DUE_DAYS = 10  # a month's or quarter's disclosure is due this many days after it ends (每月10日前)
DEFAULT_ANSWER_DAYS = 7  # a question is answered within this many days
DEFAULT_STUCK_DAYS = 30  # an open matter with no step for this long is flagged stuck
DEFAULT_PUBLISH_DAYS = 7  # a decision (a finished matter's result) is published within this many days


class MatterKind(models.TextChoices):
    PROJECT = "project", pgettext_lazy("matter kind", "Collective project")  # 村集体项目建设
    CONTRACT = "contract", pgettext_lazy("matter kind", "Land or asset contract")  # 土地、资产发包租赁
    SPENDING = "spending", pgettext_lazy("matter kind", "Large spending")  # 大额资金支出
    INCOME = "income", pgettext_lazy("matter kind", "Use of collective income")  # 集体收益使用
    OTHER = "other", pgettext_lazy("matter kind", "Other major matter")  # 其他重大事项


# kind -> smallest amount (yuan) from which the kind must go through 四议两公开, where a town has set
# nothing; a kind absent here need not (it may still be taken through the steps).
DEFAULT_MATTER_RULES = {
    MatterKind.PROJECT: 0,
    MatterKind.CONTRACT: 0,
    MatterKind.SPENDING: 50000,
    MatterKind.INCOME: 0,
}


class Step(models.TextChoices):
    PROPOSE = "propose", pgettext_lazy("matter step", "Branch proposes")  # 党支部会议提议
    DISCUSS = "discuss", pgettext_lazy("matter step", "Two committees discuss")  # 两委会议商议
    REVIEW = "review", pgettext_lazy("matter step", "Party members review")  # 党员大会审议
    DECIDE = "decide", pgettext_lazy("matter step", "Villagers decide")  # 村民会议或村民代表会议决议
    PUBLISH_DECISION = "publish_decision", pgettext_lazy("matter step", "Decision published")  # 决议公开
    PUBLISH_RESULT = "publish_result", pgettext_lazy("matter step", "Result published")  # 实施结果公开


STEP_ORDER = [Step.PROPOSE, Step.DISCUSS, Step.REVIEW, Step.DECIDE, Step.PUBLISH_DECISION, Step.PUBLISH_RESULT]
DELIBERATIONS = STEP_ORDER[:4]
PUBLICATIONS = STEP_ORDER[4:]


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("matter state", "Awaiting proposal")
    PROPOSED = "proposed", pgettext_lazy("matter state", "Proposed")
    DISCUSSED = "discussed", pgettext_lazy("matter state", "Discussed")
    REVIEWED = "reviewed", pgettext_lazy("matter state", "Reviewed")
    DECIDED = "decided", pgettext_lazy("matter state", "Decided")
    DECISION_PUBLISHED = "decision_published", pgettext_lazy("matter state", "Decision published")
    DONE = "done", pgettext_lazy("matter state", "Result published")
    REJECTED = "rejected", pgettext_lazy("matter state", "Rejected")


STATE_AFTER = dict(zip(STEP_ORDER, [State.PROPOSED, State.DISCUSSED, State.REVIEWED, State.DECIDED,
                                    State.DECISION_PUBLISHED, State.DONE], strict=True))
ENDED_STATES = (State.DONE, State.REJECTED)


class Assembly(models.TextChoices):
    """Who met at a step. The decide step is taken by one of the last three (村民委员会组织法 §22, §26)."""

    BRANCH_COMMITTEE = "branch_committee", pgettext_lazy("assembly", "Branch committee")  # 党支部委员会
    TWO_COMMITTEES = "two_committees", pgettext_lazy("assembly", "Two committees")  # 村两委
    PARTY_MEMBERS = "party_members", pgettext_lazy("assembly", "Party members' general meeting")  # 党员大会
    VILLAGERS = "villagers", pgettext_lazy("assembly", "Villagers' meeting (villagers aged 18 and over)")
    HOUSEHOLDS = "households", pgettext_lazy("assembly", "Villagers' meeting (household representatives)")
    REPRESENTATIVES = "representatives", pgettext_lazy("assembly", "Villager representatives' meeting")


ASSEMBLY_OF_STEP = {Step.PROPOSE: Assembly.BRANCH_COMMITTEE, Step.DISCUSS: Assembly.TWO_COMMITTEES,
                    Step.REVIEW: Assembly.PARTY_MEMBERS}
DECIDING_ASSEMBLIES = (Assembly.VILLAGERS, Assembly.HOUSEHOLDS, Assembly.REPRESENTATIVES)


class Outcome(models.TextChoices):
    PASSED = "passed", pgettext_lazy("step outcome", "Passed")
    REJECTED = "rejected", pgettext_lazy("step outcome", "Rejected")


class DisclosureKind(models.TextChoices):
    PARTY = "party", pgettext_lazy("disclosure kind", "Party affairs")  # 党务公开
    VILLAGE = "village", pgettext_lazy("disclosure kind", "Village affairs")  # 村务公开
    FINANCE = "finance", pgettext_lazy("disclosure kind", "Finances")  # 财务公开


class Frequency(models.TextChoices):
    MONTH = "month", pgettext_lazy("disclosure frequency", "Monthly")
    QUARTER = "quarter", pgettext_lazy("disclosure frequency", "Quarterly")
    EVENT = "event", pgettext_lazy("disclosure frequency", "Per event")  # no schedule: published when it happens


DEFAULT_SCHEDULE = {DisclosureKind.FINANCE: Frequency.MONTH, DisclosureKind.VILLAGE: Frequency.QUARTER,
                    DisclosureKind.PARTY: Frequency.EVENT}


class _TownScoped:
    objects = RestrictedQuerySet.as_manager()
    scope_kind = "affairs_rule"
    scope_path_field = "path"

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class AffairsSettings(_TownScoped, models.Model):
    """A town's settings of village affairs: days on the board, when disclosures and answers are due, when
    an open matter counts as stuck and a decision as unpublished."""

    town = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    board_days = models.PositiveSmallIntegerField(_("days on the board at least"), default=DEFAULT_BOARD_DAYS)
    due_days = models.PositiveSmallIntegerField(_("days after a period to disclose it"), default=DEFAULT_DUE_DAYS)
    answer_days = models.PositiveSmallIntegerField(_("days to answer a question"), default=DEFAULT_ANSWER_DAYS)
    stuck_days = models.PositiveSmallIntegerField(_("days without a step before a matter is stuck"),
                                                  default=DEFAULT_STUCK_DAYS)
    publish_days = models.PositiveSmallIntegerField(_("days to publish a decision or a result"),
                                                    default=DEFAULT_PUBLISH_DAYS)
    path = models.CharField(max_length=255, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)

    audit_fields = ["town_id", "board_days", "due_days", "answer_days", "stuck_days", "publish_days", "path"]

    class Meta:
        verbose_name = _("village affairs settings")
        verbose_name_plural = _("village affairs settings")

    def __str__(self):
        return f"{self.town} affairs"


class MatterRule(_TownScoped, models.Model):
    """A town's rule: matters of `kind` from `min_amount` yuan must go through 四议两公开 (`required`), or
    need not (overrides DEFAULT_MATTER_RULES for the kind)."""

    town = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    kind = models.CharField(_("kind"), max_length=16, choices=MatterKind.choices)
    required = models.BooleanField(_("must go through the four deliberations"), default=True)
    min_amount = models.DecimalField(_("from the amount (yuan)"), max_digits=14, decimal_places=2, default=0)
    path = models.CharField(max_length=255, db_index=True)

    audit_fields = ["town_id", "kind", "required", "min_amount", "path"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "kind"], name="matter_rule_once")]
        verbose_name = _("matter rule")
        verbose_name_plural = _("matter rules")

    def __str__(self):
        return f"{self.town} {self.kind} {self.required} {self.min_amount}"


class ScheduleRule(_TownScoped, models.Model):
    """A town's schedule of a kind of disclosure (overrides DEFAULT_SCHEDULE for the kind)."""

    town = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    kind = models.CharField(_("kind"), max_length=16, choices=DisclosureKind.choices)
    frequency = models.CharField(_("how often"), max_length=8, choices=Frequency.choices)
    path = models.CharField(max_length=255, db_index=True)

    audit_fields = ["town_id", "kind", "frequency", "path"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "kind"], name="disclosure_schedule_once")]
        verbose_name = _("disclosure schedule")
        verbose_name_plural = _("disclosure schedules")

    def __str__(self):
        return f"{self.town} {self.kind} {self.frequency}"


def supervised_paths(person) -> models.QuerySet:
    """The paths of the villages where the person sits on the supervision committee."""
    return Post.objects.filter(person_id=person.pk, kind=Post.Kind.SUPERVISOR, region__isnull=False).values("path")


class Matter(models.Model):
    """A major village matter (重大事项) and where it stands in 四议两公开."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MatterKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("details"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    # Whether the town's rules required the steps when the matter was opened (kept: a later rule change
    # does not rewrite history).
    required = models.BooleanField(_("required by the town's rules"), default=True)
    opened_at = models.DateTimeField(_("opened"), default=clock.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("opened by"))
    last_step_on = models.DateField(_("last step"), null=True, blank=True)  # for the stuck flag without a join
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "affairs_matter"
    scope_path_field = "path"
    audit_fields = ["village_id", "title", "kind", "amount", "description", "state", "required", "last_step_on",
                    "ended_on", "path"]

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["path", "state"], name="matter_path_state"),
                   models.Index(fields=["path", "opened_at"], name="matter_path_opened")]
        verbose_name = _("village matter")
        verbose_name_plural = _("village matters")

    def __str__(self):
        return self.title

    @staticmethod
    def own_q(person):
        # A supervision committee member oversees every matter of their village.
        return Q(path__in=supervised_paths(person))

    @property
    def ended(self) -> bool:
        return self.state in ENDED_STATES

    @property
    def next_step(self) -> str | None:
        """The step the matter waits for; None once it has ended."""
        if self.ended:
            return None
        return STEP_ORDER[list(STATE_AFTER.values()).index(self.state) + 1] if self.state != State.OPEN \
            else Step.PROPOSE


class MatterStep(models.Model):
    """One step of a matter: a deliberation with its meeting's figures, or a publication."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="steps", verbose_name=_("matter"))
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    date = models.DateField(_("date"))
    assembly = models.CharField(_("meeting of"), max_length=20, choices=Assembly.choices, blank=True)
    expected = models.PositiveIntegerField(_("should attend"), null=True, blank=True)
    present = models.PositiveIntegerField(_("attended"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("abstaining"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PASSED)
    minutes = models.TextField(_("minutes"), blank=True)
    # The party meeting this step was taken at, where the branch recorded it in organisational life.
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("party meeting"))
    disclosure = models.OneToOneField("Disclosure", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="matter_step", verbose_name=_("board item"))
    recorded_at = models.DateTimeField(default=clock.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    path = models.CharField(max_length=255)

    audit_fields = ["matter_id", "step", "date", "assembly", "expected", "present", "votes_for", "votes_against",
                    "abstain", "outcome", "minutes", "meeting_id", "disclosure_id"]

    class Meta:
        ordering = ["matter_id", "date", "id"]
        constraints = [models.UniqueConstraint(fields=["matter", "step"], name="matter_step_once")]
        indexes = [models.Index(fields=["path", "date"], name="matter_step_path_date")]
        verbose_name = _("matter step")
        verbose_name_plural = _("matter steps")

    def __str__(self):
        return f"{self.matter_id} {self.step} {self.date}"


def _file_path(instance, filename):
    return f"affairs/{timezone.localtime(clock.now()):%Y/%m}/{filename}"


class MatterFile(models.Model):
    """A file of a matter or of one of its steps (a plan, a contract, minutes): a photo re-encoded without
    EXIF, or a PDF, Word or Excel document checked by content (core.uploads.clean_file)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="files", verbose_name=_("matter"))
    step = models.ForeignKey(MatterStep, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_file_path, max_length=200)
    content_type = models.CharField(max_length=100)
    name = models.CharField(_("file name"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["matter_id", "step_id", "content_type", "name"]

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.matter_id} {self.name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Board(models.Model):
    """The unguessable link of a village's public 三务公开 board (for phones and the screen in the square)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="affairs_board")
    token = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "affairs_rule"
    scope_path_field = "path"
    audit_fields = ["region_id", "path"]  # never the token

    def __str__(self):
        return f"affairs board {self.region}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Disclosure(models.Model):
    """An item of a village's public board (三务公开): text, an income/expense table, files."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    kind = models.CharField(_("kind"), max_length=16, choices=DisclosureKind.choices)
    # The scheduled period it discloses ("2026-11" a month, "2026Q4" a quarter); "" for an event.
    period = models.CharField(_("disclosure period"), max_length=8, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # Finances: [{"item": "...", "income": "1200.00", "expense": "0.00"}, ...] with their totals, checked
    # against the rows when published.
    table = models.JSONField(_("table"), default=list, blank=True)
    income_total = models.DecimalField(_("income total"), max_digits=14, decimal_places=2, null=True, blank=True)
    expense_total = models.DecimalField(_("expense total"), max_digits=14, decimal_places=2, null=True, blank=True)
    shown_from = models.DateField(_("on the board from"))
    shown_until = models.DateField(_("on the board until"))
    public = models.BooleanField(_("public"), default=True)
    late = models.BooleanField(_("published late"), default=False)
    checked = models.BooleanField(_("checked by the supervision committee"), default=False)
    published_at = models.DateTimeField(_("published"), default=clock.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("published by"))
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "affairs_disclosure"
    scope_path_field = "path"
    audit_fields = ["village_id", "kind", "period", "title", "body", "table", "income_total", "expense_total",
                    "shown_from", "shown_until", "public", "late", "checked", "path"]

    class Meta:
        ordering = ["-shown_from", "-id"]
        indexes = [models.Index(fields=["path", "kind", "shown_from"], name="disclosure_path_kind_from"),
                   models.Index(fields=["path", "kind", "period"], name="disclosure_path_kind_period")]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self):
        return self.title

    @staticmethod
    def own_q(person):
        # A resident reads their village's public items; a supervision committee member all of the village's.
        home = village_path(person.path)
        return (Q(path=home, public=True) if home else Q(pk__in=[])) | Q(path__in=supervised_paths(person))


class DisclosureFile(models.Model):
    """A file of a board item (a scanned voucher, a contract), checked like a matter's files."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="files",
                                   verbose_name=_("disclosure"))
    file = models.FileField(_("file"), upload_to=_file_path, max_length=200)
    content_type = models.CharField(max_length=100)
    name = models.CharField(_("file name"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    audit_fields = ["disclosure_id", "content_type", "name"]

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.disclosure_id} {self.name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Question(models.Model):
    """A villager's question about a board item or a matter, and the village's answer (public on the
    board unless the answer is marked private)."""

    disclosure = models.ForeignKey(Disclosure, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="questions", verbose_name=_("disclosure"))
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.CASCADE, related_name="questions",
                               verbose_name=_("matter"))
    asker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by"))
    # The account that typed it: the resident's own, or the grid worker's who asked for them.
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked"), default=clock.now)
    due_on = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    public = models.BooleanField(_("public on the board"), default=True)
    path = models.CharField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "affairs_question"
    scope_path_field = "path"
    audit_fields = ["disclosure_id", "matter_id", "asker_id", "text", "due_on", "answer", "answered_at", "public",
                    "path"]

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(disclosure__isnull=False) | Q(matter__isnull=False),
                                              name="question_about_something")]
        indexes = [models.Index(fields=["path", "asked_at"], name="question_path_asked"),
                   models.Index(fields=["path", "due_on"], name="question_open_due",
                                condition=Q(answered_at__isnull=True))]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text[:40]

    @staticmethod
    def own_q(person):
        return Q(asker_id=person.pk) | Q(path__in=supervised_paths(person))


class Remark(models.Model):
    """A supervision committee member's comment on a matter or a board item, or their check (审核签字)."""

    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.CASCADE, related_name="remarks",
                               verbose_name=_("matter"))
    disclosure = models.ForeignKey(Disclosure, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="remarks", verbose_name=_("disclosure"))
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee member"))
    text = models.TextField(_("opinion"), blank=True)
    is_check = models.BooleanField(_("checked and signed"), default=False)
    public = models.BooleanField(_("public on the board"), default=True)
    created_at = models.DateTimeField(default=clock.now)
    path = models.CharField(max_length=255)

    audit_fields = ["matter_id", "disclosure_id", "author_id", "text", "is_check", "public", "path"]

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(disclosure__isnull=False) | Q(matter__isnull=False),
                                              name="remark_about_something")]
        indexes = [models.Index(fields=["path", "created_at"], name="remark_path_created")]
        verbose_name = _("supervision remark")
        verbose_name_plural = _("supervision remarks")

    def __str__(self):
        return self.text[:40]


class Reminder(models.Model):
    """A notice the worker sent once ("overdue:<village path>:<kind>:<period>", "unanswered:<question id>")."""

    key = models.CharField(max_length=120, unique=True)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self):
        return self.key
