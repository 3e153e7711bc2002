"""The JSON API of dispute mediation (矛盾纠纷排查化解) under /api/v1/.

Thin: parse, call an action (actions.py) or a query, render. Refusals answer {"detail"} with their
status (404 a dispute out of reach, exactly like a missing one; 403 a role that may not; 409 a state
that does not allow the step); bad input 422 naming the field.
"""

import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gridgov.core import clock
from gridgov.core.api import ErrorOut, InvalidOut, PageIn, page_of
from gridgov.core.api import invalid as _invalid
from gridgov.org.api import ScopeCode

from . import actions, queries
from .actions import DisputeError
from .models import Dispute

router = Router(tags=["disputes"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


def _refused(exc: DisputeError):
    if exc.status in (400, 422):
        return _invalid(exc.field, exc.message)
    return Status(exc.status, {"detail": exc.message})


class PartyIn(Schema):
    person: int | None = Field(None, description="a person of the registry (id)")
    name: str | None = Field(None, max_length=50, description="an outsider's name (stored sealed)")
    phone: str | None = Field(None, max_length=32, description="an outsider's phone, optional (stored sealed)")


class DisputeIn(Schema):
    village: str = Field(..., max_length=16, description="code of the village")
    kind: Literal["neighbours", "family", "land", "labour", "forest", "debt", "other"] = Field(
        ..., description="邻里, 婚姻家庭, 土地, 劳资, 山林, 债务, other")
    parties: list[PartyIn] = Field(..., max_length=20)
    risk: Literal["low", "medium", "high"] = "low"
    description: str = Field(..., max_length=4000)
    case: int | None = Field(None, description="the case (of a dispute category) the dispute starts from")
    mediator: int | None = Field(None, description="the mediator's account (id)")
    reported_at: datetime.datetime | None = Field(None, description="when it was brought; default now (or the "
                                                                    "case's report), up to 31 days back")


class StepOut(Schema):
    step: str = Field(..., description="ack, handle, answer, conclude (the 1-3-7-10 of 13710)")
    due: datetime.datetime
    done: datetime.datetime | None
    status: str = Field(..., description="done, late, overdue or pending")


class PartyOut(Schema):
    id: int
    person: int | None
    outsider: bool
    name: str = Field(..., description="the registry's name, or the outsider's name masked (see reveal)")
    phone: str = Field(..., description="masked")


class SessionOut(Schema):
    at: datetime.datetime
    notes: str


class FollowUpOut(Schema):
    id: int
    due: datetime.date
    done_at: datetime.datetime | None
    notes: str


class DisputeOut(Schema):
    id: int
    village: str
    village_name: str
    kind: str
    risk: str
    state: str = Field(..., description="registered, mediating, mediated, referred or withdrawn")
    description: str
    mediator: int | None
    case: int | None
    reported_at: datetime.datetime
    steps: list[StepOut]
    parties: list[PartyOut]
    sessions: list[SessionOut]
    answer: str
    agreement: str
    scan: bool
    referred_to: str
    outcome_note: str
    followups: list[FollowUpOut]


def dispute_out(d: Dispute) -> dict:
    now = clock.now()
    parties = d.parties.select_related("person")
    return {
        "id": d.pk, "village": d.village.code, "village_name": d.village.name, "kind": d.kind, "risk": d.risk,
        "state": d.state, "description": d.description, "mediator": d.mediator_id, "case": d.case_id,
        "reported_at": d.reported_at,
        "steps": [{k: s[k] for k in ("step", "due", "done", "status")} for s in d.steps(now)],
        "parties": [{"id": p.pk, "person": p.person_id, "outsider": not p.person_id,
                     "name": p.person.name if p.person_id else p.masked_name, "phone": p.phone_masked}
                    for p in parties],
        "sessions": [{"at": s.at, "notes": s.notes} for s in d.sessions.all()],
        "answer": d.answer, "agreement": d.agreement, "scan": bool(d.scan), "referred_to": d.referred_to,
        "outcome_note": d.outcome_note,
        "followups": [{"id": f.pk, "due": f.due, "done_at": f.done_at, "notes": f.notes} for f in d.followups.all()],
    }


def _detail(user, pk: int) -> dict:
    d = queries.visible(user, Dispute.objects.select_related("village")).filter(pk=pk).first()
    if d is None:
        raise Http404
    return dispute_out(d)


@router.post("/disputes", response={201: DisputeOut, **ERRORS})
def dispute_create(request, body: DisputeIn):
    """Register a dispute (village or town staff). A high-risk one notifies the town at once."""
    try:
        d = actions.do_register(request.user, body.village, body.kind, body.description,
                                [p.dict() for p in body.parties], risk=body.risk, mediator=body.mediator,
                                case=body.case, reported_at=body.reported_at)
    except DisputeError as exc:
        return _refused(exc)
    return Status(201, _detail(request.user, d.pk))


class ActionIn(Schema):
    action: Literal["mediate", "agree", "refer", "withdraw", "visit", "answer", "assign", "risk"]
    notes: str = Field("", max_length=4000, description="mediate, visit: the notes")
    text: str = Field("", max_length=4000, description="answer: the answer given to the parties")
    agreement: str = Field("", max_length=4000, description="agree: the agreement's text (the scan is sent to "
                                                            "/disputes/{id}/scan first)")
    to: Literal["judicial", "court", ""] = Field("", description="refer: the judicial office or the court")
    note: str = Field("", max_length=4000, description="refer, withdraw: a note (required to withdraw)")
    mediator: int | None = Field(None, description="assign: the mediator's account")
    risk: Literal["low", "medium", "high", ""] = Field("", description="risk: the new risk level")


@router.post("/disputes/{dispute_id}/actions", response={200: DisputeOut, **ERRORS})
def dispute_action(request, dispute_id: int, body: ActionIn):
    """One step of the life cycle: mediate (a session), answer, agree, refer, withdraw, visit (the next
    follow-up visit); assign (the mediator) and risk. 409 when the state does not allow the step."""
    user, a = request.user, body.action
    steps = {
        "mediate": lambda: actions.do_mediate(user, dispute_id, body.notes),
        "answer": lambda: actions.do_answer(user, dispute_id, body.text),
        "agree": lambda: actions.do_agree(user, dispute_id, body.agreement),
        "refer": lambda: actions.do_refer(user, dispute_id, body.to, body.note),
        "withdraw": lambda: actions.do_withdraw(user, dispute_id, body.note),
        "visit": lambda: actions.do_visit(user, dispute_id, body.notes),
        "assign": lambda: actions.do_assign(user, dispute_id, body.mediator),
        "risk": lambda: actions.do_set_risk(user, dispute_id, body.risk),
    }
    try:
        steps[a]()
    except DisputeError as exc:
        return _refused(exc)
    return _detail(user, dispute_id)


@router.post("/disputes/{dispute_id}/scan", response={200: DisputeOut, **ERRORS})
def dispute_scan(request, dispute_id: int, file: File[UploadedFile]):
    """The signed agreement's scan (a photo, re-encoded without EXIF, or a PDF; checked by content)."""
    try:
        actions.do_attach_scan(request.user, dispute_id, file)
    except DisputeError as exc:
        return _refused(exc)
    return _detail(request.user, dispute_id)


class RevealIn(Schema):
    field: Literal["name", "phone"]


class RevealOut(Schema):
    field: str
    value: str


@router.post("/disputes/{dispute_id}/parties/{party_id}/reveal", response={200: RevealOut, **ERRORS})
def party_reveal(request, dispute_id: int, party_id: int, body: RevealIn):
    """A party's name or phone in full (village or town staff; audited)."""
    try:
        value = actions.do_reveal(request.user, dispute_id, party_id, body.field)
    except DisputeError as exc:
        return _refused(exc)
    return {"field": body.field, "value": value}


class RuleIn(Schema):
    town: str = Field(..., max_length=16, description="code of the town")
    ack_days: int | None = Field(None, description="working days to acknowledge (1)")
    handle_days: int | None = Field(None, description="working days to the first mediation session (3)")
    answer_days: int | None = Field(None, description="working days to answer the parties (7)")
    conclude_days: int | None = Field(None, description="working days to conclude (10)")
    followup_days: list[int] | None = Field(None, description="follow-up visits, days after the outcome")
    screening_grace_days: int | None = Field(None, description="days after a week's Sunday a screening is on time")


class RuleOut(Schema):
    town: str
    ack_days: int
    handle_days: int
    answer_days: int
    conclude_days: int
    followup_days: list[int]
    screening_grace_days: int


@router.post("/disputes/rule", response={200: RuleOut, **ERRORS})
def dispute_rule(request, body: RuleIn):
    """Set a town's 13710 steps, follow-up intervals and screening grace (town staff)."""
    data = body.dict()
    town = data.pop("town")
    try:
        rule = actions.do_set_rule(request.user, town, **data)
    except DisputeError as exc:
        return _refused(exc)
    return {"town": rule.town.code, **{f: getattr(rule, f) for f in actions.RULE_FIELDS},
            "followup_days": rule.followup_days}


class ScreeningIn(Schema):
    village: str = Field(..., max_length=16, description="code of the village")
    week: str = Field(..., max_length=10, description="ISO week, e.g. 2026-W49")
    none: bool = Field(False, description="a zero report: no dispute found that week")
    note: str = Field("", max_length=4000)


class ScreeningOut(Schema):
    id: int
    village: str
    week: str
    none: bool
    found: int = Field(..., description="the village's disputes reported that week")
    on_time: bool = Field(..., description="filed by the week's Sunday (plus the town's grace days)")
    filed_at: datetime.datetime


def screening_out(s) -> dict:
    from . import periods

    return {"id": s.pk, "village": s.village.code, "week": periods.week_label(s.week), "none": s.none,
            "found": s.found, "on_time": s.on_time, "filed_at": s.filed_at}


@router.post("/disputes/screenings", response={201: ScreeningOut, **ERRORS})
def screening_create(request, body: ScreeningIn):
    """File a village's weekly screening (周排查): the disputes found that week, or `none: true` (a zero
    report). One per village and week (409); on time when filed by the week's end."""
    try:
        s = actions.do_screen(request.user, body.village, body.week, body.none, body.note)
    except DisputeError as exc:
        return _refused(exc)
    return Status(201, screening_out(s))


class SummaryRow(Schema):
    village: str = Field(..., description="code of the village")
    name: str
    found: int = Field(..., description="disputes reported in the month")
    mediated: int = Field(..., description="concluded in the month with an agreement")
    referred: int
    withdrawn: int
    open: int = Field(..., description="not concluded at the month's end")
    concluded_late: int = Field(..., description="concluded in the month after the 13710 deadline")
    weeks: int = Field(..., description="ISO weeks whose Thursday lies in the month")
    screenings: int
    screenings_on_time: int
    zero_reports: int
    zero_reports_on_time: int
    followups_due: int = Field(..., description="follow-up visits due in the month")
    followups_done: int = Field(..., description="of those, made")


class SummaryTotal(Schema):
    found: int
    mediated: int
    referred: int
    withdrawn: int
    open: int
    concluded_late: int
    weeks: int
    screenings: int
    screenings_on_time: int
    zero_reports: int
    zero_reports_on_time: int
    followups_due: int
    followups_done: int


class SummaryFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a town or village (or a grid); default the caller's node")
    month: str | None = Field(None, max_length=7, description="e.g. 2026-12; default the current month")


class SummaryOut(Schema):
    items: list[SummaryRow]
    count: int
    month: str
    scope: str
    total: SummaryTotal


@router.get("/disputes/summary", response={200: SummaryOut, 404: ErrorOut, 422: InvalidOut})
def dispute_summary(request, page: Query[PageIn], filters: Query[SummaryFilter]):
    """The monthly summary (月汇总), one row per village of the scope and the total: disputes found,
    mediated, referred, withdrawn, open, zero reports on time, follow-up visits due and done."""
    try:
        node, first, last = queries.summary_params(request.user, filters.scope, filters.month)
    except ValueError:
        return _invalid("month", _("Give a month such as 2026-12."))
    if node is None:
        raise Http404
    result = queries.summary(queries.villages_under(node.path), first, last)
    return {**page_of(result["rows"], page), "month": f"{first:%Y-%m}", "scope": node.code,
            "total": result["total"]}


@router.get("/disputes/{dispute_id}", response={200: DisputeOut, 404: ErrorOut})
def dispute_detail(request, dispute_id: int):
    """One dispute: parties (outsiders masked), steps with their deadlines, sessions, outcome, visits."""
    return _detail(request.user, dispute_id)
