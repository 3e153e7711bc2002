"""Settings of the Open311 adapter, read when used: the Django setting of the same name, else the
environment variable, else the default below."""

from gridgov.core.conf import Settings

DEFAULTS = {
    # Requests one API key may make per window (GET and POST alike); 0 switches the limit off.
    "GRIDGOV_OPEN311_RATE_LIMIT": "120",
    "GRIDGOV_OPEN311_RATE_WINDOW_SECONDS": "60",
    # Requests without api_key that one client address (an IPv4 address, an IPv6 /64) may make per
    # window, all web processes together; 0 switches the limit off.
    "GRIDGOV_OPEN311_KEYLESS_RATE_LIMIT": "60",
    # Behind a reverse proxy every request comes from the proxy's address: name the header the proxy
    # sets to the client's address (e.g. X-Real-IP, which it must overwrite). Empty: REMOTE_ADDR.
    "GRIDGOV_OPEN311_CLIENT_ADDRESS_HEADER": "",
    # Shown in discovery.xml|json: whom client developers write to for a key.
    "GRIDGOV_OPEN311_CONTACT": "",
    # Which services' requests keyless GET lists is each town's choice (PublicService, on the page of
    # service fields). In addition, category codes (main or sub) whose cases never leave through GET
    # whatever a town chose, and that are not offered as services, e.g. "04,07" for disputes and
    # livelihood applications: a public feed of who asked for subsistence allowance is not wanted
    # even without names.
    "GRIDGOV_OPEN311_PRIVATE_CATEGORIES": "",
}


_settings = Settings(DEFAULTS)
get, get_int, get_float, get_list = _settings.get, _settings.get_int, _settings.get_float, _settings.get_list
