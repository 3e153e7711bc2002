"""The demo's records of this app (see gridgov/demo.py), built from the reference moment `now` so they read
the same whatever day the demo is loaded on: the town's catalogue (catalogue.py), about four months of
applications in every state (the demo account `resident` has some of each, one returned for a missing
material), ratings, and the service hall's slots for the next two weeks with some places booked. Written
in bulk on the case loop's working calendar; the audit log gets one row for the batch."""

import datetime
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases import calendar
from gridgov.core import audit
from gridgov.org.models import Person, Region, User

from . import catalogue
from .models import Application, Booking, ServiceItem, Slot, State

DAYS = 120
APPLICATIONS = 240
NOTES = ["", "", "家中老人行动不便，请代办员帮忙", "材料已备齐", "急用，请尽快办理", "上次材料不全，已补齐"]
REFUSALS = ["家庭人均收入超过当地低保标准", "不符合申请条件", "材料经核实与实际情况不符"]


def _moment(rng, day: datetime.date, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(rng.choice([8, 9, 10, 11, 14, 15, 16]), rng.choice([0, 20, 40])),
                                     tzinfo=tz)


def _story(rng, cal, item, created, now) -> dict:
    """The fields of one application whose history runs from `created`, cut at `now`."""
    fields = {"created_at": created, "state": State.DRAFT}
    t = created + datetime.timedelta(minutes=rng.randint(5, 90))
    if t >= now or rng.random() < 0.04:
        return fields
    fields.update(state=State.SUBMITTED, submitted_at=t, step_started_at=t, deadline=cal.add(t, 1, "d"))
    if rng.random() < 0.18:  # returned for a material
        r = cal.add_seconds(t, rng.randint(1, 6) * 3600)
        if r >= now:
            return fields
        names = [m["name"] for m in item.materials] or ["居民身份证"]
        fields.update(state=State.RETURNED, missing=[rng.choice(names)], return_note="照片不清晰，请重新拍照上传",
                      returns=1, step_started_at=r, deadline=None)
        t = r + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
        if t >= now or rng.random() < 0.1:
            return fields
        fields.update(state=State.SUBMITTED, missing=[], step_started_at=t, deadline=cal.add(t, 1, "d"))
    a = cal.add_seconds(t, rng.randint(1, 12 if rng.random() < 0.85 else 30) * 3600)
    if a >= now:
        return fields
    due = cal.add(a, item.limit_days, "d") if item.limit_days else a
    fields.update(state=State.ACCEPTED, accepted_at=a, step_started_at=a, deadline=due, due_at=due)
    p = cal.add_seconds(a, rng.randint(1, 8) * 3600)
    if p >= now:
        return fields
    fields["state"] = State.PROCESSING
    span = cal.seconds_between(a, due) or 3600
    f = cal.add_seconds(a, span * (rng.uniform(0.2, 0.95) if rng.random() < 0.86 else rng.uniform(1.05, 1.6)))
    if f >= now:
        return fields
    refused = rng.random() < 0.08
    fields.update(state=State.REFUSED if refused else State.DONE, finished_at=f, on_time=f <= due, deadline=None,
                  due_soon_at=None, refuse_reason=rng.choice(REFUSALS) if refused else "")
    rated = f + datetime.timedelta(hours=rng.randint(2, 72))
    if rated < now and rng.random() < 0.75:
        fields.update(rating=rng.choices([5, 4, 3, 2, 1], [55, 28, 9, 5, 3])[0], rated_at=rated)
    return fields


def build(now, seed: int) -> str:
    rng = random.Random(seed)
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None:
        return ""
    items = ServiceItem.objects.bulk_create([ServiceItem(town=town, path=town.path, **row) for row in catalogue.rows()])
    cal = calendar.current()
    tz = now.tzinfo
    people = list(Person.objects.filter(path__startswith=town.path).order_by("id").values_list("id", "path")[:3000])
    if not people:
        return ""
    resident = User.objects.filter(username="resident", is_active=True, person__isnull=False).first()
    agents = list(User.objects.filter(role="grid_worker", is_active=True, scope_path__startswith=town.path)
                  .values_list("id", "scope_path"))
    popular = rng.sample(items, min(40, len(items)))
    today = timezone.localdate(now)
    apps = []
    for n in range(APPLICATIONS):
        item = rng.choice(popular) if rng.random() < 0.7 else rng.choice(items)
        mine = resident is not None and n < 12
        person_id, path = (resident.person_id, resident.person.path) if mine else rng.choice(people)
        day = today - datetime.timedelta(days=(n % 6) * 2 if mine else rng.randint(0, DAYS))
        while not cal.is_workday(day) and day > today - datetime.timedelta(days=DAYS + 10):
            day -= datetime.timedelta(days=1)
        created = _moment(rng, day, tz)
        if created >= now:
            created = now - datetime.timedelta(hours=rng.randint(2, 30))
        agent = next((uid for uid, sp in agents if path.startswith(sp)), None) \
            if item.agent_allowed and not mine and rng.random() < 0.3 else None
        fields = _story(rng, cal, item, created, now)
        if fields.get("deadline") and fields["state"] in (State.SUBMITTED, State.ACCEPTED, State.PROCESSING):
            start = fields["step_started_at"]
            fields["due_soon_at"] = cal.add_seconds(start, cal.seconds_between(start, fields["deadline"]) * 0.8)
        apps.append(Application(item=item, applicant_id=person_id, agent_id=agent, note=rng.choice(NOTES), path=path,
                                created_by_id=agent or (resident.pk if mine else None), **fields))
    if resident is not None:  # the demo resident's latest: returned for a material, waiting for a new photo
        item = next(i for i in items if i.name == "高龄津贴申领")
        created = now - datetime.timedelta(days=3)
        apps.append(Application(item=item, applicant_id=resident.person_id, created_by_id=resident.pk,
                                path=resident.person.path, state=State.RETURNED, created_at=created,
                                submitted_at=created + datetime.timedelta(minutes=10), missing=["户口簿"],
                                return_note="户口簿照片缺少本人页，请补拍", returns=1,
                                step_started_at=created + datetime.timedelta(hours=20)))
    # Whatever the day and the seed, the queue shows every open state: a fresh one of each that is missing.
    present = {a.state for a in apps}
    for state in (State.DRAFT, State.SUBMITTED, State.RETURNED, State.ACCEPTED, State.PROCESSING):
        if state in present:
            continue
        item = rng.choice(popular)
        person_id, path = rng.choice(people)
        t = now - datetime.timedelta(hours=2)
        fields = {"created_at": t - datetime.timedelta(minutes=30), "state": state}
        if state != State.DRAFT:
            fields.update(submitted_at=t, step_started_at=t, deadline=cal.add(t, 1, "d"))
        if state == State.RETURNED:
            fields.update(deadline=None, missing=[(item.material_names() or ["居民身份证"])[0]], returns=1,
                          return_note="请补充清晰的材料照片")
        if state in (State.ACCEPTED, State.PROCESSING):
            due = cal.add(t, item.limit_days or 1, "d")
            fields.update(accepted_at=t, deadline=due, due_at=due)
        if fields.get("deadline"):
            fields["due_soon_at"] = cal.add_seconds(t, cal.seconds_between(t, fields["deadline"]) * 0.8)
        apps.append(Application(item=item, applicant_id=person_id, path=path, note="", **fields))
    Application.objects.bulk_create(apps, batch_size=500)
    # The hall's slots: two a workday for the next two weeks, six places each, some booked.
    slots, day = [], today
    while len(slots) < 20:
        day += datetime.timedelta(days=1)
        if cal.is_workday(day):
            for hour, minute in ((9, 0), (14, 30)):
                start = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)
                slots.append(Slot(town=town, path=town.path, start=start, end=start + datetime.timedelta(hours=1),
                                  capacity=6, place="镇便民服务中心综合窗口"))
    bookings = []
    for n, slot in enumerate(slots[:12]):
        chosen = rng.sample(people, min(len(people), rng.randint(1, 5)))
        if n == 0 and resident is not None and resident.person_id not in {pid for pid, _p in chosen}:
            chosen.append((resident.person_id, resident.person.path))
        slot.booked = len(chosen)
        bookings += [Booking(slot=slot, person_id=pid, path=ppath, created_at=now) for pid, ppath in chosen]
    Slot.objects.bulk_create(slots)
    Booking.objects.bulk_create(bookings)
    audit.record("service.demo", town, None, {"items": len(items), "applications": len(apps),
                                             "bookings": len(bookings)})
    return _("Demo services: %(items)d catalogue items, %(apps)d applications, %(bookings)d bookings") % {
        "items": len(items), "apps": len(apps), "bookings": len(bookings)}
