"""`gridgov serve` starts the production server (gunicorn, several processes) and serves the app
and the pinned front-end assets."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "GRIDGOV_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridgov", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read())
            time.sleep(0.3)
    yield base, proc
    proc.terminate()
    proc.wait(timeout=20)


def test_serve_runs_gunicorn_with_workers_and_serves_api_and_assets(server):
    base, proc = server
    with urllib.request.urlopen(base + "/api/v1/openapi.json") as response:
        assert response.status == 200
        assert b"/api/v1/grids" in response.read()
    with urllib.request.urlopen(base + "/static/vendor/leaflet/leaflet.js") as response:
        assert response.status == 200
        assert b"Leaflet" in response.read(2000)
    # gunicorn: one arbiter and the requested worker processes
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 2


@pytest.mark.django_db(transaction=True)  # outside a test transaction, where a close is a real close
def test_serve_forks_its_workers_without_a_database_connection(monkeypatch):
    """The workers must each open their own connection: one opened by the start checks and inherited
    through fork is shared by all of them (concurrent requests then fail with "lost synchronization")."""
    from django.core.management import call_command
    from django.db import connection, connections
    from gunicorn.app.base import BaseApplication

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes the in-memory test database; the shared socket is PostgreSQL's case")
    open_at_fork = []
    monkeypatch.setattr(BaseApplication, "run",
                        lambda self: open_at_fork.extend(c.alias for c in connections.all() if c.connection))
    connection.ensure_connection()  # as the data key check leaves it
    call_command("serve", "--no-collectstatic", "--port", str(free_port()))
    assert open_at_fork == []
