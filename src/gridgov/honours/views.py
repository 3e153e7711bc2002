"""Pages of honours, mobile first: a household applies and sees its village's public list; the grid
worker nominates and inspects with the score sheet and a photo from the phone; the village secretary
reviews; the town runs campaigns, publishes, answers objections, names, revokes and counts; a plaque
list per village to print (挂牌). Thin: a form, an action, a redirect."""

import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.core.scoping import (
    CHANGE,
    GRID_WORKER,
    PARTY_MEMBER,
    RESIDENT,
    TOWN_ADMIN,
    VILLAGE_SECRETARY,
    restrict,
)
from gridgov.org.models import Household, Person, Region
from gridgov.org.queries import scope_node

from . import actions, queries
from .actions import HonourError
from .models import BUILT_IN, Entry, Photo, Subject


def _fail(request, exc: HonourError):
    if exc.status == 404:
        raise Http404(exc.message)
    messages.error(request, exc.message)


def _may_see(user) -> bool:
    return user.is_superuser or user.role in (TOWN_ADMIN, VILLAGE_SECRETARY, GRID_WORKER) or (
        user.role in (RESIDENT, PARTY_MEMBER) and user.person_id is not None)


def _year(request, default: int) -> int:
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


@login_required
def index(request):
    """The page of each role: campaigns, what waits for the user, and the way to apply or nominate."""
    user = request.user
    if not _may_see(user):
        raise Http404
    today = actions.today()
    campaigns = list(actions.visible_campaigns(user).select_related("kind").filter(year__gte=today.year - 1)
                     .order_by("-year", "kind_id"))
    entries = actions.visible_entries(user).select_related(*queries.TITLE_RELATED).order_by("-year", "path", "id")
    waiting, mine, households, people = [], [], [], []
    if user.role == GRID_WORKER:
        waiting = list(entries.filter(state__in=[Entry.State.SUBMITTED, Entry.State.INSPECTED])[:100])
        households = list(restrict(user, CHANGE, Household).select_related("head").order_by("number")[:300])
        people = list(restrict(user, CHANGE, Person).order_by("name")[:300])
    elif user.role == VILLAGE_SECRETARY:
        waiting = list(entries.filter(state=Entry.State.INSPECTED)[:100])
    elif user.role in (RESIDENT, PARTY_MEMBER):
        mine = list(entries.filter(Entry.own_q(user.person)))
        households = [user.person.household] if user.person.household_id else []
        people = list(Person.objects.filter(Person.own_q(user.person)).order_by("pk"))
    entered = {(e.campaign_id, e.household_id or e.person_id) for e in mine}
    return render(request, "honours/index.html", {
        "campaigns": campaigns, "open_campaigns": [c for c in campaigns if c.year >= today.year],
        "waiting": waiting, "mine": mine, "households": households, "people": people, "entered": entered,
        "is_town": user.role == TOWN_ADMIN or user.is_superuser, "today": today,
        "may_enter": user.role in (GRID_WORKER, RESIDENT, PARTY_MEMBER),
    })


@login_required
@require_POST
def enter(request):
    """Apply (a household for itself) or nominate (the grid worker)."""
    try:
        campaign = int(request.POST.get("campaign", ""))
        target = int(request.POST.get("target", ""))
    except ValueError:
        messages.error(request, _("Choose the campaign and the household or person."))
        return redirect("honours:index")
    found = actions.visible_campaigns(request.user).select_related("kind").filter(pk=campaign).first()
    if found is None:
        raise Http404
    field = "household" if found.kind.subject == Subject.HOUSEHOLD else "person"
    try:
        entry = actions.do_enter(request.user, found, **{field: target})
    except HonourError as exc:
        _fail(request, exc)
        return redirect("honours:index")
    messages.success(request, _("The entry is made."))
    return redirect("honours:entry", entry.pk)


@login_required
def entry(request, pk: int):
    user = request.user
    item = actions.visible_entries(user).select_related(*queries.TITLE_RELATED, "campaign").filter(pk=pk).first()
    if item is None:
        raise Http404
    today = actions.today()
    worker = user.role == GRID_WORKER and item.state in (Entry.State.SUBMITTED, Entry.State.INSPECTED)
    rows = [{"name": c["name"], "max": c["max"], "score": (item.scores or {}).get(c["name"])}
            for c in item.campaign.criteria]
    staff = user.is_superuser or user.role in (TOWN_ADMIN, VILLAGE_SECRETARY)
    return render(request, "honours/entry.html", {
        "entry": item, "rows": rows, "who": queries.who(item), "photos": item.photos.all(),
        "objections": item.objections.all(), "in_notice": item.in_notice(today),
        "notice_last": item.notice_ends - datetime.timedelta(days=1) if item.notice_ends else None,
        "may_inspect": worker, "may_review": user.role == VILLAGE_SECRETARY and item.state == Entry.State.INSPECTED,
        "is_town": user.role == TOWN_ADMIN or user.is_superuser,
        "may_object": item.in_notice(today) and actions.may_object(user, item),
        "may_answer": staff and item.state == Entry.State.PUBLISHED,
        "staff": staff or user.role == GRID_WORKER,
    })


# What each action of the page reads from its form.
def _body(request, action: str) -> dict:
    post = request.POST
    if action == "inspect":
        scores = {}
        for key, value in post.items():
            if key.startswith("score:"):
                try:
                    scores[key[6:]] = int(value)
                except ValueError:
                    scores[key[6:]] = None
        return {"scores": scores, "notes": post.get("notes", "")}
    if action == "answer":
        try:
            return {"objection": int(post.get("objection", "")), "text": post.get("text", "")}
        except ValueError:
            return {"objection": None, "text": post.get("text", "")}
    return {"decision": post.get("decision"), "reason": post.get("reason", ""), "text": post.get("text", "")}


DONE = {
    "inspect": gettext_lazy("The inspection is saved."), "review": gettext_lazy("The review is saved."),
    "publish": gettext_lazy("The entry is under public notice."),
    "object": gettext_lazy("Your objection is recorded."), "answer": gettext_lazy("The answer is saved."),
    "name": gettext_lazy("The honour is named."), "revoke": gettext_lazy("The honour is revoked."),
}


@login_required
@require_POST
def act(request, pk: int):
    """One step of the life cycle from a page; an inspection may carry a photo from the phone."""
    action = request.POST.get("action", "")
    photo = request.FILES.get("photo")
    try:
        if action == "inspect" and photo is not None:
            actions.do_add_photo(request.user, pk, photo)
        actions.do_action(request.user, pk, action, **_body(request, action))
    except HonourError as exc:
        _fail(request, exc)
    else:
        messages.success(request, str(DONE.get(action, "")))
    if request.POST.get("back") == "campaign":
        item = Entry.objects.filter(pk=pk).values_list("campaign_id", flat=True).first()
        return redirect("honours:campaign", item)
    return redirect("honours:entry", pk)


def _town_only(user):
    if not (user.is_superuser or user.role == TOWN_ADMIN):
        raise Http404


@login_required
def campaigns(request):
    """The town's campaigns and honours; open a campaign, add an honour."""
    user = request.user
    _town_only(user)
    today = actions.today()
    kinds = [{"code": code, "name": name} for code, (name, _s, _st) in BUILT_IN.items()] + [
        {"code": k.code, "name": k.name} for k in actions.visible_kinds(user).filter(built_in=False).order_by("id")]
    if request.method == "POST":
        try:
            if request.POST.get("form") == "kind":
                actions.do_add_kind(user, request.POST.get("name", ""), request.POST.get("subject", "household"),
                                    request.POST.get("starred") == "on")
                messages.success(request, _("The honour is added."))
            else:
                criteria = []
                for line in request.POST.get("criteria", "").splitlines():
                    name, _sep, points = line.strip().rpartition(" ")
                    if line.strip():
                        criteria.append({"name": name.strip() or line.strip(),
                                         "max": int(points) if points.isdigit() else 0})
                thresholds = [int(t) for t in request.POST.get("thresholds", "").replace("，", ",").split(",")
                              if t.strip().isdigit()]
                days = request.POST.get("publicity_days", "7")
                campaign = actions.do_create_campaign(
                    user, int(request.POST.get("year", today.year)) if request.POST.get("year", "").isdigit()
                    else 0, request.POST.get("kind", ""), criteria, thresholds,
                    int(days) if days.isdigit() else 0)
                messages.success(request, _("The campaign is open."))
                return redirect("honours:campaign", campaign.pk)
        except HonourError as exc:
            _fail(request, exc)
        return redirect("honours:campaigns")
    rows = list(actions.visible_campaigns(user).select_related("kind").order_by("-year", "kind_id"))
    return render(request, "honours/campaigns.html", {"campaigns": rows, "kinds": kinds, "year": today.year,
                                                      "subjects": Subject.choices})


@login_required
def campaign(request, pk: int):
    """A campaign's entries by state, with the town's steps (publish, name) on each."""
    user = request.user
    if not (user.is_superuser or user.role in (TOWN_ADMIN, VILLAGE_SECRETARY)):
        raise Http404
    item = get_object_or_404(actions.visible_campaigns(user).select_related("kind"), pk=pk)
    today = actions.today()
    rows = list(actions.visible_entries(user).filter(campaign=item).select_related(*queries.TITLE_RELATED)
                .order_by("village_path", "path", "id"))
    open_objections = set(Entry.objects.filter(pk__in=[e.pk for e in rows], objections__answered_at__isnull=True)
                          .values_list("pk", flat=True))
    for e in rows:
        e.who = queries.who(e)
        e.open_objections = e.pk in open_objections
        e.may_name = (e.state == Entry.State.PUBLISHED and today >= e.notice_ends and not e.open_objections)
    return render(request, "honours/campaign.html", {
        "campaign": item, "entries": rows, "is_town": user.role == TOWN_ADMIN or user.is_superuser,
        "criteria_json": json.dumps(item.criteria, ensure_ascii=False)})


def _village_for(request):
    """The village a list is for: ?scope= (a village the user may see, or their own), else their own."""
    user = request.user
    code = request.GET.get("scope", "").strip()[:20]
    if code:
        node = scope_node(user, code, above=True)
        if node is None or not isinstance(node, Region) or node.level != Region.Level.VILLAGE:
            raise Http404
        if user.role in (RESIDENT, PARTY_MEMBER) and node.path != actions.own_village(user):
            raise Http404
        return node
    own = actions.own_village(user)
    return Region.objects.filter(path=own, level=Region.Level.VILLAGE).first() if own else None


@login_required
def public(request):
    """The village's public list: entries under public notice (with the days left to object) and the
    titles named this year."""
    user = request.user
    if not _may_see(user):
        raise Http404
    village = _village_for(request)
    today = actions.today()
    rows = []
    if village is not None:
        rows = list(actions.visible_entries(user).filter(
            village_path=village.path, state__in=[Entry.State.PUBLISHED, Entry.State.NAMED], year__gte=today.year - 1)
            .select_related(*queries.TITLE_RELATED).order_by("kind_id", "-stars", "path"))
    notice = [e for e in rows if e.in_notice(today)]
    for e in rows:
        e.who = queries.who(e)
        e.notice_last = e.notice_ends - datetime.timedelta(days=1) if e.notice_ends else None
    named = [e for e in rows if e.state == Entry.State.NAMED and e.year == today.year]
    return render(request, "honours/public.html", {"village": village, "notice": notice, "named": named,
                                                   "year": today.year})


@login_required
def plaques(request):
    """The plaque list of a village (挂牌) for a year, to print."""
    user = request.user
    if not (user.is_superuser or user.role in (TOWN_ADMIN, VILLAGE_SECRETARY, GRID_WORKER)):
        raise Http404
    village = _village_for(request)
    if village is None:
        raise Http404
    year = _year(request, actions.today().year)
    rows = list(queries.titles(actions.visible_entries(user), village.path, request.GET.get("kind") or None, year))
    for e in rows:
        e.who = queries.who(e)
    return render(request, "honours/plaques.html", {"village": village, "year": year, "titles": rows})


@login_required
def counts(request):
    """Named titles by village, year and honour."""
    user = request.user
    if not (user.is_superuser or user.role in (TOWN_ADMIN, VILLAGE_SECRETARY)):
        raise Http404
    code = request.GET.get("scope", "").strip()[:20]
    node = scope_node(user, code) if code else None
    if code and node is None:
        raise Http404
    year = request.GET.get("year", "").strip()
    rows = queries.counts(actions.visible_entries(user), node.path if node else "",
                          int(year) if year.isdigit() else None)
    villages = Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=user.scope_path or "") \
        .order_by("code") if not user.is_superuser else Region.objects.filter(level=Region.Level.VILLAGE)
    return render(request, "honours/counts.html", {"rows": rows, "scope": code, "year": year,
                                                   "villages": villages[:200]})


@login_required
def photo(request, pk):
    """An inspection photo, only for users who may see its entry (the files are not public)."""
    item = get_object_or_404(Photo.objects.select_related(None), pk=pk)
    if not actions.visible_entries(request.user).filter(pk=item.entry_id).exists():
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

