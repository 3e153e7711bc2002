"""The demo's disputes (see gridgov/demo.py): built from the reference moment `now` only, so they read the
same whatever day the demo is loaded on (a Monday, a holiday, the first of January).

Sixteen ISO weeks of weekly screenings for every village of the town before the week of `now`: mostly
zero reports on time, some weeks with the disputes found, a few filed late and a few missing; this week
is left to file (the village page shows the zero-report button). Ten disputes, played through the real
actions at their own moments: mediated with an agreement (one visited since), referred to the judicial
office and to the court, withdrawn, in mediation, answered, registered and overdue, and one high-risk
registered two days ago, which told the town."""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.org.models import Person, Region, User

from . import actions, periods
from .models import Dispute, Screening

WEEKS = 16
LATE_SHARE = 0.08
MISSING_SHARE = 0.06

# (days before the reference day it was reported, kind, risk, description, steps: (days later, step, text))
STORIES = [
    (100, "land", "medium", "两户因宅基地边界发生争执，都说对方多占了半米",
     [(1, "mediate", "村调委会召集双方到现场，对照确权图核对界址"), (5, "agree", "以界桩为准，双方各退让，互不侵占"),
      (96, "visit", "回访：界桩完好，双方未再争执")]),
    (60, "neighbours", "low", "邻居装修噪音到深夜，多次沟通无果",
     [(1, "mediate", "约定施工时间早八点到晚六点"), (2, "agree", "装修方承诺按约定时间施工，并赔礼道歉")]),
    (80, "debt", "medium", "村民之间借款两万元到期未还",
     [(2, "mediate", "双方对借款金额有分歧，出示借条"), (6, "refer", "court", "涉及借款合同效力，建议诉讼")]),
    (45, "labour", "medium", "在村内工地务工的工人被拖欠工资",
     [(1, "mediate", "联系包工头到场说明"), (4, "refer", "judicial", "移交镇司法所协调劳动监察")]),
    (30, "family", "low", "夫妻因赡养老人问题发生矛盾",
     [(3, "withdraw", "双方自行和解，申请撤回")]),
    (12, "forest", "medium", "两个村民小组对山林界线有争议",
     [(2, "mediate", "查阅林权证，组织两组代表座谈"), (5, "answer", "已告知双方将申请镇林业站现场勘界")]),
    (6, "neighbours", "low", "两户因排水问题发生争吵",
     [(1, "mediate", "现场查看排水沟走向")]),
    (20, "other", "low", "村民反映邻居养狗扰民", []),
    (2, "land", "high", "承包地调整引发多户村民聚集争吵，情绪激动", []),
]
OTHER_VILLAGE = (70, "family", "low", "老人赡养问题家庭矛盾",
                 [(1, "mediate", "召集子女协商赡养分工"), (3, "agree", "三个子女轮流赡养，每月各出生活费五百元")])
OUTSIDERS = ["吴春生", "郑桂兰", "冯建军", "陈秋菊"]


def _scan() -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for y in range(80, 700, 40):
        draw.line((60, y, 540, y), fill=(180, 180, 180), width=2)
    draw.rectangle((380, 640, 540, 720), outline=(200, 30, 30), width=4)  # the seal
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("agreement.jpg", out.getvalue(), content_type="image/jpeg")


def _account(username: str, role: str, path: str):
    user = User.objects.filter(username=username, role=role, is_active=True, scope_path__startswith=path).first()
    return user or User.objects.filter(role=role, is_active=True, scope_path__startswith=path).order_by("pk").first()


def _moment(today: datetime.date, days_ago: float, hour: int, tz) -> datetime.datetime:
    return datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(hour, 0), tz)


def _play(admin, mediator, village, story, today, tz, rng, people) -> Dispute:
    days_ago, kind, risk, description, steps = story
    parties = [{"person": p.pk} for p in rng.sample(people, min(len(people), 1))]
    parties.append({"name": rng.choice(OUTSIDERS), "phone": f"139{rng.randint(10000000, 99999999)}"})
    with clock.replaying_at(_moment(today, days_ago, 10, tz)):
        dispute = actions.do_register(admin, village, kind, description, parties, risk=risk,
                                      mediator=mediator)
    for later, step, *args in steps:
        with clock.replaying_at(_moment(today, days_ago - later, 15, tz)):
            if step == "mediate":
                actions.do_mediate(mediator, dispute, args[0])
            elif step == "agree":
                actions.do_agree(mediator, dispute, args[0], _scan())
            elif step == "refer":
                actions.do_refer(mediator, dispute, args[0], args[1])
            elif step == "withdraw":
                actions.do_withdraw(mediator, dispute, args[0])
            elif step == "answer":
                actions.do_answer(mediator, dispute, args[0])
            elif step == "visit":
                actions.do_visit(mediator, dispute, args[0])
    return dispute


def build(now, seed: int) -> str:
    """Build the demo records; returns one line for the loader's report (empty: nothing to say)."""
    rng = random.Random(seed)
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None:
        return ""
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=town.path).order_by("code"))
    admin = _account("town_admin", "town_admin", town.path)
    if not villages or admin is None:
        return ""
    secretary = _account("secretary", "village_secretary", town.path)
    home = next((v for v in villages if secretary and v.path == secretary.scope_path), villages[0])
    worker = _account("gridworker", "grid_worker", home.path)
    tz = timezone.localtime(now).tzinfo
    today = timezone.localdate(now)
    people = list(Person.objects.filter(path__startswith=home.path).order_by("pk")[:200])
    disputes = []
    for i, story in enumerate(STORIES):
        mediator = worker if (worker is not None and i in (1, 6)) else (secretary or admin)
        disputes.append(_play(admin, mediator, home, story, today, tz, rng, people))
    other = next((v for v in villages if v.pk != home.pk), None)
    if other is not None:
        other_people = list(Person.objects.filter(path__startswith=other.path).order_by("pk")[:200])
        disputes.append(_play(admin, admin, other, OTHER_VILLAGE, today, tz, rng, other_people or people))
    screenings = _screenings(villages, disputes, today, tz, rng, admin)
    audit.record("dispute.demo", town, None, {"disputes": len(disputes), "screenings": len(screenings)})
    states = {}
    for d in disputes:
        states[d.state] = states.get(d.state, 0) + 1
    return _("Loaded %(disputes)d disputes (%(states)s; one high-risk) and %(screenings)d weekly screenings of "
             "%(villages)d villages over %(weeks)d weeks (%(zero)d zero reports, %(late)d late, %(missing)d missing).") % {
        "disputes": len(disputes), "states": ", ".join(f"{Dispute.State(k).label} {v}" for k, v in sorted(states.items())),
        "screenings": len(screenings), "villages": len(villages), "weeks": WEEKS,
        "zero": sum(s.none for s in screenings), "late": sum(not s.on_time for s in screenings),
        "missing": len(villages) * WEEKS - len(screenings)}


def _screenings(villages, disputes, today, tz, rng, admin) -> list[Screening]:
    """Every village's screenings of the WEEKS whole weeks before this one, written in bulk."""
    this_monday = periods.week_start(today)
    found: dict[tuple, int] = {}
    for d in disputes:
        monday = periods.week_start(timezone.localtime(d.reported_at, tz).date())
        found[(d.village_id, monday)] = found.get((d.village_id, monday), 0) + 1
    rows = []
    for village in villages:
        for i in range(WEEKS, 0, -1):
            monday = this_monday - datetime.timedelta(weeks=i)
            n = found.get((village.pk, monday), 0)
            roll = rng.random()
            if not n and roll < MISSING_SHARE:
                continue
            late = not n and roll < MISSING_SHARE + LATE_SHARE
            # On time: the Friday or the Sunday evening; late: the Tuesday after (still before today).
            day = monday + datetime.timedelta(days=8 if late else rng.choice([4, 6]))
            filed_at = min(datetime.datetime.combine(day, datetime.time(18, 30), tz),
                           datetime.datetime.combine(today, datetime.time(0), tz) - datetime.timedelta(minutes=5))
            on_time = timezone.localtime(filed_at, tz).date() <= actions.due_day(monday, village.path)
            rows.append(Screening(village=village, path=village.path, week=monday, none=not n, found=n,
                                  filed_at=filed_at, filed_by=admin, on_time=on_time))
    Screening.objects.bulk_create(rows, batch_size=1000)
    return rows
