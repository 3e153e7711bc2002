"""The demo's town tasks (see gridgov/demo.py): built from the reference moment `now` (the start of the
reference day), so they read the same whatever day the demo is loaded on, and nothing is stamped at or
after `now`.

For every village of the demo town: a task whose deadline has passed (accepted on time, accepted late,
completed and waiting, and overdue in each open state), a task due ahead (issued, signed, in progress,
completed early, accepted early), a task issued by this month's monthly meeting (月例会), and two weekly
hints (周提示). Deadlines are workdays of the case loop's calendar. The quarterly inspection (季督查) of
the last ended quarter scores every village on a five-item checklist. Rows are bulk-created; the audit
log gets one summary row.
"""

import datetime
import io
import random
import time
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.org.models import Region, User

from . import actions
from .models import Assignment, Event, File, Inspection, Item, Meeting, Score, State, Task

CHECKLIST = [("党建引领、三会一课落实", 25), ("人居环境整治", 25), ("矛盾纠纷排查化解", 20), ("网格巡查与事件处置", 20),
             ("任务清单落实", 10)]
# The first two states of each list go to the first two villages (so even a two-village town shows every
# state); the rest are shuffled over the other villages.
PAST_STATES = ["late", "in_progress", "accepted", "completed", "signed", "issued"]
AHEAD_STATES = ["completed", "signed", "issued", "in_progress", "accepted"]
NOTES = ["已组织村干部分片包干", "已完成过半，剩余部分本周内完成", "已召开村民小组会议部署", "正在逐户排查登记"]
DONE = ["已全部完成，附现场照片", "已整改到位，台账已归档", "已按要求完成并上报"]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _workday_on_or_before(cal, day: datetime.date) -> datetime.date:
    while not cal.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def _workday_on_or_after(cal, day: datetime.date) -> datetime.date:
    while not cal.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def _photo(rng: random.Random) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (rng.randint(40, 200), rng.randint(90, 180), rng.randint(40, 120))).save(out, "JPEG")
    return out.getvalue()


def build(now, seed: int) -> str:
    """Build the demo records; returns one line for the loader's report (empty: nothing to say)."""
    from gridgov.cases import calendar

    started = time.monotonic()
    town = Region.objects.filter(level=Region.Level.TOWN, name="东成镇").first() or \
        Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None or Task.objects.exists():
        return ""
    villages = list(actions.villages_of(town))
    if not villages:
        return ""
    rng = random.Random(seed)
    cal = calendar.current()
    today = timezone.localdate(now)
    admin = User.objects.filter(role="town_admin", scope_path=town.path, is_active=True).order_by("pk").first()
    secretaries = {}
    for u in User.objects.filter(role="village_secretary", is_active=True, scope_path__in=[v.path for v in villages]
                                 ).order_by("pk"):
        secretaries.setdefault(u.scope_path, u)

    # Deadlines: one passed at least two days ago (this month's when it has one), one ahead of today.
    past = _workday_on_or_before(cal, today - datetime.timedelta(days=2))
    ahead = _workday_on_or_after(cal, today + datetime.timedelta(days=4))
    meeting_day = _workday_on_or_before(cal, today - datetime.timedelta(days=1))
    from_meeting = _workday_on_or_after(cal, meeting_day + datetime.timedelta(days=10))
    monday = today - datetime.timedelta(days=today.weekday())
    last_week = _workday_on_or_before(cal, monday - datetime.timedelta(days=3))  # last week's Friday or before
    this_week = _workday_on_or_after(cal, monday + datetime.timedelta(days=4))
    if this_week < today:
        this_week = _workday_on_or_after(cal, today)

    meeting = Meeting.objects.create(
        town=town, path=town.path, date=meeting_day, topic=f"{meeting_day.month}月份镇村工作例会",
        other_attendees="镇党委班子成员、各村党组织书记",
        minutes="一、通报上月任务完成情况；二、部署人居环境整治和防汛工作；三、明确各村任务和完成时限。",
        created_by=admin, created_at=_at(meeting_day, 17))
    meeting.attendees.set([u for u in [admin, *secretaries.values()] if u is not None])

    specs = [
        # (kind, title, content, deadline, issued at, evidence, states, meeting)
        (Task.Kind.TASK, "开展人居环境整治“百日攻坚”", "清理房前屋后杂物和村道两侧垃圾，拍照上传整治前后对比。", past,
         _at(past - datetime.timedelta(days=8), 9), True, PAST_STATES, None),
        (Task.Kind.TASK, "排查农村危旧房屋", "逐户排查危旧房屋，建立台账，上报排查情况。", ahead,
         _at(today - datetime.timedelta(days=6), 9), True, AHEAD_STATES, None),
        (Task.Kind.TASK, "落实防汛防风责任人", "明确各村防汛责任人，检查山塘水库和低洼地带。", from_meeting,
         _at(meeting_day, 18), False, ["issued", "signed"], meeting),
        (Task.Kind.HINT, "本周提示：做好森林防火巡查", "清明前后加强山林巡查，劝导文明祭扫。", last_week,
         _at(last_week - datetime.timedelta(days=4), 8, 30), False, ["accepted", "issued", "completed"], None),
        (Task.Kind.HINT, "本周提示：督促缴纳城乡居民医保", "入户宣传医保缴费政策。", this_week,
         _at(monday - datetime.timedelta(days=3) if monday >= today else monday, 8, 30), False,
         ["signed", "issued"], None),
    ]
    tasks, plans = [], []
    for kind, title, content, deadline, issued_at, evidence, states, from_meeting_ in specs:
        if issued_at >= now:
            issued_at = now - datetime.timedelta(hours=15)
        due_at = actions.due_moment(deadline)
        tasks.append(Task(town=town, path=town.path, kind=kind, title=title, content=content, deadline=deadline,
                          due_at=due_at, evidence_required=evidence, meeting=from_meeting_, created_by=admin,
                          created_at=issued_at))
        plans.append(states)
    Task.objects.bulk_create(tasks)

    rows, stories = [], []
    for task, states in zip(tasks, plans):
        rest = list(states[2:])
        rng.shuffle(rest)
        order = list(states[:2]) + rest
        for i, village in enumerate(villages):
            state = order[i % len(order)]
            rows.append(Assignment(task=task, village=village, path=village.path, due_at=task.due_at,
                                   updated_at=task.created_at))
            stories.append((task, village, state))
    Assignment.objects.bulk_create(rows, batch_size=1000)

    events, evidence = [], []
    counts = {s: 0 for s in State.values}
    overdue = 0
    for a, (task, village, state) in zip(rows, stories):
        who = secretaries.get(village.path)
        steps = _steps(task, state, now, rng)
        for action, at, note in steps:
            events.append(Event(assignment=a, action=action, note=note, actor=admin if action in ("accept", "return")
                                else who, at=at))
        final = {"late": State.ACCEPTED}.get(state, state)
        a.state = final
        for action, at, _note in steps:
            if action == "sign":
                a.signed_at = at
            elif action == "complete":
                a.completed_at = at
            elif action == "accept":
                a.accepted_at = at
        a.updated_at = steps[-1][1] if steps else task.created_at
        counts[final] += 1
        overdue += a.is_overdue(now)
        if task.evidence_required and a.completed_at:
            evidence.append(a)
    Assignment.objects.bulk_update(rows, ["state", "signed_at", "completed_at", "accepted_at", "updated_at"],
                                   batch_size=1000)
    Event.objects.bulk_create(events, batch_size=2000)
    completions = {e.assignment_id: e for e in Event.objects.filter(assignment__in=evidence, action="complete")}
    for a in evidence:
        row = File(assignment=a, event=completions.get(a.pk), path=a.path, name="现场照片.jpg",
                   content_type="image/jpeg", created_at=a.completed_at)
        data = _photo(rng)
        row.size = len(data)
        row.file.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=False)
        row.save()

    inspection = _inspection(town, villages, today, rng)
    audit.record("task.demo", town, None, {"tasks": len(tasks), "assignments": len(rows), "meeting": meeting.pk,
                                           "inspection": inspection.label if inspection else None})
    return _("Loaded %(tasks)d town tasks and weekly hints for %(villages)d villages (%(overdue)d overdue, "
             "%(accepted)d accepted), one monthly meeting and the inspection of %(quarter)s, in %(seconds).1f s.") % {
        "tasks": len(tasks), "villages": len(villages), "overdue": overdue, "accepted": counts[State.ACCEPTED],
        "quarter": inspection.label if inspection else "—", "seconds": time.monotonic() - started}


def _steps(task: Task, state: str, now, rng) -> list[tuple[str, datetime.datetime, str]]:
    """The events that bring an assignment to `state`, each before `now` ("late": completed after the
    deadline, then accepted)."""
    issued = task.created_at
    due = task.due_at
    if state == "issued":
        return []
    span = max(min(due, now) - issued, datetime.timedelta(hours=4))
    sign = issued + span * 0.15
    out = [("sign", sign, "")]
    if state == "signed":
        return out
    out.append(("progress", issued + span * 0.4, rng.choice(NOTES)))
    if state == "in_progress":
        return out
    if state == "late":
        done = due + (now - due) * 0.4
        return [*out, ("complete", done, rng.choice(DONE)), ("accept", done + (now - done) * 0.5, "")]
    done = issued + span * 0.7
    out.append(("complete", done, rng.choice(DONE)))
    if state == "accepted":
        out.append(("accept", done + (min(due, now) - done) * 0.5, ""))
    return out


def _inspection(town, villages, today: datetime.date, rng):
    """The inspection of the last ended quarter, every village scored."""
    year, quarter = actions.quarter_of(today)
    year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    if Inspection.objects.filter(town=town, year=year, quarter=quarter).exists():
        return None
    last = actions.quarter_bounds(year, quarter)[1]
    inspection = Inspection.objects.create(town=town, path=town.path, year=year, quarter=quarter,
                                           title=f"{year}年第{quarter}季度村级工作督查", created_at=_at(last, 16))
    items = Item.objects.bulk_create([Item(inspection=inspection, order=i, title=t, max_points=m)
                                      for i, (t, m) in enumerate(CHECKLIST)])
    scores = []
    for village in villages:
        strength = rng.uniform(0.6, 0.98)
        for item in items:
            points = round(float(item.max_points) * min(1.0, max(0.3, rng.gauss(strength, 0.08))) * 2) / 2
            note = "" if points >= float(item.max_points) * 0.8 else rng.choice(["台账不全", "整改不及时", "部分未落实"])
            scores.append(Score(item=item, inspection=inspection, village=village, path=village.path,
                                points=points, note=note))
    Score.objects.bulk_create(scores, batch_size=1000)
    return inspection

