"""Reads of organisational life shared by the pages, the API, the report and the star metrics.

compliance(path, since, until, today): for each branch and grid party group under `path`, the slots its
town's rules require in the period (see periods.py) and each slot's state: held (a meeting entered on
time), late (only a late entry), missing (the slot is over and nothing was held) or pending (not over
yet); and the attendance of its meetings in the period (the counts each meeting keeps). A handful of
queries whatever the number of organisations: the organisations, the rules, the towns' settings and
the meetings.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from gridgov.org.models import PartyOrg

from . import periods
from .actions import ORG_KINDS, rules_for_paths, settings_for, town_of, town_path
from .models import Attendance, Meeting, MeetingKind, MeetingSettings

HELD, LATE, MISSING, PENDING = "held", "late", "missing", "pending"


def _rate(present: int, counted: int) -> float | None:
    return round(present / counted, 4) if counted else None


def _kind_labels() -> dict[int, str]:
    return {k.pk: str(k.label) for k in MeetingKind.objects.all()}


def orgs_under(path: str, org_kinds=ORG_KINDS):
    return PartyOrg.objects.filter(path__startswith=path, kind__in=org_kinds)


def compliance(path: str, since: datetime.date, until: datetime.date, today: datetime.date,
               slots_detail: bool = False, org_kinds=ORG_KINDS) -> list[dict]:
    orgs = list(orgs_under(path, org_kinds).order_by("path", "code").values_list("pk", "code", "name", "kind", "path"))
    if not orgs:
        return []
    town_of_org = {o[0]: town_path(o[4]) for o in orgs}
    rules = rules_for_paths(set(town_of_org.values()))
    # The slots each (org kind, meeting kind) needs in the period, per town.
    needed: dict[tuple[str, str], list] = {}
    earliest = since
    for tp, table in rules.items():
        for org_kind in org_kinds:
            wanted = []
            for (ok, kind_id), freq in sorted(table.items(), key=lambda item: item[0][1]):
                if ok != org_kind:
                    continue
                for start, end in periods.slots(freq, since, until):
                    wanted.append((kind_id, freq, start, end))
                    earliest = min(earliest, start)
            needed[(tp, org_kind)] = wanted
    held: dict[tuple[int, int], list[tuple[datetime.date, bool]]] = defaultdict(list)
    counting = set(MeetingSettings.objects.filter(path__in=list(rules), count_migrants=True).values_list("path",
                                                                                                      flat=True))
    counts_away = {pk for pk, tp in town_of_org.items() if tp in counting}
    meetings_held: dict[int, int] = defaultdict(int)
    att: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for org_id, kind_id, date, late, present, absent, migrant in Meeting.objects.filter(
            path__startswith=path, date__gte=earliest, date__lte=until).values_list(
            "org_id", "kind_id", "date", "late", "present_count", "absent_count", "migrant_count"):
        held[(org_id, kind_id)].append((date, late))
        if date >= since:
            meetings_held[org_id] += 1
            counts = att[org_id]
            counts[0] += present
            counts[1] += present + absent - (0 if org_id in counts_away else migrant)
    labels = _kind_labels() if slots_detail else {}
    out = []
    for pk, code, name, kind, opath in orgs:
        tp = town_of_org[pk]
        counts = {HELD: 0, LATE: 0, MISSING: 0, PENDING: 0}
        detail = []
        for kind_id, freq, start, end in needed.get((tp, kind), []):
            dates = [late for d, late in held.get((pk, kind_id), ()) if start <= d <= end]
            if any(not late for late in dates):
                state = HELD
            elif dates:
                state = LATE
            elif end < today:
                state = MISSING
            else:
                state = PENDING
            counts[state] += 1
            if slots_detail:
                detail.append({"slot": periods.slot_label(freq, start), "kind": labels.get(kind_id, ""),
                               "kind_id": kind_id, "state": state, "start": start, "end": end})
        present, counted = att.get(pk, (0, 0))
        row = {"id": pk, "org": code, "name": name, "kind": kind, "path": opath,
               "required": sum(counts.values()), "held": counts[HELD], "late": counts[LATE],
               "missing": counts[MISSING], "pending": counts[PENDING], "meetings": meetings_held.get(pk, 0),
               "present": present, "counted": counted, "attendance_rate": _rate(present, counted)}
        if slots_detail:
            row["slots"] = detail
        out.append(row)
    return out


def totals(rows: list[dict]) -> dict:
    t = {k: sum(r[k] for r in rows) for k in ("required", "held", "late", "missing", "pending", "meetings",
                                               "present", "counted")}
    due = t["held"] + t["late"] + t["missing"]
    t["on_time_share"] = round(t["held"] / due, 4) if due else None
    t["attendance_rate"] = _rate(t["present"], t["counted"])
    return t


def member_rates(org: PartyOrg, since: datetime.date, until: datetime.date) -> list[dict]:
    """Per member counted at the organisation's meetings in the period: present, absent, rate, and
    whether their last three meetings (up to `until`) were all missed."""
    town = town_of(org.path)
    count_migrants = settings_for(town)[1]
    rows: dict[int, dict] = {}
    for pid, present, reason in Attendance.objects.filter(org=org, date__gte=since, date__lte=until).values_list(
            "person_id", "present", "reason"):
        r = rows.setdefault(pid, {"person_id": pid, "present": 0, "absent": 0, "counted": 0})
        if present:
            r["present"] += 1
            r["counted"] += 1
        else:
            r["absent"] += 1
            if count_migrants or reason != Attendance.Reason.MIGRANT:
                r["counted"] += 1
    running = absent_running(org, until)
    from gridgov.org.models import Person

    names = dict(Person.objects.filter(pk__in=set(rows) | running).values_list("pk", "name"))
    for pid in running - set(rows):
        rows[pid] = {"person_id": pid, "present": 0, "absent": 0, "counted": 0}
    out = []
    for pid, r in rows.items():
        out.append({**r, "name": names.get(pid, ""), "rate": _rate(r["present"], r["counted"]),
                    "absent_three": pid in running})
    return sorted(out, key=lambda r: (not r["absent_three"], r["rate"] if r["rate"] is not None else 2, r["name"]))


def absent_running(org: PartyOrg, until: datetime.date, times: int = 3) -> set[int]:
    """The members whose last `times` meetings of the organisation (up to `until`) were all missed."""
    since = until - datetime.timedelta(days=400)
    seen: dict[int, list[bool]] = defaultdict(list)
    for pid, present in (Attendance.objects.filter(org=org, date__gte=since, date__lte=until)
                         .order_by("person_id", "-date", "-meeting_id").values_list("person_id", "present")):
        if len(seen[pid]) < times:
            seen[pid].append(present)
    return {pid for pid, last in seen.items() if len(last) == times and not any(last)}


def meetings_of_person(person_id: int):
    return (Meeting.objects.filter(attendance__person_id=person_id).select_related("org", "kind")
            .order_by("-date", "-id"))
