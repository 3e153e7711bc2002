"""Every page of every role speaks Chinese: the demo town is built once, then each demo account walks
the site in the default language (zh-hans) from its home page, following every link of the site
(two pages per URL pattern) and opening every page without parameters. Each HTML page must

- look up no msgid that the zh_Hans catalogue lacks while it renders (Django's own catalogue is merged
  in, so Django's texts count as translated), and
- show no English: no run of two or more English words and none of the usual single interface words
  in its visible text, its titles, placeholders and button labels, or the labels the statistics
  charts get from the server.

A failure lists page → the msgids or phrases to translate.
"""

import datetime
import html.parser
import json
import re
import zoneinfo
from collections import Counter, defaultdict, deque
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import trans_real

from gridgov.org.demo import DEMO_USERNAMES
from gridgov.org.models import User

# The pages are read at 10:00 on the demo's reference day (a Wednesday), whose history ends at 00:00.
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
DEMO_CASES = 60
PER_PATTERN = 2
# Not pages of the interface, or pages that end the session or answer files.
SKIP_PREFIXES = ("/api/", "/static/", "/media/", "/admin/", "/i18n/", "/logout/")
SKIP_SUFFIXES = (".xlsx", ".csv", ".json", ".xml", ".jpg", ".png")
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])

# Words that are English in both interfaces: protocol, product and file-format names, units.
ALLOWED_WORDS = {
    "open311", "georeport", "api", "openapi", "excel", "xlsx", "csv", "json", "gridgov", "english", "id", "ids",
    "km", "kb", "mb", "gb", "sms", "url", "http", "https", "v2", "echarts", "openstreetmap", "osm", "leaflet",
    "wechat", "agpl", "gps", "pdf", "jpeg", "jpg", "png", "exif", "token", "wgs84", "gcj", "x", "ok",
    *DEMO_USERNAMES,  # the signed-in account's name beside 退出登录
}
# Single English words that are interface labels when they show up alone (a missed translation, or a
# Python value such as None printed as it is).
UI_WORDS = {
    "save", "cancel", "search", "submit", "back", "next", "previous", "delete", "edit", "show", "close", "open",
    "yes", "no", "none", "true", "false", "name", "status", "home", "login", "logout", "filter", "reset",
    "download", "upload", "total", "page", "more", "add", "remove", "create", "update", "view", "details",
    "accept", "reject", "dispatch", "claim", "resolve", "verify", "rate", "confirm", "from", "to", "code",
    "grid", "village", "town", "county", "case", "cases", "points", "stars", "statistics", "reported", "closed",
    "accepted", "rating", "level", "role", "scope", "person", "household", "people", "households", "map",
    "audit", "password", "date", "time", "all", "any", "other", "unknown", "system", "notes", "note", "reason",
    "description", "category", "unit", "phone", "address", "score", "award", "rules", "shop", "orders",
    "inbox", "pool", "supervision", "ranking", "villages", "grids", "handlers", "handler", "mine", "report",
    "settings", "calendar", "holiday", "categories", "units", "permissions", "members", "member", "resident",
}
WORD = r"[A-Za-z][A-Za-z'’]*"
# Runs of words; a word glued to digits, an underscore, a dot and a letter (stars.score, grids.xlsx)
# or a path is a code or a file name, not English.
PHRASE = re.compile(rf"(?<![A-Za-z0-9_.@/-]){WORD}(?:[ \t\n]+(?:{WORD}|[&+/-]))*(?![A-Za-z0-9_@/-]|\.[A-Za-z])")
# Visible attributes: read aloud or shown on hover, in a field, or on a button.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Text(html.parser.HTMLParser):
    """The text a person sees or hears: data outside <script>/<style>, and the shown attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.json_scripts: list[str] = []
        self._skip = 0
        self._json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
            self._json = tag == "script" and attrs.get("type") == "application/json"
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style", "template"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
            self._json = False

    def handle_data(self, data):
        if self._json:
            self.json_scripts.append(data)
        elif not self._skip:
            self.parts.append(data)


def _strings(value):
    """The strings of a JSON value that a chart may show (names and labels), not keys or numbers."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def english_in(text: str) -> list[str]:
    found = []
    for match in PHRASE.finditer(text):
        words = re.findall(WORD, match.group(0))
        meaningful = [w for w in words if w.lower() not in ALLOWED_WORDS]
        if len(meaningful) >= 2 or (len(meaningful) == 1 == len(words) and words[0].lower() in UI_WORDS):
            found.append(" ".join(match.group(0).split()))
    return found


class _Misses:
    """Collects the msgids looked up in the zh_Hans catalogue and not found there."""

    def __init__(self):
        self.msgids: list[str] = []

    def note(self, translation, msgid):
        if translation.language() == "zh-hans" and re.search("[A-Za-z]{2}", msgid):
            self.msgids.append(msgid)

    def install(self, monkeypatch):
        gettext, ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext
        misses = self

        def checked_gettext(self, message):
            # pgettext asks for "context\x04msgid"; a plural msgid is stored under (msgid, 0).
            if message and message not in self._catalog and (message, 0) not in self._catalog:
                misses.note(self, message.split("\x04")[-1])
            return gettext(self, message)

        def checked_ngettext(self, msgid1, msgid2, n):
            try:
                self._catalog.plural(msgid1, n)
            except KeyError:
                misses.note(self, msgid1.split("\x04")[-1])
            return ngettext(self, msgid1, msgid2, n)

        monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", checked_gettext)
        monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", checked_ngettext)


def _parameterless_paths() -> list[str]:
    """Every URL pattern of the site that takes no argument, as a path."""
    paths = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern)
            if "<" in route or route.startswith("^"):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                paths.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(p for p in paths if not p.startswith(SKIP_PREFIXES) and not p.endswith(SKIP_SUFFIXES))


def _pattern_key(path: str, query: str):
    """Pages are grouped by URL pattern and the names of their query parameters (a filter, a tab)."""
    try:
        route = resolve(path).route
    except Resolver404:
        return None
    return route, tuple(sorted({k for k, _v in parse_qsl(query) if k != "page"}))


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    """The whole demo (town, cases, points, stars, Open311) of DAY, rolled back at the end."""
    from gridgov import demo
    from gridgov.cases import calendar
    from gridgov.org import geo

    with django_db_blocker.unblock(), FAST_HASHING, pytest.MonkeyPatch.context() as patch:
        # Other modules' rolled-back grids and holidays must not linger in the caches (see conftest).
        patch.setattr(geo, "RECHECK_SECONDS", 0)
        patch.setattr(calendar, "RECHECK_SECONDS", 0)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.load(day=NOW.date(), cases=DEMO_CASES, progress=False)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def walk(client: Client, misses: _Misses) -> tuple[dict, list[str]]:
    """Visits the site breadth-first from / plus every parameterless page; returns page → problems
    and the pages visited."""
    seen_keys: Counter = Counter()
    queued = set()
    queue = deque()

    def enqueue(url: str):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc not in ("", "testserver"):
            return
        path, query = parts.path, parts.query
        if not path.startswith("/") or path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
            return
        target = path + ("?" + query if query else "")
        key = _pattern_key(path, query)
        if key is None or target in queued or seen_keys[key] >= PER_PATTERN:
            return
        seen_keys[key] += 1
        queued.add(target)
        queue.append(target)

    enqueue("/")
    for path in _parameterless_paths():
        enqueue(path)
    problems: dict[str, list[str]] = defaultdict(list)
    visited = []
    while queue:
        url = queue.popleft()
        misses.msgids.clear()
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        visited.append(url)
        parser = _Text()
        parser.feed(response.content.decode())
        missed = [" ".join(msgid.split()) for msgid in misses.msgids]
        for msgid in missed:
            problems[url].append(f"msgid {msgid!r}")
        shown = list(parser.parts)
        for source in parser.json_scripts:
            shown.extend(_strings(json.loads(source)))
        for text in shown:
            context = " ".join(text.split())
            if any(msgid in context for msgid in missed):
                continue  # reported as its msgid
            for phrase in english_in(text):
                problems[url].append(f"text {phrase!r}" + (f" in {context[:80]!r}" if context != phrase else ""))
        for href in parser.links:
            enqueue(href)
    return problems, visited


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_every_page_of_the_role_is_in_chinese(demo_town, db, username, monkeypatch):
    user = User.objects.get(username=username)
    client = Client()  # no language cookie, no Accept-Language: the default language
    client.force_login(user)
    misses = _Misses()
    misses.install(monkeypatch)
    with time_machine.travel(NOW, tick=False):
        problems, visited = walk(client, misses)
    assert len(visited) >= 3, visited
    pages = defaultdict(list)  # each finding once, with the pages it is on
    for url, found in sorted(problems.items()):
        for finding in dict.fromkeys(found):
            pages[finding].append(url)
    report = "\n".join(f"  {finding}  ({', '.join(urls[:2])}{' …' if len(urls) > 2 else ''})"
                       for finding, urls in pages.items())
    assert not problems, f"{username} sees English on {len(problems)} of {len(visited)} pages:\n{report}"


def test_the_detector_finds_english_and_spares_names():
    assert english_in("按期办结率 Closed on time") == ["Closed on time"]
    assert english_in("None") == ["None"]
    assert english_in("Open311 API · gridgov · 12 km · admin · 445321104201") == []
    assert english_in("Excel (xlsx)") == []


def test_the_catalogue_check_sees_a_missing_msgid_and_spares_translated_ones(monkeypatch):
    from django.template import Context, Template
    from django.utils import translation

    misses = _Misses()
    misses.install(monkeypatch)
    template = Template('{% load i18n %}{% translate "Statistics" %} {% translate "A phrase no catalogue has" %} '
                        '{% translate "Closed" context "figure" %} {% translate "Log in" %}')
    with translation.override("zh-hans"):
        text = template.render(Context())
    assert misses.msgids == ["A phrase no catalogue has"]
    assert text.startswith("统计分析 A phrase no catalogue has 结案数")


def test_every_field_in_the_demos_audit_log_has_a_chinese_name(demo_town, db):
    """The audit page shows one page of the log at a time, so the walk sees only the newest entries:
    here every field and value of every entry the demo wrote is rendered as the page renders it."""
    from django.apps import apps
    from django.utils import translation

    from gridgov.core.models import AuditEntry
    from gridgov.web import views as web_views

    unnamed = defaultdict(set)
    with translation.override("zh-hans"):
        for entry in AuditEntry.objects.all().iterator():
            try:
                model = apps.get_model(entry.object_type)
            except (LookupError, ValueError):
                model = None
            for name, before, after in web_views._changes(model, entry.before, entry.after):
                for text in (str(name), *(str(v) for v in (before, after) if v is not None)):  # None reads —
                    for phrase in english_in(text):
                        unnamed[phrase].add(f"{entry.action}: {name}")
    assert not unnamed, "\n".join(f"{phrase}: {sorted(where)[:3]}" for phrase, where in unnamed.items())
