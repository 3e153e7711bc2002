"""The demo's organisational life (see gridgov/demo.py): built from the reference moment `now`, so it
reads the same whatever day the demo is loaded on (1 January and a quarter's first day included).

For every party branch and grid party group of the demo town, a year of meetings before `now` as the
default rules ask (branch: committee and theme day monthly, general meeting and party lecture
quarterly; group: group meeting monthly), each with its members' attendance. A few branches fall
short (they skip some meetings), a few entries are late (entered after the lock, with a reason), a
few members are away for work most of the year (流动党员). Nothing is dated on or after the reference
day, nothing entered after the reference moment. Written in bulk; the audit log gets one row for the
batch; members present earn the town's "meeting_attended" points where a rule exists."""

import datetime
import random
import time

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.org.models import PartyOrg, Person, Region, User

from . import actions, periods
from .models import DEFAULT_RULES, MONTH, Attendance, Meeting, MeetingKind

SHORT_BRANCHES = 3
SKIP_SHARE = 0.35  # of a short branch's meetings
LATE_SHARE = 0.03
ABSENT_SHARE = 0.1
AWAY_SHARE = 0.05  # members away for work most of the year
REASONS = ["migrant", "sick", "personal", "personal", "other"]
LATE_REASONS = ["书记外出培训，回村后补录", "会议记录本遗失，重新整理后补录", "村里防汛值守，延后录入"]
TOPICS = {
    "committee": ["研究本月党建工作安排", "讨论发展党员事宜", "研究村级重点工作"],
    "general": ["通报季度工作，讨论重大事项", "民主评议党员", "选举党小组长"],
    "group": ["学习近期重要讲话精神", "交流联户走访情况", "收集群众意见"],
    "lecture": ["书记讲党课：传承红色基因", "学习党章党规", "乡村振兴专题党课"],
    "theme_day": ["主题党日：环境整治志愿服务", "主题党日：重温入党誓词", "主题党日：走访困难群众"],
}
PLACES = ["村党群服务中心", "村委会议室", "新时代文明实践站"]


def _slots(today: datetime.date, frequency: str) -> list[tuple[datetime.date, datetime.date]]:
    """The slots of a year before `today`, each cut to the days before `today` (the current one partly)."""
    since = today - datetime.timedelta(days=365)
    out = []
    start, end = periods.slot(frequency, since)
    while start < today:
        lo, hi = max(start, since), min(end, today - datetime.timedelta(days=1))
        if lo <= hi:
            out.append((lo, hi))
        start = end + datetime.timedelta(days=1)
        start, end = periods.slot(frequency, start)
    return out


def build(now, seed: int) -> str:
    started = time.monotonic()
    rng = random.Random(seed)
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None:
        return ""
    today = timezone.localdate(now)
    tz = now.tzinfo
    lock_days = actions.settings_for(town)[0]
    kinds = {k.code: k for k in MeetingKind.objects.filter(town__isnull=True)}
    orgs = list(PartyOrg.objects.filter(path__startswith=town.path, kind__in=actions.ORG_KINDS).order_by("code"))
    members: dict[int, list[int]] = {o.pk: [] for o in orgs}
    parent = {o.pk: o.parent_id for o in orgs}
    for pid, org_id in Person.objects.filter(is_party_member=True, party_org_id__in=list(members)).values_list(
            "pk", "party_org_id").order_by("pk"):
        members[org_id].append(pid)
        if parent.get(org_id) in members:
            members[parent[org_id]].append(pid)
    secretary = User.objects.filter(username="secretary", role="village_secretary").first()
    showcase = secretary.scope_path if secretary else ""
    branches = [o for o in orgs if o.kind == PartyOrg.Kind.BRANCH and o.path != showcase]
    short = {o.pk for o in rng.sample(branches, min(SHORT_BRANCHES, len(branches)))}
    away = {pid for pids in members.values() for pid in pids if rng.random() < AWAY_SHARE}
    meetings, plans = [], []
    for org in orgs:
        pids = sorted(set(members[org.pk]))
        if not pids:
            continue
        for (org_kind, code), frequency in DEFAULT_RULES.items():
            if org_kind != org.kind or code not in kinds:
                continue
            for lo, hi in _slots(today, frequency):
                if org.pk in short and rng.random() < SKIP_SHARE:
                    continue
                if frequency != MONTH and hi < periods.slot(frequency, hi)[1] and rng.random() < 0.5:
                    continue  # the current quarter's meeting may not have been held yet
                day = lo + datetime.timedelta(days=rng.randint(0, (hi - lo).days))
                held = datetime.datetime.combine(day, datetime.time(rng.choice([9, 14, 19]), 30), tzinfo=tz)
                entered = held + datetime.timedelta(hours=rng.randint(2, 72))
                late = False
                if rng.random() < LATE_SHARE:
                    later = held + datetime.timedelta(days=lock_days + rng.randint(2, 12))
                    if later < now:
                        entered, late = later, True
                if entered >= now:
                    entered = max(held + datetime.timedelta(hours=1), now - datetime.timedelta(minutes=5))
                    if entered >= now:
                        continue
                meetings.append(Meeting(
                    org=org, kind=kinds[code], date=day, place=rng.choice(PLACES), topic=rng.choice(TOPICS[code]),
                    host_id=pids[0], minutes="会议由书记主持，传达学习上级精神，讨论本期工作并形成决议。",
                    resolutions="按时完成本期工作任务。" if code in ("committee", "general") else "",
                    late=late, late_reason=rng.choice(LATE_REASONS) if late else "", entered_at=entered,
                    entered_by=secretary if secretary and org.path.startswith(showcase) else None, path=org.path))
                attendees = pids[:5] if code == "committee" else pids
                plans.append(attendees)
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    rows = []
    present_of: list[list[int]] = []
    for meeting, attendees in zip(meetings, plans):
        here = []
        for pid in attendees:
            if pid in away and rng.random() < 0.85:
                rows.append(Attendance(meeting=meeting, person_id=pid, present=False, reason="migrant",
                                       org=meeting.org, date=meeting.date, path=meeting.path))
            elif rng.random() < ABSENT_SHARE:
                rows.append(Attendance(meeting=meeting, person_id=pid, present=False, reason=rng.choice(REASONS),
                                       org=meeting.org, date=meeting.date, path=meeting.path))
            else:
                here.append(pid)
                rows.append(Attendance(meeting=meeting, person_id=pid, present=True, org=meeting.org,
                                       date=meeting.date, path=meeting.path))
        present_of.append(here)
    for meeting, here, attendees in zip(meetings, present_of, plans):
        meeting.present_count, meeting.absent_count = len(here), len(attendees) - len(here)
    migrants: dict[int, int] = {}
    for row in rows:
        if row.reason == "migrant":
            migrants[id(row.meeting)] = migrants.get(id(row.meeting), 0) + 1
    for meeting in meetings:
        meeting.migrant_count = migrants.get(id(meeting), 0)
    Meeting.objects.bulk_update(meetings, ["present_count", "absent_count", "migrant_count"], batch_size=1000)
    Attendance.objects.bulk_create(rows, batch_size=2000)
    audit.record("meeting.demo", town, None, {"total": len(meetings), "party_orgs": len(orgs)})
    awarded = _points(meetings, present_of)
    return _("Loaded %(meetings)d party meetings of %(orgs)d organisations over a year (%(short)d branches short, "
             "%(late)d late entries), %(rows)d attendance rows, %(points)d points awards, in %(seconds).1f s.") % {
        "meetings": len(meetings), "orgs": len(orgs), "short": len(short), "late": sum(m.late for m in meetings),
        "rows": len(rows), "points": awarded, "seconds": time.monotonic() - started}


def _points(meetings, present_of) -> int:
    """The demo party member's attendance earns the "meeting_attended" points, where the town has a rule."""
    from gridgov.core import clock

    account = User.objects.filter(username="partymember", role="party_member").first()
    if account is None or not account.person_id:
        return 0
    n = 0
    for meeting, here in zip(meetings, present_of):
        if account.person_id in here:
            with clock.replaying_at(meeting.entered_at):
                n += actions.award(meeting, [account.person_id], meeting.entered_at).get("awarded", 0)
    return n
