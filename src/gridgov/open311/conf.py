"""Settings of the Open311 adapter, read when used: the Django setting of the same name, else the
environment variable, else the default below."""

from gridgov.core.conf import Settings

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


_settings = Settings(DEFAULTS)
get, get_int, get_float, get_list = _settings.get, _settings.get_int, _settings.get_float, _settings.get_list
