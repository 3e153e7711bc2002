"""Settings for gridgov, read from the environment through typed helpers.

Everything a deployment changes is an environment variable prefixed GRIDGOV_ (plus DATABASE_URL);
the defaults give the demo on SQLite under ./var/.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", Path.cwd() / "var")).resolve()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _local_secret(filename: str) -> str:
    """A per-installation secret kept under var/, for laptops and the demo.

    Production sets the environment variable instead; DEBUG off refuses to fall back here.
    """
    import secrets

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
        _CREATED.append(filename)
    return path.read_text().strip()


_CREATED: list[str] = []


DEBUG = env_bool("GRIDGOV_DEBUG", False)
DEMO_MODE = env_bool("GRIDGOV_DEMO", True)

SECRET_KEY = env_str("GRIDGOV_SECRET_KEY") or (_local_secret("secret.key") if DEMO_MODE or DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("GRIDGOV_SECRET_KEY must be set when GRIDGOV_DEMO is off")

# Key for personal data (ID numbers, phones). Losing it makes those columns unreadable: back it up.
DATA_KEY = env_str("GRIDGOV_DATA_KEY") or (_local_secret("data.key") if DEMO_MODE or DEBUG else "")
if not DATA_KEY:
    raise RuntimeError("GRIDGOV_DATA_KEY must be set when GRIDGOV_DEMO is off")
# Where it came from: "env", "file" (var/data.key), or "created" (var/data.key was missing and has just
# been made). The start check (core.checks) refuses a key that is not the database's, and says so.
DATA_KEY_ORIGIN = "env" if env_str("GRIDGOV_DATA_KEY") else ("created" if "data.key" in _CREATED else "file")

ALLOWED_HOSTS = env_list("GRIDGOV_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("GRIDGOV_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "gridgov.core",
    "gridgov.org",
    "gridgov.cases",
    "gridgov.points",
    "gridgov.links",
    "gridgov.patrols",
    "gridgov.meetings",
    "gridgov.tasks",
    "gridgov.volunteers",
    "gridgov.honours",
    "gridgov.services",
    "gridgov.disputes",
    "gridgov.affairs",
    "gridgov.stars",
    "gridgov.open311",
    "gridgov.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "gridgov.core.limits.RequestBodyLimitMiddleware",  # before anything reads the body
    "gridgov.web.static_middleware.StaticFilesMiddleware",  # whitenoise, also for files collected after start
    "gridgov.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "gridgov.core.guards.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridgov.core.middleware.ActorMiddleware",
    "gridgov.org.twofactor.TwoFactorMiddleware",  # a session that still owes its second factor goes back to it
    "gridgov.core.duties.AuditorReadOnlyMiddleware",  # an auditor's writes are refused (separation of duties)
    "gridgov.core.idempotency.IdempotencyMiddleware",  # Idempotency-Key on API POSTs: after the user is known
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy (django-csp) on every response: scripts, styles, images, fonts and fetches come
# from this site's own files only. No inline <script>, no on*= handlers, no style="" attributes, no eval:
# page data goes in {{ value|json_script:"id" }} or data- attributes and behaviour in a static .js file
# (README, "Personal data and security"). Libraries setting styles from JavaScript (el.style.x) are fine.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the SVG icons inside Leaflet's and Swagger UI's CSS
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gridgov.cases.context.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}",
        conn_max_age=env_int("GRIDGOV_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and several web processes share the file without "database is locked".
    # case_sensitive_like lets SQLite answer `path LIKE 'x%'` (every scoped query) from the index
    # instead of a scan; paths are digits and dots, so nothing else relies on case folding here.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA case_sensitive_like=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("GRIDGOV_DB_JIT", False):
    # No JIT compilation: it pays off for queries running seconds, and every query here runs milliseconds.
    # At 50M cases a town's list count (100,415 daily rows, 45 ms) was planned above jit_above_cost and spent
    # 100-240 ms more compiling it (docs/scale.md). Sent as a connection option (libpq `options`),
    # which PgBouncer refuses unless listed in its ignore_startup_parameters: there set GRIDGOV_DB_JIT=1 and
    # `ALTER DATABASE ... SET jit = off` instead.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("GRIDGOV_DB_PREPARED", True):
    # Values bound on the server and statements prepared after their 5th run on a connection: planning
    # the duplicate suggestions' and the token's queries was 0.9 ms of PostgreSQL's CPU in every report
    # (pg_stat_statements at 1M cases, issue 18). Django leaves this off for PgBouncer's transaction
    # pooling before 1.21: set GRIDGOV_DB_PREPARED=0 behind such a pooler.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = ["gridgov.org.auth.LockoutBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "gridgov.org.auth.CharacterClassValidator"},
]
LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCK_MINUTES = 30
# Two factors (password + TOTP code, with recovery codes; org/twofactor.py). Superusers and town
# administrators must use them when GRIDGOV_TWO_FACTOR is on (the default in production, off in the
# demo so its accounts work without a phone); GRIDGOV_TWO_FACTOR_ROLES adds roles (e.g. all staff:
# "village_secretary,grid_worker,department"). A user who enrolled is asked for a code either way.
TWO_FACTOR_REQUIRED = env_bool("GRIDGOV_TWO_FACTOR", not DEMO_MODE)
TWO_FACTOR_ROLES = env_list("GRIDGOV_TWO_FACTOR_ROLES", [])
# Wrong codes are counted by the login lockout above, not by django-otp's own growing delay.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "gridgov"
# Audit rows are kept at least 180 days (等保2.0: six months); `gridgov audit_purge` refuses younger dates.
AUDIT_KEEP_DAYS = max(180, env_int("GRIDGOV_AUDIT_KEEP_DAYS", 180))

# Sessions end after 30 idle minutes: the cookie is renewed on every request, so only idleness expires it.
SESSION_COOKIE_AGE = env_int("GRIDGOV_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("GRIDGOV_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Keep X-Request-ID from a reverse proxy that sets it (and strips clients' own).
TRUST_REQUEST_ID = env_bool("GRIDGOV_TRUST_REQUEST_ID", False)
API_TOKEN_DAYS = env_int("GRIDGOV_API_TOKEN_DAYS", 30)
# A token nobody has used for this long ends, like an idle web session (which ends after 30 minutes; a
# script or phone app gets longer, since it cannot be asked for a password at every pause).
API_TOKEN_IDLE_HOURS = env_int("GRIDGOV_API_TOKEN_IDLE_HOURS", 72)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("GRIDGOV_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request until collectstatic made it
# Front-end libraries come from npm packages pinned in package-lock.json (see Makefile: npm ci); only the
# files pages load are served and collected (gridgov.web.finders).
NODE_MODULES = Path(env_str("GRIDGOV_NODE_MODULES", str(Path.cwd() / "node_modules")))
STATIC_VENDOR_FILES = [
    ("vendor/leaflet", "leaflet/dist", ["leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
                                        "images/marker-icon.png", "images/marker-icon-2x.png",
                                        "images/marker-shadow.png"]),
    ("vendor/htmx", "htmx.org/dist", ["htmx.min.js"]),
    ("vendor/echarts", "echarts/dist", ["echarts.common.min.js", "echarts.simple.min.js"]),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "gridgov.web.finders.VendorFinder",
]
# Hashed names, gzip, a year's immutable caching once `gridgov serve` has collected them (gridgov.web.storage;
# plain names with whitenoise's 60 s caching before that, or for a file changed since).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "gridgov.web.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
# The base map (issue 11): a tile URL template with {z}/{x}/{y} (e.g. 天地图 with its key, or a town's own tile
# server) and its attribution; empty draws the grids' outlines alone (a closed network). The tiles'
# coordinate system: wgs84 (also 天地图's CGCS2000) or gcj02 (高德, 腾讯: positions are shifted for display
# and shifted back before they are stored).
MAP_TILES = env_str("GRIDGOV_MAP_TILES")
MAP_ATTRIBUTION = env_str("GRIDGOV_MAP_ATTRIBUTION")
MAP_CRS = env_str("GRIDGOV_MAP_CRS", "wgs84").strip().lower()
if MAP_CRS not in {"wgs84", "gcj02"}:
    raise RuntimeError("GRIDGOV_MAP_CRS must be wgs84 or gcj02")
if MAP_TILES:
    # The tile server's images are allowed by the Content-Security-Policy (a {s} subdomain becomes *.host).
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILES.replace("{s}", "SUB"))
    if _tiles.scheme not in {"http", "https"} or not _tiles.hostname:
        raise RuntimeError("GRIDGOV_MAP_TILES must be an http(s) URL template with {z}/{x}/{y}")
    _first, _, _rest = _tiles.netloc.partition(".")
    _host = f"*.{_rest}" if "SUB" in _first else _tiles.netloc
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_host}")
MEDIA_ROOT = VAR_DIR / "media"
# Request bodies: the largest legitimate one is a report with 6 photos of at most 10 MB each. A larger
# Content-Length is answered 413 before the body is read (core.limits); the proxy in front refuses it
# first (README: client_max_body_size). Form fields and JSON (files aside) stay under 10 MB; uploaded
# files above 2.5 MB are spooled to a temporary file rather than kept in memory.
MAX_REQUEST_BYTES = env_int("GRIDGOV_MAX_REQUEST_MB", 64) * 1024 * 1024
# How long an API POST's answer is kept for a retry with the same Idempotency-Key (core/idempotency.py).
IDEMPOTENCY_HOURS = env_int("GRIDGOV_IDEMPOTENCY_HOURS", 24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "filters": {"request_id": {"()": "gridgov.core.middleware.RequestIdLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("GRIDGOV_LOG_LEVEL", "INFO")},
}

NINJA_PAGINATION_PER_PAGE = 50
