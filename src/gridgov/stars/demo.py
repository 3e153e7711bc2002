"""The five-star demo: the Chinese scheme of defaults.py for the current year in the demo town, last
quarter's assessments of every village taken to the end (命名) for trends and the ranking, and this
quarter's at every step of the process (draft, self-assessed, reviewed, confirmed, in publicity with an
objection, named), with rewards and penalties, a veto, collective incomes after 古店镇's 2021 spread and
mentor pairs. Every step goes through the real actions, so the ledger and the audit log are as in use.
Deterministic: the same seed gives the same figures."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.org.actions import do_create_user
from gridgov.org.models import Person, Region, User

from . import actions, queries, scoring
from .defaults import scheme_spec
from .models import Assessment, Indicator, Method, Scheme, State, VetoItem

SEED = 2026
TOWN_CODE = "445321104000"
COUNTY_ADMIN = "county_admin"
# 古店镇 in 2021: of 10 villages, 5 had 10-20万, 2 had 20-50万 and 3 over 50万 of collective income.
INCOME_RANGES = [(100_000, 200_000)] * 5 + [(200_000, 500_000)] * 2 + [(500_000, 900_000)] * 3
CURRENT_STEPS = ["draft", "submitted", "reviewed", "confirmed", "published", "named"]


def _town() -> Region | None:
    return (Region.objects.filter(code=TOWN_CODE).first()
            or Region.objects.filter(level=Region.Level.TOWN).order_by("code").first())


def _secretary(village: Region) -> User:
    existing = User.objects.filter(role="village_secretary", scope_path=village.path, is_active=True).order_by("pk").first()
    if existing is not None:
        return existing
    user = do_create_user(None, f"vs{village.code}", "village_secretary", village.code, password=None)
    User.objects.filter(pk=user.pk).update(first_name=f"{village.name}书记")
    return user


def _town_admin(town: Region) -> User:
    existing = User.objects.filter(role="town_admin", scope_path=town.path, is_active=True).order_by("pk").first()
    return existing or do_create_user(None, f"ta{town.code}", "town_admin", town.code, password=None)


def _county_admin(town: Region) -> User:
    from gridgov.org.demo import PASSWORD

    existing = User.objects.filter(username=COUNTY_ADMIN).first()
    if existing is not None:
        return existing
    user = do_create_user(None, COUNTY_ADMIN, "town_admin", town.parent.code, password=PASSWORD)
    User.objects.filter(pk=user.pk).update(first_name=f"{town.parent.name}委组织部")
    user.refresh_from_db()
    return user


def _objector(village: Region) -> User:
    username = f"rs{village.code}"
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    person = (Person.objects.filter(path__startswith=village.path, account__isnull=True, is_party_member=False)
              .order_by("pk").first())
    if person is None:
        return _secretary(village)
    return do_create_user(None, username, "resident", person.grid.code, person=person, password=None)


def _scheme(town: Region, year: int) -> Scheme:
    return Scheme.objects.filter(town=town, year=year).first() or actions.do_create_scheme(
        None, town, year, f"{town.name}{year}年“五星”支部创建方案", scheme_spec())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _half(value: float) -> Decimal:
    return Decimal(round(value * 2) / 2).quantize(Decimal("0.01"))


class _Play:
    def __init__(self, town: Region, rng: random.Random):
        self.town, self.rng = town, rng
        self.admin = _town_admin(town)
        self.county = _county_admin(town)
        # How strong each village is, the same in every quarter so trends look like a town's.
        self.quality: dict[int, float] = {}

    def strength(self, village: Region) -> float:
        return self.quality.setdefault(village.pk, self.rng.uniform(0.55, 1.0))

    def self_assess(self, a: Assessment, secretary: User) -> None:
        q = self.strength(a.village)
        scores = {}
        for s in a.scores.select_related("indicator"):
            if s.indicator.method == Method.MANUAL:
                points = min(float(s.indicator.max_points), float(s.indicator.max_points) * q * self.rng.uniform(0.9, 1.15))
                scores[s.indicator_id] = (_half(points), self.rng.choice([
                    "会议记录、签到表和照片已归档", "台账及现场照片", "镇专班实地查看记录", "村务公开栏照片"]))
        actions.do_self_assess(secretary, a, scores)

    def records(self, a: Assessment, index: int) -> None:
        """Rewards and penalties of the quarter, and one veto."""
        dynamic = {i.code: i for i in Indicator.objects.filter(star__scheme=a.scheme, method=Method.DYNAMIC)}
        if index % 3 == 0:
            actions.do_add_entry(self.admin, a, dynamic["branch.vanguard"], 1, "党员带头参与防汛抢险，镇党委通报表扬",
                                 "镇党委表扬通报")
        if index % 4 == 1:
            actions.do_add_entry(self.admin, a, dynamic["ecology.inspection"], -1, "人居环境督查发现坑塘垃圾未清理",
                                 "督查照片3张")
        if index % 5 == 2:
            actions.do_add_entry(self.admin, a, dynamic["safety.peace"], 1.5, "成功调解一起土地纠纷，未发生越级上访",
                                 "调解协议书")
        if index == 7:
            item = VetoItem.objects.get(star__scheme=a.scheme, code="safety.petition")
            actions.do_flag_veto(self.admin, a, item, "本季度发生一起越级上访，造成不良影响")

    def advance(self, a: Assessment, target: str, index: int, times: dict[str, datetime.datetime]) -> Assessment:
        """Takes the assessment to `target`, each step at its moment in `times` (submit, review, confirm,
        publish, name), so the ledger reads in order and nothing happens after the demo's reference time."""
        order = CURRENT_STEPS
        if order.index(target) >= 1:
            with clock.replaying_at(times["submit"]):
                secretary = _secretary(a.village)
                self.self_assess(a, secretary)
                a.refresh_from_db()
                nominated = [code for code, f in a.figures["stars"].items() if f["earned"]]
                a = actions.do_submit(secretary, a, nominated)
        if order.index(target) >= 2:
            adjustments = []
            if index % 2 == 0:
                score = (a.scores.filter(indicator__method=Method.MANUAL, points__gte=2)
                         .select_related("indicator").order_by("indicator__code").first())
                if score is not None:
                    adjustments.append({"indicator": score.indicator_id, "points": score.points - 1,
                                        "reason": "佐证材料不全，按细则扣1分"})
            with clock.replaying_at(times["review"]):
                a = actions.do_review(self.admin, a, adjustments, note="镇创建专班已逐项核查台账")
        if order.index(target) >= 3:
            with clock.replaying_at(times["confirm"]):
                a = actions.do_confirm(self.county, a, note="县委组织部复核")
        if order.index(target) >= 4:
            a = actions.do_publish(self.admin, a, now=times["publish"])
        if order.index(target) >= 5:
            a = actions.do_name(self.admin, a, now=a.publicity_until + datetime.timedelta(hours=1))
        return a


def _schedule(publish: datetime.datetime, start: datetime.datetime) -> dict[str, datetime.datetime]:
    """The moments of a quarter's steps: submission, review and confirmation spread between `start` and
    the publication."""
    span = max(publish - start, datetime.timedelta(hours=4))
    return {"submit": publish - span * 3 / 4, "review": publish - span / 2, "confirm": publish - span / 4,
            "publish": publish}


def build(seed: int = SEED, now: datetime.datetime | None = None) -> str:
    town = _town()
    if town is None or town.parent is None:
        return ""
    now = now or timezone.now()
    today = timezone.localdate(now)
    current = scoring.period_of(today)
    last = scoring.previous_period(current)
    if Scheme.objects.filter(town=town, year=today.year).exists():
        return _("Five-star branches: the demo scheme of %(year)s is already loaded.") % {"year": today.year}
    rng = random.Random(seed)
    play = _Play(town, rng)
    villages = list(Region.objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("code"))
    incomes = list(INCOME_RANGES)
    for i, village in enumerate(villages):
        lo, hi = incomes[i % len(incomes)]
        for year in sorted({int(last[:4]), today.year}):
            amount = rng.randrange(lo, hi, 1000)
            actions.do_set_income(None, village, year, amount, f"{year}年度村集体经济收入审计报告（镇经管站）")

    # Last quarter: every village to the end, published a week after the quarter ended, or earlier when
    # the reference day comes sooner: its naming (after the publicity days) must not lie in the future.
    last_scheme = _scheme(town, int(last[:4]))
    first_day, last_day = scoring.period_bounds(last)
    last_start, last_end = _start_of(first_day), _start_of(last_day + datetime.timedelta(days=1))
    publicity = datetime.timedelta(days=last_scheme.publicity_days, hours=2)
    published = min(last_end + datetime.timedelta(days=7, hours=9), now - publicity)
    last_times = _schedule(published, max(last_end - datetime.timedelta(days=10), last_start))
    with clock.replaying_at(last_start):
        opened_last = actions.do_open_quarter(None, last_scheme, last)
    for i, a in enumerate(opened_last):
        play.records(a, i)
        play.advance(a, "named", i, last_times)

    scheme = _scheme(town, today.year)
    ranked = queries.rank(list(Assessment.objects.filter(scheme=last_scheme, period=last).select_related("village")))
    top, bottom = ranked[:3], ranked[-3:][::-1]
    for mentor, pupil in zip(top, bottom):
        if mentor.village_id != pupil.village_id:
            actions.do_pair_mentor(None, scheme, pupil.village, mentor_village=mentor.village,
                                   note="村情相似、创星目标一致，结对帮带")
    if len(ranked) > 6:
        actions.do_pair_mentor(None, scheme, ranked[-4].village, mentor_name="镇党委组织委员 李明",
                               note="包村干部蹲点指导")

    # This quarter: every step of the process; the showcase village (the demo secretary's) is a draft.
    # A result can be named only after its publicity days: early in a quarter there is no time for that
    # yet, and those villages stay in publicity instead.
    counts: dict[str, int] = {}
    current_start = _start_of(scoring.period_bounds(current)[0])
    publicity = datetime.timedelta(days=scheme.publicity_days, hours=2)
    with clock.replaying_at(current_start):
        opened = actions.do_open_quarter(None, scheme, current)
    showcase = User.objects.filter(username="secretary").values_list("scope_path", flat=True).first()
    first = next((i for i, a in enumerate(opened) if a.path == showcase), 0)
    in_publicity = _schedule(now - min((now - current_start) / 2, datetime.timedelta(days=1)), current_start)
    named = _schedule(now - publicity, current_start) if now - publicity > current_start else None
    for i, a in enumerate(opened):
        target = CURRENT_STEPS[(i - first) % len(CURRENT_STEPS)]
        if target == "named" and named is None:
            target = "published"
        play.records(a, i)
        a = play.advance(a, target, i, named if target == "named" else in_publicity)
        if target == "published":
            objection = actions.do_object(_objector(a.village), a, "我村人居环境整治得分偏高，坑塘还有垃圾", now=now)
            if i % 12 == 10:
                actions.do_answer(play.admin, objection, "经镇专班复核，已按督查扣分，得分有据，维持评定")
        counts[target] = counts.get(target, 0) + 1
    return _("Five-star branches: the %(year)s scheme, %(last)s named for %(n)d villages, %(current)s at every "
             "step (%(steps)s).") % {
        "year": today.year, "last": last, "n": len(villages), "current": current,
        "steps": ", ".join(f"{State(k).label} {v}" for k, v in counts.items())}
