"""Where a case goes and who hears of it: the small grid of a report, the people responsible for a case
in each state, duplicate suggestions, and the notifications (inbox rows plus outbox rows per channel).
"""

import math
import re

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.scoping import (
    DEPARTMENT, GRID_WORKER, PARTY_MEMBER, SUBTREE, TOWN_ADMIN, VIEW, VILLAGE_SECRETARY, reach, restrict,
)
from gridgov.org import geo
from gridgov.org.models import Grid, Post, User

from . import conf, memo
from .models import CASE_CELL, OPEN_STATES, Case, Level, Notification, Outbox, State, Unit, ancestor_paths, village_path
from .workflow import ASSESSORS_AT, CaseError

EARTH_RADIUS_M = 6_371_000


def grid_for_report(lat: float | None, lng: float | None, grid: Grid | str | None) -> Grid:
    """The small grid a report belongs to: the one containing the point, else the one chosen."""
    if (lat is None) != (lng is None):
        raise CaseError(_("Give both latitude and longitude, or neither."), status=400)
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise CaseError(_("The location is not a valid latitude and longitude."), status=400)
    if lat is not None:
        code = geo.locate(lat, lng)
        if code is not None:
            return memo.small_grid(code) or Grid.objects.get(code=code)
    if isinstance(grid, str):
        code = grid.strip()
        grid = (memo.small_grid(code) or Grid.objects.filter(code=code).first()) if code else None
        if grid is None:
            raise CaseError(_("No grid has this code."), status=400)
    if grid is None:
        if lat is not None:
            raise CaseError(_("The place is outside every grid: choose your grid."), status=400)
        raise CaseError(_("Give the place on the map or choose your grid."), status=400)
    if grid.level != Grid.Level.SMALL:
        raise CaseError(_("Choose a small grid, not a village or town grid."), status=400)
    return grid


def grid_contacts(grid: Grid) -> dict:
    """The grid's workers and responsible party members (people of the registry, from their posts)."""
    posts = Post.objects.filter(grid=grid).select_related("person").order_by("pk")
    workers = [p.person for p in posts if p.kind.startswith("grid_worker") or p.kind == Post.Kind.GRID_LEADER]
    party = [p.person for p in posts if p.kind == Post.Kind.PARTY_RESPONSIBLE]
    return {"workers": workers, "party_members": party}


# --- who is responsible ---------------------------------------------------------------------------

def _active_users():
    return User.objects.filter(is_active=True)


# Who is told first at each level; the other assessors of the level only when this role has nobody there.
PRIMARY_ASSESSOR = {Level.GRID: GRID_WORKER, Level.VILLAGE: VILLAGE_SECRETARY, Level.TOWN: TOWN_ADMIN,
                    Level.DEPARTMENT: DEPARTMENT}


def assessors(case: Case):
    """Accounts that assess the case at its current level."""
    return _active_users().filter(role__in=ASSESSORS_AT[case.level], scope_path__in=ancestor_paths(case.path))


def first_assessors(case: Case) -> list:
    """The accounts to tell about a case waiting for assessment or dispatch at its level."""
    users = list(assessors(case))
    primary = [u for u in users if u.role == PRIMARY_ASSESSOR[case.level]]
    return primary or users


def supervisors(case: Case):
    roles = [TOWN_ADMIN] + ([VILLAGE_SECRETARY] if case.level == Level.GRID else [])
    return _active_users().filter(role__in=roles, scope_path__in=ancestor_paths(case.path))


def handlers(case: Case):
    q = Q(pk=case.assignee_id) if case.assignee_id else Q(pk__in=[])
    if case.unit_id:
        q |= Q(case_units=case.unit_id)
    return _active_users().filter(q).distinct()


def pool_members(case: Case):
    return _active_users().filter(role=PARTY_MEMBER, scope_path__startswith=village_path(case.path))


def grid_workers(case: Case):
    return _active_users().filter(role=GRID_WORKER, scope_path__in=ancestor_paths(case.path))


def reporter_accounts(case: Case):
    if case.reporter_id:
        return _active_users().filter(person_id=case.reporter_id)
    return _active_users().filter(pk=case.reporter_user_id) if case.reporter_user_id else User.objects.none()


def responsible(case: Case):
    """Who must act next: the assessors, the handlers, or (resolved) the grid's workers."""
    if case.state in (State.REPORTED, State.ACCEPTED) or (case.in_pool and case.state == State.DISPATCHED):
        return first_assessors(case)
    if case.state == State.RESOLVED:
        return grid_workers(case)
    if case.state in (State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED):
        return list(handlers(case)) or first_assessors(case)
    return User.objects.none()


# --- duplicates -------------------------------------------------------------------------------------

def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


# What a suggestion shows and is checked on (its path, for whom may open it): read as plain rows, no
# model per candidate, since a busy spot can have hundreds of candidates and only ten are shown.
_SHOWN = ("pk", "number", "state", "lat", "lng", "created_at", "path")


# The cells a query asks for by name, at most; a wider box (several kilometres, or a point near a pole)
# asks for a range of cell numbers instead, whole latitude rows of cells, as the old latitude band did.
MAX_CELLS = 1024


def _nearby_queryset(category_id, lat_lo, lat_hi, lng_lo, lng_hi, since, until, exclude_pk, cells=None, cell_lo=None,
                     cell_hi=None):
    """Open cases of the category in the box and the time window; `cells` (the numbers of the cells the
    box touches) or cell_lo..cell_hi let the database read only those cells of the index
    case_open_category_cell. The box itself is asked too: a cell is larger than the part of it inside."""
    qs = Case.objects.filter(category=category_id, state__in=OPEN_STATES, created_at__gte=since,
                             created_at__lte=until)
    if cells is not None:
        qs = qs.alias(cell=CASE_CELL).filter(cell__in=cells)
    else:
        qs = qs.alias(cell=CASE_CELL).filter(cell__gte=cell_lo, cell__lte=cell_hi)
    return (qs.filter(lat__gte=lat_lo, lat__lte=lat_hi, lng__gte=lng_lo, lng__lte=lng_hi)
            .exclude(pk=exclude_pk).order_by().values_list(*_SHOWN))


# The suggestions' SQL, compiled by Django once per process, database and shape (most of the query's
# cost in Python was the compiling, on every report): {(alias, shape): (sql, the name of each parameter,
# ...)}. A shape is the number of cells asked for, rounded up to a power of two (the last cell
# repeated), or "range"; so a process compiles a handful of them at most.
_COMPILED: dict = {}
_SLOTS = ("category", "lat_lo", "lat_hi", "lng_lo", "lng_hi", "since", "until", "exclude")


def _compiled(conn, shape) -> tuple:
    got = _COMPILED.get((conn.alias, shape))
    if got is None:
        import datetime

        # Compiled with marker values, then each parameter is known by its marker; the others are the
        # open states, which never change.
        zone = datetime.timezone.utc
        marks = {"category": -910_001, "lat_lo": -910_002.5, "lat_hi": -910_003.5, "lng_lo": -910_004.5,
                 "lng_hi": -910_005.5, "since": datetime.datetime(1901, 1, 1, tzinfo=zone),
                 "until": datetime.datetime(1902, 2, 2, tzinfo=zone), "exclude": -910_006}
        if shape == "range":
            cell_slots = {"cell_lo": -920_001, "cell_hi": -920_002}
            qs = _nearby_queryset(*(marks[name] for name in _SLOTS), **cell_slots)
        else:
            cell_slots = {f"cell{i}": -930_000 - i for i in range(shape)}
            qs = _nearby_queryset(*(marks[name] for name in _SLOTS), cells=list(cell_slots.values()))
        marks.update(cell_slots)
        sql, params = qs.query.get_compiler(connection=conn).as_sql()
        adapted = {name: (conn.ops.adapt_datetimefield_value(v) if isinstance(v, datetime.datetime) else v)
                   for name, v in marks.items()}
        by_value = {value: name for name, value in adapted.items()}
        parts = sql.split("%s")
        if len(parts) != len(params) + 1 or sorted(by_value[p] for p in params if p in by_value) != sorted(marks):
            raise RuntimeError("the duplicate suggestions' query did not compile as expected")
        # The open states go into the SQL as literals: SQLite uses a partial index only when the query's
        # own terms show its condition, and a bound value shows nothing when the statement is prepared.
        slots, sql = [], parts[0]
        for param, part in zip(params, parts[1:]):
            if param in by_value:
                slots.append(by_value[param])
                sql += "%s" + part
            elif param in OPEN_STATES and re.fullmatch(r"[a-z_]+", str(param)):
                sql += f"'{param!s}'" + part
            else:
                raise RuntimeError(f"the duplicate suggestions' query has an unexpected parameter {param!r}")
        field = Case._meta.get_field("created_at")
        col = field.get_col(Case._meta.db_table)
        converters = conn.ops.get_db_converters(col) + field.get_db_converters(conn)
        got = _COMPILED[(conn.alias, shape)] = (sql, slots, col, converters)
    return got


def _box(lat: float, lng: float, meters: float) -> tuple[float, float, float, float]:
    """(lat_lo, lat_hi, lng_lo, lng_hi): the box the suggestions are looked for in."""
    dlat = meters / 111_320
    dlng = meters / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def _cell_values(box: tuple) -> tuple:
    """(shape, {slot: value}) of the cells the box touches, or None for an empty box (a distance below
    zero). A shape is the number of cells asked for, rounded up to a power of two, or "range"."""
    rows, columns = CASE_CELL.cell_range(box[0], box[1]), CASE_CELL.cell_range(box[2], box[3])
    if not rows or not columns:
        return None
    if len(rows) * len(columns) > MAX_CELLS:
        # Every cell of the latitude rows the box spans, from its first longitude column to its last
        # (a row's columns lie within ±ROW/2 of row·ROW for any longitude a point has); within bigint.
        half, limit = CASE_CELL.ROW // 2, 2**63 - 1
        return "range", {"cell_lo": max(-limit, rows[0] * CASE_CELL.ROW + max(columns[0], -half + 1)),
                         "cell_hi": min(limit, rows[-1] * CASE_CELL.ROW + min(columns[-1], half - 1))}
    cells = [row * CASE_CELL.ROW + column for row in rows for column in columns]
    shape = 1 << (len(cells) - 1).bit_length()
    cells += [cells[-1]] * (shape - len(cells))
    return shape, {f"cell{i}": cell for i, cell in enumerate(cells)}


def _nearby_rows(category_id: int, lat: float, lng: float, around=None, exclude_pk=None) -> list[tuple]:
    """(row, metres) of the open cases near the point, nearest first: see nearby_open_cases."""
    import datetime

    from django.db import connections
    from django.utils import timezone

    meters = conf.get_float("GRIDGOV_CASE_DUPLICATE_METERS")
    days = conf.get_int("GRIDGOV_CASE_DUPLICATE_DAYS")
    around = around or timezone.now()
    box = _box(lat, lng, meters)
    window = datetime.timedelta(days=days)
    cells = _cell_values(box)
    if cells is None:
        return []
    shape, values = cells
    conn = connections[Case.objects.db]
    sql, slots, col, converters = _compiled(conn, shape)
    values.update({"category": category_id, "lat_lo": box[0], "lat_hi": box[1], "lng_lo": box[2], "lng_hi": box[3],
                   "since": conn.ops.adapt_datetimefield_value(around - window),
                   "until": conn.ops.adapt_datetimefield_value(around + window),
                   "exclude": -1 if exclude_pk is None else exclude_pk})  # no case has the id -1
    with conn.cursor() as cursor:
        cursor.execute(sql, [values[name] for name in slots])
        candidates = cursor.fetchall()
    found = []
    for row in candidates:
        d = distance_m(lat, lng, row[3], row[4])
        if d <= meters:
            created_at = row[5]
            for convert in converters:
                created_at = convert(created_at, col, conn)
            found.append(((*row[:5], created_at, row[6]), round(d, 1)))
    found.sort(key=lambda pair: (pair[1], pair[0][0]))
    return found


def _as_cases(rows: list[tuple], category) -> list[tuple]:
    """(Case, metres) for display: the columns read, and the category every suggestion shares. Built
    as the ORM builds a row loaded with .only() (the other fields deferred), which costs far less
    than Case(**fields) with its forty defaults."""
    names = ["id", *_SHOWN[1:], "category_id"]
    # from_db takes the values in the model's field order.
    order = [names.index(f.attname) for f in Case._meta.concrete_fields if f.attname in names]
    out = []
    for row, d in rows:
        values = (*row, category.pk)
        case = Case.from_db(Case.objects.db, names, [values[i] for i in order])
        case.category = category
        out.append((case, d))
    return out


def _category_of(case_or_category):
    from .models import Category

    if isinstance(case_or_category, Category):
        return case_or_category
    if isinstance(case_or_category, Case):
        return case_or_category.category  # loaded with the case in every caller: no query
    return Category.objects.get(pk=case_or_category)


def nearby_open_cases(category, lat: float, lng: float, around=None, exclude_pk=None, limit: int = 10):
    """Open cases of `category` within GRIDGOV_CASE_DUPLICATE_METERS of the point, reported within
    GRIDGOV_CASE_DUPLICATE_DAYS of `around` (default now), nearest first, as (case, metres). The cases
    carry only what a suggestion shows (number, state, point, time, path, category)."""
    category_id = category.pk if hasattr(category, "pk") else category
    rows = _nearby_rows(category_id, lat, lng, around, exclude_pk)[:limit]
    return _as_cases(rows, _category_of(category)) if rows else []


def find_duplicates(case: Case, limit: int | None = 10):
    """Possible duplicates of a case: see nearby_open_cases. A case without a point has none.
    Every one found, whoever asks: what a person is shown goes through duplicates_for()."""
    if case.lat is None or case.lng is None:
        return []
    rows = _nearby_rows(case.category_id, case.lat, case.lng, around=case.created_at, exclude_pk=case.pk)
    rows = rows if limit is None else rows[:limit]
    return _as_cases(rows, _category_of(case)) if rows else []


def duplicates_for(user, case: Case, limit: int = 10) -> tuple[list, int]:
    """The possible duplicates `user` may open, as (case, metres) nearest first, and how many others
    there are: a resident learns that a problem is already known, not whose report it is or what it
    says. Staff whose reach is a subtree are checked on the loaded paths (no query); the others
    (residents, party members) through restrict(), one query."""
    shown, others = duplicate_rows_for(user, case, limit)
    return (_as_cases(shown, _category_of(case)) if shown else []), others


def duplicate_rows_for(user, case: Case, limit: int = 10) -> tuple[list, int]:
    """duplicates_for() as plain rows, (id, number, state, lat, lng, created_at, path) with the metres:
    the API's answer shows four of those columns, and making Case objects of them was a tenth of a
    report's CPU (issue 18)."""
    if case.lat is None or case.lng is None:
        return [], 0
    found = _nearby_rows(case.category_id, case.lat, case.lng, around=case.created_at, exclude_pk=case.pk)
    if not found:
        return [], 0
    if user.is_superuser:
        shown = found
    elif reach(user, VIEW, Case.scope_kind) == SUBTREE:
        shown = [(row, d) for row, d in found if user.scope_path and row[6].startswith(user.scope_path)]
    else:
        ids = set(restrict(user, VIEW, Case).filter(pk__in=[row[0] for row, _d in found]).values_list("pk", flat=True))
        shown = [(row, d) for row, d in found if row[0] in ids]
    return shown[:limit], len(found) - len(shown)


# --- notifications ----------------------------------------------------------------------------------

# Who a notice speaks to: the same event reads differently to the person who reported the problem
# and to the staff who must act on it (the reporter waits for the check, the verifier makes it).
REPORTER = "reporter"
ASSESSOR = "assessor"  # assesses or dispatches the case at its level
HANDLER = "handler"  # the person or unit member the case was given to
POOL = "pool"  # the party members who may claim an order
VERIFIER = "verifier"  # checks the result on the spot (the grid's workers)
RESPONSIBLE = "responsible"  # whoever must act next (routing.responsible)
SUPERVISOR = "supervisor"  # oversees the area: the town, and the village for grid cases
APPROVER = "approver"  # decides on an extension

NOTICES = {
    "reported": {ASSESSOR: gettext_lazy("New case %(number)s in your grid: %(category)s")},
    "accepted": {REPORTER: gettext_lazy("Your case %(number)s was accepted")},
    "rejected": {REPORTER: gettext_lazy("Your case %(number)s was not accepted: %(reason)s")},
    "merged": {REPORTER: gettext_lazy("Your case %(number)s is handled together with case %(into)s")},
    "dispatched": {HANDLER: gettext_lazy("Case %(number)s was dispatched to you: %(category)s")},
    "published": {POOL: gettext_lazy("New order in the pool: case %(number)s, %(category)s")},
    "claimed": {REPORTER: gettext_lazy("Your case %(number)s is being handled")},
    "returned": {ASSESSOR: gettext_lazy("Case %(number)s was returned: %(reason)s")},
    "escalated": {ASSESSOR: gettext_lazy("Case %(number)s was escalated to you for assessment: %(category)s")},
    "extension_requested": {APPROVER: gettext_lazy("An extension is requested for case %(number)s")},
    "extension_decided": {HANDLER: gettext_lazy("Your extension request for case %(number)s was %(decision)s")},
    "resolved": {
        VERIFIER: gettext_lazy("Case %(number)s was resolved: please verify it"),
        REPORTER: gettext_lazy("The problem you reported (case %(number)s) was resolved and waits for "
                               "verification"),
    },
    "closed": {REPORTER: gettext_lazy("Your case %(number)s is closed: please rate the result")},
    "reopened": {HANDLER: gettext_lazy("Case %(number)s failed verification and needs rework")},
    "supervised": {RESPONSIBLE: gettext_lazy("Supervision order on case %(number)s: %(note)s")},
    "supervision_answered": {SUPERVISOR: gettext_lazy("Your supervision order on case %(number)s was answered")},
    "due_soon": {RESPONSIBLE: gettext_lazy("Case %(number)s is due soon (%(deadline)s)")},
    "overdue": {
        RESPONSIBLE: gettext_lazy("Case %(number)s is overdue: it is yours to act on now"),
        SUPERVISOR: gettext_lazy("Case %(number)s in your area is overdue"),
    },
}


def _audience(kind: str, audience: str | None) -> str:
    wordings = NOTICES[kind]
    if audience is None:
        if len(wordings) != 1:
            raise ValueError(f"say whom the {kind!r} notice is for: one of {sorted(wordings)}")
        return next(iter(wordings))
    if audience not in wordings:
        raise ValueError(f"no {kind!r} notice for {audience!r}")
    return audience


def _render(kind: str, audience: str, data: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(NOTICES[kind][audience] % data)[:300]


def notify(users, case: Case, kind: str, now, exclude=None, audience: str | None = None, **data) -> int:
    """Inbox rows for `users` (a queryset or list) and one outbox row per delivery channel each,
    worded for `audience` (needed when the kind has several)."""
    return notify_many([(users, case, kind, data, audience)], now, exclude=exclude)


def notify_many(batches: list[tuple], now, exclude=None) -> int:
    """Several notifications at once: [(users, case, kind, data[, audience]), ...] in two bulk inserts.
    Someone in two audiences of the same notice (a grid worker who reported in their own grid and
    now verifies) is told once, in the words of the first batch naming them; `exclude` (the actor) is
    never told of their own action."""
    notes = []
    told: set[tuple] = set()
    for batch in batches:
        users, case, kind, data = batch[:4]
        audience = _audience(kind, batch[4] if len(batch) > 4 else None)
        data = {"number": case.number, "category": case.category.name, **{k: str(v) for k, v in data.items()}}
        text = _render(kind, audience, data)
        for uid in sorted({u if isinstance(u, int) else u.pk for u in users}):
            if (exclude is not None and uid == exclude.pk) or (case.pk, kind, uid) in told:
                continue
            told.add((case.pk, kind, uid))
            notes.append(Notification(user_id=uid, case=case, kind=kind, text=text, data={**data, "to": audience},
                                      created_at=now))
    if not notes:
        return 0
    rows = Notification.objects.bulk_create(notes, batch_size=1000)
    channels = conf.get_list("GRIDGOV_NOTIFY_CHANNELS")
    if channels:
        Outbox.objects.bulk_create([
            Outbox(channel=channel, recipient_id=row.user_id, notification=row, next_attempt_at=now, created_at=now,
                   payload={"kind": row.kind, "text": row.text, "case": row.data.get("number"),
                            "case_id": row.case_id})
            for row in rows for channel in channels
        ], batch_size=1000)
    return len(rows)


def responsible_ids(cases: list[Case]) -> dict[int, set[int]]:
    """For many cases at once (the worker's sweeps), the ids of the accounts responsible for each,
    found with three queries whatever the number of cases."""
    return {pk: ids for pk, (ids, _above) in recipient_ids(cases).items()}


def recipient_ids(cases: list[Case]) -> dict[int, tuple[set[int], set[int]]]:
    """For many cases at once, (those responsible, their supervisors who are not) per case, so each is
    told in their own words; three queries whatever the number of cases."""
    from .workflow import ASSESSORS_AT as at

    paths = {p for c in cases for p in ancestor_paths(c.path)}
    staff_rows = list(_active_users().filter(scope_path__in=paths, role__in=set().union(*at.values()))
                      .values_list("pk", "role", "scope_path"))
    unit_ids = {c.unit_id for c in cases if c.unit_id}
    members: dict[int, set[int]] = {}
    if unit_ids:
        through = Unit.members.through.objects.filter(unit_id__in=unit_ids, user__is_active=True)
        for unit_id, user_id in through.values_list("unit_id", "user_id"):
            members.setdefault(unit_id, set()).add(user_id)
    out = {}
    for case in cases:
        above = set(ancestor_paths(case.path))

        def having(roles):
            return {pk for pk, role, path in staff_rows if role in roles and path in above}

        def first():
            return having({PRIMARY_ASSESSOR[case.level]}) or having(at[case.level])

        if case.state in (State.REPORTED, State.ACCEPTED) or (case.in_pool and case.state == State.DISPATCHED):
            ids = first()
        elif case.state == State.RESOLVED:
            ids = having({GRID_WORKER})
        else:
            ids = ({case.assignee_id} if case.assignee_id else set()) | members.get(case.unit_id, set())
            if not ids:
                ids = first()
        above_them = having({TOWN_ADMIN} | ({VILLAGE_SECRETARY} if case.level == Level.GRID else set()))
        out[case.pk] = (ids, above_them - ids)
    return out
