"""The JSON API of village affairs under /api/v1/affairs/ (issue 14's contract): matters through 四议两公开,
the 三务公开 board, questions and the supervision committee's remarks.

Thin: parse, call an action (actions.py), render. Refusals answer {"detail"}: 404 outside the caller's
reach (a missing object and a hidden one alike), 409 a step out of order, without its quorum or without
its majority, with the figures in `detail` and the input at fault in `field`; bad input 422 naming the
field. The board's GET needs no login: a village's public board is public by law (村务公开), so it
answers the public, current items of the village a code names to anyone, and never a person's name.
"""

import datetime
from typing import Literal

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer, django_auth

from gridgov.core import clock
from gridgov.core.api import ErrorOut, InvalidOut, Rendered
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import SUBTREE, VIEW, reach, restrict
from gridgov.org.api import ScopeCode
from gridgov.org.models import Region
from gridgov.org.queries import scope_node

from . import actions, queries
from .actions import AffairsError
from .models import (
    DECIDING_ASSEMBLIES,
    Assembly,
    Disclosure,
    DisclosureKind,
    Matter,
    MatterKind,
    MatterStep,
    Outcome,
    Question,
    Remark,
    State,
    Step,
)

router = Router(tags=["affairs"])

# Figures a meeting can have: far above any village, far below the database's integer columns.
MAX_PEOPLE = 1_000_000


class ConflictOut(Schema):
    detail: str = Field(..., description="why, with the figures (attended, needed, votes)")
    field: str | None = Field(None, description="the input at fault: step, date, present, votes_for…")


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: InvalidOut}


def _refused(exc: AffairsError):
    if exc.status == 400:
        return _invalid(exc.field, exc.message)
    if exc.status == 409:
        return Status(409, {"detail": exc.message, "field": exc.field})
    return Status(exc.status if exc.status in ERRORS else 404, {"detail": exc.message})


def _today() -> datetime.date:
    return timezone.localdate(clock.now())


def _amount_text(value) -> str | None:
    return None if value is None else str(value)


# --- matters (四议两公开) -------------------------------------------------------------------------------

class VillageOut(Schema):
    code: str
    name: str


class StepOut(Schema):
    id: int
    step: str = Field(..., description="propose, discuss, review, decide, publish_decision or publish_result")
    step_label: str
    date: datetime.date
    assembly: str = Field(..., description="who met (empty for a publication): branch_committee, two_committees, "
                                           "party_members, villagers, households or representatives")
    assembly_label: str
    expected: int | None = Field(None, description="should attend")
    present: int | None = Field(None, description="attended (abstaining counts as present)")
    votes_for: int | None = None
    votes_against: int | None = None
    abstain: int | None = None
    outcome: str = Field(..., description="passed or rejected")
    minutes: str
    meeting: int | None = Field(None, description="id of the party meeting it was taken at")
    disclosure: int | None = Field(None, description="id of the board item of a publication")
    recorded_at: datetime.datetime


class MatterOut(Schema):
    id: int
    village: VillageOut
    title: str
    kind: str = Field(..., description="project, contract, spending, income or other")
    kind_label: str
    amount: str | None = Field(None, description="yuan, two decimals, as text (exact)")
    description: str
    state: str = Field(..., description="open, proposed, discussed, reviewed, decided, decision_published, done "
                                        "or rejected")
    state_label: str
    required: bool = Field(..., description="the town's rules required 四议两公开 when it was opened")
    next_step: str | None = Field(None, description="the step it waits for; null once done or rejected")
    opened_at: datetime.datetime
    last_step_on: datetime.date | None
    ended_on: datetime.date | None
    steps: list[StepOut]


def _step_out(s: MatterStep) -> dict:
    return {"id": s.pk, "step": s.step, "step_label": str(Step(s.step).label), "date": s.date,
            "assembly": s.assembly, "assembly_label": str(Assembly(s.assembly).label) if s.assembly else "",
            "expected": s.expected, "present": s.present, "votes_for": s.votes_for,
            "votes_against": s.votes_against, "abstain": s.abstain, "outcome": s.outcome, "minutes": s.minutes,
            "meeting": s.meeting_id, "disclosure": s.disclosure_id, "recorded_at": s.recorded_at}


def _matter_out(m: Matter) -> dict:
    # Steps come prefetched in their model order (date, id), which is the order they were taken.
    return {"id": m.pk, "village": {"code": m.village.code, "name": m.village.name}, "title": m.title,
            "kind": m.kind, "kind_label": str(MatterKind(m.kind).label), "amount": _amount_text(m.amount),
            "description": m.description, "state": m.state, "state_label": str(State(m.state).label),
            "required": m.required, "next_step": m.next_step, "opened_at": m.opened_at,
            "last_step_on": m.last_step_on, "ended_on": m.ended_on, "steps": [_step_out(s) for s in m.steps.all()]}


def _matters(user):
    return actions.visible_matters(user).select_related("village").prefetch_related("steps")


class MatterIn(Schema):
    village: str = Field(..., max_length=16, description="code of the village")
    title: str = Field(..., max_length=200)
    kind: Literal[tuple(MatterKind.values)] = Field(  # type: ignore[valid-type]
        ..., description="project 村集体项目, contract 土地资产发包, spending 大额支出, income 集体收益使用, other")
    amount: str | int | float | None = Field(None, description="yuan, e.g. \"120000.00\"; decides with the kind "
                                                                 "whether the town's rules require 四议两公开")
    description: str = Field("", max_length=actions.MAX_TEXT)


@router.post("/affairs/matters", response={201: MatterOut, **ERRORS})
def matter_open(request, body: MatterIn):
    """Village staff open a matter for their village (anyone else: 404, town staff included — they read
    matters, they do not record them)."""
    try:
        matter = actions.do_open_matter(request.user, body.village, body.title, body.kind, body.amount,
                                        body.description)
    except AffairsError as exc:
        return _refused(exc)
    return Status(201, _matter_out(_matters(request.user).get(pk=matter.pk)))


class MatterFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid in the caller's reach; default all of it")
    state: Literal[tuple(State.values)] | None = None  # type: ignore[valid-type]


def _scope_path(user, code: str) -> str | None:
    """The path a `scope=` names for the caller: a node they may see, or a village whose supervision
    committee they sit on (a resident member reads no region, yet oversees the village's matters)."""
    node = scope_node(user, code)
    if node is not None:
        return node.path
    village = Region.objects.filter(code=code, level=Region.Level.VILLAGE).only("path").first()
    if village is not None and actions.supervisor_posts(user).filter(path=village.path).exists():
        return village.path
    return None


@router.get("/affairs/matters", response={200: list[MatterOut], 404: ErrorOut, 422: InvalidOut})
@paginate(PageNumberPagination)
def matter_list(request, filters: Query[MatterFilter]):
    """Matters in the caller's reach, newest first, each with its steps: village staff their village's,
    town staff every village of the town, a supervision committee member their village's; others none.
    A `scope` outside the caller's reach answers 404 like an unknown one."""
    rows = _matters(request.user)
    if filters.scope:
        path = _scope_path(request.user, filters.scope)
        if path is None:
            raise Http404
        rows = rows.filter(path__startswith=path)
    if filters.state:
        rows = rows.filter(state=filters.state)
    return Rendered(rows.order_by("-opened_at", "-id"), _matter_out)


@router.get("/affairs/matters/{matter_id}", response={200: MatterOut, 404: ErrorOut})
def matter_detail(request, matter_id: int):
    matter = _matters(request.user).filter(pk=matter_id).first()
    if matter is None:
        raise Http404
    return _matter_out(matter)


class StepIn(Schema):
    step: Literal[tuple(Step.values)]  # type: ignore[valid-type]
    date: datetime.date = Field(..., description="the day it happened: not in the future, not before the "
                                                 "previous step (409)")
    expected: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="deliberations: who should attend (for "
                                                                       "the villagers' meeting: villagers aged 18 "
                                                                       "and over, or households)")
    present: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="deliberations: who attended")
    votes_for: int | None = Field(None, ge=0, le=MAX_PEOPLE)
    votes_against: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="default 0")
    abstain: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="default 0; present, and not for")
    minutes: str = Field("", max_length=actions.MAX_TEXT)
    assembly: Literal[tuple(DECIDING_ASSEMBLIES)] | None = Field(  # type: ignore[valid-type]
        None, description="decide: villagers (more than half of those aged 18 and over present), households "
                          "(two thirds of the households) or representatives (two thirds of the representatives, "
                          "the default)")
    outcome: Literal[tuple(Outcome.values)] = Field(  # type: ignore[valid-type]
        Outcome.PASSED, description="rejected ends the matter; it stands only from a meeting with its quorum "
                                    "whose votes did not pass it")
    meeting: int | None = Field(None, description="deliberations: id of the party meeting of the village it was "
                                                  "taken at")
    title: str = Field("", max_length=200, description="publications: the board item's title (default from the "
                                                       "matter's)")
    body: str = Field("", max_length=actions.MAX_TEXT, description="publications: what is published (default the "
                                                                   "minutes)")
    shown_until: datetime.date | None = Field(None, description="publications: last day on the board (at least "
                                                                "the town's board days)")


class StepCreatedOut(StepOut):
    matter: int
    state: str = Field(..., description="the matter's state after this step")
    state_label: str
    next_step: str | None


@router.post("/affairs/matters/{matter_id}/steps", response={201: StepCreatedOut, **ERRORS})
def matter_step(request, matter_id: int, body: StepIn):
    """Record the matter's next step (village staff of its village). Out of order, repeated, dated before the
    previous step, without its quorum or its majority, or after the matter ended: 409 with the figures."""
    matter = actions.visible_matters(request.user).filter(pk=matter_id).first()
    if matter is None:
        raise Http404
    try:
        row = actions.do_record_step(
            request.user, matter, body.step, body.date, assembly=body.assembly, expected=body.expected,
            present=body.present, votes_for=body.votes_for, votes_against=body.votes_against, abstain=body.abstain,
            minutes=body.minutes, outcome=body.outcome, meeting=body.meeting, title=body.title, body=body.body,
            shown_until=body.shown_until)
    except AffairsError as exc:
        return _refused(exc)
    matter = row.matter  # the action's own copy, locked and moved on
    return Status(201, {**_step_out(row), "matter": matter.pk, "state": matter.state,
                        "state_label": str(State(matter.state).label), "next_step": matter.next_step})


# --- the board (三务公开) --------------------------------------------------------------------------------

class TableRowOut(Schema):
    item: str
    income: str
    expense: str
    note: str = ""


class BoardQuestionOut(Schema):
    text: str
    answer: str
    asked_on: datetime.date
    answered_on: datetime.date | None
    public: bool = Field(..., description="on the public board (staff with all=1 also see private ones)")


class BoardRemarkOut(Schema):
    text: str
    is_check: bool = Field(..., description="the supervision committee checked and signed the item (审核签字)")
    created_on: datetime.date
    public: bool


class DisclosureOut(Schema):
    id: int
    village: VillageOut
    kind: str = Field(..., description="party 党务, village 村务 or finance 财务")
    kind_label: str
    period: str = Field(..., description="the month (2026-11) or quarter (2026Q4) it discloses; empty for an event")
    title: str
    body: str
    table: list[TableRowOut]
    income_total: str | None
    expense_total: str | None
    shown_from: datetime.date
    shown_until: datetime.date
    public: bool
    late: bool = Field(..., description="published after its period's due day")
    checked: bool = Field(..., description="checked by the supervision committee (审核签字)")
    published_at: datetime.datetime
    questions: list[BoardQuestionOut] = Field(..., description="answered questions, without who asked")
    remarks: list[BoardRemarkOut] = Field(..., description="the supervision committee's remarks, without names")


def _local_day(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _board_out(d: Disclosure) -> dict:
    """An item as the public board shows it: texts masked, askers' names as 张** (queries.mask_for_board)."""
    queries.mask_for_board([d])
    out = _disclosure_out(d)
    out["body"] = d.body_shown
    out["table"] = [{"item": r.get("item", ""), "income": r.get("income", "0.00"), "expense": r.get("expense", "0.00"),
                     "note": r.get("note", "")} for r in d.rows]
    out["questions"] = [{"text": q["text"], "answer": q["answer"], "asked_on": _local_day(q["asked_at"]),
                         "answered_on": _local_day(q["answered_at"]), "public": q["public"]} for q in d.shown_questions]
    out["remarks"] = [{"text": r["text"], "is_check": r["is_check"], "created_on": _local_day(r["at"]),
                       "public": r["public"]} for r in d.shown_remarks]
    return out


def _disclosure_out(d: Disclosure) -> dict:
    # Only texts and days: a question's asker, who typed it and who answered stay off the board.
    return {"id": d.pk, "village": {"code": d.village.code, "name": d.village.name}, "kind": d.kind,
            "kind_label": str(DisclosureKind(d.kind).label), "period": d.period, "title": d.title, "body": d.body,
            "table": [{"item": r.get("item", ""), "income": r.get("income", "0.00"),
                       "expense": r.get("expense", "0.00"), "note": r.get("note", "")} for r in d.table or []],
            "income_total": _amount_text(d.income_total), "expense_total": _amount_text(d.expense_total),
            "shown_from": d.shown_from, "shown_until": d.shown_until, "public": d.public, "late": d.late,
            "checked": d.checked, "published_at": d.published_at,
            "questions": [{"text": q.text, "answer": q.answer, "asked_on": _local_day(q.asked_at),
                           "answered_on": _local_day(q.answered_at), "public": q.public}
                          for q in d.public_questions],
            "remarks": [{"text": r.text, "is_check": r.is_check, "created_on": _local_day(r.created_at),
                         "public": r.public} for r in d.public_remarks]}


class DisclosureFilter(Schema):
    village: str | None = Field(None, max_length=16, description="code of the village whose board to read "
                                                                 "(needed without a login)")
    kind: Literal[tuple(DisclosureKind.values)] | None = None  # type: ignore[valid-type]
    all: bool = Field(False, description="signed-in staff: also items not public or no longer on the board, "
                                         "with private answers and remarks, within their reach")


class BearerToken(HttpBearer):
    """The API's bearer token (gridgov.api.BearerToken, read when called: that module imports this one's
    router), under the same name so the OpenAPI document keeps one security scheme."""

    def authenticate(self, request, token):
        from gridgov.api import BearerToken as ApiBearer

        return ApiBearer().authenticate(request, token)


def _anyone(request):
    """The board is read without a login too: the last of the API's ways in, after a token and a session."""
    return True


def _may_read_all(user, village: Region | None) -> bool:
    """Staff of the village (or above it) read every item of its board, and its supervision committee; without
    a village, staff alone (a resident's reach is their village's public items, whose private answers and
    remarks are not theirs to read)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    staff = reach(user, VIEW, "affairs_disclosure") == SUBTREE and bool(user.scope_path)
    if village is None:
        return staff
    return (staff and village.path.startswith(user.scope_path)) or actions.supervisor_posts(user).filter(
        path=village.path).exists()


def _board_rows(rows, everything: bool):
    """Items with their questions and remarks in two queries, under the attributes queries.current_items
    gives them: those the public board shows, or every one (`everything`, for staff)."""
    questions = Question.objects.order_by("asked_at", "id")
    remarks = Remark.objects.order_by("created_at", "id")
    if not everything:
        questions = questions.filter(public=True, answered_at__isnull=False).select_related("asker").only(
            "asker__name", *queries.QUESTION_FIELDS)
        remarks = remarks.filter(public=True)
    return rows.select_related("village").prefetch_related(
        Prefetch("questions", queryset=questions, to_attr="public_questions"),
        Prefetch("remarks", queryset=remarks, to_attr="public_remarks"))


@router.get("/affairs/disclosures", auth=[BearerToken(), django_auth, _anyone],
            response={200: list[DisclosureOut], 404: ErrorOut, 422: InvalidOut},
            openapi_extra={"security": [{}]})  # added to the token and the session: no login either
@paginate(PageNumberPagination)
def disclosure_list(request, filters: Query[DisclosureFilter]):
    """A village's public board (三务公开), newest first: the public items on it today, with their answered
    public questions and the supervision committee's public remarks, and no personal data. No login is
    needed with `village`; an unknown village answers 404. Signed in, without `village`: the boards of
    every village in the caller's reach. `all=1` (staff of the village or above, its supervision
    committee): every item, public or not, current or not, with private answers and remarks."""
    user = request.user
    village = None
    if filters.village:
        village = Region.objects.filter(code=filters.village.strip(), level=Region.Level.VILLAGE).first()
        if village is None:
            raise Http404
    elif not getattr(user, "is_authenticated", False):
        # Raised, not returned: the paginator takes only rows. The API's handler renders it as every 422.
        message = _("Give the village's code to read its board.")
        raise ValidationError([{"loc": ("query", "village"), "type": "value_error", "msg": message,
                                "ctx": {"error": message}}])
    if filters.all:
        if not _may_read_all(user, village):
            raise Http404
        rows = _board_rows(actions.visible_disclosures(user), True)
    elif village is not None:
        # Public by law: anyone reads a village's public board, so this read is the board's, not the
        # caller's reach; the same read as the board's page (what is "on the board today").
        rows = queries.current_items(village.path, filters.kind).select_related("village")
    else:
        today = _today()
        rows = _board_rows(actions.visible_disclosures(user).filter(
            public=True, shown_from__lte=today, shown_until__gte=today), False)
    if village is not None:
        rows = rows.filter(path=village.path)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return Rendered(rows.order_by("-shown_from", "-id"), _disclosure_out if filters.all else _board_out)


class TableRowIn(Schema):
    item: str = Field(..., max_length=200)
    income: str | int | float | None = Field(None, description="yuan")
    expense: str | int | float | None = Field(None, description="yuan")
    note: str = Field("", max_length=200)


class DisclosureIn(Schema):
    village: str = Field(..., max_length=16, description="code of the village")
    kind: Literal[tuple(DisclosureKind.values)]  # type: ignore[valid-type]
    title: str = Field(..., max_length=200)
    body: str = Field("", max_length=actions.MAX_TEXT)
    period: str = Field("", max_length=8, description="scheduled kinds: the month (2026-11) or quarter (2026Q4) "
                                                      "it discloses (late after its due day); empty for an event")
    table: list[TableRowIn] | None = Field(None, max_length=actions.MAX_TABLE_ROWS,
                                           description="finances: rows of income or expense")
    income_total: str | int | float | None = Field(None, description="must equal the rows' income (422)")
    expense_total: str | int | float | None = Field(None, description="must equal the rows' expense (422)")
    shown_from: datetime.date | None = Field(None, description="default today")
    shown_until: datetime.date | None = Field(None, description="default and at least the town's board days")
    public: bool = True


@router.post("/affairs/disclosures", response={201: DisclosureOut, **ERRORS})
def disclosure_publish(request, body: DisclosureIn):
    """Village staff put an item on their village's board; a finance table's totals are checked against its
    rows (422 naming income_total or expense_total)."""
    try:
        item = actions.do_publish(
            request.user, body.village, body.kind, body.title, body=body.body, period=body.period,
            table=[row.dict() for row in body.table] if body.table is not None else None,
            income_total=body.income_total, expense_total=body.expense_total, shown_from=body.shown_from,
            shown_until=body.shown_until, public=body.public)
    except AffairsError as exc:
        return _refused(exc)
    return Status(201, _disclosure_out(_board_rows(actions.visible_disclosures(request.user), True)
                                       .get(pk=item.pk)))


# --- questions and oversight ----------------------------------------------------------------------------

class QuestionIn(Schema):
    disclosure: int | None = Field(None, description="id of the board item asked about (or `matter`)")
    matter: int | None = Field(None, description="id of the matter asked about (or `disclosure`)")
    text: str = Field(..., max_length=2000)
    asker: int | None = Field(None, description="grid workers and village staff: id of the person of the village "
                                                "who asks (a resident asks for themselves)")


class QuestionOut(Schema):
    id: int
    disclosure: int | None
    matter: int | None
    asker: int = Field(..., description="id of the person who asked")
    text: str
    asked_at: datetime.datetime
    due_on: datetime.date = Field(..., description="the village answers by this day")
    answer: str
    answered_at: datetime.datetime | None
    public: bool = Field(..., description="the answer is public on the board")


def _question_out(q: Question) -> dict:
    return {"id": q.pk, "disclosure": q.disclosure_id, "matter": q.matter_id, "asker": q.asker_id, "text": q.text,
            "asked_at": q.asked_at, "due_on": q.due_on, "answer": q.answer, "answered_at": q.answered_at,
            "public": q.public}


def _target(disclosure: int | None, matter: int | None, rows_of):
    """The item or matter a question or remark is about, read through `rows_of(model)`; 422 unless
    exactly one is named, None when it is not there for the caller."""
    if (disclosure is None) == (matter is None):
        return _invalid("disclosure", _("Name either a board item (disclosure) or a matter."))
    if disclosure is not None:
        return rows_of(Disclosure).filter(pk=disclosure).first()
    return rows_of(Matter).filter(pk=matter).first()


def _askable(model):
    # Who may ask is the action's to say (may_ask): a grid worker reads no board item through the policy
    # yet asks for the people of their grids, so the target is looked up plainly and may_ask decides.
    return model.objects.all()


@router.post("/affairs/questions", response={201: QuestionOut, **ERRORS})
def question_ask(request, body: QuestionIn):
    """A question about a board item or a matter: a resident or party member of the village for themselves
    (public items, matters once on the board), a grid worker or village staff for a person of the village
    (`asker`). Due within the town's answer days. Anyone else: 404."""
    target = _target(body.disclosure, body.matter, _askable)
    if isinstance(target, Status):
        return target
    if target is None or not actions.may_ask(request.user, target):
        raise Http404
    try:
        question = actions.do_ask(request.user, target, body.text, asker=body.asker)
    except AffairsError as exc:
        return _refused(exc)
    return Status(201, _question_out(question))


class AnswerIn(Schema):
    answer: str = Field(..., max_length=5000)
    public: bool = Field(True, description="the answer is shown on the public board")


@router.post("/affairs/questions/{question_id}/answer", response={200: QuestionOut, **ERRORS})
def question_answer(request, question_id: int, body: AnswerIn):
    """The village answers (its staff; anyone else 404); a later answer replaces the earlier one, both audited."""
    question = restrict(request.user, VIEW, Question).filter(pk=question_id).first()
    if question is None:
        raise Http404
    try:
        question = actions.do_answer(request.user, question, body.answer, public=body.public)
    except AffairsError as exc:
        return _refused(exc)
    return _question_out(question)


class RemarkIn(Schema):
    disclosure: int | None = Field(None, description="id of the board item (or `matter`)")
    matter: int | None = Field(None, description="id of the matter (or `disclosure`)")
    text: str = Field("", max_length=2000, description="required for a comment; optional with a check")
    is_check: bool = Field(False, description="check and sign the item or matter (审核签字)")
    public: bool = Field(True, description="shown on the public board (a board item's)")


class RemarkOut(Schema):
    id: int
    disclosure: int | None
    matter: int | None
    text: str
    is_check: bool
    public: bool
    created_at: datetime.datetime


@router.post("/affairs/remarks", response={201: RemarkOut, **ERRORS})
def remark_add(request, body: RemarkIn):
    """A member of the village's supervision committee (村务监督委员会) comments on a matter or a board item,
    or checks and signs it; anyone else: 404."""
    target = _target(body.disclosure, body.matter, lambda model: restrict(request.user, VIEW, model))
    if isinstance(target, Status):
        return target
    if target is None:
        raise Http404
    try:
        remark = actions.do_remark(request.user, target, body.text, is_check=body.is_check, public=body.public)
    except AffairsError as exc:
        return _refused(exc)
    return Status(201, {"id": remark.pk, "disclosure": remark.disclosure_id, "matter": remark.matter_id,
                        "text": remark.text, "is_check": remark.is_check, "public": remark.public,
                        "created_at": remark.created_at})
