"""The case closed loop (事件闭环处置): categories, handling units, the working calendar, cases and
their timeline, photos, supervision orders, extension requests, notifications and the outbox.

A case carries the path of its small grid (see org.models), so every scoped list is one indexed prefix
filter. Which action may follow which state, and who may take it, lives in workflow.py; every change
goes through a do_<verb> function in actions.py.
"""

import math

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock, personal
from gridgov.core.scoping import RestrictedQuerySet
from gridgov.core.sealed import SealedValue
from gridgov.org.models import Grid, Person, Region

from . import rollup


class Level(models.TextChoices):
    """Where a case is handled now: 小事不出格 (grid), 不出村 (village), 不出镇 (town), or a department."""

    GRID = "grid", _("Grid")
    VILLAGE = "village", _("Village")
    TOWN = "town", _("Town")
    DEPARTMENT = "department", _("Department")


LEVEL_ORDER = [Level.GRID, Level.VILLAGE, Level.TOWN, Level.DEPARTMENT]


class State(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


OPEN_STATES = (State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED, State.RESOLVED)
FINAL_STATES = (State.CLOSED, State.REJECTED, State.MERGED)
# States whose clock runs; a suspended case keeps its deadline but its clock is stopped.
CLOCKED_STATES = (State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED)


class Step(models.TextChoices):
    """The timed steps of the loop; each category gives a time limit for each."""

    ACCEPT = "accept", _("Assessment")
    DISPATCH = "dispatch", _("Dispatch")
    HANDLE = "handle", _("Handling")
    VERIFY = "verify", _("Verification")


STEP_OF_STATE = {
    State.REPORTED: Step.ACCEPT,
    State.ACCEPTED: Step.DISPATCH,
    State.DISPATCHED: Step.HANDLE,
    State.IN_PROGRESS: Step.HANDLE,
    State.SUSPENDED: Step.HANDLE,
    State.RESOLVED: Step.VERIFY,
}


class TimeUnit(models.TextChoices):
    HOURS = "h", _("working hours")
    DAYS = "d", _("working days")


class Unit(models.Model):
    """A handling unit: a town department or station, a village committee, or the town office."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Village committee")
        TOWN = "town", _("Town office")
        DEPARTMENT = "department", _("Department or station")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="case_units", verbose_name=_("region"))
    path = models.CharField(max_length=255, db_index=True)
    # The accounts that sign for and handle the unit's cases.
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_units",
                                     verbose_name=_("members"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "unit"
    scope_path_field = "path"
    audit_fields = ["code", "name", "kind", "region_id", "path", "is_active"]

    class Meta:
        ordering = ["path", "code"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")

    def __str__(self):
        return self.name

    @property
    def level(self) -> str:
        return {self.Kind.VILLAGE: Level.VILLAGE, self.Kind.TOWN: Level.TOWN}.get(self.kind, Level.DEPARTMENT)

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Category(models.Model):
    """A case category: a 大类 (level 1, code "01") or a 小类 under it (level 2, code "0101")."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent"))
    level = models.PositiveSmallIntegerField(_("level"), choices=[(1, _("Main category")), (2, _("Subcategory"))])
    # Where cases of this kind are usually handled; the grid worker still assesses first (小事不出格).
    handling_level = models.CharField(_("handling level"), max_length=16, choices=Level.choices, default=Level.GRID)
    default_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("default unit"))
    # Time limit of each step, in `limit_unit` (working hours or working days of the calendar).
    limit_unit = models.CharField(_("unit of the time limits"), max_length=1, choices=TimeUnit.choices,
                                  default=TimeUnit.HOURS)
    accept_limit = models.PositiveIntegerField(_("time to assess"), default=4)
    dispatch_limit = models.PositiveIntegerField(_("time to dispatch"), default=4)
    handle_limit = models.PositiveIntegerField(_("time to handle"), default=24)
    verify_limit = models.PositiveIntegerField(_("time to verify"), default=8)
    is_active = models.BooleanField(_("active"), default=True)

    audit_fields = ["code", "name", "parent_id", "level", "handling_level", "default_unit_id", "limit_unit",
                    "accept_limit", "dispatch_limit", "handle_limit", "verify_limit", "is_active"]

    class Meta:
        ordering = ["code"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        constraints = [
            models.CheckConstraint(condition=Q(level=1, parent__isnull=True) | Q(level=2, parent__isnull=False),
                                   name="category_level_matches_parent"),
            models.CheckConstraint(condition=Q(accept_limit__gt=0, dispatch_limit__gt=0, handle_limit__gt=0,
                                               verify_limit__gt=0), name="category_limits_positive"),
        ]

    def __str__(self):
        return self.name

    def limit(self, step: str) -> int:
        return getattr(self, f"{step}_limit")


class Holiday(models.Model):
    """A day that breaks the Monday-to-Friday rule: a public holiday, or a make-up workday (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("workday"), default=False)
    name = models.CharField(_("name"), max_length=50, blank=True)

    audit_fields = ["date", "is_workday", "name"]

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("working calendar")

    def __str__(self):
        return f"{self.date} {self.name}"


class CaseQuerySet(RestrictedQuerySet):
    """Cases, whose count may be known without counting: `with_count(n)` hands this queryset a number
    taken from the daily figures (see queries.case_list). all() keeps it; any filter or slice makes a
    new queryset, which counts for itself again."""

    _known_count: int | None = None

    def with_count(self, count: int) -> "CaseQuerySet":
        self._known_count = count
        return self

    def all(self) -> "CaseQuerySet":
        # The same rows (pagination calls .all().count()), so the same count.
        clone = super().all()
        clone._known_count = self._known_count
        return clone

    def count(self) -> int:
        return self._known_count if self._known_count is not None else super().count()

    # Set by queries.case_list: a slice reads the page's ids first (see __getitem__), and for a list of
    # everything under one town or village, merges its grids' own newest cases (see _ids_newest_per_grid).
    _page_by_key = False
    _page_subtree: str | None = None

    def page_by_key(self, subtree: str | None = None) -> "CaseQuerySet":
        """`subtree`: a path prefix the queryset's filters amount to (and nothing else filters)."""
        self._page_by_key = True
        self._page_subtree = subtree
        return self

    def __getitem__(self, k):
        """With page_by_key(), a page is two queries: the ids of the slice, sorted from index
        case_path_created alone, then those cases with their category and grid. In one query PostgreSQL
        joins and sorts every case of the node to keep 50 (a village of 4,000 cases at 20M: 32 ms)."""
        if not (self._page_by_key and isinstance(k, slice) and k.step is None and self._result_cache is None):
            return super().__getitem__(k)
        if self._page_subtree and k.stop is not None and connections[self.db].vendor == "postgresql":
            ids = self._ids_newest_per_grid(self._page_subtree, k.start or 0, k.stop)
        else:
            ids = list(self.values_list("pk", flat=True)[k])
        page = type(self)(self.model, using=self._db).filter(pk__in=ids)
        page.query.select_related = self.query.select_related
        page.query.order_by = self.query.order_by
        return page

    def _ids_newest_per_grid(self, subtree: str, start: int, stop: int) -> list[int]:
        """The ids of cases [start, stop) newest first under `subtree`, as a merge of each grid's newest
        `stop` cases. A case's path is its grid's path, so the grids under the prefix name every path its
        cases can have. `path LIKE 'town%' ORDER BY created_at` over case_path_created reads every entry of
        the town's 147 paths to keep 50 (125,208 entries, 49 ms at 50M cases); one backward index scan per
        grid, each stopping after `stop` entries, reads at most that many per grid and never more than the
        town holds (50M: 8 ms for the first page). PostgreSQL only: SQLite has no LATERAL, and a database
        small enough for SQLite reads a town's entries quickly."""
        if stop <= start:
            return []
        connection = connections[self.db]
        grids = Grid.objects.using(self.db).filter(path__startswith=subtree).order_by().values("path")
        grid_sql, grid_params = grids.query.sql_with_params()
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = (f"SELECT c.id FROM ({grid_sql}) g CROSS JOIN LATERAL ("
               f"SELECT id, created_at FROM {table} c WHERE c.path = g.path "
               f"ORDER BY c.created_at DESC, c.id DESC LIMIT %s) c "
               f"ORDER BY c.created_at DESC, c.id DESC LIMIT %s OFFSET %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, (*grid_params, stop, stop - start, start))
            return [row[0] for row in cursor.fetchall()]


MAX_PLACE = 200


class PointCell(models.Func):
    """The cell of a case's point on a grid of 1/per_degree degree squares, as one integer:
    floor(lat·n)·ROW + floor(lng·n); NULL without a point. Indexed (case_open_category_cell) so the
    duplicate suggestions ask for the few cells around a report instead of a latitude band across the
    province. The SQL carries its numbers as literals, never parameters: SQLite uses an expression
    index only for the same expression, and a bound value is not the same. Python computes the same
    cells with the same IEEE double products (cells_of_box), so a row inside a box is in one of its
    cells exactly."""

    # Longitude columns of one latitude row stay within ±ROW/2 of row·ROW (|lng·n| ≤ 180·n, twice that for
    # a box reaching past ±180°), so rows never overlap and a row's cells are one run of numbers.
    ROW = 1_000_000

    def __init__(self, per_degree: int, lat: str = "lat", lng: str = "lng"):
        if not (isinstance(per_degree, int) and 0 < per_degree and 2 * 180 * per_degree < self.ROW // 2):
            raise ValueError("per_degree must be a positive integer small enough for the key")
        self.per_degree = per_degree
        super().__init__(models.F(lat), models.F(lng), output_field=models.BigIntegerField())

    def as_sql(self, compiler, connection, **extra):
        (lat, lat_params), (lng, lng_params) = (compiler.compile(e) for e in self.get_source_expressions())
        n = self.per_degree
        return (f"CAST(FLOOR({lat} * {n}) * {self.ROW} + FLOOR({lng} * {n}) AS bigint)",
                (*lat_params, *lng_params))

    def cell_range(self, lo: float, hi: float) -> range:
        """The cell numbers along one axis that values in [lo, hi] fall in (lo·n is rounded as the
        database rounds it, and both products and floor keep the order)."""
        n = self.per_degree
        return range(math.floor(lo * n), math.floor(hi * n) + 1)

    def key(self, lat: float, lng: float) -> int:
        n = self.per_degree
        return math.floor(lat * n) * self.ROW + math.floor(lng * n)

    def cells_of_box(self, lat_lo: float, lat_hi: float, lng_lo: float, lng_hi: float) -> list[int]:
        columns = self.cell_range(lng_lo, lng_hi)
        return [row * self.ROW + column for row in self.cell_range(lat_lo, lat_hi) for column in columns]


# A cell 1/500 degree (222 m north-south, 205 m east-west at 22.7°N): the 200 m box of the default
# 100 m suggestions touches at most 2 × 2 cells up to 26° of latitude (2 × 3 further north), and a
# cell holds few enough open cases of a category in a week that reading it whole costs little.
CASE_CELL = PointCell(per_degree=500)


class Case(models.Model):
    """A reported problem followed from report to closure, with the clock of its current step."""

    class Channel(models.TextChoices):
        RESIDENT = "resident", _("Resident report")
        PATROL = "patrol", _("Grid patrol")
        PROXY = "proxy", _("Reported on behalf of a resident")
        HOTLINE = "hotline", _("Hotline")
        OPEN311 = "open311", _("Open311")
        API = "api", _("API")
        CONTACT = "contact", _("Household contact")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    # Set from the id in the transaction that creates the case, so intake needs no counter row.
    number = models.CharField(_("number"), max_length=32, unique=True, null=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category"))
    description = models.TextField(_("description"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    # The place as the reporter put it in words (村口小卖部旁, 3组12号门前): what a handler looks for on
    # arrival, which a pin 20 m off does not say. A database default too, so rows written outside the
    # ORM (the benchmark's COPY, an old process during an upgrade) need not name it.
    place = models.CharField(_("place"), max_length=MAX_PLACE, blank=True, default="", db_default="")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="cases", verbose_name=_("grid"))
    path = models.CharField(max_length=255)
    # The person the problem was reported by (a resident, or the resident a worker reported for) ...
    reporter = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
                                 verbose_name=_("reporter"))
    # ... and the account that entered it (the resident, a grid worker on patrol, hotline staff).
    reporter_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("entered by"))
    # The report's own id, made by the client (a UUID, once per form or offline report): a retry of the
    # same report by the same account finds this case instead of making a second (actions.do_report).
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    reporter_phone_enc = models.TextField(blank=True, default="")
    reporter_phone_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.RESIDENT)

    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REPORTED)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.GRID)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_cases", verbose_name=_("assignee"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
                             verbose_name=_("unit"))
    in_pool = models.BooleanField(_("in the order pool"), default=False)

    # The clock of the current step (see calendar.py): deadline and the due-soon point in working time.
    step_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    due_soon_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)  # working seconds spent suspended, all steps
    due_soon_notified = models.BooleanField(default=False)
    # The current step went past its deadline (set once per step, by an action or the worker).
    overdue = models.BooleanField(_("overdue"), default=False)
    overdue_at = models.DateTimeField(null=True, blank=True)
    late_steps = models.PositiveSmallIntegerField(default=0)  # steps that went past their deadline

    # Kept by the actions so button lists need no query per case: an extension request waiting for a
    # decision, and supervision orders not yet answered.
    extension_pending = models.BooleanField(default=False)
    open_supervisions = models.PositiveSmallIntegerField(default=0)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalation count"), default=0)
    closed_level = models.CharField(_("closed at level"), max_length=16, choices=Level.choices, blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_auto = models.BooleanField(_("rated automatically"), default=False)
    rated_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Closed with no step past its deadline (pauses and approved extensions included).
    closed_on_time = models.BooleanField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                    verbose_name=_("merged into"))
    created_at = models.DateTimeField(_("reported at"), default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    reporter_phone = SealedValue(personal.normalize_phone)

    objects = CaseQuerySet.as_manager()
    scope_kind = "case"
    scope_path_field = "path"
    audit_fields = ["number", "category_id", "grid_id", "path", "place", "channel", "state", "level", "priority",
                    "assignee_id", "unit_id", "in_pool", "deadline", "paused_at", "overdue", "rework_count",
                    "escalation_count", "closed_level", "rating", "closed_on_time", "merged_into_id"]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Scoped lists: `path LIKE 'x%'` (the pattern operator class lets PostgreSQL use it whatever
            # the database collation; SQLite ignores opclasses and uses case_sensitive_like).
            models.Index(fields=["path", "state"], name="case_path_state", opclasses=["varchar_pattern_ops", ""]),
            models.Index(fields=["state", "deadline"], name="case_state_deadline"),
            # The `overdue` filter of a node's list: its running cases past their deadline, counted and
            # paged from the index alone (a village of 90,000 cases at 1M: 38 -> 1 ms for the count). The
            # page is the newest of them: created_at and id are in the index so that a town's 9,215 at
            # 50M cases are sorted without reading each one's row from the table.
            models.Index(fields=["path", "deadline", "created_at", "id"], name="case_running_overdue_page",
                         opclasses=["varchar_pattern_ops", "", "", ""], condition=Q(state__in=CLOCKED_STATES)),
            models.Index(fields=["path"], name="case_pool", opclasses=["varchar_pattern_ops"],
                         condition=Q(in_pool=True)),
            models.Index(fields=["created_at"], name="case_created"),
            # A node's page of the list, newest first, from the index alone (see CaseQuerySet.page_by_key).
            models.Index(fields=["path", "created_at", "id"], name="case_path_created",
                         opclasses=["varchar_pattern_ops", "", ""]),
            models.Index(fields=["accepted_at"], name="case_accepted"),
            models.Index(fields=["closed_at"], name="case_closed"),
            # The worker's clock sweeps touch only the few rows still waiting for their flag.
            models.Index(fields=["deadline"], name="case_clock_overdue",
                         condition=Q(overdue=False, deadline__isnull=False)),
            models.Index(fields=["due_soon_at"], name="case_clock_due_soon",
                         condition=Q(due_soon_notified=False, due_soon_at__isnull=False)),
            # Duplicate suggestions: same category, the few cells around the point (CASE_CELL), the
            # time window; then the exact box in SQL and the distance in Python. Only open cases are
            # suggested, a tenth of them or fewer in a running installation.
            models.Index(models.F("category"), CASE_CELL, models.F("created_at"), name="case_open_category_cell",
                         condition=Q(state__in=OPEN_STATES)),
            models.Index(fields=["closed_at"], name="case_unrated", condition=Q(state="closed", rating="")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="case_state_known"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="case_level_known"),
            # What makes a claim from the pool exclusive at the database too: a pooled case has no assignee.
            models.CheckConstraint(condition=Q(in_pool=False) | Q(assignee__isnull=True), name="case_pool_unassigned"),
            models.CheckConstraint(
                condition=(Q(state="merged", merged_into__isnull=False)
                           | (~Q(state="merged") & Q(merged_into__isnull=True))),
                name="case_merged_has_target"),
            models.UniqueConstraint(fields=["reporter_user", "client_id"], name="case_client_id_once",
                                    condition=Q(client_id__isnull=False)),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        case = super().from_db(db, field_names, values)
        # What the case contributes to the daily figures as loaded; save() adds the difference.
        case._rollup_loaded = rollup.snapshot(case) if not case.get_deferred_fields() else None
        return case

    def save(self, *args, **kwargs):
        before = getattr(self, "_rollup_loaded", None)
        if before is None and not self._state.adding:
            # Loaded with deferred fields or built by hand: read what the database holds now.
            before = Case.objects.filter(pk=self.pk).values(*rollup.TRACKED).first()
        super().save(*args, **kwargs)
        after = rollup.snapshot(self)
        rollup.changed([before], [after])
        self._rollup_loaded = after

    @staticmethod
    def own_q(person):
        """A resident's own reports; a party member's also the orders they took and the pool of their village."""
        q = Q(reporter_id=person.pk) | Q(assignee__person_id=person.pk)
        if person.is_party_member:
            q |= Q(in_pool=True, path__startswith=village_path(person.path))
        return q

    @property
    def step(self) -> str | None:
        return STEP_OF_STATE.get(self.state)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def clock(self, now=None) -> str | None:
        """normal | due_soon | overdue | paused for an open case; None once it is final."""
        if self.state not in OPEN_STATES:
            return None
        if self.state == State.SUSPENDED:
            return "paused"
        now = now or timezone.now()
        if self.deadline and now > self.deadline:
            return "overdue"
        if self.due_soon_at and now >= self.due_soon_at:
            return "due_soon"
        return "normal"

    @property
    def reporter_phone_masked(self) -> str:
        return personal.mask_phone(self.reporter_phone)


def village_path(path: str) -> str:
    """The path of the village a small grid's path lies in ("445321.104.201.g003." -> "445321.104.201.")."""
    parts = path.split(".")
    return ".".join(parts[:-2]) + "." if len(parts) > 2 and parts[-2].startswith("g") else path


def ancestor_paths(path: str) -> list[str]:
    """Every node path that covers `path`, itself included: the scope paths of the accounts above it."""
    parts = path.rstrip(".").split(".")
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


class CaseEvent(models.Model):
    """One entry of a case's timeline (append-only): who did what, from which state to which."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case"))
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("actor"))
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    level = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    time = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["case", "time"], name="case_event_case_time")]
        verbose_name = _("case event")
        verbose_name_plural = _("case timeline")

    def __str__(self):
        return f"{self.case_id} {self.action} {self.time:%Y-%m-%d %H:%M}"


def _photo_path(instance, filename):
    now = timezone.localtime()
    return f"cases/{now:%Y/%m}/{filename}"


class CasePhoto(models.Model):
    """A photo of a case, re-encoded at upload so it carries no EXIF (no location, no device)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="photos", verbose_name=_("case"))
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    file = models.FileField(_("file"), upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")

    def __str__(self):
        return self.file.name


class Supervision(models.Model):
    """A supervision order (督办) on an open case, which its handler must answer by `due`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("case"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("issued by"))
    note = models.TextField(_("note"))
    due = models.DateTimeField(_("answer due"))
    created_at = models.DateTimeField(default=clock.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("answered by"))

    audit_fields = ["case_id", "issued_by_id", "note", "due", "answered_at", "answer", "answered_by_id"]

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "answered_at"], name="supervision_case_open")]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")

    def __str__(self):
        return f"{self.case} {self.created_at:%Y-%m-%d}"

    @property
    def path(self) -> str:
        return self.case.path


class ExtensionRequest(models.Model):
    """A handler's request for more time (延期), decided by the staff above; one pending per case."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("case"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=1, choices=TimeUnit.choices)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=16, choices=Decision.choices, default=Decision.PENDING)
    created_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    audit_fields = ["case_id", "requested_by_id", "amount", "unit", "reason", "state", "decided_by_id",
                    "decided_at"]

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state="pending"), name="extension_one_pending"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="extension_amount_positive"),
        ]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self):
        return f"{self.case} +{self.amount}{self.unit}"

    @property
    def path(self) -> str:
        return self.case.path


class Notification(models.Model):
    """A message in a user's in-app inbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)
    # Rendered in the site language when created; `kind` and `data` let a page render it again in another.
    text = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="notification_inbox"),
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.text


class Outbox(models.Model):
    """A notification waiting to go out through a delivery channel (SMS, WeChat, the log), sent by the worker."""

    class Delivery(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(max_length=32)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="deliveries")
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["next_attempt_at"], name="outbox_due", condition=Q(state="pending"))]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

    def __str__(self):
        return f"{self.channel} -> {self.recipient_id} ({self.state})"


class CaseDay(models.Model):
    """The case figures of one grid on one local day, kept by cases/rollup.py: `reported` counts the
    cases reported that day, every other counter the cohort accepted that day (see queries.py).
    Never written by hand; `rollup.rebuild()` recomputes it from the cases."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    day = models.DateField()
    reported = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    reworks = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_auto = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    close_microseconds = models.BigIntegerField(default=0)
    closed_grid = models.IntegerField(default=0)
    closed_village = models.IntegerField(default=0)
    closed_town = models.IntegerField(default=0)
    closed_department = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grid", "day"], name="caseday_grid_day")]
        indexes = [models.Index(fields=["path", "day"], name="caseday_path_day", opclasses=["varchar_pattern_ops", ""])]
