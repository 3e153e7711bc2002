"""Reads of the Open311 adapter: the jurisdiction (a town), the services (leaf categories) and the
service requests (cases) in GeoReport v2 shape.

Which requests GET lists: those of the services the town publishes (PublicService, chosen on the
page of service fields; a new category, and by default the sensitive families, are private) that
GRIDGOV_OPEN311_PRIVATE_CATEGORIES does not keep private; with an api_key, also the requests that key
sent. Keyless calls are counted per client address (views.client_address).

What a service request shows, and what it never shows (anyone may call GET, without a key):
- status: the open states of the case loop (reported ... resolved, suspended) are `open`; closed,
  rejected and merged are `closed`;
- status_notes: the latest note the people handling the case wrote on a step the reporter is told
  about (accept, reject, merge, escalate, suspend, resume, resolve, verify, reopen), with phone
  numbers, ID numbers and e-mail addresses masked; internal comments, dispatch notes, supervision
  orders and extension reasons never;
- agency_responsible: the handling unit's name, else the grid, village or town handling the case now;
  never the name of a person;
- description: only for cases that came in through Open311 (the client published it), masked like
  the notes; a resident's words in the app or on the hotline are not published;
- lat/long: exact for Open311 cases, rounded to 3 decimals (about 100 m) for the others, which are
  often reported from home;
- address: the address_string the Open311 client sent (the case's place), masked like the notes;
  otherwise, and always for cases of other channels (a resident's words for where they live are not
  published), the village and small grid; address_id: the small grid's code;
- media_url: only the public link the Open311 client gave itself; gridgov's own photos are served
  to signed-in users who may see the case and are never published;
- never the reporter's name, phone, e-mail, account or device.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import FINAL_STATES, Case, CaseEvent, Category, Level, State
from gridgov.core import personal
from gridgov.org.models import Region

from . import conf
from .formats import Open311Error
from .models import ServiceAttribute

OPEN = "open"
CLOSED = "closed"
PUBLIC_NOTE_ACTIONS = ("accept", "reject", "merge", "escalate", "suspend", "resume", "resolve", "verify", "reopen")
MAX_RESULTS = 1000
DEFAULT_WINDOW = datetime.timedelta(days=90)


def status_of(state: str) -> str:
    return CLOSED if state in FINAL_STATES else OPEN


def states_of(status: str) -> list[str]:
    return list(FINAL_STATES) if status == CLOSED else [s for s in State.values if s not in FINAL_STATES]


def scrub(text: str) -> str:
    """Free text with e-mail addresses, ID numbers (18 or 15 characters), other long digit runs and
    phone numbers masked, full-width digits included (core.personal.mask_text)."""
    return personal.mask_text(text)


# --- jurisdiction ----------------------------------------------------------------------------------

def jurisdiction(value: str | None) -> Region:
    """The town `jurisdiction_id` names (its 12-digit region code); when it is absent, the only town of
    the server. Unknown: 404; absent while the server has several towns: 400."""
    towns = Region.objects.filter(level=Region.Level.TOWN)
    if value:
        town = towns.filter(code=value).first()
        if town is None:
            raise Open311Error(404, [(404, _("jurisdiction_id %(value)s was not found.") % {"value": value})])
        return town
    found = list(towns.order_by("code")[:2])
    if len(found) == 1:
        return found[0]
    raise Open311Error(400, [(400, _("jurisdiction_id was not provided: this server has several towns."))])


# --- what a town publishes -----------------------------------------------------------------------

# The families whose requests tell who is in trouble: disputes (矛盾纠纷, 调解, 信访), welfare and social
# assistance (民政, 低保, 救助, 民生), public order and security (治安, 公安). A category is sensitive when
# its name or its main category's name holds one of these words; it is not published unless the town
# chooses to, knowing this (and no category is published before the town chooses it).
SENSITIVE_WORDS = ("矛盾", "纠纷", "调解", "信访", "民政", "低保", "救助", "特困", "民生", "治安", "公安", "禁毒",
                   "家暴")


def sensitive_name(*names: str) -> bool:
    return any(word in (name or "") for name in names for word in SENSITIVE_WORDS)


def is_sensitive(category: Category) -> bool:
    return sensitive_name(category.name, category.parent.name if category.parent_id else "")


def published_q(town: Region, prefix: str = "") -> Q:
    """The categories whose requests `town` publishes: chosen by the town (PublicService), and not
    named in GRIDGOV_OPEN311_PRIVATE_CATEGORIES, which a server keeps private whatever a town chooses."""
    from .models import PublicService

    chosen = PublicService.objects.filter(town=town).values("category_id")
    return Q(**{f"{prefix}pk__in" if prefix else "pk__in": chosen}) & ~_private_q(prefix)


# --- services --------------------------------------------------------------------------------------

def _private_q(prefix: str = "") -> Q:
    codes = conf.get_list("GRIDGOV_OPEN311_PRIVATE_CATEGORIES")
    if not codes:
        return Q(pk__in=[])
    return Q(**{f"{prefix}code__in": codes}) | Q(**{f"{prefix}parent__code__in": codes})


def services():
    """The leaf categories offered: active subcategories of active main categories, not private."""
    return (Category.objects.filter(level=2, is_active=True, parent__is_active=True)
            .exclude(_private_q()).select_related("parent").order_by("code"))


def service(code: str | None) -> Category | None:
    code = (code or "").strip()
    if not code:
        return None
    return services().filter(code=code).first()


def service_notice(category: Category) -> str:
    """What the client may tell the reporter: how long each step may take."""
    return _("Assessed within %(accept)d, dispatched within %(dispatch)d and handled within %(handle)d "
             "%(unit)s, then checked on the spot.") % {
        "accept": category.accept_limit, "dispatch": category.dispatch_limit, "handle": category.handle_limit,
        "unit": category.get_limit_unit_display()}


def service_item(category: Category, with_attributes: set[int]) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.parent.name} · {category.name}. {service_notice(category)}",
        "metadata": category.pk in with_attributes,
        "type": "realtime",
        "keywords": ", ".join([category.parent.name, category.name]),
        "group": category.parent.name,
    }


def service_list() -> list[dict]:
    rows = list(services())
    with_attributes = set(ServiceAttribute.objects.filter(category__in=rows).values_list("category_id", flat=True))
    return [service_item(c, with_attributes) for c in rows]


def attributes_of(category: Category) -> list[ServiceAttribute]:
    return list(ServiceAttribute.objects.filter(category=category).order_by("order", "code"))


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [{
            "variable": a.variable,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description or None,
            "order": a.order,
            "description": a.description,
            "values": [{"key": v["key"], "name": v["name"]} for v in a.values],
        } for a in attributes_of(category)],
    }


# --- service requests -----------------------------------------------------------------------------

def requests_of(town: Region, key=None):
    """The cases of the town that may be published (published_q), with what a request shows in one
    query; with an API key, also the requests that key sent itself (a hotline following its calls)."""
    shown = published_q(town, "category__")
    if key is not None:
        shown |= Q(open311__key=key) & ~_private_q("category__")
    return (Case.objects.filter(shown, path__startswith=town.path)
            .select_related("category", "unit", "grid", "grid__region", "open311"))


def iso(value: datetime.datetime | None) -> str | None:
    """ISO 8601 with the offset of the server's time zone (+08:00 for Asia/Shanghai)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _latest_notes(cases: list[Case]) -> dict[int, CaseEvent]:
    events = (CaseEvent.objects.filter(case__in=[c.pk for c in cases], action__in=PUBLIC_NOTE_ACTIONS)
              .exclude(note="").only("case_id", "action", "note", "time").order_by("case_id", "-time", "-id"))
    latest: dict[int, CaseEvent] = {}
    for event in events:
        latest.setdefault(event.case_id, event)
    return latest


def _agency(case: Case, town: Region) -> str:
    if case.unit_id:
        return case.unit.name
    if case.level == Level.GRID:
        return f"{case.grid.region.name} {case.grid.name}"
    if case.level == Level.VILLAGE:
        return case.grid.region.name
    if case.level == Level.TOWN:
        return town.name
    return _("A department of %(town)s") % {"town": town.name}


def _open311_of(case: Case):
    try:
        return case.open311
    except Case.open311.RelatedObjectDoesNotExist:
        return None


def request_items(cases: list[Case], town: Region) -> list[dict]:
    notes = _latest_notes(cases)
    items = []
    for case in cases:
        link = _open311_of(case)
        exact = link is not None
        note = notes.get(case.pk)
        status_notes = scrub(note.note) if note else None
        if case.state == State.MERGED and not status_notes:
            status_notes = _("Handled together with another request.")
        lat, lng = case.lat, case.lng
        if lat is not None and not exact:
            lat, lng = round(lat, 3), round(lng, 3)
        items.append({
            "service_request_id": case.number,
            "status": status_of(case.state),
            "status_notes": status_notes,
            "service_name": case.category.name,
            "service_code": case.category.code,
            "description": scrub(case.description) if exact else None,
            "agency_responsible": _agency(case, town),
            "service_notice": service_notice(case.category),
            "requested_datetime": iso(case.created_at),
            "updated_datetime": iso(case.updated_at),
            "expected_datetime": iso(case.deadline),
            "address": (scrub(case.place) if exact and case.place
                        else f"{case.grid.region.name} {case.grid.name}"),
            "address_id": case.grid.code,
            "zipcode": None,
            "lat": lat,
            "long": lng,
            "media_url": (link.media_url or None) if link is not None else None,
        })
    return items
