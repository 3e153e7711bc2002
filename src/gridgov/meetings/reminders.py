"""The worker's reminders of organisational life (run every tick by `gridgov worker`, see worker.py).

- Before a month ends (its last REMIND_BEFORE_DAYS days): each branch or grid party group that has not
  yet held a meeting its rules require in a slot ending this month (the month's, and the quarter's in a
  quarter's last month) — its village's secretaries are told which, once per organisation and month.
- After a month ends: each town's admins are told which slots that ended with it were missed, once per
  town and month (a town with nothing missing is marked too, so the month is read once).

Sent once: a Reminder row keyed "due:<org id>:<month>" / "missing:<town path>:<month>" is written in the
same transaction as the notices; a second worker or a repeated tick finds it (unique key) and sends
nothing. Notices go through the case loop's inbox and outbox (Notification without a case, an Outbox
row per configured channel), so the same channels deliver them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.org.models import Region, User

from . import periods, queries
from .actions import town_path
from .models import Reminder

REMIND_BEFORE_DAYS = 5
DUE, MISSING = "meeting_due", "meeting_missing"


def notify_users(user_ids, kind: str, text: str, now, data: dict) -> int:
    from gridgov.cases import notices

    return notices.send(user_ids, kind, text, now, data)


def _once(key: str, send) -> int:
    """send() and the Reminder row `key` in one transaction; nothing when the key exists already."""
    if Reminder.objects.filter(key=key).exists():
        return -1
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(key=key)
            count = send()
            reminder.recipients = count
            reminder.save(update_fields=["recipients"])
            return count
    except IntegrityError:  # another worker wrote it first
        return -1


def _staff(role: str, paths) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for pk, path in User.objects.filter(role=role, is_active=True, scope_path__in=list(paths)).values_list(
            "pk", "scope_path"):
        out[path].append(pk)
    return out


def _village_path(path: str) -> str:
    parts = [p for p in path.split(".") if p]
    return ".".join(parts[:3]) + "." if len(parts) >= 3 else ""


def remind_due(now: datetime.datetime) -> dict:
    today = timezone.localdate(now)
    end = periods.month_end(today)
    if (end - today).days >= REMIND_BEFORE_DAYS:
        return {"due": 0}
    month = periods.month_label(today)
    rows = [r for r in queries.compliance("", today.replace(day=1), end, today, slots_detail=True) if r["pending"]]
    secretaries = _staff("village_secretary", {_village_path(r["path"]) for r in rows})
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            users = secretaries.get(_village_path(row["path"]), [])
            kinds = "、".join(s["kind"] for s in row["slots"] if s["state"] == queries.PENDING)
            text = _("%(org)s has not yet held this period's %(kinds)s (due by %(end)s).") % {
                "org": row["name"], "kinds": kinds, "end": end.isoformat()}
            data = {"org": row["org"], "month": month, "link": "/meetings/record/?org=" + row["org"]}
            n = _once(f"due:{row['id']}:{month}", lambda u=users, t=text, d=data: notify_users(u, DUE, t, now, d))
            sent += max(n, 0)
    return {"due": sent}


def remind_missing(now: datetime.datetime) -> dict:
    today = timezone.localdate(now)
    last = today.replace(day=1) - datetime.timedelta(days=1)
    first, month = last.replace(day=1), periods.month_label(last)
    towns = list(Region.objects.filter(level=Region.Level.TOWN).values_list("path", "name", "code"))
    if not towns or not [t for t in towns if not Reminder.objects.filter(key=f"missing:{t[0]}:{month}").exists()]:
        return {"missing": 0}
    rows = queries.compliance("", first, last, today, slots_detail=True)
    by_town: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["missing"]:
            by_town[town_path(row["path"])].append(row)
    admins = _staff("town_admin", [t[0] for t in towns])
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for tpath, _name, code in towns:
            missing = by_town.get(tpath, [])
            users = admins.get(tpath, []) if missing else []
            count = sum(r["missing"] for r in missing)
            names = "、".join(r["name"] for r in missing[:5]) + ("…" if len(missing) > 5 else "")
            text = _("%(n)d required meetings were not held in %(month)s: %(orgs)s.") % {
                "n": count, "month": month, "orgs": names}
            data = {"town": code, "month": month, "missing": count,
                    "link": f"/meetings/board/?scope={code}&period={periods.quarter_label(last)}"}
            n = _once(f"missing:{tpath}:{month}", lambda u=users, t=text, d=data: notify_users(u, MISSING, t, now, d))
            sent += max(n, 0)
    return {"missing": sent}


def remind(now: datetime.datetime) -> dict:
    return {**remind_due(now), **remind_missing(now)}
