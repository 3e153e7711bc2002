"""The points demo for the demo town: a rule set like the towns use (积分细则), awards from the demo's
cases, a season of villagers' meetings and volunteer work, claims at every step, a points shop in three
villages (都斛村's 党群积分兑换小超市 among them) with orders waiting, picked up and expired, and the
village board link of 碧塘村. Seeded, so the same run gives the same data."""

import datetime
import random
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.context import acting_as
from gridgov.org.models import Person, Region, User

from . import actions, ledger, worker
from .models import Board, Entry, Order, Rule, Shop

SEED = 2022
STAFF = ["town_admin", "village_secretary", "grid_worker"]
# code, name, points, unit, cap, cap period, award roles, needs review, sanction days, automatic source
RULES = [
    ("HY-01", "参加村民大会", 5, "person", 10, "month", STAFF, False, 0, ""),
    ("HY-02", "参加主题党日、三会一课", 5, "person", 10, "month", STAFF, False, 0, ""),
    ("ZY-01", "志愿服务（每次）", 10, "person", 40, "month", [], True, 0, ""),
    ("ZY-02", "参加疫情防控、疫苗接种服务", 8, "person", None, "", [], True, 0, ""),
    ("ZY-03", "好人好事、见义勇为", 20, "person", None, "", [], True, 0, ""),
    ("AJ-01", "反映问题经核实", 3, "person", 30, "month", [], False, 0, "case_verified"),
    ("AJ-02", "党员接单按时办结", 5, "person", None, "", [], False, 0, "case_closed_on_time"),
    ("LH-01", "党员联户走访（每户每次）", 1, "person", 20, "month", [], False, 0, "link_contact"),
    ("XC-01", "网格巡查（每次）", 1, "person", 20, "month", [], False, 0, "patrol_done"),
    ("ZYHD-01", "志愿服务活动（按活动积分，自动）", 1, "person", 40, "month", [], False, 0, "volunteer_activity"),
    ("RY-01", "获评星级文明户、美丽庭院、党员示范户等荣誉", 10, "person", None, "", [], False, 0, "honour_named"),
    ("HJ-01", "环境卫生评比（月度）", 20, "household", 20, "month", ["village_secretary", "town_admin"], False, 0, ""),
    ("HJ-02", "美丽庭院、星级文明户", 30, "household", 30, "year", [], True, 0, ""),
    ("KF-01", "违规扣分（乱搭乱建、乱倒垃圾）", -10, "person", None, "", ["village_secretary", "town_admin"], False, 30, ""),
    ("KF-02", "门前三包不落实", -5, "household", None, "", ["village_secretary", "town_admin", "grid_worker"], False, 0, ""),
]
PRODUCTS = [("花生油 1L", 30, 20), ("大米 5kg", 50, 15), ("洗衣粉", 15, 40), ("毛巾", 8, 60), ("酱油", 10, 30),
            ("牙膏", 6, 50), ("雨伞", 25, 10), ("保温杯", 60, 5)]
SHOP_VILLAGES = ["碧塘村", "都斛村"]


def build(now: datetime.datetime | None = None, seed: int = SEED) -> str:
    """Load this app's demo data into the demo town; returns one line for the demo command's output."""
    started = time.monotonic()
    now = now or timezone.now()
    town = Region.objects.filter(level=Region.Level.TOWN, name="东成镇").first() or \
        Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    admin = User.objects.filter(role="town_admin", scope_path=town.path).order_by("pk").first() if town else None
    if town is None or admin is None or Rule.objects.exists():
        return ""
    rng = random.Random(seed)
    with acting_as(None):
        for code, name, points, unit, cap, period, roles, review, sanction, auto in RULES:
            actions.do_save_rule(admin, town, code=code, name=name, points=points, unit=unit, cap=cap,
                                 cap_period=period, award_roles=roles, needs_review=review, sanction_days=sanction,
                                 auto=auto)
        rules = {r.code: r for r in Rule.objects.all()}
        from_cases = worker.awards_from_cases(now)
        awarded = _meetings_and_upkeep(rng, town, admin, rules, now)
        claims = _claims(rng, town, admin, rules, now)
        orders = _shops(rng, town, admin, now)
        village = Region.objects.filter(parent=town, name="碧塘村").first()
        if village:
            Board.objects.get_or_create(region=village, defaults={"token": Board.new_token(), "path": village.path})
    assert ledger.check() == []
    return _(
        "Loaded points: %(rules)d rules, %(cases)d awards from cases, %(awards)d other awards, %(claims)d claims, "
        "%(shops)d shops, %(orders)d orders in %(seconds).1f s."
    ) % {"rules": len(RULES), "cases": from_cases["awarded"], "awards": awarded, "claims": claims,
         "shops": Shop.objects.count(), "orders": orders, "seconds": time.monotonic() - started}


def _villages(town):
    return list(Region.objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("code"))


def _meetings_and_upkeep(rng, town, admin, rules, now) -> int:
    """Two villagers' meetings and a theme party day per village in the last two months, and the monthly
    environment ratings of households; a few deductions."""
    count = 0
    for village in _villages(town):
        people = list(Person.objects.filter(path__startswith=village.path).order_by("pk").values_list("pk", flat=True))
        if not people:
            continue
        for days_ago in (50, 20):
            moment = now - datetime.timedelta(days=days_ago)
            attendees = rng.sample(people, k=min(len(people), max(5, len(people) // 12)))
            with transaction.atomic():
                for person in Person.objects.filter(pk__in=attendees):
                    actions.do_award(admin, rules["HY-01"], f"{village.name}村民大会（{moment:%m月%d日}）",
                                     person=person, key=f"demo:meeting:{village.pk}:{days_ago}:{person.pk}", now=moment)
                    count += 1
        members = list(Person.objects.filter(path__startswith=village.path, is_party_member=True).order_by("pk"))
        with transaction.atomic():
            for person in members[: rng.randint(5, 15)]:
                moment = now - datetime.timedelta(days=rng.randint(1, 30))
                actions.do_award(admin, rules["HY-02"], "主题党日", person=person,
                                 key=f"demo:party-day:{person.pk}", now=moment)
                count += 1
        households = Person.objects.filter(path__startswith=village.path, relation=Person.Relation.HEAD) \
            .exclude(household=None).order_by("pk")
        heads = list(households[:40])
        with transaction.atomic():
            for head in rng.sample(heads, k=min(len(heads), 6)):
                actions.do_award(admin, rules["HJ-01"], "月度环境卫生评比“清洁户”", household=head.household,
                                 person=head, key=f"demo:clean:{head.household_id}",
                                 now=now - datetime.timedelta(days=rng.randint(1, 25)))
                count += 1
            if heads and rng.random() < 0.5:
                head = rng.choice(heads)
                try:
                    with transaction.atomic():
                        actions.do_award(admin, rules["KF-02"], "门前杂物堆放，经提醒未整改", household=head.household,
                                         person=head, key=f"demo:deduct:{head.household_id}",
                                         now=now - datetime.timedelta(days=rng.randint(1, 25)))
                    count += 1
                except ledger.LedgerError:
                    pass  # nothing to deduct from an empty account
    return count


def _claims(rng, town, admin, rules, now) -> int:
    """Volunteer claims in every state: counted, in publicity, waiting for review or approval, rejected."""
    village = Region.objects.filter(parent=town, name="碧塘村").first() or _villages(town)[0]
    reviewer = User.objects.filter(role="grid_worker", scope_path__startswith=village.path).order_by("pk").first()
    approver = User.objects.filter(role="village_secretary", scope_path=village.path).order_by("pk").first() or admin
    if reviewer is None:
        reviewer = admin if approver != admin else None
    if reviewer is None:
        return 0
    grid_path = reviewer.scope_path
    people = list(Person.objects.filter(path__startswith=grid_path).order_by("pk")[:40])
    resident = User.objects.filter(role="resident", scope_path__startswith=village.path).select_related("person") \
        .order_by("pk").first()
    evidence = ["参加村道清扫志愿活动，网格员现场拍照", "协助疫苗接种现场秩序维护两小时", "参加河道垃圾清理",
                "为孤寡老人送菜、打扫卫生", "参加防汛值守一晚", "协助人口普查入户登记"]
    plan = ["effective"] * 6 + ["publicised"] * 3 + ["reviewed"] * 2 + ["submitted"] * 3 + ["rejected"] * 2
    count = 0
    for n, target in enumerate(plan):
        person = resident.person if (n == 0 and resident) else rng.choice(people)
        if reviewer.person_id == person.pk:
            continue
        rule = rules["ZY-02"] if n % 3 == 1 else rules["ZY-01"]
        filed = now - datetime.timedelta(days=(12 if target == "effective" else 2) + rng.randint(0, 3))
        filer = resident if (resident and person.pk == resident.person_id) else reviewer
        try:
            with transaction.atomic():
                claim = actions.do_file_claim(filer, person, rule, rng.choice(evidence), now=filed)
                if target in ("effective", "publicised", "reviewed", "rejected"):
                    claim = actions.do_review_claim(reviewer, claim, True, now=filed + datetime.timedelta(hours=5))
                if target == "rejected":
                    actions.do_review_claim(approver, claim, False, "经核实，当天未参加该活动",
                                            now=filed + datetime.timedelta(days=1))
                elif target in ("effective", "publicised"):
                    actions.do_review_claim(approver, claim, True, now=filed + datetime.timedelta(days=1))
        except ledger.LedgerError:
            continue  # a cap reached in the random draw: the demo simply has one claim fewer
        count += 1
    actions.make_claims_count(now)
    return count


def _shops(rng, town, admin, now) -> int:
    """A shop in 碧塘村 and 都斛村 (and the town's third village), products, and orders in every state."""
    villages = [v for v in _villages(town) if v.name in SHOP_VILLAGES] or _villages(town)[:2]
    extra = [v for v in _villages(town) if v not in villages][:1]
    orders = 0
    for village in villages + extra:
        shop = actions.do_create_shop(admin, village, f"{village.name}党群积分兑换小超市")
        products = [actions.do_save_product(admin, shop, name, price, stock) for name, price, stock in PRODUCTS]
        clerk = User.objects.filter(role="grid_worker", scope_path__startswith=village.path).order_by("pk").first() \
            or admin
        holders = list(Entry.objects.filter(path__startswith=village.path, account__person__isnull=False,
                                            account__balance__gte=10)
                       .values_list("account__person_id", flat=True).distinct().order_by("account__person_id")[:30])
        users = {u.person_id: u for u in User.objects.filter(person_id__in=holders)}
        for person_id in holders:
            user = users.get(person_id) or _ShopperAs(person_id, village)
            account = ledger.account_for(person=Person.objects.get(pk=person_id))
            affordable = [p for p in products if p.price <= account.balance and p.stock > 0]
            if not affordable:
                continue
            product = rng.choice(affordable)
            when = now - datetime.timedelta(days=rng.choice([1, 2, 5, 20]))
            try:
                with transaction.atomic():
                    order = _redeem(user, product, account, when)
                    if when < now - datetime.timedelta(days=3) and when > now - datetime.timedelta(days=10):
                        actions.do_pickup(clerk, order=order, code=order.code, now=when + datetime.timedelta(days=1))
            except ledger.LedgerError:
                continue
            orders += 1
    actions.expire_orders(now)
    return orders


class _ShopperAs:
    """Most demo residents have no login; their orders are placed at the counter by the village staff."""

    def __init__(self, person_id, village):
        self.person_id = person_id
        self.village = village


def _redeem(user, product, account, when) -> Order:
    if isinstance(user, _ShopperAs):
        # A counter sale for a resident without a login, through the same action as the secretary's.
        staff = User.objects.filter(role="village_secretary", scope_path=user.village.path).first() or \
            User.objects.filter(role="town_admin").order_by("pk").first()
        return actions.do_redeem(staff, product, 1, account=account, now=when)
    return actions.do_redeem(user, product, 1, account=account, now=when)

