"""Settings of the benchmark server only (bench_intake.py): production's settings with a URLconf that
adds the bare one-row endpoint. This module is not on production's import path (it lives in
benchmarks/, which the benchmark puts on PYTHONPATH for its own server), so no deployment serves it."""

from gridgov.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
