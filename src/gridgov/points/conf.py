"""Settings of points, read when used: the Django setting of that name, else the environment, else the default."""

import os

from django.conf import settings

DEFAULTS = {
    # Days an approved claim is published (公示) before its points count.
    "GRIDGOV_POINTS_PUBLICITY_DAYS": "5",
    # Days a redeemed order waits for pickup before it expires and is refunded.
    "GRIDGOV_POINTS_PICKUP_DAYS": "14",
    # What happens to balances at the end of a year: "carry" (kept) or "clear" (set to zero by an entry).
    "GRIDGOV_POINTS_YEAR_END": "carry",
    # Case events younger than this are read again on the next sweep (a transaction may commit a
    # lower event id after a higher one); awards are idempotent, so reading twice costs nothing.
    "GRIDGOV_POINTS_SWEEP_MARGIN_SECONDS": "600",
}


def get(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None:
        value = DEFAULTS[name]
    return str(value)


def get_int(name: str) -> int:
    return int(get(name))
