"""One tick of the worker (core.jobs.run_periodic, what `gridgov worker` runs every --tick seconds) flags
clocks, escalates, rates and delivers the notices it queued, and a second tick changes nothing."""

import io
import logging

from django.core.management import call_command

from gridgov.cases import worker  # noqa: F401  (registers the sweeps, as jobs.discover() does)
from gridgov.cases.models import Case, Notification, Outbox
from gridgov.core import jobs
from tests.cases.conftest import local


def test_the_cases_sweeps_are_registered_in_order():
    jobs.discover()
    names = [n for n in jobs.PERIODIC if n.startswith("cases.")]
    assert names == ["cases.clocks", "cases.escalate", "cases.auto_rate", "cases.outbox"]


def test_a_tick_flags_escalates_and_delivers_once(personas, report, drive, clock, caplog):
    waiting = report()  # assessment due 12:00 today
    handled = drive(report(description="另一处垃圾"), "in_progress")  # handling due Tuesday 11:00
    clock.move_to(local(2026, 3, 2, 12, 1))
    with caplog.at_level(logging.INFO, logger="gridgov.notify"):
        first = jobs.run_periodic()
    assert first["cases.clocks"] == {"overdue": 1, "due_soon": 0}
    assert first["cases.escalate"] == 1  # overdue while waiting for assessment: up to the village
    waiting.refresh_from_db()
    assert (waiting.level, waiting.state, waiting.escalation_count, waiting.overdue) == ("village", "reported", 1,
                                                                                          False)
    queued = Outbox.objects.count()
    assert first["cases.outbox"] == {"sent": queued, "retry": 0, "failed": 0} and queued > 0
    assert not Outbox.objects.exclude(state="sent").exists()
    assert Notification.objects.filter(case=waiting, kind="escalated", user=personas.secretary_a).exists()
    lines = [r.getMessage() for r in caplog.records if r.name == "gridgov.notify"]
    assert len(lines) == queued and any(waiting.number in line and "secretary_a" in line for line in lines)

    second = jobs.run_periodic()
    assert second["cases.clocks"] == {"overdue": 0, "due_soon": 0}
    assert second["cases.escalate"] == 0
    assert second["cases.outbox"] == {"sent": 0, "retry": 0, "failed": 0}
    assert Outbox.objects.count() == queued

    clock.move_to(local(2026, 3, 3, 11, 1))
    third = jobs.run_periodic()
    assert third["cases.clocks"]["overdue"] == 2  # the handled case, and the escalated one's new step
    handled.refresh_from_db()
    assert handled.overdue and handled.state == "in_progress"


def test_closed_cases_left_unrated_are_rated_on_a_tick(report, drive, clock, settings):
    settings.GRIDGOV_CASE_AUTO_RATE_DAYS = 3
    case = drive(report(), "closed")
    clock.move_to(local(2026, 3, 5, 10, 1))
    assert jobs.run_periodic()["cases.auto_rate"] == 1
    case.refresh_from_db()
    assert (case.rating, case.rating_auto) == ("satisfied", True)
    assert jobs.run_periodic()["cases.auto_rate"] == 0


def test_a_failing_sweep_does_not_stop_the_others(report, clock, caplog):
    report()

    def broken(now):
        raise RuntimeError("13812345678 must never reach the log")

    jobs.PERIODIC["test.broken"] = broken
    try:
        clock.move_to(local(2026, 3, 2, 12, 1))
        with caplog.at_level(logging.WARNING, logger="gridgov.core.jobs"):
            results = jobs.run_periodic()
    finally:
        del jobs.PERIODIC["test.broken"]
    assert results["test.broken"] == "RuntimeError"
    assert results["cases.clocks"]["overdue"] == 1 and results["cases.outbox"]["sent"] > 0
    assert "13812345678" not in caplog.text and "test.broken" in caplog.text


def test_worker_once_runs_jobs_and_one_round(report, clock):
    report()
    clock.move_to(local(2026, 3, 2, 12, 1))
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "ran 0 job(s)" in out.getvalue() and "cases.clocks: {'overdue': 1, 'due_soon': 0}" in out.getvalue()
    assert Case.objects.get().escalation_count == 1
    assert not Outbox.objects.exclude(state="sent").exists()
