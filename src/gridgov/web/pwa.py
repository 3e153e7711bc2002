"""gridgov as an installable web app (issue 11): the manifest, the service worker at the site root (its
scope is the whole site only from there) and /favicon.ico.

The service worker is our own (web/templates/web/sw.js, ~150 lines) rather than Workbox: it does four
things — keep the shell (CSS, JS, icons, under hashed names) and the field pages for offline use, and
send the reports waiting in the phone's outbox (web/static/web/outbox.js, shared with the pages) on
Background Sync. That fits on a screen and can be read in one go during a security review; Workbox's
runtime would add a build step (or a ~40 KB vendored runtime) and its own cache names and expiry rules
for what are here four fetch rules.
"""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOUR = "#b3261e"  # --red of web/gridgov.css

# What a phone keeps to work without signal: the shell every page loads, and the report page's own files.
SHELL_FILES = [
    "web/gridgov.css", "web/early.js", "web/gridgov.js", "web/pwa.js", "web/outbox.js", "vendor/htmx/htmx.min.js",
    "cases/cases.css", "cases/report.js", "cases/field.css", "web/mapbase.js",
    "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png", "vendor/leaflet/images/marker-shadow.png",
    "web/icons/icon-192.png",
    # A party member's contact form and a grid worker's patrol page work without signal too (issue 11).
    "links/contact.js", "patrols/patrol.js", "patrols/patrols.css",
]


def field_pages() -> list[str]:
    """Pages a field user opens without signal; kept after each visit and refreshed when online."""
    return [reverse("web:home"), reverse("cases:report"), reverse("cases:mine"), reverse("cases:notifications")]


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request):
    data = {
        "name": _("Grid governance") + " · gridgov",
        "short_name": _("Grid governance"),
        "lang": "zh-CN",
        "start_url": reverse("web:home") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f4f4f2",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("web/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("web/icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
        "shortcuts": [{"name": _("Report a problem"), "url": reverse("cases:report")}],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def _shell_urls() -> list[str]:
    return [static(name) for name in SHELL_FILES if finders.find(name)]


@require_GET
def service_worker(request):
    shell = _shell_urls()
    pages = field_pages()
    outbox = static("web/outbox.js")
    # A new version whenever a shell file's hashed name (its content) or this worker's template changes.
    body = render_to_string("web/sw.js", {
        "shell": json.dumps(shell), "pages": json.dumps(pages), "outbox": json.dumps(outbox),
        "offline": json.dumps(_("No connection. This page was not kept on the phone; open it again when online.")),
        "report_url": json.dumps(reverse("cases:report")),
    })
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = body.replace("__VERSION__", version)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers check the worker for updates at least daily; no-cache makes every check reach us.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@cache_control(max_age=604800, public=True)
def favicon(request):
    path = finders.find("web/icons/favicon.ico")
    if not path:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
