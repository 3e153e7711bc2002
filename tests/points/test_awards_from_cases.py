"""Automatic awards from the case loop: a verified case earns its reporter points, a case closed on time
its party-member handler; running the sweep again, or two at once, never awards twice."""

import threading

import pytest
from django.db import connection

from gridgov.points import ledger, worker
from gridgov.points.models import Account, Cursor, Entry


def test_verified_case_awards_reporter_and_handler_once(personas, rules, report, drive, clock):
    case = drive(report(), "closed")
    assert case.closed_on_time
    result = worker.awards_from_cases()
    assert result == {"awarded": 2, "capped": 0}
    assert Account.objects.get(person=personas.town.zhang).balance == 3  # reporter
    assert Account.objects.get(person=personas.town.wang).balance == 5  # party member who handled it
    assert set(Entry.objects.values_list("key", flat=True)) == {f"case:{case.pk}:verified",
                                                               f"case:{case.pk}:closed_on_time"}
    assert worker.awards_from_cases() == {"awarded": 0, "capped": 0}
    # the cursor only passes events older than the margin; reading them again awards nothing
    clock.shift(3600)
    assert worker.awards_from_cases() == {"awarded": 0, "capped": 0}
    assert Cursor.objects.get(name=worker.CASE_CURSOR).position > 0
    assert Entry.objects.count() == 2 and ledger.check() == []


def test_a_crash_before_the_cursor_moves_awards_nothing_twice(personas, rules, report, drive, clock):
    from gridgov.points.worker import CASE_CURSOR

    case = drive(report(), "closed")
    clock.shift(3600)
    assert worker.awards_from_cases()["awarded"] == 2
    # as if the worker died after the awards and before saving the cursor: the events are read again
    Cursor.objects.filter(name=CASE_CURSOR).update(position=0)
    assert worker.awards_from_cases() == {"awarded": 0, "capped": 0}
    assert Entry.objects.filter(source__startswith=f"case:{case.pk}:").count() == 2


def test_cap_on_automatic_awards_skips_the_rest(personas, rules, report, drive):
    from gridgov.points import actions

    actions.do_save_rule(personas.town_admin, personas.town.town, code="CASE-V", name="反映问题经核实", points=3,
                         auto="case_verified", cap=6, cap_period="month", rule=rules.verified)
    for n in range(3):
        drive(report(description=f"第{n}处"), "closed")
    result = worker.awards_from_cases()
    assert result["capped"] == 1
    assert Account.objects.get(person=personas.town.zhang).balance == 6


def test_open_and_rejected_cases_award_nothing(personas, rules, report, drive):
    drive(report(), "resolved")
    drive(report(description="另一处"), "rejected")
    assert worker.awards_from_cases() == {"awarded": 0, "capped": 0}
    assert Entry.objects.count() == 0


def test_a_village_rule_wins_over_the_town_rule(personas, rules, report, drive):
    from gridgov.points import actions

    actions.do_save_rule(personas.town_admin, personas.town.village_a, code="A-CASE-V", name="碧塘村反映问题经核实",
                         points=4, auto="case_verified")
    drive(report(), "closed")
    worker.awards_from_cases()
    assert Account.objects.get(person=personas.town.zhang).balance == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_award_once(personas, rules, report, drive):
    cases = [drive(report(description=f"第{i}处垃圾"), "closed") for i in range(3)]
    errors = []

    def sweep():
        try:
            worker.awards_from_cases()
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            if connection.vendor == "postgresql":
                connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=sweep) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for _ in range(4):
            sweep()
    assert errors == []
    assert Entry.objects.count() == 2 * len(cases)
    assert Account.objects.get(person=personas.town.zhang).balance == 3 * len(cases)
    assert ledger.check() == []
