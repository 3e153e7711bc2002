"""The demo's honours (see gridgov/demo.py), built from the reference moment `now` so they read the same
whatever day the demo is loaded on, including 1 January and 31 December.

Last year: the town's three campaigns (星级文明户, 美丽庭院, 党员示范户) named in November, at about the
shares of 古店镇 (119 starred, 120 courtyards and 60-odd party-member model households of some three
thousand households: about 4 %, 4 % and 2 %), written in bulk with one audit row. This year: the same
three campaigns under way in the demo grid worker's grid, driven through the real actions at moments
before `now`: entries submitted, inspected, approved, rejected, under public notice (one with an open
objection), past the notice with the objection answered, named, and one revoked."""

import datetime
import random
import time

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.org.models import Household, Person, Region, User

from . import actions
from .models import (
    BUILT_IN,
    COURTYARD,
    PARTY_MODEL,
    STARRED,
    Campaign,
    Entry,
    HonourKind,
)

SHARES = {STARRED: 0.04, COURTYARD: 0.04, PARTY_MODEL: 0.02}
STAR_WEIGHTS = [(5, 0.15), (4, 0.35), (3, 0.35), (2, 0.1), (1, 0.05)]
THRESHOLDS = [60, 70, 80, 90, 95]
SHEETS = {
    STARRED: [{"name": "爱国守法", "max": 20}, {"name": "诚信友善", "max": 20}, {"name": "孝老爱亲", "max": 20},
              {"name": "移风易俗", "max": 20}, {"name": "环境卫生", "max": 20}],
    COURTYARD: [{"name": "庭院整洁", "max": 40}, {"name": "绿化美化", "max": 30}, {"name": "垃圾分类", "max": 30}],
    PARTY_MODEL: [{"name": "政治坚定", "max": 30}, {"name": "带头致富", "max": 30}, {"name": "热心公益", "max": 40}],
}
OBJECTIONS = ["门前堆放杂物，不够整洁", "去年有邻里纠纷未化解"]
ANSWERS = ["经入户核实，杂物已清理", "经核实纠纷已调解，不影响评选"]


def _at(day: datetime.date, hour: int, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=tz)


def _scores(rng: random.Random, sheet: list[dict], at_least: int) -> dict:
    """Scores per criterion adding up to at least `at_least` (when the sheet allows)."""
    total_max = sum(c["max"] for c in sheet)
    share = min(1.0, max(at_least, 0) / total_max)
    out = {}
    for c in sheet:
        out[c["name"]] = min(c["max"], max(0, round(c["max"] * rng.uniform(share, min(1.0, share + 0.06)) + 0.49)))
    return out


def build(now, seed: int) -> str:
    started = time.monotonic()
    rng = random.Random(seed)
    town = Region.objects.filter(level=Region.Level.TOWN, name="东成镇").first() or \
        Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None or Campaign.objects.filter(path=town.path).exists():
        return ""
    tz = now.tzinfo
    today = timezone.localdate(now)
    admin = User.objects.filter(username="town_admin", role="town_admin", is_active=True).first()
    last = today.year - 1
    named = _last_year(rng, town, last, tz, admin)
    entries = _this_year(rng, town, now, admin)
    return _("Loaded %(named)d honours named in %(last)d and %(entries)d entries of %(this)d's campaigns, in "
             "%(seconds).1f s.") % {"named": named, "last": last, "entries": entries, "this": today.year,
                                     "seconds": time.monotonic() - started}


def _last_year(rng: random.Random, town: Region, year: int, tz, admin) -> int:
    """Last year's three campaigns, named on 20 November after a week's notice from the 10th."""
    with clock.replaying_at(_at(datetime.date(year, 3, 1), 9, tz)):
        actions.ensure_kinds(town, admin)
        campaigns = {code: Campaign.objects.create(
            kind=HonourKind.objects.get(town=town, code=code), year=year, criteria=SHEETS[code],
            thresholds=THRESHOLDS if code == STARRED else [], path=town.path, created_at=clock.now())
            for code in BUILT_IN}
    houses = list(Household.objects.filter(path__startswith=town.path, head__isnull=False).order_by("path", "number")
                  .values_list("pk", "path"))
    party = set(Household.objects.filter(path__startswith=town.path).filter(
        Exists(Person.objects.filter(household=OuterRef("pk"), is_party_member=True))).values_list("pk", flat=True))
    published, notice_ends = datetime.date(year, 11, 10), datetime.date(year, 11, 17)
    named_at = _at(datetime.date(year, 11, 20), 10, tz)
    rows = []
    from gridgov.cases.models import village_path

    for code, share in SHARES.items():
        pool = [h for h in houses if h[0] in party] if code == PARTY_MODEL else houses
        chosen = rng.sample(pool, min(len(pool), max(1, round(len(houses) * share)))) if pool else []
        campaign = campaigns[code]
        for pk, path in chosen:
            stars = rng.choices([s for s, _w in STAR_WEIGHTS], [w for _s, w in STAR_WEIGHTS])[0] \
                if code == STARRED else None
            need = THRESHOLDS[stars - 1] if stars else 75
            scores = _scores(rng, SHEETS[code], need)
            total = sum(scores.values())
            rows.append(Entry(
                campaign=campaign, kind=campaign.kind, year=year, household_id=pk, path=path,
                village_path=village_path(path), origin=rng.choice([Entry.Origin.APPLIED, Entry.Origin.NOMINATED]),
                state=Entry.State.NAMED, scores=scores, total=total,
                stars=campaign.stars_for(total) if code == STARRED else None,
                created_at=_at(datetime.date(year, 4, 1), 9, tz), inspected_at=_at(datetime.date(year, 9, 1), 10, tz),
                reviewed_at=_at(datetime.date(year, 10, 15), 15, tz), published_on=published,
                notice_ends=notice_ends, named_at=named_at))
    Entry.objects.bulk_create(rows, batch_size=1000)
    audit.record("honour.demo", town, None, {"year": year, "named": len(rows)})
    return len(rows)


def _this_year(rng: random.Random, town: Region, now: datetime.datetime, admin) -> int:
    """This year's campaigns under way in the demo grid worker's grid, through the real actions."""
    worker = User.objects.filter(username="gridworker", role="grid_worker", is_active=True).select_related(
        "scope_grid").first()
    secretary = User.objects.filter(username="secretary", role="village_secretary", is_active=True).first()
    resident = User.objects.filter(username="resident", role="resident", is_active=True).select_related(
        "person").first()
    if admin is None or worker is None or secretary is None or not worker.scope_path:
        return 0
    year = timezone.localdate(now).year
    day = datetime.timedelta(days=1)
    hour = datetime.timedelta(hours=1)

    def at(days_before: float):
        return now - days_before * day

    campaigns = {}
    with clock.replaying_at(at(60)):
        for code in BUILT_IN:
            campaigns[code] = actions.do_create_campaign(admin, year, code, SHEETS[code],
                                                         THRESHOLDS if code == STARRED else [], 7, town=town)
    houses = list(Household.objects.filter(path__startswith=worker.scope_path, head__isnull=False)
                  .order_by("number"))
    own = resident.person.household if resident is not None and resident.person_id else None
    if own is not None and own in houses:
        houses.remove(own)
    # The story of each state (steps with how many days before `now` each was taken).
    plans = ["submitted", "inspected", "approved", "rejected", "notice", "notice_objection", "ready", "named",
             "revoked"]
    entries = 0
    slots = [(code, h) for h in houses for code in (STARRED, COURTYARD)]
    for plan, (code, house) in zip(plans, slots):
        _story(rng, plan, campaigns[code], house, worker, secretary, admin, at)
        entries += 1
    if own is not None:  # the demo resident applied for their household's courtyard, and waits for the worker
        with clock.replaying_at(at(3) - 2 * hour):
            actions.do_enter(resident, campaigns[COURTYARD], household=own)
        entries += 1
    return entries


def _story(rng, plan, campaign, house, worker, secretary, admin, at):
    code = campaign.kind.code
    need = {"rejected": 40}.get(plan, 85 if code == STARRED else 80)
    steps = {"submitted": 1, "inspected": 2, "approved": 3, "rejected": 3, "notice": 4, "notice_objection": 4,
             "ready": 4, "named": 5, "revoked": 6}[plan]
    # When: published ones 2 days ago (in notice) or 12 days ago (notice over); the rest in the last weeks.
    published = {"notice": 2, "notice_objection": 3, "ready": 12, "named": 20, "revoked": 25}.get(plan)
    start = (published or 4) + 10
    with clock.replaying_at(at(start)):
        entry = actions.do_enter(worker, campaign, household=house)
    if steps >= 2:
        with clock.replaying_at(at(start - 3)):
            actions.do_inspect(worker, entry, _scores(rng, campaign.criteria, need), "入户查看，记录如实")
    if steps >= 3:
        with clock.replaying_at(at(start - 6)):
            actions.do_review(secretary, entry, plan != "rejected", "总分不达标" if plan == "rejected" else "")
    if steps >= 4:
        with clock.replaying_at(at(published)):
            actions.do_publish(admin, entry)
        if plan in ("notice_objection", "ready"):
            objector = User.objects.filter(username="partymember", is_active=True).first() or secretary
            with clock.replaying_at(at(published - 1)):
                objection = actions.do_object(objector, entry, rng.choice(OBJECTIONS))
            if plan == "ready":
                with clock.replaying_at(at(published - 2)):
                    actions.do_answer(secretary, entry, objection, rng.choice(ANSWERS))
    if steps >= 5:
        with clock.replaying_at(at(published - 8)):
            actions.do_name(admin, entry)
    if steps >= 6:
        with clock.replaying_at(at(published - 15)):
            actions.do_revoke(admin, entry, "经群众反映核实存在违规搭建，撤销称号")
