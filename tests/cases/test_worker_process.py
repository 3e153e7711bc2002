"""`gridgov worker` as a real process on a file SQLite database: it flags and escalates overdue cases and
delivers their notices; stopped half-way (SIGTERM) and started again, now as two workers side by side,
it loses nothing and sends nothing twice."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

CASES = 30
# Built in the worker's database by a separate process, as a deployment would have it: a village with
# one small grid and its staff, a category, and cases reported a week ago that nobody assessed.
SEED = """
import datetime, django
django.setup()
from django.utils import timezone
from gridgov.cases import actions, calendar
from gridgov.core.context import acting_as
from gridgov.org import actions as org

with acting_as(None):
    county = org.do_create_region(None, "445321000000", "新兴县")
    town = org.do_create_region(None, "445321104000", "东成镇", parent=county)
    village = org.do_create_region(None, "445321104201", "碧塘村", parent=town)
    town_grid = org.do_create_grid(None, "445321104000000", "东成镇网格")
    village_grid = org.do_create_grid(None, "445321104201000", "碧塘村网格", parent=town_grid)
    small = org.do_create_grid(None, "445321104201001", "碧塘第一网格", parent=village_grid)
    org.do_create_user(None, "worker", "grid_worker", small.code, password=None)
    org.do_create_user(None, "secretary", "village_secretary", village.code, password=None)
    org.do_create_user(None, "admin", "town_admin", town.code, password=None)
    env = actions.do_create_category(None, "01", "环境卫生")
    garbage = actions.do_create_category(None, "0101", "垃圾清运", parent=env, limit_unit="h", accept_limit=2)
    with calendar.replaying_at(timezone.now() - datetime.timedelta(days=7)):
        for i in range(%(cases)d):
            actions.do_report(None, garbage, f"垃圾 {i}", grid=small, channel="hotline")
"""
DELIVERY = re.compile(r"notify delivery=(\d+) ")


def gridgov(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "gridgov", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def finished(process, timeout=120):
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out, err


def query(db: Path, sql: str):
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchall()


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def worker_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDGOV_", "DATABASE_URL"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", GRIDGOV_VAR_DIR=str(tmp_path / "var"),
               DJANGO_SETTINGS_MODULE="gridgov.settings", GRIDGOV_LOG_LEVEL="INFO",
               # Small batches, so delivery takes several ticks and the stop lands half-way.
               GRIDGOV_NOTIFY_BATCH="4", GRIDGOV_NOTIFY_CHANNELS="log")
    finished(gridgov(env, "migrate", "--noinput"), timeout=300)
    seed = tmp_path / "seed.py"
    seed.write_text(SEED % {"cases": CASES})
    finished(subprocess.Popen([sys.executable, str(seed)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True))
    return env, tmp_path / "db.sqlite3"


def test_stopped_and_restarted_workers_lose_nothing_and_send_nothing_twice(worker_env):
    env, db = worker_env
    assert query(db, "SELECT count(*), sum(overdue) FROM cases_case") == [(CASES, 0)]

    first = gridgov(env, "worker", "--tick", "0.5", "--poll", "0.2")
    wait_for(lambda: query(db, "SELECT count(*) FROM cases_outbox WHERE state = 'sent'")[0][0] >= 4)
    first.send_signal(signal.SIGTERM)
    _out, first_log = finished(first, timeout=30)
    sent_first = DELIVERY.findall(first_log)
    pending = query(db, "SELECT count(*) FROM cases_outbox WHERE state = 'pending'")[0][0]
    assert sent_first and pending > 0, "the worker was stopped after it had finished"

    pair = [gridgov(env, "worker", "--tick", "0.5", "--poll", "0.2") for _ in range(2)]
    try:
        wait_for(lambda: query(db, "SELECT count(*) FROM cases_outbox WHERE state != 'sent'")[0][0] == 0)
        time.sleep(1.5)  # three more ticks each: nothing new may be flagged or sent
    finally:
        for process in pair:
            process.send_signal(signal.SIGTERM)
    logs = [finished(process, timeout=30)[1] for process in pair]

    deliveries = Counter(DELIVERY.findall(first_log) + [d for log in logs for d in DELIVERY.findall(log)])
    rows = {str(pk) for (pk,) in query(db, "SELECT id FROM cases_outbox")}
    assert set(deliveries) == rows and set(deliveries.values()) == {1}
    assert query(db, "SELECT count(*) FROM cases_outbox WHERE sent_at IS NULL OR attempts != 1") == [(0,)]
    # Each case went overdue at the grid, was escalated once to the village, and its new step is timed
    # from now: one overdue flag and one escalation each, whichever worker did it.
    assert query(db, "SELECT action, count(*) FROM cases_caseevent WHERE action IN ('overdue', 'escalate') "
                     "GROUP BY action ORDER BY action") == [("escalate", CASES), ("overdue", CASES)]
    assert query(db, "SELECT level, state, escalation_count, count(*) FROM cases_case GROUP BY 1, 2, 3") == [
        ("village", "reported", 1, CASES)]
    kinds = dict(query(db, "SELECT kind, count(*) FROM cases_notification WHERE case_id IS NOT NULL GROUP BY kind"))
    # The grid worker and the supervisors (secretary, town admin) hear of each overdue case; the
    # secretary assesses at the village and hears of each escalation; hotline reports tell the worker.
    assert kinds == {"reported": CASES, "overdue": 3 * CASES, "escalated": CASES}
    assert "Traceback" not in first_log + "".join(logs) and " failed: " not in first_log + "".join(logs)
