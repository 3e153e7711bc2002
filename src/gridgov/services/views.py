"""Pages of services (mobile first): the resident's catalogue, apply with photos, my applications with what
is missing, rate; the staff's queue with clocks and the life-cycle buttons. Thin: a form, an action, a
redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.scoping import CHANGE, SUBTREE, VIEW, reach, restrict
from gridgov.org.models import Person

from . import actions
from .actions import ServiceError
from .models import Application, Group, Material, State
from .policy import APPLY_FOR


def _fail(request, exc: ServiceError):
    if exc.status in (403, 404):
        raise Http404(exc.message)
    messages.error(request, exc.message)


def _is_staff(user) -> bool:
    return reach(user, CHANGE, "service_application") == SUBTREE


def _is_agent(user) -> bool:
    return reach(user, APPLY_FOR, "service_application") == SUBTREE


@login_required
def index(request):
    """The catalogue, grouped by group and searchable, and the caller's own applications."""
    user = request.user
    if not actions.is_insider(user):
        raise Http404
    q = (request.GET.get("q") or "").strip()[:50]
    rows = actions.catalogue(user)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(department__icontains=q))
    labels = dict(Group.choices)
    groups: dict[str, list] = {}
    for item in rows.order_by("group", "code"):
        groups.setdefault(item.group, []).append(item)
    grouped = [(labels.get(g, g), items) for g, items in groups.items()]
    mine = restrict(user, VIEW, Application).filter(Q(applicant_id=user.person_id) | Q(agent=user)) \
        .select_related("item", "applicant").order_by("-created_at")[:30] if user.person_id or _is_agent(user) else []
    return render(request, "services/index.html", {"grouped": grouped, "q": q, "mine": mine,
                                                   "staff": _is_staff(user), "agent": _is_agent(user)})


@login_required
def item(request, pk: int):
    user = request.user
    found = actions.catalogue(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    people = []
    if _is_agent(user) and found.agent_allowed:
        people = restrict(user, VIEW, Person).order_by("path", "name")[:200]
    return render(request, "services/item.html", {"item": found, "people": people,
                                                  "may_apply": bool(user.person_id) or bool(people)})


@login_required
@require_POST
def apply(request, pk: int):
    user = request.user
    found = actions.catalogue(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    person = None
    if request.POST.get("for_person"):
        person = restrict(user, VIEW, Person).filter(pk=request.POST["for_person"]).first()
        if person is None:
            raise Http404
    try:
        app = actions.do_apply(user, found, for_person=person, note=request.POST.get("note", ""))
    except ServiceError as exc:
        _fail(request, exc)
        return redirect("services:item", pk)
    return redirect("services:detail", app.pk)


@login_required
def detail(request, pk: int):
    user = request.user
    try:
        app = actions.visible(user, pk)
    except ServiceError:
        raise Http404 from None
    files = list(app.files.all())
    owner, handler = actions.is_owner(user, app), actions.may_handle(user, app)
    uploaded = {f.name for f in files}
    materials = [{**m, "uploaded": m["name"] in uploaded, "missing": m["name"] in (app.missing or [])}
                 for m in app.item.materials or []]
    return render(request, "services/detail.html", {
        "app": app, "files": files, "materials": materials, "owner": owner, "handler": handler,
        "clock": app.clock(), "open_for_files": owner and app.state in (State.DRAFT, State.RETURNED),
        "still_missing": actions.missing_materials(app) if app.state in (State.DRAFT, State.RETURNED) else [],
        "stars": range(5, 0, -1)})


@login_required
@require_POST
def upload(request, pk: int):
    photos = request.FILES.getlist("file")
    if not photos:
        messages.error(request, _("Choose a photo or a PDF."))
        return redirect("services:detail", pk)
    try:
        for f in photos:
            actions.do_add_material(request.user, pk, request.POST.get("material", ""), f)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Uploaded."))
    return redirect("services:detail", pk)


@login_required
@require_POST
def act(request, pk: int, action: str):
    rating = request.POST.get("rating")
    try:
        actions.do_action(request.user, pk, action, missing=request.POST.getlist("missing"),
                          note=request.POST.get("note", ""), reason=request.POST.get("reason", ""),
                          rating=int(rating) if rating and rating.isdigit() else None)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("services:detail", pk)


@login_required
def material_file(request, pk: int, file_id: int):
    try:
        app = actions.visible(request.user, pk)
    except ServiceError:
        raise Http404 from None
    material = Material.objects.filter(application=app, pk=file_id).first()
    if material is None:
        raise Http404
    response = FileResponse(material.file.open("rb"), content_type=material.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


QUEUE_STATES = [State.SUBMITTED, State.ACCEPTED, State.PROCESSING, State.RETURNED]


@login_required
def queue(request):
    """Staff: applications in their scope waiting for them, the most urgent first."""
    user = request.user
    if not restrict(user, VIEW, Application).exists() and not _is_staff(user):
        raise Http404
    state = request.GET.get("state") or ""
    rows = restrict(user, VIEW, Application).select_related("item", "applicant")
    rows = rows.filter(state=state) if state in State.values else rows.filter(state__in=QUEUE_STATES)
    rows = list(rows.order_by("deadline", "created_at")[:200])
    return render(request, "services/queue.html", {"rows": rows, "state": state, "states": State.choices})


@login_required
def figures(request):
    """Staff: on-time rate, satisfaction, and the catalogue's usage by item, village and agent over a window
    (default: this month so far)."""
    import datetime

    from django.utils import timezone

    from gridgov.core import clock
    from gridgov.org.queries import scope_node

    from . import queries

    user = request.user
    if reach(user, VIEW, "service_application") != SUBTREE:
        raise Http404
    node = scope_node(user, request.GET.get("scope")) if request.GET.get("scope") else user.scope_node
    if node is None:
        raise Http404
    today = timezone.localdate(clock.now())
    try:
        since = datetime.date.fromisoformat(request.GET.get("since") or today.replace(day=1).isoformat())
        until = datetime.date.fromisoformat(request.GET.get("until") or today.isoformat())
    except ValueError:
        raise Http404 from None
    if until < since or (until - since).days > 400:
        raise Http404
    used = set(Application.objects.filter(path__startswith=node.path).values_list("item_id", flat=True).distinct())
    catalogue_size = actions.catalogue(user).count()
    return render(request, "services/figures.html", {
        "node": node, "since": since, "until": until, "total": queries.figures(node.path, since, until),
        "by_item": queries.grouped(node.path, since, until, "item")[:50],
        "by_village": queries.grouped(node.path, since, until, "village"),
        "by_agent": queries.grouped(node.path, since, until, "agent"),
        "items_used": len(used), "catalogue_size": catalogue_size})


def _town_kept_by(user):
    from gridgov.org.models import Region

    from .models import town_path

    town = Region.objects.filter(path=town_path(user.scope_path or "")).first() if user.is_authenticated else None
    if town is None or not actions.may_keep_catalogue(user, town.path) or user is None:
        raise Http404
    return town


@login_required
def catalogue_admin(request):
    """The town keeps its catalogue: every item (retired ones too), export and import (all or nothing)."""
    town = _town_kept_by(request.user)
    items = actions.catalogue(request.user, include_inactive=True).filter(town=town).order_by("group", "code")
    errors = request.session.pop("services_import_errors", [])
    return render(request, "services/catalogue.html", {"town": town, "items": items, "errors": errors})


@login_required
def catalogue_export(request):
    import io

    from django.http import HttpResponse

    from . import imports

    town = _town_kept_by(request.user)
    wb = imports.export_workbook(actions.catalogue(request.user, include_inactive=True).filter(town=town)
                                 .order_by("group", "code"))
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="service-catalogue.xlsx"'
    return response


@login_required
@require_POST
def catalogue_import(request):
    from gridgov.org.imports import ImportFailed

    from . import imports

    town = _town_kept_by(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("services:catalogue")
    try:
        n = imports.import_catalogue(request.user, town, upload)
    except ImportFailed as exc:
        messages.error(request, str(exc))
        request.session["services_import_errors"] = exc.detail["errors"][:100]
    else:
        messages.success(request, _("%(count)d items imported.") % {"count": n})
    return redirect("services:catalogue")


@login_required
def slots(request):
    """The service hall's slots from today: a resident (or agent) books a place; the town opens slots and
    sees who booked."""
    import datetime

    from django.utils import timezone

    from gridgov.core import clock

    user = request.user
    if not actions.is_insider(user):
        raise Http404
    town_path_ = actions.home_town_path(user)
    keeper = actions.may_keep_catalogue(user, town_path_) and bool(town_path_)
    if request.method == "POST":
        try:
            if request.POST.get("open") and keeper:
                town = _town_kept_by(user)
                day = datetime.date.fromisoformat(request.POST.get("day", ""))
                tz = timezone.get_current_timezone()
                start = datetime.datetime.combine(day, datetime.time.fromisoformat(request.POST.get("start", "")), tz)
                end = datetime.datetime.combine(day, datetime.time.fromisoformat(request.POST.get("end", "")), tz)
                actions.do_create_slot(user, town, start, end, int(request.POST.get("capacity") or 0),
                                       request.POST.get("place", ""))
            elif request.POST.get("slot"):
                person = None
                if request.POST.get("for_person"):
                    person = restrict(user, VIEW, Person).filter(pk=request.POST["for_person"]).first()
                    if person is None:
                        raise Http404
                actions.do_book(user, int(request.POST["slot"]), for_person=person)
            elif request.POST.get("cancel"):
                actions.do_cancel_booking(user, int(request.POST["cancel"]))
        except ServiceError as exc:
            _fail(request, exc)
        except ValueError:
            messages.error(request, _("Check the day, the times and the capacity."))
        else:
            messages.success(request, _("Done."))
        return redirect("services:slots")
    rows = list(actions.slots_for(user).filter(end__gt=clock.now()).order_by("start")[:60])
    from .models import Booking

    mine = {b.slot_id: b for b in Booking.objects.filter(slot__in=rows, person_id=user.person_id)} \
        if user.person_id else {}
    counts = {}
    if keeper:
        for b in Booking.objects.filter(slot__in=rows).select_related("person"):
            counts.setdefault(b.slot_id, []).append(b.person.name)
    for s in rows:
        s.my_booking = mine.get(s.pk)
        s.names = counts.get(s.pk, [])
    return render(request, "services/slots.html", {"slots": rows, "keeper": keeper,
                                                   "today": timezone.localdate(clock.now())})
