"""Where a page may send the browser after a POST: the `next` it was given, only if it stays on this site.

Every view that takes `next` (a hidden field or a query parameter) reads it through safe_next(), so a
link or form crafted elsewhere cannot turn a gridgov page into a springboard to another site (open
redirect). Django's url_has_allowed_host_and_scheme does the checking: it refuses other hosts, other
schemes, scheme-relative `//host`, backslash and control-character tricks.
"""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, field: str = "next") -> str:
    """The request's `next` (POST, else GET) if it is a local URL, else "" (the caller's default)."""
    target = (request.POST.get(field) or request.GET.get(field) or "").strip()
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""
