"""What gridgov asks of its PostgreSQL connections: no JIT compilation (GRIDGOV_DB_JIT, README). At 50M
cases the count of a town's list was planned above jit_above_cost and compiled for 100-240 ms before a
45 ms scan (docs/scale.md)."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection


def settings_with(env: dict) -> dict:
    """The default database's OPTIONS as settings.py makes them from this environment."""
    code = "import json; from gridgov import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("jit, options", [(None, "-c jit=off"), ("0", "-c jit=off"), ("1", None)])
def test_jit_is_off_unless_asked_for(jit, options, tmp_path):
    env = {"DATABASE_URL": "postgres://gridgov@127.0.0.1:5432/gridgov", "GRIDGOV_VAR_DIR": str(tmp_path)}
    if jit is not None:
        env["GRIDGOV_DB_JIT"] = jit
    assert settings_with(env).get("options") == options


def test_sqlite_gets_no_postgresql_options(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "GRIDGOV_VAR_DIR": str(tmp_path)}
    assert "options" not in settings_with(env)


@pytest.mark.django_db
def test_the_connection_runs_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
