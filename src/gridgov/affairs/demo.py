"""The demo's village affairs (see gridgov/demo.py): built from the reference moment `now` and the seed only,
so it reads the same whatever day the demo is loaded on (1 January, a quarter's last day, a leap day).

Every write goes through the actions (they check, number and audit), each at its own moment of the year
before `now` (clock.replaying_at), nothing on or after the reference day:
- the town's settings and schedule (finances monthly, village affairs quarterly, party affairs per event);
- three supervision committee members (村务监督委员会, org Post "supervisor") in every village — in the demo
  secretary's village the demo party member is one, so that account checks and comments;
- a public board per village, with a year of finance disclosures (each with its income and expense table
  and totals), the quarters' village affairs and party affairs events; two villages published one month's
  finances late, one village has not yet published the last month due;
- a year of matters through 四议两公开 in every village: some done (decision and result published), some
  waiting at each step, one rejected by the villager representatives, and one whose decision the demo tried
  without a quorum — the action refused it, and the matter waits at its review, flagged stuck;
- questions on the boards, answered on time but for one answered late and one still open (past its day);
  the supervision committee's checks (审核签字) of the recent finances and its remarks.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.org import actions as org_actions
from gridgov.org.models import Person, Post, Region, User

from . import actions, quorum, schedule
from .models import Assembly, DisclosureKind, Frequency, MatterKind, Step

MEMBERS = 3  # supervision committee members per village
LATE_FINANCE_VILLAGES = 2
PARTY_EVENTS = 2  # party affairs items per village over the year (a member admitted, dues, an evaluation)
MATTERS = [
    ("村道硬底化工程", MatterKind.PROJECT, 380000), ("村委会办公楼维修", MatterKind.PROJECT, 120000),
    ("集体鱼塘承包经营权发包", MatterKind.CONTRACT, 36000), ("集体闲置厂房出租", MatterKind.CONTRACT, 60000),
    ("购置保洁车辆及垃圾桶", MatterKind.SPENDING, 85000), ("集体经营性收益分配方案", MatterKind.INCOME, 210000),
    ("文化广场建设", MatterKind.PROJECT, 260000), ("农田水利沟渠清淤", MatterKind.PROJECT, 95000),
    ("村集体入股光伏发电项目", MatterKind.INCOME, 150000), ("集体山林经营权流转", MatterKind.CONTRACT, 48000),
    ("安装村内道路路灯", MatterKind.SPENDING, 72000), ("老年人活动中心改造", MatterKind.PROJECT, 130000),
]
REFUSED = ("集体土地征收补偿款分配方案", MatterKind.INCOME, 860000)
REJECTED = ("出租村小学旧校舍用于养殖", MatterKind.CONTRACT, 30000)
MINUTES = {
    Step.PROPOSE: "支部委员会研究，同意提交两委联席会议商议。",
    Step.DISCUSS: "两委联席会议商议，完善实施方案和预算。",
    Step.REVIEW: "党员大会审议，同意提交村民代表会议决议。",
    Step.DECIDE: "村民代表会议表决通过。",
}
RESULTS = ["工程已完工并通过验收，资金按合同支付。", "合同已签订，租金已入村集体账户。", "已按方案实施完毕，账目已公开。"]
INCOME_ITEMS = ["土地发包租金", "上级转移支付", "集体厂房租金", "光伏发电收益", "鱼塘承包费"]
EXPENSE_ITEMS = ["村干部误工补贴", "环境卫生保洁费", "办公水电费", "道路维修费", "治安巡逻补贴", "困难群众慰问金"]
VILLAGE_ITEMS = ["低保、五保评定结果", "村级工程项目进展", "惠农补贴发放情况", "宅基地审批情况", "计划生育奖励扶助对象"]
PARTY_ITEMS = ["发展党员公示", "党费收缴情况", "民主评议党员结果", "“三会一课”开展情况", "党组织换届选举结果"]
QUESTIONS = [("这笔保洁费包括哪些人的工资？", "保洁员三名的工资，每人每月一千二百元，名单在村委会可查。"),
             ("土地租金为什么比去年少？", "去年有一笔租金是补交前年的，今年按合同正常收取。"),
             ("道路维修是哪一段路？", "是村东头到学校的那段，已于上月完工。"),
             ("慰问金发给了哪些户？", "发给了村里的八户困难家庭，名单已在村务栏公示。")]


def _at(day: datetime.date, hour: int, tz) -> datetime.datetime:
    # A minute that varies by day, the same on every load.
    return datetime.datetime.combine(day, datetime.time(hour, (day.toordinal() * 7) % 50), tz)


def _secretary(village: Region) -> User:
    """The village's secretary account (the one the cases demo made, or the demo's own)."""
    existing = User.objects.filter(role="village_secretary", scope_path=village.path, is_active=True).order_by(
        "pk").first()
    if existing is not None:
        return existing
    user = org_actions.do_create_user(None, f"vs{village.code}", "village_secretary", village.code, password=None)
    User.objects.filter(pk=user.pk).update(first_name=f"{village.name}书记")
    return user


class _Play:
    """The year before `now` played through the actions, each at its moment; `counts` for the loader's line."""

    def __init__(self, town: Region, now: datetime.datetime, rng: random.Random, config):
        self.town, self.now, self.rng, self.config = town, now, rng, config
        self.admin: User | None = None
        self.tz = timezone.localtime(now).tzinfo
        self.today = timezone.localdate(now)
        self.counts = {"matters": 0, "done": 0, "rejected": 0, "refused": 0, "items": 0, "late": 0, "missing": 0,
                       "questions": 0, "answered_late": 0, "open": 0, "remarks": 0, "checks": 0, "members": 0}

    def at(self, day: datetime.date, hour: int = 10):
        """Replay at `day`, `hour` o'clock; never at or after the reference moment."""
        moment = _at(day, hour, self.tz)
        if moment >= self.now:
            raise ValueError(f"demo moment {moment} not before {self.now}")
        return clock.replaying_at(moment)

    # --- the town and its committees ---

    def configure(self, admin: User | None) -> None:
        self.admin = admin
        if admin is None:
            return
        with self.at(self.today - datetime.timedelta(days=400), 9):
            actions.do_set_schedule(admin, self.town, DisclosureKind.FINANCE, Frequency.MONTH)
            actions.do_set_schedule(admin, self.town, DisclosureKind.VILLAGE, Frequency.QUARTER)
            actions.do_set_schedule(admin, self.town, DisclosureKind.PARTY, Frequency.EVENT)

    def committee(self, village: Region, first: Person | None) -> list[Person]:
        """Three members of the supervision committee: `first` (the demo party member) where given, then
        villagers who hold no other post on the village."""
        taken = set(Post.objects.filter(region=village).values_list("person_id", flat=True))
        pool = list(Person.objects.filter(path__startswith=village.path, relation=Person.Relation.HEAD).exclude(
            pk__in=taken).order_by("pk").values_list("pk", flat=True)[:60])
        chosen = [first.pk] if first is not None else []
        chosen += [pk for pk in self.rng.sample(pool, min(len(pool), MEMBERS + 1)) if pk not in chosen]
        members = list(Person.objects.filter(pk__in=chosen[:MEMBERS]).order_by("pk"))
        # Elected by the villagers' meeting before the year; the town records them (without a town account:
        # the registry does).
        with self.at(self.today - datetime.timedelta(days=390), 9):
            for person in members:
                if self.admin is not None:
                    actions.do_appoint_supervisor(self.admin, village, person)
                else:
                    org_actions.do_add_post(None, person, Post.Kind.SUPERVISOR, region=village)
        self.counts["members"] += len(members)
        return members

    # --- the board ---

    def _table(self) -> tuple[list[dict], Decimal, Decimal]:
        rows = [{"item": item, "income": str(self.rng.randint(20, 900) * 100)}
                for item in self.rng.sample(INCOME_ITEMS, self.rng.randint(1, 3))]
        rows += [{"item": item, "expense": str(self.rng.randint(5, 300) * 100)}
                 for item in self.rng.sample(EXPENSE_ITEMS, self.rng.randint(2, 4))]
        income = sum((Decimal(r["income"]) for r in rows if "income" in r), Decimal(0))
        expense = sum((Decimal(r["expense"]) for r in rows if "expense" in r), Decimal(0))
        return rows, income, expense

    def board(self, village: Region, secretary: User, late_month: str | None, missing_month: str | None,
              due_days: int) -> list:
        """A year of the village's scheduled disclosures and party events; returns the finance items."""
        with self.at(self.today - datetime.timedelta(days=380), 9):
            actions.do_rotate_board(secretary, village)
        finances = []
        since = self.today - datetime.timedelta(days=366 + due_days)
        for frequency, kind in ((Frequency.MONTH, DisclosureKind.FINANCE), (Frequency.QUARTER, DisclosureKind.VILLAGE)):
            for period in schedule.ended_periods(frequency, since, self.today - datetime.timedelta(days=1)):
                end, due = schedule.bounds(period)[1], schedule.due_on(period, due_days)
                if period == missing_month and kind == DisclosureKind.FINANCE:
                    self.counts["missing"] += 1
                    continue
                late = period == late_month and kind == DisclosureKind.FINANCE
                day = due + datetime.timedelta(days=self.rng.randint(3, 12)) if late else \
                    end + datetime.timedelta(days=self.rng.randint(min(1, due_days), due_days))
                if day >= self.today:
                    continue  # not published yet, and not yet due
                # On the board until the next period's is due: the square's board is never bare.
                until = max(schedule.due_on(schedule.label(frequency, end + datetime.timedelta(days=1)), due_days),
                            day + datetime.timedelta(days=self.config.board_days - 1))
                with self.at(day, 16):
                    if kind == DisclosureKind.FINANCE:
                        rows, income, expense = self._table()
                        item = actions.do_publish(secretary, village, kind, f"{period}财务收支公开", period=period,
                                                  table=rows, income_total=income, expense_total=expense,
                                                  shown_from=day, shown_until=until)
                        finances.append(item)
                    else:
                        names = "、".join(self.rng.sample(VILLAGE_ITEMS, 3))
                        item = actions.do_publish(secretary, village, kind, f"{period}村务公开", period=period,
                                                  body=f"本季度公开事项：{names}。详情见村务公开栏。",
                                                  shown_from=day, shown_until=until)
                self.counts["items"] += 1
                self.counts["late"] += item.late
        for days_ago in sorted(self.rng.sample(range(20, 350), PARTY_EVENTS), reverse=True):
            day = self.today - datetime.timedelta(days=days_ago)
            title = self.rng.choice(PARTY_ITEMS)
            with self.at(day, 15):
                actions.do_publish(secretary, village, DisclosureKind.PARTY, title, body=f"{title}，接受党员群众监督。",
                                   shown_from=day, shown_until=day + datetime.timedelta(
                                       days=max(14, self.config.board_days - 1)))
            self.counts["items"] += 1
        return finances

    # --- matters ---

    def _figures(self, step: str, assembly: str | None = None) -> dict:
        """A meeting's figures that hold it and pass it, drawn around what villages record."""
        expected = {Step.PROPOSE: self.rng.randint(3, 7), Step.DISCUSS: self.rng.randint(6, 11),
                    Step.REVIEW: self.rng.randint(18, 45), Step.DECIDE: self.rng.randint(25, 45)}[step]
        assembly = assembly or {Step.PROPOSE: Assembly.BRANCH_COMMITTEE, Step.DISCUSS: Assembly.TWO_COMMITTEES,
                                Step.REVIEW: Assembly.PARTY_MEMBERS}.get(step, Assembly.REPRESENTATIVES)
        need = quorum.quorum_needed(assembly, expected)
        present = self.rng.randint(max(need, expected - max(1, expected // 5)), expected)
        count = quorum.Count(expected, present, 0, 0, 0)
        votes_for = self.rng.randint(min(present, quorum.majority_needed(assembly, count) + 1), present)
        against = self.rng.randint(0, present - votes_for)
        return {"expected": expected, "present": present, "votes_for": votes_for, "votes_against": against,
                "abstain": present - votes_for - against}

    def matter(self, secretary: User, village: Region, spec: tuple, days: list[datetime.date], result: str = ""):
        """A matter opened the day before its first step and taken through a step on each of `days`."""
        title, kind, amount = spec
        with self.at(days[0] - datetime.timedelta(days=1), 9):
            matter = actions.do_open_matter(secretary, village, title, kind, amount,
                                            description=f"{title}，预算{amount}元，按“四议两公开”程序办理。")
        self.counts["matters"] += 1
        for step, day in zip(Step.values, days, strict=False):
            with self.at(day, 10 if step in (Step.PROPOSE, Step.DISCUSS) else 19):
                if step in (Step.PUBLISH_DECISION, Step.PUBLISH_RESULT):
                    body = f"经村民代表会议决议：同意实施{title}，预算{amount}元。" if step == Step.PUBLISH_DECISION \
                        else f"{title}：{result or self.rng.choice(RESULTS)}"
                    actions.do_record_step(secretary, matter, step, day, body=body, shown_until=day
                                           + datetime.timedelta(days=max(14, self.config.board_days - 1)))
                else:
                    actions.do_record_step(secretary, matter, step, day, minutes=MINUTES[step], **self._figures(step))
        self.counts["done"] += len(days) == len(Step.values)
        return matter

    def _walk(self, end: datetime.date, steps: int) -> list[datetime.date]:
        """`steps` days, a few days apart, the last on `end`."""
        days = [end]
        for _i in range(steps - 1):
            days.append(days[-1] - datetime.timedelta(days=self.rng.randint(2, 8)))
        return days[::-1]

    def done(self, secretary, village, spec, publish_days: int):
        start = self.today - datetime.timedelta(days=self.rng.randint(95, 355))
        days = [start]
        for low, high in ((2, 6), (3, 8), (3, 10), (1, min(5, publish_days)), (20, 60)):
            days.append(days[-1] + datetime.timedelta(days=self.rng.randint(low, high)))
        return self.matter(secretary, village, spec, days)

    def waiting(self, secretary, village, spec, steps: int):
        """A matter taken `steps` steps, the last of them lately (within the town's days, so not flagged)."""
        if steps == 0:
            with self.at(self.today - datetime.timedelta(days=self.rng.randint(2, 9)), 9):
                actions.do_open_matter(secretary, village, spec[0], spec[1], spec[2])
            self.counts["matters"] += 1
            return None
        return self.matter(secretary, village, spec, self._walk(self.today - datetime.timedelta(
            days=self.rng.randint(1, 4 if steps == 4 else 12)), steps))

    def refused(self, secretary, village):
        """Reviewed six weeks ago; the villager representatives' meeting then fell short of two thirds: the
        action refuses the decision with the figures, and the matter waits at its review (stuck)."""
        reviewed = self.today - datetime.timedelta(days=self.rng.randint(40, 50))
        matter = self.matter(secretary, village, REFUSED, self._walk(reviewed, 3))
        attempt = reviewed + datetime.timedelta(days=7)
        with self.at(attempt, 19):
            try:
                actions.do_record_step(secretary, matter, Step.DECIDE, attempt, assembly=Assembly.REPRESENTATIVES,
                                       expected=36, present=21, votes_for=20, votes_against=1,
                                       minutes="村民代表会议到会21人。")
            except actions.AffairsError as exc:
                if exc.status != 409:
                    raise
                self.counts["refused"] += 1
        return matter, attempt

    def rejected(self, secretary, village):
        """The villager representatives voted it down: the matter ends, rejected."""
        days = self._walk(self.today - datetime.timedelta(days=self.rng.randint(60, 90)), 3)
        matter = self.matter(secretary, village, REJECTED, days)
        day = days[-1] + datetime.timedelta(days=6)
        with self.at(day, 19):
            actions.do_record_step(secretary, matter, Step.DECIDE, day, assembly=Assembly.REPRESENTATIVES,
                                   expected=35, present=30, votes_for=11, votes_against=16, abstain=3,
                                   outcome="rejected", minutes="多数代表认为养殖影响周边环境，不同意出租。")
        self.counts["rejected"] += 1
        return matter

    # --- questions and oversight ---

    def question(self, asker_account: User, asker: int | None, item, asked: datetime.date, answer_days: int,
                 answered_after: int | None, text: str, answer: str, secretary: User) -> None:
        with self.at(asked, 20):
            question = actions.do_ask(asker_account, item, text, asker=asker)
        self.counts["questions"] += 1
        if answered_after is None:
            self.counts["open"] += 1
            return
        with self.at(asked + datetime.timedelta(days=answered_after), 11):
            actions.do_answer(secretary, question, answer)
        self.counts["answered_late"] += answered_after > answer_days

    def remark(self, member_account: User, target, day: datetime.date, text: str = "", check: bool = False) -> None:
        with self.at(day, 17):
            actions.do_remark(member_account, target, text, is_check=check)
        self.counts["checks" if check else "remarks"] += 1


def build(now, seed: int) -> str:
    started = time.monotonic()
    rng = random.Random(seed)
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None:
        return ""
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=town.path).order_by("code"))
    if not villages:
        return ""
    config = actions.settings_for(town)
    play = _Play(town, now, rng, config)
    today = play.today
    admin = User.objects.filter(role="town_admin", scope_path=town.path, is_active=True).order_by("pk").first()
    play.configure(admin)
    demo_secretary = User.objects.filter(username="secretary", role="village_secretary", is_active=True).first()
    home = next((v for v in villages if demo_secretary and v.path == demo_secretary.scope_path), villages[0])
    member_account = User.objects.filter(username="partymember", role="party_member", is_active=True,
                                         person__isnull=False, scope_path__startswith=home.path).first()
    resident_account = User.objects.filter(username="resident", role="resident", is_active=True,
                                           person__isnull=False, scope_path__startswith=home.path).first()
    others = [v for v in villages if v.pk != home.pk]
    late_villages = {home.pk, *[v.pk for v in rng.sample(others, min(len(others), LATE_FINANCE_VILLAGES - 1))]}
    missing_village = rng.choice([v for v in others if v.pk not in late_villages] or [None])
    # The month published late: the last whose due day is over a fortnight past, so it reads as late;
    # the month missing: the last already due.
    months = [p for p, _due in schedule.owed(Frequency.MONTH, today - datetime.timedelta(days=120),
                                                today - datetime.timedelta(days=1), config.due_days)]
    late_month = next((p for p in reversed(months)
                       if schedule.due_on(p, config.due_days) + datetime.timedelta(days=13) < today), None)
    missing_month = months[-1] if months else None
    rejected_village = others[0] if others else home
    for index, village in enumerate(villages):
        is_home = village.pk == home.pk
        secretary = demo_secretary if is_home and demo_secretary is not None else _secretary(village)
        members = play.committee(village, member_account.person if is_home and member_account else None)
        finances = play.board(village, secretary, late_month if village.pk in late_villages else None,
                              missing_month if missing_village is not None and village.pk == missing_village.pk
                              else None, config.due_days)
        specs = rng.sample(MATTERS, 4)
        # Done this year: three in the demo secretary's village, one in every other village of the rest.
        for spec in specs[:3 if is_home else index % 2]:
            play.done(secretary, village, spec, config.publish_days)
        # One waiting in every village, the villages in turn at each step (none taken, up to the decision
        # published and its result to come).
        play.waiting(secretary, village, specs[3], index % 6)
        if village.pk == rejected_village.pk:
            play.rejected(secretary, village)
        people = [p for p in Person.objects.filter(path__startswith=village.path, relation=Person.Relation.HEAD)
                  .order_by("pk").values_list("pk", flat=True)[:40] if p not in {m.pk for m in members}]
        recent = [f for f in finances if (today - f.shown_from).days < 150]
        if is_home:
            matter, attempt = play.refused(secretary, village)
            if member_account is not None:
                play.remark(member_account, matter, attempt + datetime.timedelta(days=1),
                            "村民代表会议到会21人，不足应到36人的三分之二，未能表决；请村两委重新召集会议。")
                for item in recent[-3:]:
                    play.remark(member_account, item, item.shown_from, check=True)
            _home_questions(play, home, secretary, resident_account, people, recent, config.answer_days)
        elif recent and people:
            # A villager's question through the secretary, about one of the last months' finances.
            text, answer = rng.choice(QUESTIONS)
            item = rng.choice(recent[:-1] or recent)
            asked = item.shown_from + datetime.timedelta(days=rng.randint(1, 5))
            if asked < today - datetime.timedelta(days=config.answer_days):
                play.question(secretary, rng.choice(people), item, asked,
                              config.answer_days, rng.randint(1, config.answer_days), text, answer, secretary)
    c = play.counts
    return _("Loaded village affairs: %(members)d supervision committee members, %(matters)d matters through the "
             "four deliberations (%(done)d done, %(rejected)d rejected, %(refused)d refused for lack of quorum), "
             "%(items)d board items of %(villages)d villages (%(late)d finance disclosures late, %(missing)d "
             "missing), %(questions)d questions (%(answered_late)d answered late, %(open)d open), %(checks)d "
             "checks and %(remarks)d remarks of the supervision committee, in %(seconds).1f s.") % {
        **c, "villages": len(villages), "seconds": time.monotonic() - started}


def _home_questions(play: _Play, village, secretary, resident, people, items, answer_days: int) -> None:
    """The demo secretary's village: the resident asks on the board (two answered on time, one late); a
    villager asked through the secretary a week and more ago, still unanswered."""
    if not items:
        return
    rng, today = play.rng, play.today
    asker_account = resident if resident is not None else secretary
    asker = None if resident is not None else people[0]
    for n, (text, answer) in enumerate(QUESTIONS[:3]):
        item = items[-1 - n % len(items)]
        asked = item.shown_from + datetime.timedelta(days=rng.randint(1, 4))
        after = answer_days + 3 if n == 2 else rng.randint(1, answer_days)
        if asked + datetime.timedelta(days=after) < today:
            play.question(asker_account, asker, item, asked, answer_days, after, text, answer, secretary)
    asked = today - datetime.timedelta(days=answer_days + 3)
    item = next((i for i in reversed(items) if i.shown_from < asked), None)
    if people and item is not None:
        play.question(secretary, people[-1], item, asked, answer_days, None, QUESTIONS[3][0], "", secretary)
