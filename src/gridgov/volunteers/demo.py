"""The demo's volunteer service (see gridgov/demo.py): built from the reference moment `now`, so it reads the
same whatever day the demo is loaded on.

Every village of the demo town gets a 党员先锋队 led by one of its party members and one or two other teams
(巾帼, 青年, 银龄); 都斛村 about 100 volunteers, the others 12 to 30 (never more than live there), registered
over the year before `now`. Each team held about one activity a month over the six months before `now`
(all closed, with attendance: check-in and check-out around the activity's time, a few walk-ins, a few hours
corrected), and each team has one activity in the next two weeks, open for sign-up. Points follow the
town's rule for "volunteer_activity" (the demo adds it, 1 point, capped at 40 a month, if the points demo
has not), awarded at each activity's close as the app does. The demo account `resident` is a volunteer of
their village with a record. Written in bulk; the audit log gets one row for the batch.
"""

import datetime
import random
import time

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.org.models import Person, Region, User

from . import actions
from .models import Activity, Membership, Signup, Team, Volunteer

BIG_VILLAGE = "都斛村"
BIG = 100
OTHER_KINDS = [Team.Kind.WOMEN, Team.Kind.YOUTH, Team.Kind.SENIOR]
KIND_NAMES = {Team.Kind.VANGUARD: "党员先锋队", Team.Kind.WOMEN: "巾帼志愿服务队", Team.Kind.YOUTH: "青年志愿服务队",
              Team.Kind.SENIOR: "银龄志愿服务队"}
TITLES = {
    Team.Kind.VANGUARD: [("清理河道垃圾", "河堤"), ("政策宣讲进农户", "村党群服务中心"), ("防汛值守", "水库坝首"),
                         ("人居环境整治", "村道两侧")],
    Team.Kind.WOMEN: [("关爱留守儿童", "村小学"), ("家风家训宣讲", "文化室"), ("庭院美化", "村中心广场")],
    Team.Kind.YOUTH: [("文明交通劝导", "镇区路口"), ("反诈宣传", "集市"), ("义务植树", "后山")],
    Team.Kind.SENIOR: [("探访独居老人", "各村民小组"), ("调解邻里纠纷", "村委会"), ("义务理发", "长者饭堂")],
}
RULE_CODE = "ZYHD-01"
HISTORY_MONTHS = 6
CORRECTIONS = ["中途离开一小时", "忘记签退，按实际补记", "提前到场布置"]


def _when(rng: random.Random, day: datetime.date, tz) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time(rng.choice([8, 9, 14, 15]), rng.choice([0, 30])), tzinfo=tz)
    return start, start + datetime.timedelta(hours=rng.choice([2, 2, 3, 4]))


def build(now, seed: int) -> str:
    """Build the demo records; returns one line for the loader's report (empty: nothing to say)."""
    started = time.monotonic()
    rng = random.Random(seed)
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None or Team.objects.filter(path__startswith=town.path).exists():
        return ""
    tz = timezone.get_current_timezone()
    now = now.astimezone(tz)
    today = now.date()
    year_ago = today - datetime.timedelta(days=365)
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE, parent=town).order_by("code"))
    resident = User.objects.filter(username="resident", is_active=True, person__isnull=False).select_related(
        "person").first()
    rule = _rule(town)

    teams, volunteers, members = [], {}, []
    pools: dict[int, list[Person]] = {}
    for village in villages:
        people = list(Person.objects.filter(path__startswith=village.path).order_by("id"))
        if not people:
            continue
        wanted = BIG if village.name == BIG_VILLAGE else rng.randint(12, 30)
        chosen = rng.sample(people, min(wanted, len(people)))
        if resident is not None and resident.person.path.startswith(village.path) and resident.person not in chosen:
            chosen[-1:] = [resident.person]
        party = [p for p in people if p.is_party_member]
        leader = rng.choice(party) if party else chosen[0]
        if leader not in chosen:
            chosen.append(leader)
        created = today - datetime.timedelta(days=rng.randint(380, 700))
        kinds = [Team.Kind.VANGUARD, *rng.sample(OTHER_KINDS, k=2 if village.name == BIG_VILLAGE else rng.randint(1, 2))]
        village_teams = []
        for kind in kinds:
            team = Team(name=f"{village.name}{KIND_NAMES[kind]}", region=village, kind=kind,
                        leader=leader if kind == Team.Kind.VANGUARD else rng.choice(chosen), path=village.path,
                        created_at=datetime.datetime.combine(created, datetime.time(10), tzinfo=tz))
            village_teams.append(team)
        Team.objects.bulk_create(village_teams)
        teams += village_teams
        for person in chosen:
            day = year_ago - datetime.timedelta(days=rng.randint(0, 300)) if rng.random() < 0.6 else \
                year_ago + datetime.timedelta(days=rng.randint(0, 330))
            moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 20), rng.randint(0, 59)), tzinfo=tz)
            volunteers[person.pk] = Volunteer(person=person, registered_at=moment, consent_version=actions.CONSENT_VERSION,
                                              consent_at=moment, path=person.path)
            for team in rng.sample(village_teams, rng.randint(1, min(2, len(village_teams)))):
                members.append(Membership(team=team, person=person, joined_at=moment, path=person.path))
        for team in village_teams:
            if team.leader is not None and not any(m.team is team and m.person_id == team.leader.pk for m in members):
                members.append(Membership(team=team, person=team.leader, joined_at=team.created_at,
                                          path=team.leader.path))
        pools[village.pk] = chosen
    Volunteer.objects.bulk_create(volunteers.values(), batch_size=1000)
    Membership.objects.bulk_create(members, batch_size=1000)

    registered = {pk: v.registered_at for pk, v in volunteers.items()}
    activities, plans = [], []
    for team in teams:
        pool = pools[team.region_id]
        titles = TITLES[team.kind]
        # Six months, not a year: every attendance earns points through the ledger one award at a time,
        # and a year of them was most of the demo's load time (`make run`, and each demo check in CI).
        for month in range(HISTORY_MONTHS, 0, -1):
            day = today - datetime.timedelta(days=30 * month - rng.randint(0, 27))
            if day >= today or (team.region.name != BIG_VILLAGE and rng.random() < 0.25):
                continue
            start, end = _when(rng, day, tz)
            if end >= now:
                continue
            title, place = rng.choice(titles)
            quota = rng.choice([8, 10, 12, 15, 20])
            per_hour = rng.random() < 0.2
            activities.append(Activity(
                team=team, title=title, start=start, end=end, place=place, quota=quota, points=1,
                points_per=Activity.PointsPer.HOUR if per_hour else Activity.PointsPer.ACTIVITY,
                audience=Activity.Audience.VILLAGE, audience_path=team.path,
                signup_until=start - datetime.timedelta(hours=12), state=Activity.State.CLOSED,
                code=f"{rng.randrange(1_000_000):06d}", created_at=start - datetime.timedelta(days=rng.randint(3, 10)),
                closed_at=min(now, end + datetime.timedelta(minutes=rng.randint(10, 90))), path=team.path))
            plans.append((pool, quota, False))
        # One ahead, open for sign-up.
        start, end = _when(rng, today + datetime.timedelta(days=rng.randint(1, 14)), tz)
        title, place = rng.choice(titles)
        activities.append(Activity(
            team=team, title=title, start=start, end=end, place=place, quota=20, points=2,
            audience=Activity.Audience.VILLAGE, audience_path=team.path, signup_until=start - datetime.timedelta(hours=12),
            code=f"{rng.randrange(1_000_000):06d}", created_at=min(now, start - datetime.timedelta(days=7)),
            path=team.path))
        plans.append((pool, 20, True))
    Activity.objects.bulk_create(activities, batch_size=1000)

    signups = []
    for activity, (pool, quota, upcoming) in zip(activities, plans):
        eligible = [p for p in pool if registered[p.pk] < activity.created_at]
        if resident is not None and resident.person in eligible and rng.random() < 0.5:
            eligible.remove(resident.person)
            eligible.insert(0, resident.person)
            head = [resident.person]
        else:
            head = []
        n = min(len(eligible), rng.randint(quota // 2, quota * 3 // 4) if not upcoming else rng.randint(0, quota // 2))
        people = head + rng.sample([p for p in eligible if p not in head], max(0, n - len(head)))
        for i, person in enumerate(people[:max(n, len(head))]):
            signed = activity.created_at + (activity.signup_until - activity.created_at) * rng.random()
            if upcoming:
                signups.append(Signup(activity=activity, person=person, signed_at=min(signed, now), path=person.path))
                continue
            if rng.random() < 0.08:  # cancelled before the cut-off
                signups.append(Signup(activity=activity, person=person, signed_at=signed, path=person.path,
                                      state=Signup.State.CANCELLED, cancelled_at=signed + datetime.timedelta(hours=2)))
                continue
            walk_in = i == len(people) - 1 and rng.random() < 0.3
            check_in = min(now, activity.start + datetime.timedelta(minutes=rng.randint(-20, 25)))
            check_out = min(now, activity.end + datetime.timedelta(minutes=rng.randint(-40, 15)))
            s = Signup(activity=activity, person=person, signed_at=check_in if walk_in else signed, walk_in=walk_in,
                       check_in=check_in, check_out=check_out, path=person.path)
            s.minutes = actions.counted_minutes(activity, check_in, check_out)
            if rng.random() < 0.03:
                s.minutes, s.corrected, s.reason = max(0, s.minutes - 60), True, rng.choice(CORRECTIONS)
            signups.append(s)
    Signup.objects.bulk_create(signups, batch_size=2000)

    points = _award(activities, signups, rule) if rule is not None else 0
    audit.record("volunteer.demo", town, None, {"teams": len(teams), "volunteers": len(volunteers),
                                                "activities": len(activities), "signups": len(signups)})
    return _("Loaded %(teams)d volunteer teams, %(volunteers)d volunteers, %(activities)d activities "
             "(%(upcoming)d ahead), %(signups)d sign-ups and %(points)d points, in %(seconds).1f s.") % {
        "teams": len(teams), "volunteers": len(volunteers), "activities": len(activities), "upcoming": len(teams),
        "signups": len(signups), "points": points, "seconds": time.monotonic() - started}


def _rule(town: Region):
    """The town's rule for volunteer service: the points demo's, else one the demo adds (1 point, 40 a month)."""
    from gridgov.points import actions as points_actions
    from gridgov.points.models import Rule

    rule = Rule.objects.filter(auto=actions.AUTO, is_active=True, path__startswith=town.path).first()
    if rule is not None:
        return rule
    admin = User.objects.filter(role="town_admin", scope_path=town.path, is_active=True).order_by("pk").first()
    if admin is None or Rule.objects.filter(code=RULE_CODE).exists():
        return None
    return points_actions.do_save_rule(admin, town, code=RULE_CODE, name="志愿服务活动（按活动积分，自动）", points=1,
                                       unit="person", cap=40, cap_period="month", auto=actions.AUTO)


def _award(activities: list[Activity], signups: list[Signup], rule) -> int:
    """Award each attendance of a closed activity as closing it would, at the moment it was closed."""
    from gridgov.points.public import award_automatic

    by_activity: dict[int, list[Signup]] = {}
    for s in signups:
        if s.state == Signup.State.SIGNED and s.minutes > 0:
            by_activity.setdefault(s.activity_id, []).append(s)
    total, changed = 0, []
    for activity in activities:
        if activity.state != Activity.State.CLOSED:
            continue
        with clock.replaying_at(activity.closed_at):
            for s in by_activity.get(activity.pk, []):
                got = 0
                for n in range(1, actions.earned(activity, s.minutes) + 1):
                    result = award_automatic(
                        actions.AUTO, person=s.person, path=s.path, key=f"volunteer:{activity.pk}:{s.person_id}:{n}",
                        reason=_("Volunteer activity %(title)s on %(date)s") % {
                            "title": activity.title, "date": timezone.localdate(activity.start).isoformat()},
                        now=activity.closed_at)
                    got += result in ("awarded", "exists")
                if got:
                    s.points = got
                    changed.append(s)
                    total += got * rule.points
    Signup.objects.bulk_update(changed, ["points"], batch_size=2000)
    return total
