"""Settings of points, read when used: the Django setting of that name, else the environment, else the default."""

from gridgov.core.conf import Settings

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


_settings = Settings(DEFAULTS)
get, get_int, get_float, get_list = _settings.get, _settings.get_int, _settings.get_float, _settings.get_list
