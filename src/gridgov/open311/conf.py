"""Settings of the Open311 adapter, read when used: the Django setting of the same name, else the
environment variable, else the default below."""

import os

from django.conf import settings

DEFAULTS = {
    # Requests one API key may make per window (GET and POST alike); 0 switches the limit off.
    "GRIDGOV_OPEN311_RATE_LIMIT": "120",
    "GRIDGOV_OPEN311_RATE_WINDOW_SECONDS": "60",
    # Shown in discovery.xml|json: whom client developers write to for a key.
    "GRIDGOV_OPEN311_CONTACT": "",
    # Category codes (main or sub) whose cases never leave through GET and that are not offered as
    # services, e.g. "04,07" for disputes and livelihood applications: a public feed of who asked for
    # subsistence allowance is not wanted even without names.
    "GRIDGOV_OPEN311_PRIVATE_CATEGORIES": "",
}


def get(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None:
        value = DEFAULTS[name]
    return str(value) if not isinstance(value, (list, tuple)) else ",".join(value)


def get_int(name: str) -> int:
    return int(get(name))


def get_list(name: str) -> list[str]:
    return [item.strip() for item in get(name).split(",") if item.strip()]
