"""Pages of village affairs: the staff's list of matters and the town's overview, a matter's 四议两公开 steps
(the next step's form only; a refusal shows its figures by the field and keeps the input), the village's
board management (publish, the public link, answers), the public 三务公开 board opened by its secret link,
a resident's own village board with their questions, the town's settings, and the home box. Thin: every
read through restrict() or the actions' checks, every write through affairs.actions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.redirects import safe_next
from gridgov.core.scoping import PERSONAL_ROLES, VIEW, can, restrict
from gridgov.meetings.models import Meeting
from gridgov.org.models import Person, Region
from gridgov.org.paths import village_path

from . import actions, queries, schedule
from .actions import AffairsError
from .models import (
    DECIDING_ASSEMBLIES,
    DELIBERATIONS,
    ENDED_STATES,
    STEP_ORDER,
    Assembly,
    Board,
    Disclosure,
    DisclosureFile,
    DisclosureKind,
    Frequency,
    Matter,
    MatterFile,
    MatterKind,
    Outcome,
    Question,
    State,
    Step,
)

TABLE_ROWS = 8  # blank rows of the finance table: enough for a month without script (the script adds more)
LIST_LIMIT = 200
STEP_FIELDS = ("date", "assembly", "expected", "present", "votes_for", "votes_against", "abstain", "minutes",
               "outcome", "title", "body", "shown_until", "meeting")


def _today() -> datetime.date:
    return timezone.localdate(clock.now())


def _chosen(rows, code: str):
    """The row of `rows` with `code`, or the only one."""
    rows = list(rows)
    return next((r for r in rows if r.code == code), rows[0] if len(rows) == 1 else None)


def _is_town_staff(user) -> bool:
    return user.is_superuser or (can(user, VIEW, "affairs_rule") and not actions.may_record(user))


def _back(request, default: str):
    return redirect(safe_next(request) or default)


# --- the staff's list and the town's overview ---------------------------------------------------------

@login_required
def index(request):
    """Village staff: their village's matters, the board's due and overdue items, open questions. Town
    staff: every village's figures, flagged first, and every matter filtered by village, state or flag.
    Residents, party members and grid workers go to their village's board."""
    user = request.user
    if user.role in PERSONAL_ROLES or (user.role == "grid_worker" and not user.is_superuser):
        if can(user, VIEW, "affairs_disclosure") or can(user, "ask", "affairs_question"):
            return redirect("affairs:village")
        raise Http404
    if actions.may_record(user) and not user.is_superuser:
        return _village_index(request)
    if _is_town_staff(user):
        return _town_index(request)
    raise Http404


def _village_index(request):
    user = request.user
    villages = list(actions.recordable_villages(user))
    village = _chosen(villages, request.GET.get("village", "").strip()[:20])
    if village is None:
        if not villages:
            raise Http404
        village = villages[0]
    today = _today()
    matters = list(restrict(user, VIEW, Matter).filter(path=village.path).order_by("-opened_at", "-id")[:LIST_LIMIT])
    flags = queries.flags_for(matters, today)
    for m in matters:
        m.flags = flags[m.pk]
        m.next_label = Step(m.next_step).label if m.next_step else ""
    questions = list(restrict(user, VIEW, Question).filter(path=village.path, answered_at__isnull=True)
                     .select_related("asker", "disclosure", "matter").order_by("due_on", "id")[:LIST_LIMIT])
    return render(request, "affairs/index.html", {
        "mode": "village", "village": village, "villages": villages, "matters": matters,
        "open_matters": [m for m in matters if not m.ended], "ended_matters": [m for m in matters if m.ended],
        "due": [_due_row(kind, period, due) for kind, period, due in queries.next_due(village.path, today)],
        "overdue": [_due_row(o.kind, o.period, o.due_on) for o in queries.overdue(village.path, today)],
        "questions": questions, "today": today})


def _due_row(kind, period, due):
    return {"kind": kind, "kind_label": DisclosureKind(kind).label, "period": period, "due": due}


def _town_index(request):
    user = request.user
    path = "" if user.is_superuser else user.scope_path
    today = _today()
    rows = queries.overview(path, today)
    rows.sort(key=lambda r: (not r.flagged, r.village.path))
    matters = restrict(user, VIEW, Matter).select_related("village")
    village = request.GET.get("village", "").strip()[:20]
    state = request.GET.get("state", "").strip()[:20]
    flag = request.GET.get("flag", "").strip()[:20]
    if village:
        matters = matters.filter(village__code=village)
    if state in State.values:
        matters = matters.filter(state=state)
    if flag in ("stuck", "unpublished"):
        matters = matters.exclude(state__in=ENDED_STATES)
    matters = list(matters.order_by("-opened_at", "-id")[:LIST_LIMIT])
    flags = queries.flags_for(matters, today)
    for m in matters:
        m.flags = flags[m.pk]
        m.next_label = Step(m.next_step).label if m.next_step else ""
    if flag in ("stuck", "unpublished"):
        matters = [m for m in matters if getattr(m.flags, flag)]
    town = actions.town_of(path) if path else None
    return render(request, "affairs/town.html", {
        "rows": rows, "matters": matters, "village": village, "state": state, "flag": flag,
        "states": State.choices, "villages": [r.village for r in rows], "today": today,
        "may_configure": user.is_superuser or actions.may_configure(user, town),
        "totals": {k: sum(getattr(r, k) for r in rows) for k in ("open", "done", "rejected", "stuck", "unpublished",
                                                                "late", "questions_open", "questions_overdue")},
        "overdue_total": sum(len(r.overdue) for r in rows), "limit": LIST_LIMIT})


# --- a matter ---------------------------------------------------------------------------------------------

@login_required
def new_matter(request):
    """Open a matter: the village (when the user records for several), title, kind, amount, description,
    files."""
    user = request.user
    villages = list(actions.recordable_villages(user))
    if not villages:
        raise Http404
    values = {"village": "", "title": "", "kind": "", "amount": "", "description": ""}
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        village = _chosen(villages, values["village"])
        try:
            if village is None:
                raise AffairsError(_("Choose the village."), field="village")
            matter = actions.do_open_matter(user, village, values["title"], values["kind"], values["amount"],
                                            values["description"], files=request.FILES.getlist("files"))
        except AffairsError as exc:
            if exc.status == 404:
                raise Http404 from None
            errors[exc.field] = exc.message
        else:
            messages.success(request, _("The matter is opened. Its first step is the branch's proposal."))
            return redirect("affairs:matter", matter.pk)
    town = actions.town_of(villages[0].path)
    rules = actions.matter_rules_for(town)
    return render(request, "affairs/matter_new.html", {
        "villages": villages, "values": values, "errors": errors, "kinds": MatterKind.choices,
        "rules": [(MatterKind(k).label, required, amount) for k, (required, amount) in rules.items()]})


def _visible_matter(user, pk):
    matter = restrict(user, VIEW, Matter).select_related("village").filter(pk=pk).first()
    if matter is None:
        raise Http404
    return matter


def _step_values(request, step) -> dict:
    """The next step's form: what was typed (a refused entry keeps it), else the defaults."""
    if request.method == "POST":
        return {k: request.POST.get(k, "").strip() for k in STEP_FIELDS}
    values = dict.fromkeys(STEP_FIELDS, "")
    values.update(date=_today().isoformat(), outcome=Outcome.PASSED, abstain="0", votes_against="0",
                  assembly=Assembly.REPRESENTATIVES if step == Step.DECIDE else "")
    return values


@login_required
def matter(request, pk: int):
    """A matter: the six steps as a timeline with each meeting's figures, the form of the next step (village
    staff), its files, the questions on it with answer forms, the supervision committee's remarks."""
    user = request.user
    m = _visible_matter(user, pk)
    may_record = actions.may_record(user, m.path)
    step = m.next_step
    errors = {}
    values = _step_values(request, step)
    if request.method == "POST":
        if not may_record:
            raise Http404
        try:
            actions.do_record_step(user, m, request.POST.get("step", ""), values["date"],
                                   assembly=values["assembly"] or None, expected=values["expected"],
                                   present=values["present"], votes_for=values["votes_for"],
                                   votes_against=values["votes_against"], abstain=values["abstain"],
                                   minutes=values["minutes"], outcome=values["outcome"] or Outcome.PASSED,
                                   title=values["title"], body=values["body"], meeting=values["meeting"] or None,
                                   shown_until=values["shown_until"] or None, files=request.FILES.getlist("files"))
        except AffairsError as exc:
            if exc.status == 404:
                raise Http404 from None
            errors[exc.field if exc.field in STEP_FIELDS or exc.field == "files" else "step"] = exc.message
        else:
            messages.success(request, _("The step is recorded."))
            return redirect("affairs:matter", m.pk)
    recorded = {s.step: s for s in m.steps.select_related("disclosure").order_by("date", "id")}
    timeline = []
    for number, code in enumerate(STEP_ORDER, start=1):
        row = recorded.get(code)
        timeline.append({"number": number, "code": code, "label": Step(code).label, "row": row,
                         "deliberation": code in DELIBERATIONS, "next": code == step,
                         "state": "done" if row else ("next" if code == step else "later")})
    if m.state == State.REJECTED:
        for item in timeline:
            if item["row"] is None:
                item["state"] = "skipped"
    files = list(m.files.all())
    items = [s.disclosure_id for s in recorded.values() if s.disclosure_id]
    questions = list(restrict(user, VIEW, Question).filter(path=m.path).filter(
        _about(m, items)).select_related("asker", "disclosure").order_by("asked_at", "id"))
    remarks = list(m.remarks.select_related("author").order_by("created_at", "id"))
    config = actions.settings_for(actions.town_of(m.path))
    flags = queries.flags(m, config, _today())
    meetings = _party_meetings(user, m) if may_record and step in DELIBERATIONS else []
    return render(request, "affairs/matter.html", {
        "meetings": meetings,
        "matter": m, "timeline": timeline, "next_step": step, "next_label": Step(step).label if step else "",
        "deliberation": step in DELIBERATIONS, "deciding": step == Step.DECIDE, "values": values, "errors": errors,
        "assemblies": [(a, Assembly(a).label) for a in DECIDING_ASSEMBLIES], "outcomes": Outcome.choices,
        "may_record": may_record, "may_oversee": actions.may_oversee(user, m.path), "files": files,
        "questions": questions, "remarks": remarks, "flags": flags, "config": config,
        "least_until": _today() + datetime.timedelta(days=config.board_days - 1)})


def _party_meetings(user, m) -> list:
    """The village's recent party meetings (organisational life) a deliberation may be linked to."""
    return list(restrict(user, VIEW, Meeting).filter(path__startswith=m.path).select_related("kind", "org")
                .order_by("-date", "-id")[:30])


def _about(m, items):
    from django.db.models import Q

    return Q(matter=m) | Q(disclosure_id__in=items)


@login_required
def matter_file(request, pk: int):
    """A matter's file, to whoever may read the matter (404 to anyone else)."""
    item = MatterFile.objects.filter(pk=pk, matter__in=restrict(request.user, VIEW, Matter)).first()
    if item is None:
        raise Http404
    return _file_response(item, "private, max-age=3600")


def _file_response(item, cache: str):
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=not item.is_image,
                            filename=item.name or None)
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- answers, questions, remarks (posted from several pages) ---------------------------------------------

@login_required
@require_POST
def answer(request, pk: int):
    """Village staff answer a question (public on the board unless marked private)."""
    question = restrict(request.user, VIEW, Question).filter(pk=pk).first()
    if question is None:
        raise Http404
    try:
        actions.do_answer(request.user, question, request.POST.get("answer", ""),
                          public=request.POST.get("private") != "1")
    except AffairsError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The answer is saved."))
    return _back(request, reverse("affairs:index"))


def _target(request):
    """The board item or matter a question or remark is about (its checks are the action's)."""
    kind, raw = request.POST.get("target", ""), request.POST.get("id", "")
    pk = int(raw) if raw.isdigit() else None
    if pk is None:
        raise Http404
    if kind == "disclosure":
        found = Disclosure.objects.filter(pk=pk).first()
    elif kind == "matter":
        found = Matter.objects.filter(pk=pk).first()
    else:
        found = None
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def ask(request):
    """A resident or party member asks about an item of their village's board; a grid worker or village
    staff ask for a person of the village (`asker`)."""
    target = _target(request)
    try:
        actions.do_ask(request.user, target, request.POST.get("text", ""), asker=request.POST.get("asker") or None)
    except AffairsError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your question is sent. The village answers within the days the town set."))
    return _back(request, reverse("affairs:village"))


@login_required
@require_POST
def remark(request):
    """A supervision committee member comments on a matter or an item, or checks and signs it."""
    target = _target(request)
    try:
        actions.do_remark(request.user, target, request.POST.get("text", ""),
                          is_check=request.POST.get("check") == "1", public=request.POST.get("private") != "1")
    except AffairsError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Checked and signed.") if request.POST.get("check") == "1"
                         else _("The comment is saved."))
    default = reverse("affairs:matter", args=[target.pk]) if isinstance(target, Matter) else reverse("affairs:village")
    return _back(request, default)


# --- the board: management, public page, a resident's village ----------------------------------------

def _periods(today: datetime.date) -> dict:
    """The months and quarters a disclosure can be for: the current one and the last year's."""
    months, quarters = [], []
    period = schedule.label(Frequency.MONTH, today)
    for _n in range(13):
        months.append(period)
        period = schedule.previous(period)
    period = schedule.label(Frequency.QUARTER, today)
    for _n in range(5):
        quarters.append(period)
        period = schedule.previous(period)
    return {"months": months, "quarters": quarters}


def _table_rows(post) -> tuple[list[dict], list[dict]]:
    """The finance table's rows as typed (item_N, income_N, expense_N, note_N), and those with anything in
    them for the action (blank rows of the fixed table are not rows)."""
    typed, filled = [], []
    numbers = sorted({int(k.split("_", 1)[1]) for k in post if k.startswith("item_") and k[5:].isdigit()})
    for n in numbers[:actions.MAX_TABLE_ROWS + 1]:
        row = {f: post.get(f"{f}_{n}", "").strip() for f in ("item", "income", "expense", "note")}
        typed.append(row)
        if any(row.values()):
            filled.append(row)
    return typed, filled


@login_required
def board_manage(request):
    """The village's board: publish an item (for a period as the town's schedule says, or an event), with an
    income/expense table for finances; every item (not public or expired too); what is due and overdue;
    the public link; questions to answer."""
    user = request.user
    villages = list(actions.recordable_villages(user))
    if not villages:
        raise Http404
    village = _chosen(villages, (request.POST.get("village") or request.GET.get("village") or "").strip()[:20])
    if village is None:
        village = villages[0]
    today = _today()
    town = actions.town_of(village.path)
    frequencies = actions.schedule_for(town)
    values = {"kind": request.GET.get("kind", DisclosureKind.FINANCE), "period": "", "title": "", "body": "",
              "shown_from": "", "shown_until": "", "public": "1", "income_total": "", "expense_total": ""}
    table = [{"item": "", "income": "", "expense": "", "note": ""} for _n in range(TABLE_ROWS)]
    errors = {}
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "rotate":
            try:
                actions.do_rotate_board(user, village)
            except AffairsError:
                raise Http404 from None
            messages.success(request, _("The board has a new link; the old one no longer opens."))
            return redirect(f"{reverse('affairs:board')}?village={village.code}#board-link")
        values = {k: request.POST.get(k, "").strip() for k in values}
        values["public"] = "1" if request.POST.get("public") == "1" else ""
        typed, filled = _table_rows(request.POST)
        table = typed + [{"item": "", "income": "", "expense": "", "note": ""}
                         for _n in range(max(0, TABLE_ROWS - len(typed)))]
        try:
            actions.do_publish(user, village, values["kind"], values["title"], values["body"], values["period"],
                               table=filled or None, income_total=values["income_total"] or None,
                               expense_total=values["expense_total"] or None, shown_from=values["shown_from"] or None,
                               shown_until=values["shown_until"] or None, public=values["public"] == "1",
                               files=request.FILES.getlist("files"))
        except AffairsError as exc:
            if exc.status == 404:
                raise Http404 from None
            errors["table" if exc.field.startswith("table") else exc.field] = exc.message
        else:
            messages.success(request, _("The item is on the board."))
            return redirect(f"{reverse('affairs:board')}?village={village.code}")
    items = list(restrict(user, VIEW, Disclosure).filter(path=village.path).order_by("-shown_from", "-id")
                 [:LIST_LIMIT])
    for item in items:
        item.on_board = item.public and item.shown_from <= today <= item.shown_until
    board = Board.objects.filter(region=village).first()
    questions = list(restrict(user, VIEW, Question).filter(path=village.path, answered_at__isnull=True)
                     .select_related("asker", "disclosure", "matter").order_by("due_on", "id")[:LIST_LIMIT])
    config = actions.settings_for(town)
    return render(request, "affairs/board_manage.html", {
        "village": village, "villages": villages, "values": values, "errors": errors, "table": table,
        "kinds": DisclosureKind.choices, "schedule": [(DisclosureKind(k).label, Frequency(f).label)
                                                     for k, f in frequencies.items()],
        "periods": _periods(today), "items": items, "questions": questions, "today": today,
        "board_path": reverse("affairs:public", args=[board.token]) if board else "",
        "board_url": request.build_absolute_uri(reverse("affairs:public", args=[board.token])) if board else "",
        "due": [_due_row(kind, period, due) for kind, period, due in queries.next_due(village.path, today)],
        "overdue": [_due_row(o.kind, o.period, o.due_on) for o in queries.overdue(village.path, today)],
        "board_days": config.board_days, "due_days": config.due_days})


def _board_sections(user, village_path_: str, on: datetime.date) -> list[dict]:
    """The board's public items by kind (party, village, finances), with what may be shown of their questions
    and remarks: the texts with phones and ID numbers masked, never who asked."""
    items = queries.mask_for_board(queries.current_items(village_path_, on=on))
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    for item in items:
        if item.income_total is not None or item.expense_total is not None:
            item.balance = (item.income_total or Decimal(0)) - (item.expense_total or Decimal(0))
        item.may_ask = person is not None and user.role in PERSONAL_ROLES and actions.may_ask(user, item)
    return [{"kind": kind, "label": label, "items": [i for i in items if i.kind == kind]}
            for kind, label in ((DisclosureKind.PARTY, DisclosureKind.PARTY.label),
                                (DisclosureKind.VILLAGE, DisclosureKind.VILLAGE.label),
                                (DisclosureKind.FINANCE, DisclosureKind.FINANCE.label))]


def _private(response):
    response["Cache-Control"] = "no-store"
    # The secret link never leaves the site in a Referer; "no-referrer" would also make the browser send
    # "Origin: null" with the board's question form, which the CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def public_board(request, token: str):
    """The village's 三务公开 board: no login, reached only by its secret link; large type for the screen in the
    square, printable; no personal data. A signed-in resident or party member of the village asks here."""
    found = Board.objects.select_related("region").filter(token=token[:64]).first()
    if found is None:
        raise Http404
    today = _today()
    sections = _board_sections(request.user, found.region.path, today)
    return _private(render(request, "affairs/board_public.html", {
        "region": found.region, "sections": sections, "now": timezone.localtime(clock.now()), "token": token,
        "signed_in": request.user.is_authenticated}))


def public_file(request, token: str, pk: int):
    """A file of an item on the public board (only while the item is public)."""
    found = Board.objects.filter(token=token[:64]).first()
    item = DisclosureFile.objects.filter(pk=pk, disclosure__path=found.path, disclosure__public=True).first() \
        if found else None
    if item is None:
        raise Http404
    return _private(_file_response(item, "no-store"))


@login_required
def item_file(request, pk: int):
    """A board item's file, to whoever may read the item."""
    item = DisclosureFile.objects.filter(pk=pk, disclosure__in=restrict(request.user, VIEW, Disclosure)).first()
    if item is None:
        raise Http404
    return _file_response(item, "private, max-age=3600")


@login_required
def village(request):
    """A resident's or party member's own village: the board with question forms, their own questions and
    the answers; a supervision committee member's matters and items to comment on or check; a grid worker
    asks for a person of their grids."""
    user = request.user
    today = _today()
    if user.role == "grid_worker" and can(user, "ask", "affairs_question"):
        vpath = village_path(user.scope_path or "")
        region = Region.objects.filter(path=vpath, level=Region.Level.VILLAGE).first() if vpath else None
        if region is None:
            raise Http404
        sections = _board_sections(user, region.path, today)
        people = list(restrict(user, VIEW, Person).filter(path__startswith=user.scope_path).order_by("name")
                      .only("pk", "name")[:LIST_LIMIT])
        asked = list(Question.objects.filter(entered_by=user).select_related("asker", "disclosure")
                     .order_by("-asked_at", "-id")[:50])
        return render(request, "affairs/village.html", {
            "region": region, "sections": sections, "worker": True, "people": people, "asked": asked,
            "items": [i for s in sections for i in s["items"]], "now": timezone.localtime(clock.now())})
    person = user.person if user.role in PERSONAL_ROLES and user.person_id else None
    if person is None or not can(user, VIEW, "affairs_disclosure"):
        raise Http404
    vpath = village_path(person.path)
    region = Region.objects.filter(path=vpath, level=Region.Level.VILLAGE).first() if vpath else None
    if region is None:
        raise Http404
    sections = _board_sections(user, region.path, today)
    mine = list(restrict(user, VIEW, Question).filter(asker_id=person.pk).select_related("disclosure", "matter")
                .order_by("-asked_at", "-id")[:50])
    supervised = actions.may_oversee(user, region.path)
    oversee_matters = list(restrict(user, VIEW, Matter).filter(path=region.path).order_by("-opened_at")[:50]) \
        if supervised else []
    return render(request, "affairs/village.html", {
        "region": region, "sections": sections, "worker": False, "mine": mine, "supervised": supervised,
        "oversee_matters": oversee_matters, "now": timezone.localtime(clock.now())})


# --- the town's settings ----------------------------------------------------------------------------------

@login_required
def settings_page(request):
    """Town staff: days on the board, due days, answer days, stuck and publish days; which kinds of matter
    from which amount go through 四议两公开; how often each kind is disclosed."""
    user = request.user
    town = actions.town_of(user.scope_path or "") if user.scope_path else None
    if town is None and user.is_superuser:
        towns = Region.objects.filter(level=Region.Level.TOWN).order_by("code")
        town = towns.filter(code=request.GET.get("town", "").strip()[:20]).first() or towns.first()
    if not actions.may_configure(user, town):
        raise Http404
    errors = {}
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "settings":
                numbers = {}
                for name in actions.SETTING_LIMITS:
                    raw = request.POST.get(name, "").strip()
                    numbers[name] = int(raw) if raw.isdigit() else raw
                actions.do_set_settings(user, town, **numbers)
            elif what == "rules":
                current = actions.matter_rules_for(town)
                for kind in MatterKind.values:
                    required = request.POST.get(f"required_{kind}") == "1"
                    amount = request.POST.get(f"amount_{kind}", "").strip() or "0"
                    old_required, old_amount = current[kind]
                    try:
                        same = required == old_required and Decimal(amount.replace(",", "")) == old_amount
                    except ArithmeticError:
                        same = False
                    if not same:
                        try:
                            actions.do_set_matter_rule(user, town, kind, required, amount)
                        except AffairsError as exc:
                            exc.field = f"amount_{kind}"
                            raise
            elif what == "schedule":
                current = actions.schedule_for(town)
                for kind in DisclosureKind.values:
                    frequency = request.POST.get(f"frequency_{kind}", "")
                    if frequency and frequency != current.get(kind):
                        try:
                            actions.do_set_schedule(user, town, kind, frequency)
                        except AffairsError as exc:
                            exc.field = f"frequency_{kind}"
                            raise
        except AffairsError as exc:
            if exc.status == 404:
                raise Http404 from None
            errors[exc.field] = exc.message
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('affairs:settings')}?town={town.code}")
    config = actions.settings_for(town)
    rules = actions.matter_rules_for(town)
    frequencies = actions.schedule_for(town)
    labels = {"board_days": _("Days an item stays on the board at least"),
              "due_days": _("Days after a month or quarter to disclose it"),
              "answer_days": _("Days to answer a question"),
              "stuck_days": _("Days without a step before a matter is flagged stuck"),
              "publish_days": _("Days to publish a decision")}
    return render(request, "affairs/settings.html", {
        "town": town, "errors": errors,
        "numbers": [{"name": n, "label": labels[n], "value": getattr(config, n), "low": low, "high": high,
                     "error": errors.get(n)}
                    for n, (low, high) in actions.SETTING_LIMITS.items()],
        "rules": [{"kind": k, "label": MatterKind(k).label, "required": rules[k][0], "amount": rules[k][1],
                   "error": errors.get(f"amount_{k}")}
                  for k in MatterKind.values],
        "schedule": [{"kind": k, "label": DisclosureKind(k).label, "frequency": frequencies.get(k, Frequency.EVENT),
                      "error": errors.get(f"frequency_{k}")}
                     for k in DisclosureKind.values],
        "frequencies": Frequency.choices,
        "villages": _villages_with_committees(town)})


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February that year lacks): members are adults."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _villages_with_committees(town) -> list:
    """The town's villages, each with its supervision committee's members and whether its board has a link
    (two queries)."""
    villages = list(queries.villages_under(town.path).select_related("affairs_board"))
    members: dict[int, list] = {}
    for post in actions.supervisor_posts_under(town.path):
        members.setdefault(post.region_id, []).append(post.person.name)
    for village in villages:
        village.committee = members.get(village.pk, [])
        village.has_board = hasattr(village, "affairs_board")
    return villages


@login_required
def settings_village(request, code: str):
    """Town staff, for one village: the members of its supervision committee (appointed and removed here:
    the village's own staff do not choose who oversees them) and its public board's link."""
    user = request.user
    village = Region.objects.filter(code=code[:20], level=Region.Level.VILLAGE).first()
    town = actions.town_of(village.path) if village else None
    if village is None or not actions.may_configure(user, town):
        raise Http404
    error = ""
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "appoint":
                actions.do_appoint_supervisor(user, village, request.POST.get("person", "").strip())
                messages.success(request, _("Appointed to the supervision committee."))
            elif what == "remove":
                post = actions.supervisors(village).filter(pk=request.POST.get("post", "").strip() or 0).first()
                if post is None:
                    raise Http404
                actions.do_remove_supervisor(user, post)
                messages.success(request, _("Removed from the supervision committee."))
            elif what == "rotate":
                actions.do_rotate_board(user, village)
                messages.success(request, _("The board has a new link; the old one no longer opens."))
        except AffairsError as exc:
            if exc.status == 404:
                raise Http404 from None
            error = exc.message
        else:
            return redirect("affairs:settings_village", code=village.code)
    members = list(actions.supervisors(village))
    taken = {post.person_id for post in members}
    candidates = (Person.objects.filter(path__startswith=village.path)
                  .exclude(pk__in=taken).exclude(birth_date__gt=_years_before(_today(), 18))
                  .only("pk", "name", "birth_date").order_by("name", "pk"))
    board = Board.objects.filter(region=village).first()
    return render(request, "affairs/settings_village.html", {
        "village": village, "town": town, "members": members, "candidates": candidates, "error": error,
        "board_path": reverse("affairs:public", args=[board.token]) if board else "",
        "board_url": request.build_absolute_uri(reverse("affairs:public", args=[board.token])) if board else ""})


# --- the home box -------------------------------------------------------------------------------------------

@login_required
def box(request):
    """The home page's village-affairs box, loaded by htmx after the page so the home page costs no query
    for it: a secretary's matters waiting, disclosures due and questions to answer; the town's flagged
    villages."""
    user = request.user
    today = _today()
    if actions.may_record(user) and not user.is_superuser:
        villages = list(actions.recordable_villages(user))
        if not villages:
            return HttpResponse("")
        paths = [v.path for v in villages]
        waiting = restrict(user, VIEW, Matter).filter(path__in=paths).exclude(state__in=ENDED_STATES).count()
        questions = restrict(user, VIEW, Question).filter(path__in=paths, answered_at__isnull=True).count()
        overdue = sum(len(queries.overdue(p, today)) for p in paths[:3])
        due = queries.next_due(paths[0], today)
        return render(request, "affairs/_box.html", {"kind": "village", "waiting": waiting, "questions": questions,
                                                     "overdue": overdue, "due": due[0] if due else None,
                                                     "due_label": DisclosureKind(due[0][0]).label if due else ""})
    if _is_town_staff(user):
        rows = queries.overview("" if user.is_superuser else user.scope_path, today)
        return render(request, "affairs/_box.html", {
            "kind": "town", "flagged": sum(r.flagged for r in rows), "villages": len(rows),
            "stuck": sum(r.stuck + r.unpublished for r in rows), "overdue": sum(len(r.overdue) for r in rows)})
    return HttpResponse("")
