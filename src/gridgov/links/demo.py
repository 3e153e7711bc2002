"""The demo's records of this app (see gridgov/demo.py): built from the reference moment `now`, so they
read the same whatever day the demo is loaded on.

In every small grid one party member (the `partymember` account's person in its grid, else the head of
the party-member central household, else the grid's first party member) is linked to the grid's
households, about ten each: full coverage, except in two villages where a third of the grids leave a few
households unlinked. The links began four months before `now`; a few changed hands last month (the old
link ended with a reason). Contacts fill the three months before `now`'s month and its days so far, most
households each month, some not yet this month; two contacts became cases. Rows are bulk-created; the
audit log gets one summary row per batch. Points: the contacts of the showcase member earn through the
town's `link_contact` rule (if the points demo made one), like a contact logged on the phone.
"""

import datetime
import random
import time

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.org.models import Grid, Household, Person, Region, User

from . import actions, queries
from .models import Contact, Link, month_key

TOPICS = ["thought", "development", "harmony", "livelihood"]
WAYS = ["visit"] * 5 + ["phone"] * 3 + ["wechat"] * 2
NOTES = ["宣传惠民政策", "了解家庭生产情况", "调解邻里小矛盾", "收集意见建议", "看望独居老人", "讲解医保缴费", "提醒防汛防风"]
CASE_NOTES = [("村道路灯不亮，晚上出行不便", "路灯损坏"), ("门前排水沟堵塞，雨天积水", "排水沟堵塞")]


def build(now, seed: int) -> str:
    """Build the demo records; returns one line for the loader's report (empty: nothing to say)."""
    started = time.monotonic()
    town = Region.objects.filter(level=Region.Level.TOWN, name="东成镇").first() or \
        Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None or Link.objects.exists():
        return ""
    rng = random.Random(seed)
    today = timezone.localdate(now)
    member_user = User.objects.filter(username="partymember", role="party_member").select_related("person").first()
    villages = list(Region.objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("code"))
    showcase_path = member_user.person.path if member_user and member_user.person_id else ""
    candidates = [v for v in villages if not showcase_path.startswith(v.path)]
    gap_villages = {v.pk for v in rng.sample(candidates, min(2, len(candidates)))}

    grids = list(Grid.objects.filter(level=Grid.Level.SMALL, path__startswith=town.path).order_by("path"))
    houses_by_grid: dict[int, list[Household]] = {}
    for h in Household.objects.filter(path__startswith=town.path).order_by("path", "number"):
        houses_by_grid.setdefault(h.grid_id, []).append(h)
    party_by_grid: dict[int, list[Person]] = {}
    for p in Person.objects.filter(path__startswith=town.path, is_party_member=True).order_by("path", "pk"):
        party_by_grid.setdefault(p.grid_id, []).append(p)
    central_heads = dict(Household.objects.filter(path__startswith=town.path, is_party_central=True)
                         .values_list("grid_id", "head_id"))

    start = today - datetime.timedelta(days=122)
    handover = _last_month_day(today, 12)
    links: list[Link] = []
    for grid in grids:
        members = party_by_grid.get(grid.pk, [])
        houses = houses_by_grid.get(grid.pk, [])
        if not members or not houses:
            continue
        member = next((m for m in members if member_user and m.pk == member_user.person_id), None) or \
            next((m for m in members if m.pk == central_heads.get(grid.pk)), None) or members[0]
        chosen = list(houses)
        village_id = grid.region_id
        if village_id in gap_villages and rng.random() < 0.45:
            chosen = chosen[:max(1, len(chosen) - rng.randint(3, 6))]
        for house in chosen:
            other = [m for m in members if m.pk != member.pk]
            if other and handover and rng.random() < 0.03 and not (member_user and member.pk == member_user.person_id):
                # A link that changed hands last month: the old member moved away for work.
                links.append(Link(member=other[0], household=house, since=start, until=handover,
                                  reason="外出务工，改由本网格党员联系", path=house.path))
                links.append(Link(member=member, household=house, since=handover, path=house.path))
            else:
                links.append(Link(member=member, household=house, since=start, path=house.path))
    links = Link.objects.bulk_create(links, batch_size=2000)
    audit.record("link.demo", town, None, {"households": sum(1 for link in links if link.until is None)})

    contacts = _contacts(rng, links, today)
    contacts = Contact.objects.bulk_create(contacts, batch_size=2000)
    audit.record("link.demo_contacts", town, None, {"total": len(contacts)})

    cases = _cases(rng, member_user, contacts, today)
    awarded = 0
    if member_user and member_user.person_id:
        for contact in contacts:
            if contact.member_id == member_user.person_id and actions.award(
                    contact, member_user.person, now=_evening(contact.date)) == "awarded":
                awarded += 1
    f = queries.figures(town.path, today, today, day=today)
    return _(
        "Loaded household links: %(links)d members linked to %(linked)d of %(households)d households, "
        "%(contacts)d contacts, %(cases)d cases from contacts, %(awarded)d points awards in %(seconds).1f s."
    ) % {"links": len({link.member_id for link in links if link.until is None}), "linked": f["linked"],
         "households": f["households"], "contacts": len(contacts), "cases": cases, "awarded": awarded,
         "seconds": time.monotonic() - started}


def _last_month_day(today: datetime.date, day: int) -> datetime.date | None:
    year, month = queries.shift_month(today.year, today.month, -1)
    return datetime.date(year, month, day)


def _contacts(rng, links: list[Link], today: datetime.date) -> list[Contact]:
    """Three whole months before today's month and the days of this month before today."""
    yesterday = today - datetime.timedelta(days=1)
    months = [queries.shift_month(today.year, today.month, -k) for k in (3, 2, 1, 0)]
    out = []
    for link in links:
        for year, month in months:
            first, last = queries.month_bounds(year, month)
            first = max(first, link.since)
            last = min(last, yesterday, (link.until - datetime.timedelta(days=1)) if link.until else last)
            if last < first:
                continue
            current = (year, month) == (today.year, today.month)
            share = 0.9 if not current else min(0.85, (today.day - 1) / 20)
            if rng.random() >= share:
                continue
            day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
            out.append(Contact(link=link, member_id=link.member_id, household_id=link.household_id,
                               way=rng.choice(WAYS), date=day, month=month_key(day),
                               topics=sorted(rng.sample(TOPICS, rng.randint(1, 2))),
                               note=rng.choice(NOTES), path=link.path,
                               created_at=_evening(day)))
    return out


def _cases(rng, member_user, contacts: list[Contact], today: datetime.date) -> int:
    """Two contacts of last month become cases: one of the showcase member (through the member's own
    action), one of another member."""
    from gridgov.cases import actions as case_actions
    from gridgov.cases.models import Category

    category = Category.objects.filter(level=2, is_active=True).order_by("code").first()
    if category is None:
        return 0
    year, month = queries.shift_month(today.year, today.month, -1)
    first, last = queries.month_bounds(year, month)
    recent = [c for c in contacts if first <= c.date <= last]
    mine = [c for c in recent if member_user and c.member_id == member_user.person_id]
    others = [c for c in recent if not member_user or c.member_id != member_user.person_id]
    made = 0
    if mine:
        contact = mine[-1]
        contact.note = CASE_NOTES[0][0]
        Contact.objects.filter(pk=contact.pk).update(note=contact.note)
        with clock.replaying_at(_evening(contact.date)):
            actions.do_contact_case(member_user, contact, category, CASE_NOTES[0][0])
        made += 1
    if others:
        contact = rng.choice(others)
        contact.note = CASE_NOTES[1][0]
        house = contact.household
        with clock.replaying_at(_evening(contact.date)):
            case = case_actions.do_report(None, category, CASE_NOTES[1][0], grid=house.grid, channel="contact",
                                          reporter_person=actions.reporter_of(house), reporter_checked=True)
        before = audit.snapshot(contact)
        Contact.objects.filter(pk=contact.pk).update(case=case, note=contact.note)
        contact.case = case
        audit.record("link.contact_case", contact, *audit.diff(before, audit.snapshot(contact)))
        made += 1
    return made


def _evening(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(19)))
