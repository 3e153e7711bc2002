"""GeoReport v2 endpoints under /open311/v2/ (XML and JSON), and the page where town administrators
issue and revoke API keys.

The endpoints translate only: arguments are checked and every problem found is reported at once
(400), a missing, unknown, revoked or other-town api_key is 403, an unknown jurisdiction_id, service
or request 404, and a key over its rate limit 429 with Retry-After. An empty argument counts as absent.
Error descriptions are in English unless the client sends Accept-Language (machine clients usually
do not); the names of services and places are the town's own (Chinese).

POST requests.xml|json creates the case at once (gridgov.cases.actions.do_report through
actions.do_submit_request), so its answer carries the service_request_id; it also carries a token,
which GET tokens/{token} resolves, for clients that follow the spec's token flow.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import math
import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gridgov.cases import routing
from gridgov.cases.models import MAX_PLACE, Category
from gridgov.cases.workflow import CaseError
from gridgov.core import personal
from gridgov.core.models import AuditEntry
from gridgov.core.scoping import CHANGE, VIEW, can, restrict
from gridgov.org.models import Grid, Region

from . import actions, conf, queries
from .formats import Open311Error, error_response, respond
from .models import ApiKey, Open311Request, PublicService, ServiceAttribute

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Audit actions that change what services.xml|json and the service definitions say.
CATALOGUE_CHANGES = ["case_category.create", "case_category.update", "open311.attribute_create",
                     "open311.attribute_update", "open311.attribute_remove"]
MAX_DESCRIPTION = 2000
MAX_NAME = 50
MAX_ID = 100
MAX_URL = 500
_ATTRIBUTE = re.compile(r"attribute\[([^\[\]]+)\](\[\])?\Z")
# A "+08:00" offset in a query string that the client did not encode arrives as " 08:00".
_SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})\Z")


# --- plumbing -------------------------------------------------------------------------------------

def endpoint(*methods):
    """An Open311 view: method check, the language of the descriptions, errors as an errors document."""

    def wrap(view):
        @functools.wraps(view)
        def run(request, fmt, **kwargs):
            language = translation.get_language() if request.META.get("HTTP_ACCEPT_LANGUAGE") else "en"
            with translation.override(language):
                try:
                    allowed = methods + (("HEAD",) if "GET" in methods else ())
                    if request.method not in allowed:
                        raise Open311Error(405, [(405, _("Use %(methods)s here.") % {"methods": ", ".join(methods)})],
                                           headers={"Allow": ", ".join(methods)})
                    return view(request, fmt, **kwargs)
                except Open311Error as exc:
                    return error_response(fmt, exc)

        return run

    return wrap


def _arg(request, name: str) -> str | None:
    """An argument from the form body (POST) or the query string; empty counts as absent."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None or not value.strip():
        value = request.GET.get(name)
    value = (value or "").strip()
    return value or None


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def client_address(request) -> str:
    """Whom a keyless request is counted against: the client's address (from the header a trusted
    proxy sets, GRIDGOV_OPEN311_CLIENT_ADDRESS_HEADER, else REMOTE_ADDR); an IPv6 address counts as
    its /64, which one household or phone holds whole."""
    header = conf.get("GRIDGOV_OPEN311_CLIENT_ADDRESS_HEADER").strip()
    raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").split(",")[0].strip() if header else ""
    raw = raw or request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if address.version == 6 and not address.ipv4_mapped:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address.ipv4_mapped or address) if address.version == 6 else str(address)


def _count_keyless(request) -> None:
    """429 for a client address over GRIDGOV_OPEN311_KEYLESS_RATE_LIMIT in the current window."""
    wait = actions.count_address(client_address(request))
    if wait is not None:
        raise Open311Error(429, [(429, _("Too many requests without api_key from your address: try again in "
                                         "%(n)d seconds, or ask the town for a key.") % {"n": wait})],
                           headers={"Retry-After": str(wait)})


def _key(request, town: Region, required: bool) -> ApiKey | None:
    value = _arg(request, "api_key")
    if value is None:
        if required:
            raise Open311Error(403, [(403, _("api_key was not provided."))])
        _count_keyless(request)
        return None
    key = actions.find_key(value)
    if key is None:
        raise Open311Error(403, [(403, _("api_key is not valid: it is unknown or was revoked."))])
    if key.town_id is not None and key.town_id != town.pk:
        raise Open311Error(403, [(403, _("api_key is not valid for jurisdiction %(code)s.") % {"code": town.code})])
    wait = actions.count_request(key)
    if wait is not None:
        raise Open311Error(429, [(429, _("Too many requests with this api_key: try again in %(n)d seconds.")
                                  % {"n": wait})], headers={"Retry-After": str(wait)})
    return key


def _town(request) -> Region:
    return queries.jurisdiction(_arg(request, "jurisdiction_id"))


# --- discovery and services -----------------------------------------------------------------------

@endpoint("GET")
def discovery(request, fmt):
    _count_keyless(request)  # discovery checks no key: every call counts against the address
    # Equality on the indexed action column: the audit table is the largest of all, never scan it.
    changed = AuditEntry.objects.filter(action__in=CATALOGUE_CHANGES).aggregate(last=Max("time"))["last"]
    changeset = queries.iso(changed or datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    return respond(fmt, "discovery", {
        "changeset": changeset,
        "contact": conf.get("GRIDGOV_OPEN311_CONTACT"),
        "key_service": _("Town administrators issue API keys at %(url)s.")
        % {"url": request.build_absolute_uri(reverse("open311:keys"))},
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0],
            "changeset": changeset,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


@endpoint("GET")
def services(request, fmt):
    town = _town(request)
    _key(request, town, required=False)
    return respond(fmt, "services", queries.service_list())


@endpoint("GET")
def service_definition(request, fmt, code):
    town = _town(request)
    _key(request, town, required=False)
    category = queries.service(code)
    if category is None:
        raise Open311Error(404, [(404, _("service_code %(code)s was not found.") % {"code": code})])
    return respond(fmt, "service_definition", queries.service_definition(category))


# --- POST requests --------------------------------------------------------------------------------

def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def resolve_address(town: Region, text: str) -> Grid | None:
    """The small grid of the town that `text` names: a small grid's code or name, or a village (or its
    village grid) that has only one small grid. The longest matching name wins; a tie is no answer."""
    smalls = list(Grid.objects.filter(path__startswith=town.path, level=Grid.Level.SMALL).select_related("region"))
    exact = [g for g in smalls if text in (g.code, g.name)]
    if len(exact) == 1:
        return exact[0]
    named = [g for g in smalls if g.name in text or g.code in text]
    if named:
        longest = max(len(g.name) for g in named)
        best = [g for g in named if len(g.name) == longest]
        return best[0] if len(best) == 1 else None
    by_village: dict[int, list[Grid]] = {}
    for grid in smalls:
        by_village.setdefault(grid.region_id, []).append(grid)
    villages = {g.region_id for g in smalls if g.region.name in text}
    villages |= set(Grid.objects.filter(path__startswith=town.path, level=Grid.Level.VILLAGE)
                    .filter(Q(name__in=[text]) | Q(code=text)).values_list("region_id", flat=True))
    if len(villages) == 1:
        grids = by_village.get(villages.pop(), [])
        return grids[0] if len(grids) == 1 else None
    return None


def _location(request, town: Region, errors: list) -> tuple[Grid | None, float | None, float | None]:
    lat_raw, lng_raw = _arg(request, "lat"), _arg(request, "long")
    address, address_id = _arg(request, "address_string"), _arg(request, "address_id")
    lat = lng = None
    if (lat_raw is None) != (lng_raw is None):
        errors.append(_("Give both lat and long, or neither."))
    elif lat_raw is not None:
        lat, lng = _float(lat_raw), _float(lng_raw)
        if lat is None or not -90 <= lat <= 90:
            errors.append(_("lat must be a number from -90 to 90."))
        if lng is None or not -180 <= lng <= 180:
            errors.append(_("long must be a number from -180 to 180."))
        if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            lat = lng = None
            lat_raw = "bad"
    named = None
    if address_id is not None:
        named = Grid.objects.filter(code=address_id, level=Grid.Level.SMALL, path__startswith=town.path).first()
        if named is None:
            errors.append(_("address_id %(value)s is not the code of a small grid of this jurisdiction.")
                          % {"value": address_id})
    elif address is not None:
        named = resolve_address(town, address)
        if named is None and lat is None:
            errors.append(_("address_string could not be resolved to one small grid of this jurisdiction: name a "
                            "small grid (its code or name) or a village with one grid, or give lat and long."))
    if lat_raw is None and address is None and address_id is None:
        errors.append(_("Give the location: lat and long, address_string or address_id."))
    if lat is None:
        return named, None, None
    try:
        grid = routing.grid_for_report(lat, lng, named)
    except CaseError:
        errors.append(_("lat/long lies outside every grid of this jurisdiction: give address_string or address_id "
                        "as well."))
        return None, None, None
    if not grid.path.startswith(town.path):
        errors.append(_("lat/long lies outside jurisdiction %(code)s.") % {"code": town.code})
        return None, None, None
    return grid, lat, lng


def _parse_attribute(attribute: ServiceAttribute, values: list[str], errors: list):
    """The checked value of one attribute (a list for multivaluelist), or None when absent."""
    values = [v.strip() for v in values if v.strip()]
    kind = ServiceAttribute.Datatype
    if not values:
        if attribute.required:
            errors.append(_("attribute[%(code)s] is required.") % {"code": attribute.code})
        return None
    keys = {str(v["key"]) for v in attribute.values}
    if attribute.datatype == kind.MULTI:
        values = [part for value in values for part in _split(value)]
        wrong = [v for v in values if v not in keys]
        if wrong:
            errors.append(_("attribute[%(code)s] has no value %(value)s.") % {"code": attribute.code,
                                                                              "value": ", ".join(wrong)})
        return values
    value = values[-1]
    if attribute.datatype == kind.SINGLE and value not in keys:
        errors.append(_("attribute[%(code)s] has no value %(value)s.") % {"code": attribute.code, "value": value})
    elif attribute.datatype == kind.NUMBER and _float(value) is None:
        errors.append(_("attribute[%(code)s] must be a number.") % {"code": attribute.code})
    elif attribute.datatype == kind.DATETIME and _datetime(value) is None:
        errors.append(_("attribute[%(code)s] must be a date and time (ISO 8601).") % {"code": attribute.code})
    elif len(value) > MAX_DESCRIPTION:
        errors.append(_("attribute[%(code)s] is too long.") % {"code": attribute.code})
    return value


def _attributes(request, category, errors: list) -> tuple[dict, list[str]]:
    """The attribute values sent, checked against the service definition, and lines for the case text."""
    sent: dict[str, list[str]] = {}
    for name in request.POST:
        match = _ATTRIBUTE.match(name)
        if match:
            sent.setdefault(match.group(1), []).extend(request.POST.getlist(name))
    if category is None:
        return {}, []
    defined = {a.code: a for a in queries.attributes_of(category) if a.variable}
    for code in sorted(set(sent) - set(defined)):
        errors.append(_("attribute[%(code)s] is not an attribute of service %(service)s.")
                      % {"code": code, "service": category.code})
    values, lines = {}, []
    for code, attribute in defined.items():
        value = _parse_attribute(attribute, sent.get(code, []), errors)
        if value is None:
            continue
        values[code] = value
        names = {str(v["key"]): v["name"] for v in attribute.values}
        shown = ", ".join(names.get(v, v) for v in value) if isinstance(value, list) else names.get(value, value)
        lines.append(f"{attribute.description}: {shown}")
    return values, lines


def _check_text(request, name: str, limit: int, errors: list) -> str:
    value = _arg(request, name) or ""
    if len(value) > limit:
        errors.append(_("%(name)s may be at most %(n)d characters.") % {"name": name, "n": limit})
    return value


@csrf_exempt
@endpoint("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


def _create(request, fmt):
    town = _town(request)
    key = _key(request, town, required=True)
    errors: list[str] = []
    code = _arg(request, "service_code")
    category = queries.service(code)
    if code is None:
        errors.append(_("service_code was not provided."))
    elif category is None:
        errors.append(_("service_code %(code)s is not a service of this jurisdiction.") % {"code": code})
    grid, lat, lng = _location(request, town, errors)
    # Kept as the case's place (the handler reads it, GET gives it back as `address`), also when the
    # point found the grid and the text was not needed for that.
    place = _check_text(request, "address_string", MAX_PLACE, errors)
    attributes, lines = _attributes(request, category, errors)
    description = _check_text(request, "description", MAX_DESCRIPTION, errors)
    email = _check_text(request, "email", 254, errors)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("email is not a valid e-mail address."))
    phone = _arg(request, "phone") or ""
    if phone:
        try:
            phone = personal.validate_phone(phone)
        except personal.InvalidIdentifier:
            errors.append(_("phone must be an 11-digit mobile number or a landline with its area code."))
    names = [_check_text(request, "first_name", MAX_NAME, errors), _check_text(request, "last_name", MAX_NAME, errors)]
    device_id = _check_text(request, "device_id", MAX_ID, errors)
    account_id = _check_text(request, "account_id", MAX_ID, errors)
    media_url = _check_text(request, "media_url", MAX_URL, errors)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(_("media_url must be an http or https URL."))
    text = "\n".join(part for part in [description, *lines] if part) or (category.name if category else "")
    if len(text) > MAX_DESCRIPTION:
        errors.append(_("description and attributes together may be at most %(n)d characters.")
                      % {"n": MAX_DESCRIPTION})
    if grid is None and not errors:
        errors.append(_("Give the location: lat and long, address_string or address_id."))
    if errors:
        raise Open311Error(400, [(400, message) for message in errors])
    try:
        submitted = actions.do_submit_request(
            key, category, text, grid, lat=lat, lng=lng, phone=phone, email=email,
            name=" ".join(n for n in names if n), device_id=device_id, account_id=account_id, media_url=media_url,
            attributes=attributes, place=place)
    except CaseError as exc:
        raise Open311Error(400, [(400, exc.message)]) from None
    except actions.Open311ActionError as exc:
        raise Open311Error(exc.status, [(exc.status, exc.message)]) from None
    return respond(fmt, "service_requests", [{
        "service_request_id": submitted.case.number,
        "token": submitted.token,
        "service_notice": queries.service_notice(category),
        "account_id": account_id or None,
    }])


# --- GET requests ---------------------------------------------------------------------------------

def _datetime(value: str) -> datetime.datetime | None:
    value = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.datetime.combine(day, datetime.time.min) if day else None
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _search(request, fmt):
    town = _town(request)
    key = _key(request, town, required=False)
    cases = queries.requests_of(town, key)
    ids = _split(_arg(request, "service_request_id"))
    if ids:
        # The spec: service_request_id overrides every other argument. More ids than the result limit
        # could not be answered anyway, and would only make the IN list huge.
        cases = cases.filter(number__in=ids[:queries.MAX_RESULTS])
    else:
        cases = cases.filter(**_filters(request))
    rows = list(cases.order_by("-created_at", "-id")[:queries.MAX_RESULTS])
    return respond(fmt, "service_requests", queries.request_items(rows, town))


def _filters(request) -> dict:
    errors: list[str] = []
    filters: dict = {}
    codes = _split(_arg(request, "service_code"))
    if codes:
        known = set(queries.services().filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            errors.append(_("service_code %(code)s is not a service of this jurisdiction.")
                          % {"code": ", ".join(unknown)})
        filters["category__code__in"] = codes
    statuses = _split(_arg(request, "status"))
    if statuses:
        wrong = [s for s in statuses if s not in (queries.OPEN, queries.CLOSED)]
        if wrong:
            errors.append(_("status must be open or closed, not %(value)s.") % {"value": ", ".join(wrong)})
        filters["state__in"] = sorted({state for s in statuses if s not in wrong for state in queries.states_of(s)})
    bounds = {}
    for name in ("start_date", "end_date"):
        raw = _arg(request, name)
        if raw is not None:
            bounds[name] = _datetime(raw)
            if bounds[name] is None:
                errors.append(_("%(name)s must be a date and time in ISO 8601, e.g. 2026-03-02T08:00:00+08:00.")
                              % {"name": name})
    if not errors:
        start, end = bounds.get("start_date"), bounds.get("end_date")
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - queries.DEFAULT_WINDOW
        if end is None:
            end = start + queries.DEFAULT_WINDOW
        if end < start:
            errors.append(_("end_date is before start_date."))
        elif end - start > queries.DEFAULT_WINDOW:
            errors.append(_("start_date and end_date may not span more than 90 days."))
        filters.update(created_at__gte=start, created_at__lte=end)
    if errors:
        raise Open311Error(400, [(400, message) for message in errors])
    return filters


@endpoint("GET")
def service_request(request, fmt, request_id):
    town = _town(request)
    key = _key(request, town, required=False)
    case = queries.requests_of(town, key).filter(number=request_id).first()
    if case is None:
        raise Open311Error(404, [(404, _("service_request_id %(id)s was not found.") % {"id": request_id})])
    return respond(fmt, "service_requests", queries.request_items([case], town))


@endpoint("GET")
def token(request, fmt, token):
    town = _town(request)
    _key(request, town, required=False)
    found = (Open311Request.objects.filter(token=token, path__startswith=town.path)
             .select_related("case").only("token", "case__number").first())
    if found is None:
        raise Open311Error(404, [(404, _("token %(token)s was not found.") % {"token": token})])
    return respond(fmt, "service_requests", [{"service_request_id": found.case.number, "token": found.token}])


def not_found(request, rest):
    fmt = "json" if rest.endswith(".json") else "xml"
    language = translation.get_language() if request.META.get("HTTP_ACCEPT_LANGUAGE") else "en"
    with translation.override(language):
        return error_response(fmt, Open311Error(404, [(404, _("There is no such Open311 resource."))]))


# --- API keys (web) -------------------------------------------------------------------------------

class KeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Client name"), max_length=100,
                           help_text=gettext_lazy("Who will use the key, e.g. the county hotline system."))
    town = forms.ModelChoiceField(label=gettext_lazy("Town"), queryset=Region.objects.none(), empty_label=None)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = restrict(user, CHANGE, Region).filter(level=Region.Level.TOWN).order_by("code")


def _key_admin(user) -> None:
    if not can(user, CHANGE, "open311_key"):
        raise PermissionDenied(_("Open311 keys are issued by town administrators."))


@never_cache
@login_required
def keys(request):
    """The town's keys: issue one (its secret is shown once, on the answer to the POST) and revoke."""
    _key_admin(request.user)
    form = KeyForm(request.user, request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            key, secret = actions.do_issue_key(request.user, form.cleaned_data["name"], form.cleaned_data["town"])
        except actions.Open311ActionError as exc:
            form.add_error(None, exc.message)
        else:
            issued = {"key": key, "secret": secret}
            form = KeyForm(request.user)
    rows = restrict(request.user, VIEW, ApiKey).select_related("town", "created_by")[:200]
    return render(request, "open311/keys.html", {
        "form": form, "issued": issued, "keys": rows,
        "endpoint": request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
        + "/",
    })


@login_required
@require_POST
def revoke(request, pk):
    _key_admin(request.user)
    try:
        actions.do_revoke_key(request.user, pk)
    except actions.Open311ActionError:
        raise Http404 from None
    return redirect("open311:keys")


# --- service attributes (web) ---------------------------------------------------------------------

class AttributeForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Service"), queryset=Category.objects.none())
    code = forms.CharField(label=gettext_lazy("Code"), max_length=50,
                           help_text=gettext_lazy("Clients send it as attribute[CODE]; letters and digits."))
    description = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    datatype = forms.ChoiceField(label=gettext_lazy("Kind of answer"), choices=ServiceAttribute.Datatype.choices)
    values = forms.CharField(label=gettext_lazy("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=gettext_lazy("For the list answers: one choice a line, as key=name."))
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=1, max_value=999, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = queries.services()

    def clean_values(self):
        rows = []
        for line in self.cleaned_data["values"].splitlines():
            if not line.strip():
                continue
            key, sep, name = line.partition("=")
            if not sep or not key.strip() or not name.strip():
                raise ValidationError(_("Write each choice as key=name: %(line)s") % {"line": line.strip()})
            rows.append({"key": key.strip(), "name": name.strip()})
        return rows


def _configurator(user) -> None:
    if not can(user, CHANGE, "case_config"):
        raise PermissionDenied(_("The case configuration is for town administrators."))


@login_required
def attributes(request):
    """The extra fields services ask Open311 clients for (service definitions): add, change, remove."""
    _configurator(request.user)
    form = AttributeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_set_attribute(request.user, data["category"], data["code"], data["description"],
                                     data["datatype"], required=data["required"], values=data["values"],
                                     order=data["order"])
        except actions.Open311ActionError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("open311:attributes")
    rows = ServiceAttribute.objects.select_related("category").order_by("category__code", "order", "code")
    return render(request, "open311/attributes.html", {"form": form, "attributes": rows,
                                                       **_publication(request.user, request.GET.get("town"))})


def _towns(user):
    return restrict(user, CHANGE, Region).filter(level=Region.Level.TOWN).order_by("code")


def _publication(user, code: str | None) -> dict:
    """What the page shows of a town's choice of public services (for those who manage its keys)."""
    if not can(user, CHANGE, "open311_key"):
        return {}
    towns = list(_towns(user)[:50])
    town = next((t for t in towns if t.code == code), towns[0] if towns else None)
    if town is None:
        return {}
    published = set(PublicService.objects.filter(town=town).values_list("category_id", flat=True))
    services = [(c, c.pk in published, queries.is_sensitive(c)) for c in queries.services()]
    return {"public_town": town, "public_towns": towns, "public_services": services}


@login_required
@require_POST
def public_services(request):
    """The town's choice of the services whose requests keyless GET lists: exactly those ticked."""
    _key_admin(request.user)
    town = _towns(request.user).filter(code=request.POST.get("town", "")).first()
    if town is None:
        raise Http404
    ids = [int(v) for v in request.POST.getlist("published") if v.isdigit()]
    try:
        actions.do_set_public_services(request.user, town, list(queries.services().filter(pk__in=ids)))
    except actions.Open311ActionError as exc:
        raise PermissionDenied(exc.message) from None
    return redirect(reverse("open311:attributes") + f"?town={town.code}#public-services")


@login_required
@require_POST
def attribute_remove(request, pk):
    _configurator(request.user)
    attribute = ServiceAttribute.objects.filter(pk=pk).first()
    if attribute is None:
        raise Http404
    actions.do_remove_attribute(request.user, attribute)
    return redirect("open311:attributes")
