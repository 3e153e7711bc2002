"""Fixtures of patrols: worker_a1 (scoped to small grid A1) is a person of the registry who also holds a
worker post in A2, so a patrol of theirs may span A1 and A2; B1 is outside their grids."""

import datetime

import pytest

from gridgov.org import actions as org_actions
from gridgov.org.models import User
from gridgov.patrols.models import CheckIn, Patrol, Visit
from tests.cases.conftest import POINT_A1, POINT_B1, cfg, clock, local  # noqa: F401

POINT_A2 = (22.705, 112.315)
POINT_NOWHERE = (23.5, 113.5)


@pytest.fixture
def worker(personas):
    town = personas.town
    User.objects.filter(pk=personas.worker_a1.pk).update(person=town.zhang_wife)
    personas.worker_a1.refresh_from_db()
    org_actions.do_add_post(None, town.zhang_wife, "grid_worker_full", grid=town.a1)
    org_actions.do_add_post(None, town.zhang_wife, "grid_worker_part", grid=town.a2)
    return personas.worker_a1


@pytest.fixture
def make_patrol(worker):
    """make_patrol(day, *grids, by_hand=False) -> a finished patrol on `day` (local) counting for `grids`,
    written directly (the compliance arithmetic is what these tests check)."""

    def _make(day: datetime.date, *grids, by_hand=False):
        start = local(day.year, day.month, day.day, 9, 0)
        patrol = Patrol.objects.create(person=worker.person, user=worker, worker_name="李秀英", path=worker.scope_path,
                                       grid_paths=[g.path for g in grids], state=Patrol.State.FINISHED,
                                       started_at=start, finished_at=start + datetime.timedelta(hours=1), day=day,
                                       by_hand=by_hand)
        for g in grids:
            CheckIn.objects.create(patrol=patrol, time=start, grid=g, counted=True, by_hand=by_hand)
            Visit.objects.create(patrol=patrol, grid=g, path=g.path, day=day)
        return patrol

    return _make
