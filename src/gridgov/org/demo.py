"""Demo data: the town 东成镇 of 新兴县 (Xinxing county, Yunfu, Guangdong), or a synthetic county.

The town follows the figures of the 2022 report on its 多网合一 grids: 1 town grid, 16 village grids, 147 small
grids, 69 grid party groups and 147 party-member central households, laid out around the town's real
location. The county (20 towns, ~300 villages, ~3000 small grids, ~1M residents) exists for benchmarks.

Everything is deterministic for a seed: names, ID numbers, phones and polygons come from one
`random.Random(seed)`, and ages are counted from a fixed reference date, never from today.
Planning (plain specs, no database) is kept apart from writing (bulk_create in batches), so the same
seed can be planned again and compared with what was written.

ID numbers are synthetic but valid GB 11643 numbers of the county (prefix 445321); phones are
synthetic 11-digit mobile numbers. No real person's data is used.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from shapely.geometry import box, mapping
from shapely.ops import unary_union
from tqdm import tqdm

from gridgov.core import audit
from gridgov.core.context import acting_as
from gridgov.core.personal import id_check_char

from . import codes, names
from .actions import do_create_user, set_geometry
from .models import Grid, Household, PartyOrg, Person, Post, Region, User

# tqdm's monitor is a thread that outlives the bar; a process with other threads does not fork,
# and the import checks a long people sheet in a forked process (org.imports.read_people_in_two).
tqdm.monitor_interval = 0

PASSWORD = "Gridgov-2026"
DEFAULT_SEED = 2022
BATCH_SIZE = 5000
# Ages and birth years are counted from the date of the source article, so the data never drifts.
REFERENCE_DATE = datetime.date(2022, 9, 25)
COUNTY_PREFIX = "445321"

COUNTY_CODE, COUNTY_NAME = "445321000000", "新兴县"
TOWN_CODE, TOWN_NAME = "445321104000", "东成镇"
# Around the real 东成镇: about 12 km east-west, 11 km north-south.
TOWN_RECT = (112.265, 22.675, 112.395, 22.785)
COUNTY_RECT = (111.95, 22.40, 112.60, 22.95)

# 东成镇's villages and communities with their small-grid counts (sum 147). The first six names are
# those of the article; the rest are plausible names of the area. Codes follow GB/T 10114:
# residents' committees (社区) 001-199, villagers' committees (村) 201-399.
TOWN_VILLAGES = [
    ("001", "古院社区", "community", 14),
    ("002", "东成社区", "community", 8),
    ("201", "碧塘村", "village", 12),
    ("202", "都斛村", "village", 13),
    ("203", "楠村", "village", 9),
    ("204", "东瑶村", "village", 11),
    ("205", "云河村", "village", 10),
    ("206", "西瑶村", "village", 8),
    ("207", "岗头村", "village", 7),
    ("208", "朗塘村", "village", 9),
    ("209", "石涌村", "village", 6),
    ("210", "罗坑村", "village", 8),
    ("211", "凤岗村", "village", 10),
    ("212", "水湄村", "village", 7),
    ("213", "竹围村", "village", 9),
    ("214", "良洞村", "village", 6),
]
TOWN_SMALL_GRIDS = 147
TOWN_PARTY_GROUPS = 69

# 新兴县's twelve real towns (东成镇 fifth, so it keeps its code 104) and eight made-up ones.
COUNTY_TOWNS = [
    "新城镇", "六祖镇", "稔村镇", "车岗镇", "东成镇", "水台镇", "簕竹镇", "太平镇", "河头镇", "天堂镇",
    "里洞镇", "大江镇", "石岗镇", "凤鸣镇", "龙山镇", "白沙镇", "金台镇", "榕塘镇", "松岭镇", "南埇镇",
]
VILLAGE_HEADS = "东西南北上下新大小石龙凤黄白金良罗竹水松榕云碧青禾田桥茶梅竹"
VILLAGE_TAILS = "塘岗坑洞围头坪湾田涌岭山口边寨圳垌"
STREETS = ["人民路", "新华街", "建设路", "文明路", "兴华路", "育才路", "和平街", "繁荣街", "中山路", "东成大道"]

SURNAMES = (
    "梁陈李黄林张冯何苏欧叶吴邓罗谭麦区钟杨刘潘卢彭曾蔡郑周莫伍关植黎朱邱余温严骆赖翁岑甘容简廖谢徐袁"
)
SURNAME_WEIGHTS = (
    9, 10, 7, 7, 4, 4, 4, 4, 3, 2, 3, 3, 3, 3, 3, 2, 1, 2, 2, 3, 2, 2, 1, 2, 1, 2, 2, 2, 2, 1, 1, 2, 2, 1,
    2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1,
)
GIVEN = {
    ("M", 0): "国华志文明荣炳棠根添福贵金水培锦耀德伯桂灿满柱胜洪兴球坤昌汉",
    ("M", 1): "伟强建军勇杰斌峰海永辉健俊振展宏庆冠标东涛超锋鹏智成新华明文",
    ("M", 2): "浩宇轩博泽嘉铭子俊睿晨皓梓豪霖熙航彦逸宸乐烨昊瀚锐祺朗煜楷骏",
    ("F", 0): "秀英珍兰桂凤彩好娣妹群玉莲金银娇带喜爱翠珠瑞梅芳琼玲容嫦婵仙",
    ("F", 1): "丽燕萍红霞娟敏静艳玲芳婷丹慧琳颖雪梅华洁莉倩美春晓秋碧惠淑冰",
    ("F", 2): "欣怡诗佩嘉梓晴雨琪彤萱妍悦可馨婧瑶思涵晓紫芊乐依语心安如宁蕾",
}
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "178",
    "182", "183", "184", "187", "188", "198", "130", "131", "132", "155", "156", "166", "175", "176",
    "185", "186", "133", "153", "173", "177", "180", "181", "189", "199",
)
# Household sizes 1..6 in rural Guangdong proportions.
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_SIZE_WEIGHTS = (8, 20, 24, 25, 14, 9)

WORKER_KINDS = ("grid_worker_full", "grid_worker_part", "grid_worker_volunteer")
DEMO_USERNAMES = ("admin", "town_admin", "secretary", "gridworker", "partymember", "resident", "department",
                  "auditor", "county_admin")  # county_admin: made by the stars demo (the county confirms star ratings)

Rect = tuple[float, float, float, float]  # west, south, east, north


class DemoError(RuntimeError):
    """The demo cannot be loaded here; the message says why and what to do."""


# --- specs: the plan, without the database -------------------------------------------------------

@dataclass(slots=True)
class PersonSpec:
    name: str
    gender: str
    birth: datetime.date
    id_number: str
    phone: str
    relation: str
    party: bool = False
    obj: Person | None = None

    @property
    def age(self) -> int:
        b = self.birth
        return REFERENCE_DATE.year - b.year - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (b.month, b.day))


@dataclass(slots=True)
class HouseholdSpec:
    number: str
    address: str
    members: list[PersonSpec]
    central: bool = False
    obj: Household | None = None


@dataclass
class GridSpec:
    code: str
    name: str
    level: int
    geometry: dict
    sizes: list[int] = field(default_factory=list)  # planned household sizes (small grids)
    households: list[HouseholdSpec] = field(default_factory=list)
    posts: list[tuple[str, PersonSpec]] = field(default_factory=list)
    obj: Grid | None = None


@dataclass
class PartyGroupSpec:
    code: str
    name: str
    grids: list[GridSpec]  # the small grids it covers; attached to the first
    leader: PersonSpec | None = None
    obj: PartyOrg | None = None


@dataclass
class VillageSpec:
    code: str
    name: str
    kind: str
    groups: list[tuple[str, str]]  # villager groups: (14-digit code, name)
    grid: GridSpec
    small: list[GridSpec]
    party_groups: list[PartyGroupSpec]
    secretary: PersonSpec | None = None
    # A few people kept after the village is written, to staff the town grid.
    kept_party: list[PersonSpec] = field(default_factory=list)
    kept_adults: list[PersonSpec] = field(default_factory=list)
    obj: Region | None = None
    branch: PartyOrg | None = None


@dataclass
class TownSpec:
    code: str
    name: str
    grid: GridSpec
    villages: list[VillageSpec]
    secretary: PersonSpec | None = None
    obj: Region | None = None
    committee: PartyOrg | None = None

    @property
    def people_planned(self) -> int:
        return sum(sum(g.sizes) for v in self.villages for g in v.small)


@dataclass
class CountySpec:
    code: str
    name: str
    towns: list[TownSpec]
    scale: str
    seed: int


# --- geometry -------------------------------------------------------------------------------------

def _round(x: float) -> float:
    return round(x, 6)


def _cuts(lo: float, hi: float, weights: list[float]) -> list[float]:
    """Boundaries from lo to hi splitting the span in proportion to weights. The ends are lo and hi
    themselves, so neighbours share the very same float and rectangles meet without gap or overlap."""
    total = sum(weights)
    out, acc = [lo], 0.0
    for w in weights[:-1]:
        acc += w
        out.append(_round(lo + (hi - lo) * acc / total))
    out.append(hi)
    return out


def tile(rng: random.Random, rect: Rect, weights: list[float], stagger: float = 0.0) -> list[Rect]:
    """Cut `rect` into len(weights) rectangles, row by row from the north-west, with areas roughly in
    proportion to `weights`. With `stagger`, each row's ends are pulled in by up to that fraction of
    the width, so the union has a ragged outline instead of being a plain rectangle."""
    west, south, east, north = rect
    n = len(weights)
    aspect = (east - west) * math.cos(math.radians((south + north) / 2)) / (north - south)
    rows = max(1, min(n, round(math.sqrt(n / aspect))))
    counts = [n // rows + (1 if i < n % rows else 0) for i in range(rows)]
    row_weights, start = [], 0
    for count in counts:
        row_weights.append(weights[start:start + count])
        start += count
    ys = _cuts(north, south, [sum(w) for w in row_weights])
    out = []
    for r, ws in enumerate(row_weights):
        row_west, row_east = west, east
        if stagger:
            row_west = _round(west + rng.uniform(0, stagger) * (east - west))
            row_east = _round(east - rng.uniform(0, stagger) * (east - west))
        xs = _cuts(row_west, row_east, ws)
        out.extend((xs[c], ys[r + 1], xs[c + 1], ys[r]) for c in range(len(ws)))
    return out


def rect_polygon(rect: Rect) -> dict:
    w, s, e, n = rect
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def union_polygon(rects: list[Rect]) -> dict:
    merged = unary_union([box(*r) for r in rects])
    return _lists(mapping(merged))


def _lists(value):
    """shapely's mapping() gives tuples; GeoJSON stored as JSON reads back as lists."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` over the weights in proportion (largest remainder), at least 1 each and never
    more than the weight itself."""
    s = sum(weights)
    exact = [total * w / s for w in weights]
    out = [min(w, max(1, math.floor(x))) for w, x in zip(weights, exact)]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - math.floor(exact[i])), i))
    while sum(out) < total:
        grew = False
        for i in order:
            if sum(out) >= total:
                break
            if out[i] < weights[i]:
                out[i] += 1
                grew = True
        if not grew:
            break
    while sum(out) > total:
        i = max(range(len(out)), key=lambda j: (out[j] - exact[j], j))
        out[i] -= 1
    return out


def chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


# --- the generator --------------------------------------------------------------------------------

class Generator:
    """Plans regions, grids, households, people and posts from one seeded random stream."""

    def __init__(self, seed: int = DEFAULT_SEED):
        self.seed = seed
        self.rng = random.Random(seed)
        self._next_seq: dict[datetime.date, int] = {}
        self._surname_cum = _cumulative(SURNAME_WEIGHTS)
        self._size_cum = _cumulative(HOUSEHOLD_SIZE_WEIGHTS)

    # plans

    def plan_town(self) -> CountySpec:
        villages = [(TOWN_CODE[:9] + suffix, name, kind, n) for suffix, name, kind, n in TOWN_VILLAGES]
        town = self._plan_town(TOWN_CODE, TOWN_NAME, TOWN_RECT, villages, TOWN_PARTY_GROUPS,
                               sizes=lambda: self._sizes_by_count(8, 12))
        return CountySpec(COUNTY_CODE, COUNTY_NAME, [town], "town", self.seed)

    def plan_county(self, towns: int = 20, villages_per_town: int = 15, grids_per_village: int = 10,
                    people_per_grid: int = 330) -> CountySpec:
        if not 1 <= towns <= len(COUNTY_TOWNS):
            raise DemoError(_("A demo county has 1 to %(max)d towns") % {"max": len(COUNTY_TOWNS)})
        weights = [self.rng.uniform(0.7, 1.3) for _i in range(towns)]
        cells = tile(self.rng, COUNTY_RECT, weights)
        out = []
        for i in range(towns):
            code = f"{COUNTY_PREFIX}{100 + i:03d}000"
            name = COUNTY_TOWNS[i]
            n_villages = max(1, round(villages_per_town * self.rng.uniform(0.85, 1.15)))
            names = self._village_names(name, n_villages)
            villages = []
            for v, vname in enumerate(names):
                suffix = "001" if v == 0 else f"{200 + v:03d}"
                n_small = max(1, round(grids_per_village * self.rng.uniform(0.7, 1.3)))
                villages.append((code[:9] + suffix, vname, "community" if v == 0 else "village", n_small))
            n_small_total = sum(v[3] for v in villages)
            party_groups = max(len(villages), round(n_small_total * TOWN_PARTY_GROUPS / TOWN_SMALL_GRIDS))
            out.append(self._plan_town(code, name, cells[i], villages, party_groups,
                                       sizes=lambda: self._sizes_by_people(people_per_grid)))
        return CountySpec(COUNTY_CODE, COUNTY_NAME, out, "county", self.seed)

    def _plan_town(self, code, name, rect, villages, party_groups, sizes) -> TownSpec:
        rng = self.rng
        weights = [n * rng.uniform(0.75, 1.35) for _c, _n, _k, n in villages]
        cells = tile(rng, rect, weights, stagger=0.08)
        groups_per_village = allocate(party_groups, [n for *_rest, n in villages])
        specs = []
        for (vcode, vname, kind, n_small), cell, n_groups in zip(villages, cells, groups_per_village):
            small_cells = tile(rng, cell, [rng.uniform(0.6, 1.5) for _i in range(n_small)])
            small = [
                GridSpec(codes.small_grid_code(vcode, k), f"{vname}第{k}网格", Grid.Level.SMALL,
                         rect_polygon(c), sizes=sizes())
                for k, c in enumerate(small_cells, 1)
            ]
            word = "居民小组" if kind == "community" else "村民小组"
            villager_groups = [(f"{vcode}{g:02d}", f"{vname}第{chinese_number(g)}{word}")
                               for g in range(1, max(2, round(n_small / 2)) + 1)]
            party = []
            for chunk in _chunks(small, n_groups):
                first, last = chunk[0].code[12:].lstrip("0"), chunk[-1].code[12:].lstrip("0")
                label = first if first == last else f"{first}-{last}"
                party.append(PartyGroupSpec(f"P{chunk[0].code}", f"{vname}第{label}网格党小组", chunk))
            vgrid = GridSpec(codes.village_grid_code(vcode), f"{vname}网格", Grid.Level.VILLAGE, rect_polygon(cell))
            specs.append(VillageSpec(vcode, vname, kind, villager_groups, vgrid, small, party))
        tgrid = GridSpec(f"{code}000", f"{name}网格", Grid.Level.TOWN, union_polygon(cells))
        return TownSpec(code, name, tgrid, specs)

    def _village_names(self, town_name: str, n: int) -> list[str]:
        names = [f"{town_name[:-1]}社区"]
        pool = [h + t + "村" for h in VILLAGE_HEADS for t in VILLAGE_TAILS]
        pool = sorted(set(pool))
        names.extend(self.rng.sample(pool, n - 1))
        return names

    def _sizes_by_count(self, lo: int, hi: int) -> list[int]:
        n = self.rng.randint(lo, hi)
        return self.rng.choices(HOUSEHOLD_SIZES, cum_weights=self._size_cum, k=n)

    def _sizes_by_people(self, people: int) -> list[int]:
        out, total = [], 0
        while total < people:
            size = self.rng.choices(HOUSEHOLD_SIZES, cum_weights=self._size_cum)[0]
            out.append(size)
            total += size
        return out

    # people

    def populate(self, town: TownSpec, village: VillageSpec) -> None:
        """Households, people, party membership and posts of one village."""
        rng = self.rng
        lane = _Lanes(rng, town.name, village)
        village_party: list[PersonSpec] = []
        village_adults: list[PersonSpec] = []
        for grid in village.small:
            lane.new_grid()
            for k, size in enumerate(grid.sizes, 1):
                grid.households.append(HouseholdSpec(f"H{grid.code}{k:03d}", lane.next_address(), self.household(size)))
            party, adults = self._staff_small_grid(grid)
            village_party.extend(party)
            village_adults.extend(adults)
        for group in village.party_groups:
            members = [p for g in group.grids for hh in g.households for p in hh.members if p.party]
            group.leader = rng.choice(members)
        prime = [p for p in village_party if 30 <= p.age <= 65] or village_party
        village.secretary = rng.choice(prime)
        workers = self._pick(village_adults, 2, exclude={id(village.secretary)}, lo=22, hi=60)
        village.grid.posts = [(Post.Kind.GRID_LEADER, village.secretary)]
        village.grid.posts += list(zip([Post.Kind.GRID_WORKER_FULL, Post.Kind.GRID_WORKER_PART], workers))
        others = [p for p in village_party if p is not village.secretary] or village_party
        village.kept_party = rng.sample(others, min(4, len(others)))
        village.kept_adults = self._pick(village_adults, 6, exclude={id(p) for p in village.kept_party}, lo=22, hi=55)

    def staff_town(self, town: TownSpec) -> None:
        """The town party secretary leads the town grid; full-time workers come from the seat village."""
        seat = town.villages[0]
        town.secretary = self.rng.choice(seat.kept_party)
        town.grid.posts = [(Post.Kind.GRID_LEADER, town.secretary)]
        workers = [p for p in seat.kept_adults if p is not town.secretary][:3] or [town.secretary]
        town.grid.posts += [(Post.Kind.GRID_WORKER_FULL, p) for p in workers]

    def _staff_small_grid(self, grid: GridSpec) -> tuple[list[PersonSpec], list[PersonSpec]]:
        """Party members (~5-8% of adults, at least a central household head and a responsible member),
        the central household, the grid leader and 2-4 workers."""
        rng = self.rng
        adults = [p for hh in grid.households for p in hh.members if p.age >= 18]
        central = rng.choice([hh for hh in grid.households if 25 <= hh.members[0].age <= 75] or grid.households)
        central.central = True
        head = central.members[0]
        head.party = True
        others = [p for p in adults if p not in central.members] or [p for p in adults if p is not head]
        responsible = rng.choice([p for p in others if p.age <= 70] or others) if others else head
        responsible.party = True
        target = max(2, round(len(adults) * rng.uniform(0.05, 0.08)))
        rest = [p for p in adults if not p.party]
        for p in rng.sample(rest, min(len(rest), max(0, target - 2))):
            p.party = True
        taken = {id(head), id(responsible)}
        n_workers = rng.randint(2, 4)
        staff = self._pick(adults, 1 + n_workers, exclude=taken, lo=20, hi=65)
        leader = staff[0] if staff else head
        workers = staff[1:] or [p for p in adults if p is not leader][:1] or [leader]
        kinds = [Post.Kind.GRID_WORKER_FULL if rng.random() < 0.7 else Post.Kind.GRID_WORKER_PART]
        kinds += [rng.choice((Post.Kind.GRID_WORKER_PART, Post.Kind.GRID_WORKER_VOLUNTEER)) for _w in workers[1:]]
        grid.posts = [(Post.Kind.GRID_LEADER, leader)]
        grid.posts += list(zip(kinds, workers))
        grid.posts += [(Post.Kind.PARTY_RESPONSIBLE, responsible), (Post.Kind.CENTRAL_HOUSEHOLD, head)]
        return [p for p in adults if p.party], adults

    def _pick(self, people: list[PersonSpec], n: int, exclude: set[int], lo: int, hi: int) -> list[PersonSpec]:
        """n distinct people, preferring working age; fewer only when the pool is that small."""
        pool = [p for p in people if id(p) not in exclude]
        prime = [p for p in pool if lo <= p.age <= hi]
        chosen = self.rng.sample(prime, min(n, len(prime)))
        if len(chosen) < n:
            ids = {id(p) for p in chosen}
            spare = [p for p in pool if id(p) not in ids]
            chosen += self.rng.sample(spare, min(n - len(chosen), len(spare)))
        return chosen

    def household(self, size: int) -> list[PersonSpec]:
        """A plausible family: head, usually a spouse, then parents, children or grandchildren."""
        rng = self.rng
        head_male = rng.random() < 0.8
        year = rng.randint(1938, 1975) if size <= 2 else rng.randint(1950, 1992)
        head_surname = self.surname()
        head = self.person(head_surname, "M" if head_male else "F", year, Person.Relation.HEAD)
        members = [head]
        family = head_surname
        if size >= 2 and rng.random() < 0.88:
            spouse_surname = self.surname()
            spouse_year = max(1935, min(2000, year + rng.randint(-3, 5) * (1 if head_male else -1)))
            members.append(self.person(spouse_surname, "F" if head_male else "M", spouse_year, Person.Relation.SPOUSE))
            if not head_male:
                family = spouse_surname
        remaining = size - len(members)
        if year >= 1976 and remaining >= 2 and rng.random() < 0.6:
            n_parents = min(remaining - 1, rng.choice((1, 2)))
            parent_year = max(1932, year - rng.randint(24, 32))
            father_surname = head_surname if head_male else self.surname()
            for gender in ("M", "F")[:n_parents]:
                surname = father_surname if gender == "M" else self.surname()
                members.append(self.person(surname, gender, parent_year + rng.randint(-2, 2), Person.Relation.PARENT))
            remaining -= n_parents
        n_children = remaining
        if year <= 1966 and remaining >= 3:
            n_children = rng.choice((1, 2))
        child_years = []
        for _i in range(n_children):
            child_year = min(REFERENCE_DATE.year - 1, year + rng.randint(22, 36))
            child_years.append(child_year)
            members.append(self.person(family, rng.choice("MF"), child_year, Person.Relation.CHILD))
        for _i in range(remaining - n_children):
            base = min(child_years)
            gc_year = min(REFERENCE_DATE.year - 1, base + rng.randint(22, 34))
            members.append(self.person(family, rng.choice("MF"), gc_year, Person.Relation.GRANDCHILD))
        return members

    def person(self, surname: str, gender: str, year: int, relation: str) -> PersonSpec:
        rng = self.rng
        birth = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        era = 0 if year < 1965 else 1 if year < 1990 else 2
        chars = GIVEN[(gender, era)]
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.85 else "")
        birth, number = self.id_number(birth, gender)
        spec = PersonSpec(surname + given, gender, birth, number, "", relation)
        age = spec.age
        if age >= 16 and (age < 75 or rng.random() < 0.5):
            spec.phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10 ** 8):08d}"
        return spec

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=self._surname_cum)[0]

    def id_number(self, birth: datetime.date, gender: str) -> tuple[datetime.date, str]:
        """The birth date and a GB 11643 number unique in this data set: one sequence counter per
        birth date, odd sequence codes for men and even for women. When a date's 500 codes are used
        up the person is born a day later, so birth date and number always agree."""
        while True:
            n = self._next_seq.get(birth)
            if n is None:
                n = self.rng.randrange(5, 150)
            if n <= 498:
                break
            birth += datetime.timedelta(days=1)
        self._next_seq[birth] = n + 1
        seq = 2 * n + (1 if gender == "M" else 0)
        body = f"{COUNTY_PREFIX}{birth:%Y%m%d}{seq:03d}"
        return birth, body + id_check_char(body)


class _Lanes:
    """Addresses like 东成镇碧塘村三巷12号; a community gets street names instead of lanes."""

    def __init__(self, rng: random.Random, town_name: str, village: VillageSpec):
        self.rng = rng
        self.prefix = f"{town_name}{village.name}"
        self.streets = village.kind == "community"
        self.lane = 0
        self.number = 0
        self.left = 0

    def new_grid(self) -> None:
        self.left = 0

    def next_address(self) -> str:
        if self.left <= 0:
            self.lane += 1
            self.number = self.rng.randint(0, 6) if self.streets else 0
            self.left = self.rng.randint(12, 30)
        self.left -= 1
        self.number += self.rng.choice((1, 1, 2)) if self.streets else 1
        if self.streets:
            street = STREETS[(self.lane - 1) % len(STREETS)]
            block = (self.lane - 1) // len(STREETS)
            return f"{self.prefix}{street}{block * 100 + self.number}号"
        return f"{self.prefix}{chinese_number(self.lane)}巷{self.number}号"


def _cumulative(weights) -> list[int]:
    out, acc = [], 0
    for w in weights:
        acc += w
        out.append(acc)
    return out


def _chunks(items: list, n: int) -> list[list]:
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


# --- writing --------------------------------------------------------------------------------------

class Writer:
    """Writes specs through bulk_create, filling every derived column (paths, sealed values, bbox)."""

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self.counts: Counter = Counter()

    def _bulk(self, model, objs: list, label: str) -> list:
        if objs:
            model.objects.bulk_create(objs, batch_size=self.batch_size)
        self.counts[label] += len(objs)
        return objs

    def county(self, plan: CountySpec) -> Region:
        county = Region(code=plan.code, name=plan.name, level=Region.Level.COUNTY, kind=Region.Kind.COUNTY,
                        path=codes.region_path(plan.code, 1))
        self._bulk(Region, [county], "regions_county")
        return county

    def tree(self, county: Region, town: TownSpec) -> None:
        town.obj = Region(code=town.code, name=town.name, level=Region.Level.TOWN, kind=Region.Kind.TOWN,
                          parent=county, path=codes.region_path(town.code, 2, county.path))
        self._bulk(Region, [town.obj], "regions_town")
        for v in town.villages:
            v.obj = Region(code=v.code, name=v.name, level=Region.Level.VILLAGE, kind=v.kind, parent=town.obj,
                           path=codes.region_path(v.code, 3, town.obj.path))
        self._bulk(Region, [v.obj for v in town.villages], "regions_village")
        self._bulk(Region, [
            Region(code=code, name=name, level=Region.Level.GROUP, kind=Region.Kind.GROUP, parent=v.obj,
                   path=codes.region_path(code, 4, v.obj.path))
            for v in town.villages for code, name in v.groups
        ], "regions_group")

        town.grid.obj = self._grid(town.grid, None, town.obj)
        self._bulk(Grid, [town.grid.obj], "grids_town")
        for v in town.villages:
            v.grid.obj = self._grid(v.grid, town.grid.obj, v.obj)
        self._bulk(Grid, [v.grid.obj for v in town.villages], "grids_village")
        for v in town.villages:
            for g in v.small:
                g.obj = self._grid(g, v.grid.obj, v.obj)
        self._bulk(Grid, [g.obj for v in town.villages for g in v.small], "grids_small")

        town.committee = PartyOrg(code=f"P{town.code}", name=f"{town.name}党委", kind=PartyOrg.Kind.COMMITTEE,
                                  region=town.obj, grid=town.grid.obj, path=town.obj.path)
        self._bulk(PartyOrg, [town.committee], "party_committees")
        for v in town.villages:
            v.branch = PartyOrg(code=f"P{v.code}", name=f"{v.name}党支部", kind=PartyOrg.Kind.BRANCH,
                                parent=town.committee, region=v.obj, grid=v.grid.obj, path=v.obj.path)
        self._bulk(PartyOrg, [v.branch for v in town.villages], "party_branches")
        for v in town.villages:
            for pg in v.party_groups:
                first = pg.grids[0].obj
                pg.obj = PartyOrg(code=pg.code, name=pg.name, kind=PartyOrg.Kind.GROUP, parent=v.branch,
                                  region=v.obj, grid=first, path=first.path)
        self._bulk(PartyOrg, [pg.obj for v in town.villages for pg in v.party_groups], "party_groups")

    @staticmethod
    def _grid(spec: GridSpec, parent: Grid | None, region: Region) -> Grid:
        grid = Grid(code=spec.code, name=spec.name, level=spec.level, parent=parent, region=region,
                    path=codes.grid_path(spec.code, spec.level, region.path))
        set_geometry(grid, spec.geometry)
        return grid

    def village(self, village: VillageSpec) -> int:
        """Households, people (sealed ID numbers and phones), heads and posts; returns people written."""
        group_of = {id(g): pg for pg in village.party_groups for g in pg.grids}
        households, people = [], []
        for g in village.small:
            party_org = group_of[id(g)].obj
            for hh in g.households:
                hh.obj = Household(number=hh.number, grid=g.obj, address=hh.address,
                                   is_party_central=hh.central, path=g.obj.path)
                households.append(hh.obj)
                for spec in hh.members:
                    person = Person(name=spec.name, gender=spec.gender, birth_date=spec.birth, household=hh.obj,
                                    relation=spec.relation, grid=g.obj, path=g.obj.path,
                                    is_party_member=spec.party, party_org=party_org if spec.party else None)
                    person.id_number = spec.id_number
                    if spec.phone:
                        person.phone = spec.phone
                    spec.obj = person
                    people.append(person)
        self._bulk(Household, households, "households")
        self._bulk(Person, people, "people")
        self.counts["party_members"] += sum(1 for p in people if p.is_party_member)
        self.counts["central_households"] += sum(1 for h in households if h.is_party_central)
        if households:
            # One statement sets every head: the bulk path's equivalent of do_create_person's update.
            head = Person.objects.filter(household=OuterRef("pk"), relation=Person.Relation.HEAD).values("pk")[:1]
            pks = [h.pk for h in households]
            Household.objects.filter(pk__gte=min(pks), pk__lte=max(pks)).update(head=Subquery(head))

        posts = []
        for g in [village.grid, *village.small]:
            posts += [Post(person=p.obj, kind=kind, grid=g.obj, path=g.obj.path) for kind, p in g.posts]
        posts.append(Post(person=village.secretary.obj, kind=Post.Kind.SECRETARY, region=village.obj,
                          party_org=village.branch, path=village.obj.path))
        posts += [Post(person=pg.leader.obj, kind=Post.Kind.GROUP_LEADER, grid=pg.obj.grid, party_org=pg.obj,
                       path=pg.obj.path) for pg in village.party_groups]
        self._bulk(Post, posts, "posts")
        return len(people)

    def town_posts(self, town: TownSpec) -> None:
        grid = town.grid.obj
        posts = [Post(person=p.obj, kind=kind, grid=grid, path=grid.path) for kind, p in town.grid.posts]
        posts.append(Post(person=town.secretary.obj, kind=Post.Kind.SECRETARY, region=town.obj,
                          party_org=town.committee, path=town.obj.path))
        self._bulk(Post, posts, "posts")


def _release(village: VillageSpec) -> None:
    """Drop a written village's households so a county never holds more than a village in memory."""
    for g in village.small:
        g.households = []
        g.posts = []
    village.grid.posts = []
    for pg in village.party_groups:
        pg.leader = None


# --- accounts ---------------------------------------------------------------------------------------

def _showcase(county: Region) -> tuple[Region, Region, Grid]:
    """The town, village and small grid the demo accounts work in: 东成镇, 碧塘村 and its first small grid
    (in a county: town 104 if present, its first village that is not a community)."""
    towns = Region.objects.filter(parent=county).order_by("code")
    town = towns.filter(code=TOWN_CODE).first() or towns.first()
    villages = Region.objects.filter(parent=town).order_by("code")
    village = villages.filter(kind=Region.Kind.VILLAGE).first() or villages.first()
    grid = Grid.objects.filter(region=village, level=Grid.Level.SMALL).order_by("code").first()
    return town, village, grid


def _create_accounts(county: Region, writer: Writer) -> list[dict]:
    town, village, grid = _showcase(county)
    in_grid = Person.objects.filter(grid=grid).order_by("pk")
    worker = in_grid.filter(posts__grid=grid, posts__kind__in=WORKER_KINDS).order_by("posts__pk").first()
    member = (in_grid.filter(posts__grid=grid, posts__kind=Post.Kind.PARTY_RESPONSIBLE).exclude(pk=worker.pk).first()
              or in_grid.filter(is_party_member=True).exclude(pk=worker.pk).first())
    plain = in_grid.exclude(pk__in=[worker.pk, member.pk])
    resident = (plain.filter(is_party_member=False, posts__isnull=True, relation=Person.Relation.HEAD).first()
                or plain.filter(is_party_member=False).first() or plain.first())
    wanted = [
        ("admin", "town_admin", county, None),
        ("town_admin", "town_admin", town, None),
        ("secretary", "village_secretary", village, None),
        ("gridworker", "grid_worker", grid, worker),
        ("partymember", "party_member", grid, member),
        ("resident", "resident", grid, resident),
        ("department", "department", town, None),
        ("auditor", "auditor", town, None),  # reads the town's audit log, changes nothing (issue 17)
    ]
    out = []
    for username, role, node, person in wanted:
        if User.objects.filter(username=username).exists():
            # An account someone already made (e.g. createsuperuser admin) is left as it is.
            out.append({"username": username, "created": False})
            continue
        user = do_create_user(None, username, role, node.code, password=PASSWORD, person=person)
        extra = {}
        if username == "admin":
            extra = {"is_superuser": True, "is_staff": True, "first_name": "系统管理员"}
        elif username == "gridworker":
            # do_create_user ties only resident and party-member accounts to a person; the demo's grid
            # worker is also a person of the registry, so the link is set here.
            extra = {"person": person}
        elif username == "secretary":
            # The account of the village's party secretary, so pages name the person, not "secretary".
            holder = Post.objects.filter(kind=Post.Kind.SECRETARY, region=village).select_related("person").first()
            extra = {"person": holder.person} if holder else {"first_name": f"{village.name}书记"}
        elif username == "town_admin":
            extra = {"first_name": f"{town.name}党建办"}
        elif username == "department":
            extra = {"first_name": f"{town.name}综治中心"}
        elif username == "auditor":
            extra = {"first_name": f"{town.name}审计员"}
        if extra:
            before = audit.snapshot(user)
            User.objects.filter(pk=user.pk).update(**extra)
            user.refresh_from_db()
            audit.record("user.update", user, *audit.diff(before, audit.snapshot(user)))
        out.append({"username": username, "created": True})
        writer.counts["accounts"] += 1
    return out


def account_rows() -> list[dict]:
    """The demo accounts as they stand in the database, for the table `gridgov demo` prints."""
    rows = []
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)
             .select_related("scope_region", "scope_grid", "person")}
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        node = user.scope_node
        rows.append({
            "username": username,
            "role": "superuser" if user.is_superuser else user.role,
            # As pages name it: the county's account is the county administrator, not a town's.
            "post": names.post_label(user),
            "scope_code": node.code if node else "",
            "scope_name": node.name if node else "",
            "person": names.display_name(user),
        })
    return rows


# --- the entry point --------------------------------------------------------------------------------

def build(scale: str = "town", seed: int = DEFAULT_SEED, progress: bool = True, *, towns: int = 20,
          villages_per_town: int = 15, grids_per_village: int = 10, people_per_grid: int = 330) -> dict:
    """Load the demo into an empty database and return counts. The town is one transaction; a county
    commits town by town so memory and lock time stay bounded. Keyword parameters shape the county."""
    if scale not in ("town", "county"):
        raise DemoError(_("Unknown scale %(scale)s; choose town or county") % {"scale": scale})
    if Region.objects.exists():
        raise DemoError(_(
            "The database already holds regions. The demo loads only into an empty database: "
            "point GRIDGOV_VAR_DIR or DATABASE_URL at a fresh one, run `gridgov migrate`, then `gridgov demo`."
        ))
    started = time.monotonic()
    gen = Generator(seed)
    if scale == "town":
        plan = gen.plan_town()
    else:
        plan = gen.plan_county(towns=towns, villages_per_town=villages_per_town,
                               grids_per_village=grids_per_village, people_per_grid=people_per_grid)
    writer = Writer()
    total = sum(t.people_planned for t in plan.towns)
    with acting_as(None), tqdm(total=total, unit=" people", disable=not progress, desc=plan.name) as bar:
        with transaction.atomic() if scale == "town" else contextlib.nullcontext():
            with transaction.atomic():
                county = writer.county(plan)
            for town in plan.towns:
                with transaction.atomic():
                    bar.set_description(town.name)
                    writer.tree(county, town)
                    for village in town.villages:
                        gen.populate(town, village)
                        bar.update(writer.village(village))
                        _release(village)
                    gen.staff_town(town)
                    writer.town_posts(town)
            with transaction.atomic():
                accounts = _create_accounts(county, writer)
                summary = _summary(plan, writer, accounts, time.monotonic() - started)
                audit.record("demo.load", county, None, summary)
    return summary


def _summary(plan: CountySpec, writer: Writer, accounts: list[dict], seconds: float) -> dict:
    c = writer.counts
    return {
        "scale": plan.scale,
        "seed": plan.seed,
        "regions": {"county": c["regions_county"], "town": c["regions_town"], "village": c["regions_village"],
                    "group": c["regions_group"]},
        "grids": {"1": c["grids_town"], "2": c["grids_village"], "3": c["grids_small"]},
        "party_orgs": {"committee": c["party_committees"], "branch": c["party_branches"],
                       "group": c["party_groups"]},
        "households": c["households"],
        "people": c["people"],
        "party_members": c["party_members"],
        "central_households": c["central_households"],
        "posts": c["posts"],
        "accounts": [a["username"] for a in accounts if a["created"]],
        "accounts_kept": [a["username"] for a in accounts if not a["created"]],
        "seconds": round(seconds, 1),
    }
