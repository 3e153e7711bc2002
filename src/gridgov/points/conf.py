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
    # The most points one rule may give or take (both signs): the town's bound on every rule, a
    # village's own rules included, so nobody sets up a rule worth a year of meetings.
    "GRIDGOV_POINTS_RULE_MAX_POINTS": "100",
    # Nobody awards, reviews, approves or reverses points of their own account or their household's
    # account; "true" extends it to the personal accounts of everyone in their household.
    "GRIDGOV_POINTS_NO_AWARDS_IN_OWN_HOUSEHOLD": "false",
}


_settings = Settings(DEFAULTS)
get, get_int, get_float, get_list = _settings.get, _settings.get_int, _settings.get_float, _settings.get_list


def get_bool(name: str) -> bool:
    return get(name).strip().lower() in {"1", "true", "yes", "on"}
