"""The links pages: my households and the contact form (a party member on a phone), my member (a resident),
and for staff the coverage of a node, its unlinked households, those not contacted this month, and the
links of a village (add, end, import, accept the proposal).

Rows come from restrict(); every change goes through a do_* action, whose LinkError becomes a message.
"""

import datetime
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.cases.models import Category
from gridgov.core.scoping import PARTY_MEMBER, RESIDENT, SUBTREE, VIEW, reach, restrict
from gridgov.org.imports import ImportFailed
from gridgov.org.models import Household, Person, Region
from gridgov.org.queries import scope_node

from . import actions, imports, queries
from .actions import LinkError
from .models import Contact, Link


def _staff_node(request):
    user = request.user
    if reach(user, VIEW, "link") != SUBTREE:
        raise Http404
    code = request.GET.get("scope")
    node = scope_node(user, code) if code else (user.scope_node or Region.objects.filter(level=1).first())
    if node is None:
        raise Http404
    return node


def _month(request):
    try:
        return queries.parse_month(request.GET.get("month"))
    except ValueError:
        return queries.parse_month(None)


@login_required
def index(request):
    user = request.user
    if user.role == PARTY_MEMBER and user.person_id:
        return mine(request)
    if user.role == RESIDENT or (user.role == PARTY_MEMBER and not user.person_id):
        link = (restrict(user, VIEW, Link).filter(household_id=getattr(user.person, "household_id", None),
                                                  until__isnull=True).select_related("member").first())
        return render(request, "links/my_member.html", {"link": link})
    return redirect("links:coverage")


def mine(request):
    """A member's households: who, where, when last contacted, and a button to log a contact."""
    user = request.user
    year, month = queries.parse_month(None)
    first, _last = queries.month_bounds(year, month)
    links = list(Link.objects.filter(member_id=user.person_id, until__isnull=True)
                 .select_related("household", "household__head", "household__grid")
                 .annotate(last_contact=Max("household__contacts__date")).order_by("household__path", "household__number"))
    for link in links:
        link.contacted_this_month = bool(link.last_contact and link.last_contact >= first)
    recent = (Contact.objects.filter(member_id=user.person_id).select_related("household", "case")
              .order_by("-date", "-id")[:10])
    return render(request, "links/mine.html", {"links": links, "recent": recent,
                                               "missing": sum(1 for link in links if not link.contacted_this_month)})


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _field_label(field: str) -> str:
    try:
        return str(Contact._meta.get_field(field).verbose_name)
    except Exception:  # not a model field (client_id): its own name
        return field


@login_required
def contact_new(request, household_id: int):
    """The contact form. Asked with Accept: application/json (the phone's outbox, web/static/web/outbox.js) it
    answers JSON: 201 with the new contact's url, 200 with the first one for a repeated client_id, 400 with
    `detail` (the field named) and `field` for bad input, 404 for a household not linked to the member."""
    user = request.user
    wants_json = _wants_json(request)
    today = queries.today()
    error = None
    if request.method == "POST":
        try:
            day = datetime.date.fromisoformat(request.POST.get("date") or today.isoformat())
        except ValueError:
            day = None
        try:
            if day is None:
                raise LinkError(_("Enter a date as YYYY-MM-DD."), field="date")
            lat, lng = _coordinate(request.POST.get("lat"), "lat"), _coordinate(request.POST.get("lng"), "lng")
            contact = actions.do_contact(user, household_id, request.POST.get("way", ""), day,
                                         request.POST.getlist("topics"), request.POST.get("note", ""), lat, lng,
                                         photo=request.FILES.get("photo"), client_id=request.POST.get("client_id"))
        except LinkError as exc:
            if exc.status == 404:
                if wants_json:
                    return JsonResponse({"detail": exc.message}, status=404)
                raise Http404 from None
            if wants_json:
                return JsonResponse({"detail": f"{_field_label(exc.field)}: {exc.message}", "field": exc.field},
                                    status=400)
            error = exc.message
        else:
            repeated = bool(getattr(contact, "repeated", False))
            if not repeated:
                messages.success(request, _("Contact saved."))
            url = reverse("links:contact", args=[contact.pk])
            if wants_json:  # the contact, made now or the first time
                return JsonResponse({"id": contact.pk, "url": url, "repeated": repeated},
                                    status=200 if repeated else 201)
            return redirect(url)
    try:
        link = actions.member_link(user, household_id)
    except LinkError:
        raise Http404 from None
    return render(request, "links/contact_form.html", {
        "link": link, "household": link.household, "today": today, "error": error,
        "ways": Contact.Way.choices, "topics": Contact.Topic.choices, "data": request.POST})


def _coordinate(value, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise LinkError(_("The location is not a valid latitude and longitude."), field=field) from None
    if not math.isfinite(number) or abs(number) > (90 if field == "lat" else 180):
        raise LinkError(_("The location is not a valid latitude and longitude."), field=field)
    return number


@login_required
def contact(request, contact_id: int):
    user = request.user
    c = restrict(user, VIEW, Contact).select_related("household", "household__grid", "member", "case").filter(
        pk=contact_id).first()
    if c is None:
        raise Http404
    mine = c.member_id == user.person_id
    categories = []
    if mine and not c.case_id:
        categories = Category.objects.filter(level=2, is_active=True).select_related("parent").order_by("code")
    labels = dict(Contact.Topic.choices)
    return render(request, "links/contact.html", {"c": c, "mine": mine, "categories": categories,
                                                  "topic_labels": [labels.get(t, t) for t in c.topics or []]})


@login_required
def contact_photo(request, contact_id: int):
    """The stored (EXIF-free) photo, for those who may see the contact."""
    c = restrict(request.user, VIEW, Contact).filter(pk=contact_id).exclude(photo="").first()
    if c is None:
        raise Http404
    response = FileResponse(c.photo.open("rb"), content_type=c.photo_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def contact_case(request, contact_id: int):
    user = request.user
    c = restrict(user, VIEW, Contact).filter(pk=contact_id).first()
    if c is None:
        raise Http404
    try:
        case = actions.do_contact_case(user, c, request.POST.get("category", ""), request.POST.get("description", ""))
    except LinkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Case %(number)s reported.") % {"number": case.number})
    return redirect("links:contact", contact_id)


@login_required
def coverage(request):
    node = _staff_node(request)
    year, month = _month(request)
    return render(request, "links/coverage.html", {
        "node": node, "month": f"{year:04d}-{month:02d}", "figures": queries.month_figures(node.path, year, month),
        "rows": queries.by_child(node, year, month), "trend": queries.trend(node.path, year, month),
        "behind": queries.members_behind(node.path, year, month)[:50],
        "villages": Region.objects.filter(level=3, path__startswith=node.path).order_by("path")
        if request.user.role != "grid_worker" else [],
        "settings": _town_settings(request.user, node)})


def _town_settings(user, node):
    """The town's link rules, for the town's own staff looking at their town (None otherwise)."""
    if not isinstance(node, Region) or node.level != Region.Level.TOWN or not actions.may_manage(user, node.path) \
            or not (user.is_superuser or user.scope_path == node.path):
        return None
    found = queries.settings_for(node.path)
    return {"target_per_member": found.target_per_member if found else 10,
            "contacts_per_month": found.contacts_per_month if found else 1}


@login_required
@require_POST
def town_settings(request, code: str):
    town = restrict(request.user, VIEW, Region).filter(code=code, level=Region.Level.TOWN).first()
    if town is None or _town_settings(request.user, town) is None:
        raise Http404
    try:
        actions.do_save_settings(request.user, town, int(request.POST.get("target_per_member") or 0),
                                 int(request.POST.get("contacts_per_month") or 0))
        messages.success(request, _("The town's link rules are saved."))
    except (LinkError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Enter whole numbers.")))
    return redirect(f"{reverse('links:coverage')}?scope={town.code}")


@login_required
def unlinked(request):
    node = _staff_node(request)
    rows = queries.unlinked(node.path).select_related("grid", "head").order_by("path", "number")
    return render(request, "links/unlinked.html", {"node": node, "rows": rows[:500], "count": rows.count()})


@login_required
def not_contacted(request):
    node = _staff_node(request)
    year, month = _month(request)
    rows = (queries.not_contacted(node.path, year, month).select_related("household", "member")
            .order_by("path", "household__number"))
    return render(request, "links/not_contacted.html", {"node": node, "month": f"{year:04d}-{month:02d}",
                                                        "rows": rows[:500], "count": rows.count()})


def _village(request, code):
    village = restrict(request.user, VIEW, Region).filter(code=code, level=3).first()
    if village is None or not actions.may_manage(request.user, village.path):
        raise Http404
    return village


@login_required
def village(request, code: str):
    v = _village(request, code)
    links = (Link.objects.filter(path__startswith=v.path, until__isnull=True)
             .select_related("member", "household").order_by("path", "household__number"))
    members = Person.objects.filter(path__startswith=v.path, is_party_member=True).order_by("name")
    free = queries.unlinked(v.path).order_by("path", "number")
    return render(request, "links/village.html", {
        "village": v, "links": links, "members": members, "free": free[:500],
        "proposal": actions.proposal(v)[:200], "errors": request.session.pop("links_import_errors", None)})


@login_required
@require_POST
def village_add(request, code: str):
    v = _village(request, code)
    member = Person.objects.filter(pk=request.POST.get("member") or 0, path__startswith=v.path).select_related(
        "household").first()
    household = Household.objects.filter(pk=request.POST.get("household") or 0, path__startswith=v.path).first()
    if member is None or household is None:
        messages.error(request, _("Choose a party member and a household."))
    else:
        try:
            actions.do_link(request.user, member, household)
            messages.success(request, _("Linked."))
        except LinkError as exc:
            messages.error(request, exc.message)
    return redirect("links:village", v.code)


@login_required
@require_POST
def link_end(request, link_id: int):
    link = restrict(request.user, VIEW, Link).filter(pk=link_id).first()
    if link is None:
        raise Http404
    try:
        actions.do_end_link(request.user, link, request.POST.get("reason", ""))
        messages.success(request, _("The link has ended."))
    except LinkError as exc:
        messages.error(request, exc.message)
    village = Region.objects.filter(level=3, path=".".join(link.path.split(".")[:3]) + ".").first()
    return redirect("links:village", village.code) if village else redirect("links:coverage")


@login_required
@require_POST
def village_accept(request, code: str):
    v = _village(request, code)
    n = actions.do_accept_proposal(request.user, v)
    messages.success(request, _("%(count)d links made from the proposal.") % {"count": n})
    return redirect("links:village", v.code)


@login_required
@require_POST
def village_import(request, code: str):
    v = _village(request, code)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an Excel file."))
        return redirect("links:village", v.code)
    try:
        n = imports.import_links(request.user, v, upload)
    except ImportFailed as exc:
        messages.error(request, str(exc))
        request.session["links_import_errors"] = exc.detail["errors"][:100]
    else:
        messages.success(request, _("%(count)d links imported.") % {"count": n})
    return redirect("links:village", v.code)


@login_required
def template(request):
    if reach(request.user, VIEW, "link") != SUBTREE:
        raise PermissionDenied
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="links.xlsx"'
    imports.template_workbook().save(response)
    return response


