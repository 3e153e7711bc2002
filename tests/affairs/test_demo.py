"""The demo's village affairs are built from the reference day and the seed, on any day: New Year's Day, a
quarter's last day, mid-year, New Year's Eve, a leap day. On each: nothing on or after the reference day,
matters in every state (one rejected, one refused for lack of quorum and stuck at its review), a board per
village with a year of finances (tables whose totals add up), late finances in two villages and at most a
few missing, questions answered (one late) and one open, the supervision committee's checks; the same seed
gives the same records."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gridgov import demo as gridgov_demo
from gridgov.affairs import demo, queries
from gridgov.affairs.models import (
    Board,
    Disclosure,
    DisclosureKind,
    Matter,
    MatterStep,
    Question,
    Remark,
    State,
    Step,
)
from gridgov.core import clock
from gridgov.org import demo as org_demo
from gridgov.org.models import Post, Region, User

SEED = org_demo.DEFAULT_SEED + 27
DAYS = [datetime.date(2027, 1, 1), datetime.date(2026, 3, 31), datetime.date(2026, 7, 1),
        datetime.date(2026, 12, 31), datetime.date(2028, 2, 29)]


class _Rollback(Exception):
    pass


@pytest.fixture
def town(db):
    org_demo.build("town", progress=False)
    return Region.objects.get(level=Region.Level.TOWN)


def _build(day: datetime.date) -> tuple[str, datetime.datetime]:
    now = gridgov_demo.reference_moment(day)
    with clock.replaying_at(now):
        return demo.build(now, SEED), now


def _check(town: Region, day: datetime.date, line: str, now: datetime.datetime) -> dict:
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE, parent=town))
    # Nothing on or after the reference day, nothing entered after the reference moment.
    assert MatterStep.objects.aggregate(m=Max("date"))["m"] < day
    for model, field in ((Matter, "opened_at"), (MatterStep, "recorded_at"), (Disclosure, "published_at"),
                         (Question, "asked_at"), (Question, "answered_at"), (Remark, "created_at")):
        latest = model.objects.aggregate(m=Max(field))["m"]
        assert latest is not None and latest < now, (model.__name__, field, latest)
    assert Disclosure.objects.aggregate(m=Max("shown_from"))["m"] < day
    # Matters in every state; the one refused for lack of quorum waits at its review, flagged stuck.
    states = set(Matter.objects.values_list("state", flat=True))
    assert states == set(State.values), states
    assert Matter.objects.filter(state=State.REJECTED).count() == 1
    refused = Matter.objects.get(title=demo.REFUSED[0])
    assert refused.state == State.REVIEWED and not refused.steps.filter(step=Step.DECIDE).exists()
    assert queries.flags_for([refused], day)[refused.pk].stuck
    assert "1" in line and Remark.objects.filter(matter=refused, is_check=False).exists()
    # Every decided matter went through the four deliberations, every done one published both.
    for matter in Matter.objects.filter(state=State.DONE).prefetch_related("steps"):
        assert [s.step for s in matter.steps.all()] == list(Step.values)
    # A board per village, three supervision committee members each.
    assert Board.objects.count() == len(villages)
    members = Post.objects.filter(kind=Post.Kind.SUPERVISOR)
    assert members.count() == 3 * len(villages) and set(members.values_list("region_id", flat=True)) == {
        v.pk for v in villages}
    # The demo party member sits on the committee of the demo secretary's village, and checked its finances.
    party_member = User.objects.get(username="partymember")
    home = User.objects.get(username="secretary").scope_path
    assert members.filter(person=party_member.person, path=home).exists()
    assert Remark.objects.filter(is_check=True, author=party_member.person, path=home).count() == 3
    # A year of finances in every village, each table adding up to its totals.
    finances = Disclosure.objects.filter(kind=DisclosureKind.FINANCE)
    for item in finances:
        assert sum(Decimal(r["income"]) for r in item.table) == item.income_total
        assert sum(Decimal(r["expense"]) for r in item.table) == item.expense_total
    assert set(finances.values_list("path", flat=True)) == {v.path for v in villages}
    assert finances.filter(path=home).count() >= 11
    assert Disclosure.objects.filter(kind=DisclosureKind.VILLAGE, path=home).count() >= 3
    assert Disclosure.objects.filter(kind=DisclosureKind.PARTY).count() == demo.PARTY_EVENTS * len(villages)
    # Late finances in two villages, the demo secretary's one of them; at most a few missing (one).
    assert finances.filter(late=True).values("path").distinct().count() == 2
    assert finances.filter(late=True, path=home).exists()
    rows = queries.overview(town.path, day)
    missing = [o for row in rows for o in row.overdue]
    assert 1 <= len(missing) <= 3, missing
    # Questions: answered on time, one late, one still open past its day.
    answer_days = 7
    answered = Question.objects.filter(answered_at__isnull=False)
    late = [q for q in answered if timezone.localdate(q.answered_at) > q.due_on]
    assert len(late) == 1 and answered.count() - len(late) >= 2
    assert Question.objects.filter(answered_at__isnull=True).count() == 1
    assert Question.objects.get(answered_at__isnull=True).due_on < day
    assert all(q.due_on - timezone.localdate(q.asked_at) == datetime.timedelta(days=answer_days)
               for q in Question.objects.all())
    home_row = next(r for r in rows if r.village.path == home)
    assert home_row.stuck >= 1 and home_row.questions_overdue == 1 and home_row.late >= 1
    return {"matters": sorted(Matter.objects.values_list("path", "title", "state", "last_step_on")),
            "items": sorted(Disclosure.objects.values_list("path", "kind", "period", "title", "income_total",
                                                           "shown_from", "late")),
            "questions": sorted(Question.objects.values_list("path", "text", "asked_at", "answered_at"))}


def test_the_demo_on_any_day(town):
    """Several reference days on one town (each built in a savepoint rolled back); the last day twice, to
    see the same seed give the same records."""
    prints = {}
    for day in [*DAYS, DAYS[0]]:
        try:
            with transaction.atomic():
                line, now = _build(day)
                assert "村务" in line or "事项" in line, line  # the loader's line is in Chinese
                with clock.replaying_at(now):  # the reads' "today" is the reference day
                    found = _check(town, day, line, now)
                assert prints.setdefault(day, found) == found
                raise _Rollback
        except _Rollback:
            pass
        assert not Matter.objects.exists()
