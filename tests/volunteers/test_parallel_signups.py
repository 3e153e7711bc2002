"""The quota holds under concurrency: on PostgreSQL 30 volunteers sign up at once (each thread its own
connection) for an activity with 10 seats, and exactly 10 sign-ups exist afterwards; the other 20 are
told it is full (409)."""

import datetime
import threading

import pytest
from django.db import connection

from gridgov.core import clock
from gridgov.org.actions import do_create_person, do_create_user
from gridgov.volunteers import actions
from gridgov.volunteers.actions import VolunteerError
from gridgov.volunteers.models import Signup

N, QUOTA = 30, 10


@pytest.mark.django_db(transaction=True)
def test_thirty_sign_ups_at_once_for_ten_seats(personas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so sign-ups cannot run in parallel there; "
                    "the quota check is the same code and test_api_contract covers 409 when full")
    t = personas.town
    team = actions.do_create_team(personas.secretary_a, "碧塘村青年志愿队", t.village_a, "youth")
    start = clock.now() + datetime.timedelta(days=1)
    activity = actions.do_create_activity(personas.secretary_a, team, "清理河道", start,
                                          start + datetime.timedelta(hours=2), quota=QUOTA)
    users = []
    for i in range(N):
        person = do_create_person(None, name=f"志愿者{i:02d}", grid=t.a1 if i % 2 else t.a2)
        user = do_create_user(None, f"volunteer{i:02d}", "resident", person.grid.code, person=person)
        actions.do_register(user, True)
        users.append(user)
    wins, statuses, errors = [], [], []
    start_line = threading.Barrier(N)

    def run(user):
        try:
            start_line.wait()
            wins.append(actions.do_signup(user, activity))
        except VolunteerError as exc:
            statuses.append(exc.status)
        except Exception as exc:  # noqa: BLE001  any other failure fails the test below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(wins) == QUOTA and statuses == [409] * (N - QUOTA)
    assert Signup.objects.filter(activity=activity, state="signed").count() == QUOTA
