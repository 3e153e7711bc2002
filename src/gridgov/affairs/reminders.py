"""The worker's reminders of village affairs (run by `gridgov worker`, see worker.py), once a day:

- A village's secretaries are told of its scheduled disclosures (三务公开) whose due day has passed with
  nothing published (queries.overdue: due within the last year): once per village, kind and period, in one
  notice per village naming those not told before ("overdue:<village path>:<kind>:<period>").
- A town's admins are told once a month of every village's overdue disclosures, from the day after last
  month's were due ("overdue-town:<town path>:<month>"); a town with none overdue is marked too, so the month
  is read once.
- A village's secretaries are told of each question past its due day without an answer, once per question
  ("unanswered:<question id>").

Sent once: the Reminder rows are written in the same transaction as the notices, and a second worker or a
repeated tick finds them (unique keys) and sends nothing. What becomes due changes only when a day passes,
so the sweep reads the figures once per day ("sweep:<day>", written after the day's notices) and a tick
in between costs one query. Notices go through the case loop's inbox and delivery channels
(cases.notices), worded in the site's language.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.core.scoping import TOWN_ADMIN, VILLAGE_SECRETARY
from gridgov.org.models import Region, User
from gridgov.org.paths import town_path

from . import queries, schedule
from .actions import settings_by_town
from .models import DisclosureKind, Frequency, Question, Reminder

OVERDUE, TOWN_OVERDUE, UNANSWERED = "affairs_overdue", "affairs_overdue_town", "affairs_unanswered"
KEYS_PER_QUERY = 500  # keys looked up at once (SQLite's variables per statement are bounded)


def _once(keys: list[str], user_ids, kind: str, text: str, now, data: dict) -> int:
    """The notice to `user_ids` and the Reminder rows `keys` in one transaction: how many were told, -1 when
    another worker wrote one of the keys first (and sent it)."""
    from gridgov.cases import notices

    try:
        with transaction.atomic():
            Reminder.objects.bulk_create([Reminder(key=key) for key in keys])
            count = notices.send(user_ids, kind, text, now, data)
            if count:
                Reminder.objects.filter(key__in=keys).update(recipients=count)
            return count
    except IntegrityError:
        return -1


def _told(keys) -> set[str]:
    keys, found = sorted(keys), set()
    for i in range(0, len(keys), KEYS_PER_QUERY):
        found.update(Reminder.objects.filter(key__in=keys[i:i + KEYS_PER_QUERY]).values_list("key", flat=True))
    return found


def _staff(role: str, paths) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for pk, path in User.objects.filter(role=role, is_active=True, scope_path__in=list(paths)).values_list(
            "pk", "scope_path").order_by("pk"):
        out[path].append(pk)
    return out


def _item(row: queries.Owed) -> str:
    return _("%(kind)s %(period)s (due %(due)s)") % {"kind": DisclosureKind(row.kind).label, "period": row.period,
                                                     "due": row.due_on.isoformat()}


def remind_overdue(now: datetime.datetime, rows: list[queries.Owed]) -> dict:
    """The village secretaries, of the overdue disclosures not told before."""
    keys = {f"overdue:{r.village_path}:{r.kind}:{r.period}": r for r in rows}
    told = _told(keys)
    fresh: dict[str, list[tuple[str, queries.Owed]]] = defaultdict(list)
    for key, row in keys.items():
        if key not in told:
            fresh[row.village_path].append((key, row))
    if not fresh:
        return {"overdue": 0}
    names = dict(Region.objects.filter(path__in=list(fresh)).values_list("path", "name"))
    codes = dict(Region.objects.filter(path__in=list(fresh)).values_list("path", "code"))
    secretaries = _staff(VILLAGE_SECRETARY, fresh)
    sent = 0
    for vpath, items in sorted(fresh.items()):
        # Newest first: a long list (a village new to the board) is cut at the oldest.
        items.sort(key=lambda kr: (-kr[1].due_on.toordinal(), kr[1].kind))
        text = _("%(village)s has %(n)d scheduled disclosures not yet published: %(items)s.") % {
            "village": names.get(vpath, ""), "n": len(items), "items": "、".join(_item(row) for _key, row in items)}
        data = {"village": codes.get(vpath, ""), "overdue": [f"{row.kind}:{row.period}" for _key, row in items],
                "link": f"/affairs/board/?village={codes.get(vpath, '')}"}
        n = _once([key for key, _row in items], secretaries.get(vpath, []), OVERDUE, text, now, data)
        sent += max(n, 0)
    return {"overdue": sent}


def town_digest_day(month_start: datetime.date, due_days: int) -> datetime.date:
    """The day in a month from which its town digest goes: the day after last month's disclosures were due,
    or the month's last day when they are due later than that."""
    last = schedule.label(Frequency.MONTH, month_start - datetime.timedelta(days=1))
    month_end = schedule.bounds(schedule.label(Frequency.MONTH, month_start))[1]
    return min(schedule.due_on(last, due_days) + datetime.timedelta(days=1), month_end)


def remind_towns(now: datetime.datetime, rows: list[queries.Owed]) -> dict:
    """Each town's admins, once a month, of every village's overdue disclosures."""
    today = timezone.localdate(now)
    month = schedule.label(Frequency.MONTH, today)
    towns = list(Region.objects.filter(level=Region.Level.TOWN).values_list("path", "code").order_by("path"))
    configs = settings_by_town([tp for tp, _code in towns])
    ready = [(tp, code) for tp, code in towns
             if today >= town_digest_day(today.replace(day=1), configs[tp].due_days)]
    told = _told(f"overdue-town:{tp}:{month}" for tp, _code in ready)
    pending = [(tp, code) for tp, code in ready if f"overdue-town:{tp}:{month}" not in told]
    if not pending:
        return {"towns": 0}
    by_town: dict[str, list[queries.Owed]] = defaultdict(list)
    for row in rows:
        by_town[town_path(row.village_path)].append(row)
    names = dict(Region.objects.filter(path__in={r.village_path for r in rows}).values_list("path", "name"))
    admins = _staff(TOWN_ADMIN, [tp for tp, _code in pending])
    sent = 0
    for tpath, code in pending:
        overdue = by_town.get(tpath, [])
        per_village: dict[str, int] = defaultdict(int)
        for row in overdue:
            per_village[row.village_path] += 1
        listed = [pgettext("overdue disclosures of a village", "%(village)s: %(n)d") % {"village": names.get(p, ""),
                                                                                      "n": n}
                  for p, n in sorted(per_village.items())]
        text = _("%(n)d scheduled disclosures are overdue in %(villages)d villages: %(list)s.") % {
            "n": len(overdue), "villages": len(per_village),
            "list": "、".join(listed[:8]) + ("…" if len(listed) > 8 else "")}
        data = {"town": code, "month": month, "overdue": len(overdue), "link": "/affairs/"}
        users = admins.get(tpath, []) if overdue else []
        n = _once([f"overdue-town:{tpath}:{month}"], users, TOWN_OVERDUE, text, now, data)
        sent += max(n, 0)
    return {"towns": sent}


def remind_unanswered(now: datetime.datetime) -> dict:
    """The village secretaries, of each question past its due day without an answer."""
    today = timezone.localdate(now)
    questions = list(Question.objects.filter(answered_at__isnull=True, due_on__lt=today).select_related(
        "disclosure", "matter").order_by("due_on", "pk"))
    told = _told(f"unanswered:{q.pk}" for q in questions)
    fresh = [q for q in questions if f"unanswered:{q.pk}" not in told]
    if not fresh:
        return {"unanswered": 0}
    secretaries = _staff(VILLAGE_SECRETARY, {q.path for q in fresh})
    codes = dict(Region.objects.filter(path__in={q.path for q in fresh}).values_list("path", "code"))
    sent = 0
    for q in fresh:
        about = (q.disclosure or q.matter).title
        text = _("A villager's question about %(title)s was due for an answer on %(due)s and is not answered yet.") % {
            "title": about, "due": q.due_on.isoformat()}
        data = {"question": q.pk, "village": codes.get(q.path, ""), "due": q.due_on.isoformat(),
                "link": f"/affairs/?village={codes.get(q.path, '')}"}
        n = _once([f"unanswered:{q.pk}"], secretaries.get(q.path, []), UNANSWERED, text, now, data)
        sent += max(n, 0)
    return {"unanswered": sent}


def remind(now: datetime.datetime) -> dict:
    """The day's reminders, once a day whatever the number of ticks."""
    today = timezone.localdate(now)
    mark = f"sweep:{today.isoformat()}"
    if Reminder.objects.filter(key=mark).exists():
        return {"overdue": 0, "towns": 0, "unanswered": 0}
    with translation.override(settings.LANGUAGE_CODE):
        rows = queries.overdue("", today)
        result = {**remind_overdue(now, rows), **remind_towns(now, rows), **remind_unanswered(now)}
    try:
        with transaction.atomic():
            Reminder.objects.create(key=mark, recipients=sum(result.values()))
    except IntegrityError:  # another worker swept the day too; every notice was keyed, none went twice
        pass
    return result
