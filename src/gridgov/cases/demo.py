"""Demo data for the case loop: the 2026 working calendar, a Chinese category set, the handling units of
东成镇, and a few hundred cases with their whole timelines.

`load_config()` is idempotent (it adds what is missing). `build_cases(now, seed, count)` plays each
case through the real actions at moments in the past (calendar.replaying_at), so timelines, deadlines,
counters, audit rows and notifications are exactly what real use would leave. A case whose next step
would fall after `now` stays where it is, so old cases are mostly closed and recent ones still open.
The same seed and `now` give the same cases.

The accounts the cases need beyond the demo's seven (a grid worker per small grid with cases, a
secretary per village, an account per department, a party member per village for the order pool)
are created with unusable passwords: they appear in timelines but cannot sign in.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.context import acting_as
from gridgov.org import geo
from gridgov.org.actions import do_create_user
from gridgov.org.models import Grid, Person, Post, Region, User

from . import actions, calendar
from .models import OPEN_STATES, Case, Category, Holiday, Level, State, Unit
from .workflow import CaseError

DEFAULT_SEED = 2026
TOWN_CODE = "445321104000"

# The 2026 public holidays and make-up workdays (调休) of the State Council's notice
# 《国务院办公厅关于2026年部分节假日安排的通知》 of 4 November 2025. Data, not logic: later years are
# added the same way (or through actions.do_set_holiday), and local changes override them.
HOLIDAYS_2026 = [
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
]
MAKEUP_WORKDAYS_2026 = [
    ("2026-01-04", "元旦调休上班"),
    ("2026-02-14", "春节调休上班"),
    ("2026-02-28", "春节调休上班"),
    ("2026-05-09", "劳动节调休上班"),
    ("2026-09-20", "国庆节调休上班"),
    ("2026-10-10", "国庆节调休上班"),
]

# Units of the town: (suffix, name, kind). Village committees are added per village.
TOWN_UNITS = [
    ("ZZZX", "综治中心", "department"),
    ("SFS", "司法所", "department"),
    ("PCS", "派出所", "department"),
    ("ZFZD", "综合行政执法中队", "department"),
    ("YJB", "应急管理办公室", "department"),
    ("GDS", "供电所", "department"),
    ("ZLS", "自来水公司", "department"),
    ("GHJS", "规划建设办", "town"),
    ("SHSW", "社会事务办", "town"),
    ("DZB", "党政综合办", "town"),
]

# (code, name, handling level, default unit suffix, time unit, assess, dispatch, handle, verify)
CATEGORIES = [
    ("01", "环境卫生"),
    ("0101", "垃圾清运", "grid", None, "h", 2, 2, 16, 8),
    ("0102", "污水排放", "village", None, "d", 1, 1, 5, 1),
    ("0103", "乱堆乱放", "grid", None, "h", 2, 2, 16, 8),
    ("02", "道路交通"),
    ("0201", "道路破损", "town", "GHJS", "d", 1, 1, 10, 2),
    ("0202", "路灯损坏", "village", None, "d", 1, 1, 5, 1),
    ("0203", "村道硬化", "town", "GHJS", "d", 2, 2, 30, 3),
    ("03", "水电气"),
    ("0301", "停水", "department", "ZLS", "h", 1, 1, 8, 4),
    ("0302", "停电", "department", "GDS", "h", 1, 1, 8, 4),
    ("0303", "供水设施损坏", "department", "ZLS", "d", 1, 1, 3, 1),
    ("04", "矛盾纠纷"),
    ("0401", "邻里纠纷", "grid", None, "d", 1, 1, 5, 2),
    ("0402", "土地纠纷", "village", None, "d", 1, 2, 15, 3),
    ("0403", "家庭纠纷", "grid", None, "d", 1, 1, 5, 2),
    ("05", "安全隐患"),
    ("0501", "消防隐患", "department", "YJB", "h", 1, 1, 8, 4),
    ("0502", "危房", "town", "GHJS", "d", 1, 1, 5, 1),
    ("0503", "地质灾害", "department", "YJB", "h", 1, 1, 4, 2),
    ("06", "社会治安"),
    ("0601", "治安问题", "department", "PCS", "h", 1, 1, 8, 4),
    ("0602", "违法建设", "department", "ZFZD", "d", 1, 1, 10, 2),
    ("07", "民生服务"),
    ("0701", "低保申请", "town", "SHSW", "d", 1, 2, 15, 2),
    ("0702", "养老服务", "village", None, "d", 1, 1, 5, 1),
    ("0703", "就业帮扶", "town", "SHSW", "d", 1, 2, 10, 2),
]

DESCRIPTIONS = {
    "0101": ["巷口垃圾桶满溢三天无人清运", "村口垃圾池堆满，气味很大", "河边有人倾倒生活垃圾"],
    "0102": ["生活污水直排村前水塘", "排水沟堵塞，污水漫到路面", "养殖场污水流入农田"],
    "0103": ["村道两旁堆放建筑材料影响通行", "杂物堆放在消防通道", "旧家具堆在巷子里很久了"],
    "0201": ["村口水泥路面塌陷一个大坑", "桥面护栏松动", "雨后路基被冲坏一段"],
    "0202": ["巷子里路灯坏了一个多星期", "村道三盏路灯不亮，晚上出行不便"],
    "0203": ["通往农田的机耕路泥泞，希望硬化", "自然村进村道路还是土路"],
    "0301": ["整条街停水一天了", "自来水浑浊发黄"],
    "0302": ["片区停电，冰箱里的东西要坏了", "电线被大风刮断垂到路边"],
    "0303": ["供水管道破裂漏水", "水表井盖丢失"],
    "0401": ["邻居装修噪音到深夜", "两户因排水问题发生争吵", "邻居养狗扰民"],
    "0402": ["两户因宅基地边界发生争执", "承包地界线有争议"],
    "0403": ["老人赡养问题家庭矛盾", "夫妻矛盾需要调解"],
    "0501": ["楼道堆放电动车充电，存在火灾隐患", "仓库内电线老化", "山边有人烧荒"],
    "0502": ["老屋墙体开裂有倒塌风险", "危旧土坯房仍有人居住"],
    "0503": ["后山出现裂缝，担心滑坡", "雨后路边山体有落石"],
    "0601": ["夜里有陌生人在村里徘徊", "有人在村口聚众赌博"],
    "0602": ["有人在农田上违规建房", "河道边私搭乱建"],
    "0701": ["家里老人生病，想申请低保", "残疾人家庭生活困难，咨询救助"],
    "0702": ["独居老人需要上门照料", "希望村里开设长者饭堂"],
    "0703": ["返乡青年想找工作", "脱贫户希望参加技能培训"],
}
# The place in the reporter's words (Case.place): what a handler looks for on arrival.
PLACES = ["{village}{group}组{house}号门前", "{village}村委会旁小卖部", "{village}村口大榕树下", "{village}祠堂前空地",
          "{village}小学门口", "{village}文化室旁篮球场", "{group}组鱼塘边", "卫生站对面", "进村路第二个弯道旁",
          "{group}组{house}号屋后", "菜市场东侧路口", "{group}组晒谷场"]
RATINGS = [("satisfied", 80), ("basic", 15), ("dissatisfied", 5)]
# Most problems are small ones that end in the grid (小事不出格); few need the town or a department.
LEVEL_WEIGHTS = {"grid": 8, "village": 3, "town": 1, "department": 1}
PASSWORD_UNUSABLE = None


def _town(town: Region | None = None) -> Region:
    town = town or Region.objects.filter(code=TOWN_CODE).first() or Region.objects.filter(level=2).order_by(
        "code").first()
    if town is None:
        raise CaseError(_("Load the org demo first: there is no town."), status=400)
    return town


def load_holidays() -> int:
    """The 2026 calendar rows (adds what is missing). Returns how many rows were added."""
    added = 0
    rows = []
    for first, last, name in HOLIDAYS_2026:
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            rows.append((day, False, name))
            day += datetime.timedelta(days=1)
    rows += [(datetime.date.fromisoformat(d), True, name) for d, name in MAKEUP_WORKDAYS_2026]
    known = set(Holiday.objects.values_list("date", flat=True))
    for day, is_workday, name in rows:
        if day not in known:
            actions.do_set_holiday(None, day, is_workday, name)
            added += 1
    return added


def _unit_code(town: Region, suffix: str) -> str:
    return f"{town.code}-{suffix}"


@transaction.atomic
def load_config(town: Region | None = None) -> dict:
    """Holidays, the town's units (a committee per village) and the category set; adds what is missing."""
    town = _town(town)
    with acting_as(None):
        holidays = load_holidays()
        units = 0
        for suffix, name, kind in TOWN_UNITS:
            if not Unit.objects.filter(code=_unit_code(town, suffix)).exists():
                actions.do_create_unit(None, _unit_code(town, suffix), f"{town.name}{name}", kind, town)
                units += 1
        for village in Region.objects.filter(parent=town).order_by("code"):
            code = f"{village.code}-CWH"
            if not Unit.objects.filter(code=code).exists():
                suffix = "居委会" if village.kind == Region.Kind.COMMUNITY else "村委会"
                actions.do_create_unit(None, code, f"{village.name.rstrip('村社区')}{suffix}", "village", village)
                units += 1
        categories = 0
        parents = {}
        for row in CATEGORIES:
            existing = Category.objects.filter(code=row[0]).first()
            if existing is not None:
                parents[row[0]] = existing
                continue
            if len(row) == 2:
                parents[row[0]] = actions.do_create_category(None, row[0], row[1])
            else:
                code, name, level, unit_suffix, unit, *limits = row
                default_unit = Unit.objects.filter(code=_unit_code(town, unit_suffix)).first() if unit_suffix else None
                actions.do_create_category(
                    None, code, name, parent=parents[code[:2]], handling_level=level, default_unit=default_unit,
                    limit_unit=unit, accept_limit=limits[0], dispatch_limit=limits[1], handle_limit=limits[2],
                    verify_limit=limits[3])
            categories += 1
    return {"holidays": holidays, "units": units, "categories": categories}


# --- cases ------------------------------------------------------------------------------------------

class _Cast:
    """The accounts that act in the demo's timelines, created on first use."""

    def __init__(self, town: Region):
        self.town = town
        self.users: dict[str, User] = {}

    def _get_or_create(self, username: str, role: str, code: str, person: Person | None = None,
                       full_name: str = "") -> User:
        if username in self.users:
            return self.users[username]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = do_create_user(None, username, role, code, password=PASSWORD_UNUSABLE,
                                  person=person if role in ("party_member", "resident") else None)
            extra = {}
            if person is not None and role not in ("party_member", "resident"):
                extra["person"] = person
            if full_name:
                extra["first_name"] = full_name
            if extra:
                User.objects.filter(pk=user.pk).update(**extra)
                user.refresh_from_db()
        self.users[username] = user
        return user

    def grid_worker(self, grid: Grid) -> User:
        existing = User.objects.filter(role="grid_worker", scope_path=grid.path, is_active=True).order_by("pk").first()
        if existing is not None:
            return self.users.setdefault(existing.username, existing)
        post = Post.objects.filter(grid=grid, kind__startswith="grid_worker").select_related("person").order_by(
            "pk").first()
        person = post.person if post and not hasattr(post.person, "account") else None
        return self._get_or_create(f"gw{grid.code}", "grid_worker", grid.code, person=person,
                                   full_name=person.name if person else "")

    def secretary(self, village: Region) -> User:
        existing = User.objects.filter(role="village_secretary", scope_path=village.path,
                                       is_active=True).order_by("pk").first()
        if existing is not None:
            return self.users.setdefault(existing.username, existing)
        return self._get_or_create(f"vs{village.code}", "village_secretary", village.code,
                                   full_name=f"{village.name}书记")

    def town_admin(self) -> User:
        existing = User.objects.filter(role="town_admin", scope_path=self.town.path, is_active=True).order_by(
            "pk").first()
        if existing is not None:
            return self.users.setdefault(existing.username, existing)
        return self._get_or_create(f"ta{self.town.code}", "town_admin", self.town.code, full_name=f"{self.town.name}")

    def unit_member(self, unit: Unit) -> User:
        member = unit.members.filter(is_active=True).order_by("pk").first()
        if member is not None:
            return member
        if unit.kind == Unit.Kind.VILLAGE:
            user = self.secretary(unit.region)
        elif unit.code.endswith("-ZZZX") and User.objects.filter(username="department").exists():
            user = User.objects.get(username="department")
        else:
            user = self._get_or_create(f"dp{unit.code.replace('-', '').lower()}", "department", self.town.code,
                                       full_name=unit.name)
        unit.members.add(user)
        return user

    def pool_member(self, village: Region) -> User | None:
        existing = User.objects.filter(role="party_member", scope_path__startswith=village.path,
                                       is_active=True).order_by("pk").first()
        if existing is not None:
            return self.users.setdefault(existing.username, existing)
        person = (Person.objects.filter(path__startswith=village.path, is_party_member=True, account__isnull=True)
                  .order_by("pk").first())
        if person is None:
            return None
        return self._get_or_create(f"pm{village.code}", "party_member", person.grid.code, person=person)


def _assessor(cast: _Cast, case: Case) -> User:
    if case.level == Level.GRID:
        return cast.grid_worker(case.grid)
    if case.level == Level.VILLAGE:
        return cast.secretary(case.grid.region)
    return cast.town_admin()


def _handler_unit(town: Region, case: Case) -> Unit:
    if case.level == Level.VILLAGE:
        return Unit.objects.get(code=f"{case.grid.region.code}-CWH")
    default = case.category.default_unit
    wanted = Unit.Kind.TOWN if case.level == Level.TOWN else Unit.Kind.DEPARTMENT
    if default is not None and default.kind == wanted:
        return default
    return Unit.objects.get(code=_unit_code(town, "DZB" if case.level == Level.TOWN else "ZZZX"))


class _Places:
    """A place in words for most demo cases (some reporters leave it out), from a generator of its own
    seeded like the cases: drawing from the cases' generator would change every case a seed gives. The
    village names come with the grids, so a place costs no query."""

    def __init__(self, seed: int, grids: list[Grid]):
        self.rng = random.Random(f"{seed}:place")
        self.village = {g.pk: g.region.name for g in grids}

    def __call__(self, grid: Grid) -> str:
        if self.rng.random() < 0.15:
            return ""
        return self.rng.choice(PLACES).format(village=self.village.get(grid.pk, ""), group=self.rng.randint(1, 12),
                                              house=self.rng.randint(1, 60))


class _Player:
    """Plays one case's life forward in working time, stopping at `now`."""

    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng = rng
        self.now = now
        self.cal = calendar.current()

    def later(self, t: datetime.datetime, case: Case, late: bool = False) -> datetime.datetime | None:
        """A moment some share of the current step's time after t (past its deadline when `late`), or
        None if that is after now."""
        limit = max(self.cal.seconds_between(case.step_started_at or t, case.deadline), 1800) if case.deadline else 3600
        share = self.rng.uniform(1.1, 1.8) if late else self.rng.uniform(0.05, 0.45)
        moment = self.cal.add_seconds(t, limit * share)
        return moment if moment <= self.now else None

    def act(self, t, func, *args, **kwargs):
        with calendar.replaying_at(t):
            return func(*args, **kwargs)


def build_cases(now: datetime.datetime | None = None, seed: int = DEFAULT_SEED, count: int = 300,
                days: int = 60, town: Region | None = None) -> dict:
    """`count` cases reported over the `days` before `now` in the town's small grids, each played
    through the real actions. Returns counts by state."""
    now = now or timezone.now()
    town = _town(town)
    rng = random.Random(seed)
    grids = list(Grid.objects.filter(level=Grid.Level.SMALL, path__startswith=town.path).select_related("region")
                 .order_by("code"))
    subcategories = list(Category.objects.filter(level=2, is_active=True).order_by("code"))
    if not grids or not subcategories:
        raise CaseError(_("Load the org demo and the case configuration first."), status=400)
    cast = _Cast(town)
    player = _Player(rng, now)
    places = _Places(seed, grids)
    start = now - datetime.timedelta(days=days)
    moments = sorted(start + datetime.timedelta(seconds=rng.uniform(0, days * 86400)) for _i in range(count))
    with acting_as(None):
        for moment in moments:
            with transaction.atomic():
                _play(rng, player, cast, town, grids, subcategories, moment, places)
        actions.mark_clocks(now)
        actions.auto_close_unrated(now)
    states = {s: 0 for s in State.values}
    for state in Case.objects.filter(path__startswith=town.path).values_list("state", flat=True):
        states[state] += 1
    return states


def _point_in(rng: random.Random, grid: Grid) -> tuple[float | None, float | None]:
    if grid.min_lat is None:
        return None, None
    return (round(rng.uniform(grid.min_lat, grid.max_lat), 6), round(rng.uniform(grid.min_lng, grid.max_lng), 6))


def _near_in_grid(case: Case) -> tuple[float, float]:
    """A point about 20 m from the case that routes to the case's own grid. A point across the border would
    route the repeat report to the neighbouring grid, whose worker may not see the case to merge into."""
    for dlat, dlng in ((0.0002, -0.0002), (-0.0002, 0.0002), (0.0002, 0.0002), (-0.0002, -0.0002)):
        lat, lng = round(case.lat + dlat, 6), round(case.lng + dlng, 6)
        if geo.locate(lat, lng) == case.grid.code:
            return lat, lng
    return case.lat, case.lng


def _play(rng, player: _Player, cast: _Cast, town, grids, subcategories, moment, places: _Places) -> None:
    grid = rng.choice(grids)
    category = rng.choices(subcategories, weights=[LEVEL_WEIGHTS[c.handling_level] for c in subcategories])[0]
    lat, lng = _point_in(rng, grid)
    duplicate_of = None
    if rng.random() < 0.05:  # the same problem reported again near an open case: merged at assessment
        duplicate_of = (Case.objects.filter(path__startswith=town.path, state__in=OPEN_STATES, lat__isnull=False,
                                            created_at__gte=moment - datetime.timedelta(days=6))
                        .select_related("grid", "category").order_by("-created_at", "-pk").first())
        if duplicate_of is not None:
            grid, category = duplicate_of.grid, duplicate_of.category
            lat, lng = _near_in_grid(duplicate_of)
    worker = cast.grid_worker(grid)
    people = list(Person.objects.filter(grid=grid).order_by("pk").values_list("pk", flat=True)[:40])
    channel = rng.choices(["proxy", "patrol", "hotline"], weights=[55, 30, 15])[0]
    reporter = Person.objects.get(pk=rng.choice(people)) if people and channel != "patrol" else None
    actor = cast.town_admin() if channel == "hotline" else worker
    phone = f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}" if channel == "hotline" else ""
    case = player.act(moment, actions.do_report, actor, category, rng.choice(DESCRIPTIONS.get(category.code, ["问题"])),
                      lat=lat, lng=lng, grid=grid, channel=channel, reporter_person=reporter, reporter_phone=phone,
                      place=places(grid))
    late = rng.random() < 0.12  # this case runs late at some step
    t = moment

    def step(func, *args, who=None, late_here=False, **kwargs):
        nonlocal t, case
        nxt = player.later(t, case, late=late_here)
        if nxt is None:
            return False
        t = nxt
        case = player.act(t, func, who, case, *args, **kwargs)
        if not isinstance(case, Case):
            case = Case.objects.get(pk=case.case_id)
        return True

    if duplicate_of is not None:
        duplicate_of.refresh_from_db()
        if duplicate_of.is_open:
            step(actions.do_merge, duplicate_of, who=_assessor(cast, case), note="同一问题重复反映")
            return
    if rng.random() < 0.05:
        step(actions.do_reject, who=_assessor(cast, case), reason="不属于受理范围，已告知反映人向相关部门咨询")
        return
    target_rank = [Level.GRID, Level.VILLAGE, Level.TOWN, Level.DEPARTMENT].index(category.handling_level)
    if rng.random() < 0.25:
        target_rank = max(0, target_rank - 1)  # solved lower than usual: 小事不出格
    for _i in range(target_rank):
        if not step(actions.do_escalate, who=_assessor(cast, case), reason="超出本级处置能力，提请上级研判",
                    late_here=late and rng.random() < 0.3):
            return
    if not step(actions.do_accept, who=_assessor(cast, case),
                priority="urgent" if rng.random() < 0.1 else "normal"):
        return
    assessor = _assessor(cast, case)
    if case.level == Level.GRID:
        member = cast.pool_member(case.grid.region)
        if member is not None and rng.random() < 0.45:
            if not step(actions.do_publish, who=assessor, note="请党员认领"):
                return
            handler = member
        else:
            if not step(actions.do_dispatch, worker, who=assessor):
                return
            handler = worker
    else:
        unit = _handler_unit(town, case)
        handler = cast.unit_member(unit)
        if not step(actions.do_dispatch, unit, who=assessor):
            return
    if not step(actions.do_claim, who=handler):
        return
    if rng.random() < 0.04:
        if not step(actions.do_suspend, who=handler, reason="等待当事人返乡"):
            return
        if not step(actions.do_resume, who=handler):
            return
    if rng.random() < 0.04:
        if not step(actions.do_extend, 1, who=handler, reason="需协调多个部门", unit="d"):
            return
        approver = cast.town_admin() if case.level != Level.GRID else cast.secretary(case.grid.region)
        if not step(actions.do_approve_extension, who=approver):
            return
    rounds = 2 if rng.random() < 0.08 else 1
    for round_ in range(rounds):
        if not step(actions.do_resolve, who=handler, result="已到现场处置完毕", late_here=late):
            return
        if round_ + 1 < rounds:
            if not step(actions.do_verify, who=worker, passed=False, note="现场复核仍未彻底解决"):
                return
    if not step(actions.do_verify, who=worker, passed=True, note="现场核查已解决"):
        return
    if rng.random() < 0.75:
        rating = rng.choices([r for r, _w in RATINGS], weights=[w for _r, w in RATINGS])[0]
        step(actions.do_rate, rating, who=None, note="电话回访")
