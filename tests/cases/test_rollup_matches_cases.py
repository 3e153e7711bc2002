"""The daily figures (CaseDay, kept by rollup.py on every save) always give the metrics the cases give
when aggregated directly, for any node and any window, after any sequence of actions spread over days,
including the worker's automatic ratings; and a rebuild from the cases gives the same rows."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.cases import actions, queries, rollup
from gridgov.cases.models import Case, CaseDay
from gridgov.cases.workflow import CaseError, allowed_actions
from tests.cases.action_calls import call
from tests.cases.conftest import POINT_A1, POINT_B1

ACTORS = ["town_admin", "secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"]
# The way forward through the loop, so walks reach closed, reworked and rated cases often.
FORWARD = ["accept", "dispatch", "claim", "resolve", "verify", "rate"]


def advance(case, personas, cfg, data) -> None:
    allowed = {a: w for w in ACTORS for a in allowed_actions(getattr(personas, w), case)}
    step = next((a for a in FORWARD if a in allowed), None)
    if step is None:
        return
    actor = getattr(personas, allowed[step])
    try:
        _take(step, actor, case, personas, cfg, data)
    except CaseError:
        pass  # e.g. dispatching to party_a1 a case of village B: refused, nothing changed


def _take(step, actor, case, personas, cfg, data) -> None:
    if step == "verify":
        actions.do_verify(actor, case, passed=data.draw(st.booleans(), label="verified"))
    elif step == "rate":
        actions.do_rate(actor, case, data.draw(st.sampled_from(["satisfied", "basic", "dissatisfied"]), label="rating"))
    else:
        call(step, actor, case, personas, cfg)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def day_rows() -> set[tuple]:
    fields = ["grid_id", "path", "day", *rollup.COUNTERS]
    return {tuple(row) for row in CaseDay.objects.values_list(*fields)
            if any(row[3:])}  # a cohort row can fall back to all zeros; a rebuild does not write those


def assert_rollup_matches(personas, start: datetime.date, end: datetime.date) -> None:
    town = personas.town
    nodes = ["", town.town.path, town.village_a.path, town.village_b.path, town.a1.path, town.b1.path]
    days = (end - start).days
    windows = [(start, end), (start, start), (end, end)] + [
        (start + datetime.timedelta(days=d), start + datetime.timedelta(days=min(days, d + 2))) for d in range(days)]
    for path in nodes:
        cases = Case.objects.filter(path__startswith=path)
        for since, until in windows:
            assert queries.figures_under(path, since, until) == queries.stats(cases, since, until), (path, since, until)
    admin = personas.town_admin
    for by in ("grid", "village"):
        assert (queries.rankings_for(admin, town.town, Case.objects.all(), by, start, end)
                == queries.rankings(Case.objects.filter(path__startswith=town.town.path), by, start, end))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_daily_figures_equal_the_cases_after_any_actions(personas, cfg, clock, media, data):
    first_day = datetime.date(2026, 3, 2)
    cases = []
    for _step in range(data.draw(st.integers(1, 40), label="steps")):
        what = data.draw(st.sampled_from(["report", "act", "advance", "advance", "advance", "wait", "auto-rate"]),
                         label="what")
        if what == "report" or not cases:
            point = data.draw(st.sampled_from([POINT_A1, POINT_B1]), label="point")
            category = data.draw(st.sampled_from([cfg.garbage, cfg.neighbours]), label="category")
            cases.append(actions.do_report(personas.worker_a1 if point == POINT_A1 else personas.outsider,
                                           category, "路灯不亮", lat=point[0], lng=point[1]))
        elif what == "wait":
            clock.shift(datetime.timedelta(hours=data.draw(st.sampled_from([3, 20, 49]), label="hours")))
        elif what == "auto-rate":
            actions.auto_close_unrated(now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30))
        elif what == "advance":
            advance(Case.objects.get(pk=data.draw(st.sampled_from(cases), label="case").pk), personas, cfg, data)
        else:
            case = Case.objects.get(pk=data.draw(st.sampled_from(cases), label="case").pk)
            allowed = sorted({(a, w) for w in ACTORS for a in allowed_actions(getattr(personas, w), case)})
            if not allowed:
                continue
            action, who = data.draw(st.sampled_from(allowed), label="action")
            try:
                call(action, getattr(personas, who), case, personas, cfg)
            except CaseError:
                pass  # refused: changed nothing, as the workflow tests hold
    last_day = datetime.datetime.now(datetime.UTC).astimezone(queries.timezone.get_current_timezone()).date()
    assert_rollup_matches(personas, first_day, last_day)
    kept = day_rows()
    rollup.rebuild()
    assert day_rows() == kept


def test_a_rolled_back_action_leaves_the_daily_figures_alone(personas, cfg, report, drive):
    case = drive(report(), "resolved")
    kept = day_rows()
    with pytest.raises(CaseError):
        actions.do_verify(personas.outsider, case, passed=True)
    assert day_rows() == kept
    actions.do_verify(personas.worker_a1, case, passed=True)
    assert day_rows() != kept
    closed = CaseDay.objects.get(grid=personas.town.a1)
    assert (closed.reported, closed.accepted, closed.closed) == (1, 1, 1)


def test_every_counter_of_the_daily_figures_against_a_worked_example(personas, cfg, report, drive, clock):
    """Each counter is exercised at least once, on two days, and checked by hand as well as against
    the live aggregate (the random walks reach some of these paths only rarely)."""
    p = personas
    on_time = drive(report(), "closed")                                    # Monday: accepted and closed
    actions.do_rate(p.resident_a1, on_time, "satisfied")
    reworked = drive(report(), "resolved")
    actions.do_verify(p.worker_a1, reworked, passed=False, note="巷口仍有垃圾")  # 返工 once
    actions.do_resolve(p.party_a1, reworked, result="重新清运")
    actions.do_verify(p.worker_a1, reworked, passed=True)
    drive(report(), "rejected")
    drive(report(), "merged")
    escalated = report()
    clock.shift(datetime.timedelta(days=1))                                # Tuesday
    actions.do_escalate(p.worker_a1, escalated, reason="需要村里协调")
    actions.do_accept(p.secretary_a, escalated)
    actions.do_dispatch(p.secretary_a, escalated, "party_a1")
    actions.do_claim(p.party_a1, escalated)
    clock.shift(datetime.timedelta(days=5))                                # past its 8 working hours
    actions.do_resolve(p.party_a1, escalated, result="已协调清运")
    actions.do_verify(p.secretary_a, escalated, passed=True)
    actions.do_rate(p.resident_a1, escalated, "dissatisfied")
    dropped = report()
    actions.do_accept(p.worker_a1, dropped)
    actions.do_escalate(p.worker_a1, dropped, reason="需要村里协调")
    actions.do_reject(p.secretary_a, dropped, reason="不属于受理范围")        # leaves the cohort again
    clock.shift(datetime.timedelta(days=30))
    assert actions.auto_close_unrated() == 1                               # `reworked`, unrated

    monday, tuesday = datetime.date(2026, 3, 2), datetime.date(2026, 3, 3)
    figures = queries.figures_under(p.town.a1.path, monday, tuesday)
    assert figures == queries.stats(Case.objects.filter(path__startswith=p.town.a1.path), monday, tuesday)
    assert (figures["reported"], figures["accepted"], figures["closed"], figures["closed_on_time"]) == (6, 3, 3, 2)
    assert (figures["reworked"], figures["reworks"], figures["rated"], figures["rated_auto"]) == (1, 1, 3, 1)
    assert figures["satisfaction_rate"] == round(2 / 3, 4)  # satisfied + the automatic rating, of 3
    assert figures["closed_by_level"] == {"grid": 2, "village": 1, "town": 0, "department": 0}
    assert queries.figures_under(p.town.a1.path, tuesday, tuesday)["accepted"] == 1
    whole = queries.figures_under(p.town.a1.path, monday, datetime.date(2026, 4, 30))
    assert (whole["reported"], whole["accepted"]) == (7, 3)  # `dropped`, reported a week later, was rejected
    assert queries.figures_under(p.town.village_b.path, monday, tuesday)["reported"] == 0
    kept = day_rows()
    rollup.rebuild()
    assert day_rows() == kept


@pytest.mark.parametrize("grids_at_once", [1, 2, 500])
def test_a_rebuild_a_few_grids_at_a_time_writes_the_rows_the_actions_wrote(personas, cfg, report, drive, clock,
                                                                           grids_at_once):
    """rebuild() holds one batch of grids' rows at a time (a province's 40M rows would not fit in memory):
    cases of several grids on several days, rebuilt one grid at a time or all at once, give the same rows."""
    from .conftest import POINT_B1

    drive(report(), "closed")
    report(point=POINT_B1)
    clock.shift(datetime.timedelta(days=1))
    drive(report(), "accepted")
    report(point=POINT_B1)
    kept = day_rows()
    assert len({grid for grid, *_ in kept}) == 2 and len({day for _, _, day, *_ in kept}) == 2
    assert rollup.rebuild(grids_at_once=grids_at_once) == len(kept)
    assert day_rows() == kept
