"""Five-star endpoints of the JSON API: a town's scheme for a year, the assessments of a quarter with
their ranking, one assessment with its indicators and records, and the steps of the quarterly process.

Thin on purpose: parse, call an action (actions.py) or a read (queries.py), render. A refused action
answers StarError.status (409 wrong state or time, 403 a role that may not, 404 out of scope, 422 bad
input) with its message.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gridgov.core.api import ErrorOut, InvalidOut, PageIn, Rendered, page_of
from gridgov.core.api import invalid as _invalid
from gridgov.org.api import ScopeCode

from . import actions, queries, scoring
from .models import Assessment, Objection, Scheme, State

router = Router(tags=["stars"])


def _refused(exc: actions.StarError):
    if exc.status == 400:
        return _invalid(exc.field or "body", exc.message)
    return Status(exc.status, {"detail": exc.message})


def _num(value) -> float | None:
    return None if value is None else float(value)


# --- schemes ---------------------------------------------------------------------------------------------

class NodeOut(Schema):
    code: str
    name: str


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    max_points: float
    method: str
    config: dict


class VetoOut(Schema):
    id: int
    code: str
    name: str


class StarSchemeOut(Schema):
    code: str
    name: str
    threshold: float
    max_points: float
    indicators: list[IndicatorOut]
    vetoes: list[VetoOut]


class SchemeOut(Schema):
    id: int
    year: int
    name: str
    town: NodeOut
    publicity_days: int
    levels: list[dict] = Field(..., description="best first: the first entry whose min_total (and min_stars) "
                                                "an assessment reaches names its level")
    total_points: float
    stars: list[StarSchemeOut]


def scheme_out(scheme: Scheme) -> dict:
    stars = []
    for star in scheme.stars.prefetch_related("indicators", "vetoes"):
        indicators = list(star.indicators.all())
        stars.append({
            "code": star.code, "name": star.name, "threshold": float(star.threshold),
            "max_points": float(sum(i.max_points for i in indicators)),
            "indicators": [{"id": i.id, "code": i.code, "name": i.name, "max_points": float(i.max_points),
                            "method": i.method, "config": i.config} for i in indicators],
            "vetoes": [{"id": v.id, "code": v.code, "name": v.name} for v in star.vetoes.all()],
        })
    return {"id": scheme.id, "year": scheme.year, "name": scheme.name,
            "town": {"code": scheme.town.code, "name": scheme.town.name}, "publicity_days": scheme.publicity_days,
            "levels": scheme.levels, "total_points": sum(s["max_points"] for s in stars), "stars": stars}


class SchemeIn(Schema):
    scope: ScopeCode = Field(None, description="a town's region or grid code, or a node under or above it "
                                               "(default: the caller's town)")


@router.get("/stars/schemes/{year}", response={200: SchemeOut, 404: ErrorOut, 422: InvalidOut})
def scheme(request, year: int, params: Query[SchemeIn]):
    """The scheme of a town for a year: its five stars, each with indicators (max points, method and how
    a value becomes points), veto items (一票否决) and the points needed; and the level mapping."""
    found = queries.scheme_for(request.user, year, params.scope)
    if found is None:
        return Status(404, {"detail": _("No scheme for this year in your scope.")})
    return Status(200, scheme_out(found))


# --- assessments -----------------------------------------------------------------------------------------

class StarOut(Schema):
    code: str
    name: str
    score: float
    threshold: float
    earned: bool
    vetoed: bool
    nominated: bool


class AssessmentOut(Schema):
    id: int
    period: str
    state: str
    state_label: str
    village: NodeOut
    stars: list[StarOut]
    total: float
    stars_earned: int
    level: str
    rank: int | None = Field(None, description="within the town and quarter, among the assessments the caller "
                                               "sees: total desc, then stars earned desc, then village code")
    publicity_until: datetime.datetime | None


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    count: int


def assessment_out(a: Assessment) -> dict:
    return {
        "id": a.id, "period": a.period, "state": a.state, "state_label": a.get_state_display(),
        "village": {"code": a.village.code, "name": a.village.name},
        "stars": [{**row, "score": float(row["score"]), "threshold": float(row["threshold"])}
                  for row in queries.star_rows(a)],
        "total": float(a.total), "stars_earned": a.stars_earned, "level": a.level,
        "rank": getattr(a, "rank", None), "publicity_until": a.publicity_until,
    }


class AssessmentFilter(PageIn):
    period: str | None = Field(None, description="a quarter like 2026Q3; default the current quarter")
    scope: ScopeCode = Field(None, description="a region or grid code (a town and its town grid mean the same); "
                                               "default the caller's town")
    state: Literal[tuple(State.values)] | None = Field(  # type: ignore[valid-type]
        None, description="only assessments at this step (ranks stay those of the whole town)")


@router.get("/stars/assessments", response={200: AssessmentPage, 404: ErrorOut, 422: InvalidOut})
def assessment_list(request, filters: Query[AssessmentFilter]):
    """The assessments of a quarter under `scope` that the caller may see, ranked (see `rank`). A village
    sees its own at every step and the other villages of its town once published."""
    period = (filters.period or scoring.period_of(timezone.localdate())).upper()
    try:
        scoring.parse_period(period)
    except scoring.PeriodError:
        return _invalid("period", _("A period looks like 2026Q3."))
    region = queries.scope_region(request.user, filters.scope)
    if filters.scope and region is None:
        return Status(404, {"detail": _("No such region in your scope.")})
    rows = queries.board(request.user, period, region)
    if filters.state:
        rows = [a for a in rows if a.state == filters.state]
    prefetch_related_objects([a.scheme for a in rows], "stars")
    return Status(200, page_of(Rendered(rows, assessment_out), filters))


class ScoreOut(Schema):
    indicator: int
    star: str
    code: str
    name: str
    method: str
    max_points: float
    self_points: float | None
    points: float
    value: float | None
    records: dict
    evidence: str
    adjust_reason: str


class ObjectionOut(Schema):
    id: int
    text: str
    created_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None


class AssessmentDetailOut(AssessmentOut):
    nominated: list[str]
    scores: list[ScoreOut]
    objections: list[ObjectionOut]
    allowed_actions: list[str]


def allowed_actions(user, a: Assessment) -> list[str]:
    """The steps the caller may take now (for buttons; the actions check again)."""
    role = "town_admin" if user.is_superuser else user.role
    covers = user.is_superuser or (bool(user.scope_path) and a.path.startswith(user.scope_path))
    out = []
    if covers and role == "village_secretary" and a.state == "draft":
        out.append("submit")
    if covers and role == "town_admin":
        county = actions.is_county_over(user, a)
        if a.state == "submitted" and not county:
            out.append("review")
        if a.state == "reviewed" and (county or user.is_superuser):
            out.append("confirm")
        if a.state == "confirmed":
            out.append("publish")
        if a.state in ("published", "named") and any(not o.answered_at for o in a.objections.all()):
            out.append("answer")
        if a.state == "published" and a.publicity_until and timezone.now() >= a.publicity_until:
            out.append("name")
    if a.state == "published" and user.scope_path and user.scope_path.startswith(a.path) \
            and a.publicity_until and timezone.now() < a.publicity_until:
        out.append("object")
    return out


def detail_out(user, a: Assessment) -> dict:
    scores = queries.score_rows(a)
    return {
        **assessment_out(a), "nominated": a.nominated or [],
        "scores": [{"indicator": s.indicator_id, "star": s.indicator.star.code, "code": s.indicator.code,
                    "name": s.indicator.name, "method": s.indicator.method,
                    "max_points": float(s.indicator.max_points), "self_points": _num(s.self_points),
                    "points": float(s.points), "value": _num(s.value), "records": s.records, "evidence": s.evidence,
                    "adjust_reason": s.adjust_reason} for s in scores],
        "objections": [{"id": o.id, "text": o.text, "created_at": o.created_at, "answer": o.answer,
                        "answered_at": o.answered_at} for o in a.objections.all()],
        "allowed_actions": allowed_actions(user, a),
    }


def _visible(user, assessment_id: int) -> Assessment | None:
    return queries.visible_assessments(user).select_related("village", "scheme").filter(pk=assessment_id).first()


@router.get("/stars/assessments/{assessment_id}", response={200: AssessmentDetailOut, 404: ErrorOut})
def assessment_detail(request, assessment_id: int):
    """One assessment with every indicator's points, value and the records it came from, the objections,
    and the steps the caller may take now."""
    a = _visible(request.user, assessment_id)
    if a is None:
        return Status(404, {"detail": _("No such assessment.")})
    return Status(200, detail_out(request.user, a))


class ScoreIn(Schema):
    indicator: int
    points: float
    evidence: str = Field("", max_length=4000)
    reason: str = Field("", max_length=2000)


class ActionIn(Schema):
    action: Literal["submit", "review", "confirm", "publish", "object", "answer", "name"]
    stars: list[str] = Field(default_factory=list, description="submit: the stars nominated (荐星), by code")
    scores: list[ScoreIn] = Field(default_factory=list,
                                  description="submit: points and evidence of manual indicators; review: the "
                                              "points the town sets, each change with its reason")
    note: str = Field("", max_length=2000, description="review, confirm: a note")
    text: str = Field("", max_length=2000, description="object: the objection; answer: the answer")
    objection: int | None = Field(None, description="answer: the objection answered")


@router.post("/stars/assessments/{assessment_id}/actions",
             response={200: AssessmentDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut})
def assessment_action(request, assessment_id: int, body: ActionIn):
    """Take one step of the quarterly process: `submit` (village secretary: `scores` of manual indicators
    and the nominated `stars`), `review` (town: `scores` with `reason` per change, `note`), `confirm`
    (a town administrator scoped to the county), `publish` (town; publicity lasts the scheme's days),
    `object` (someone of the village during publicity: `text`), `answer` (town: `objection`, `text`),
    `name` (town, after publicity with every objection answered; the worker also does it). A step the
    state or time does not allow answers 409, a caller whose role may not 403, out of scope 404;
    nothing changes on a refusal."""
    user = request.user
    a = _visible(user, assessment_id)
    if a is None:
        return Status(404, {"detail": _("No such assessment.")})
    try:
        with transaction.atomic():
            if body.action == "submit":
                if body.scores:
                    actions.do_self_assess(user, a, {s.indicator: (s.points, s.evidence) for s in body.scores})
                actions.do_submit(user, a, body.stars)
            elif body.action == "review":
                actions.do_review(user, a, [s.dict() for s in body.scores], note=body.note)
            elif body.action == "confirm":
                actions.do_confirm(user, a, note=body.note)
            elif body.action == "publish":
                actions.do_publish(user, a)
            elif body.action == "object":
                actions.do_object(user, a, body.text)
            elif body.action == "answer":
                if body.objection is None:
                    return _invalid("objection", _("This field is required."), "missing")
                objection = Objection.objects.filter(pk=body.objection, assessment=a).first()
                if objection is None:
                    return Status(404, {"detail": _("No such objection.")})
                actions.do_answer(user, objection, body.text)
            elif body.action == "name":
                actions.do_name(user, a)
    except actions.StarError as exc:
        return _refused(exc)
    return Status(200, detail_out(user, _visible(user, assessment_id)))


# --- records of the quarter ------------------------------------------------------------------------------

class EntryIn(Schema):
    indicator: int = Field(..., description="a dynamic indicator of the assessment's scheme")
    points: float = Field(..., description="a reward (+) or a penalty (-)")
    reason: str = Field(..., max_length=2000)
    evidence: str = Field("", max_length=2000)


class EntryOut(Schema):
    id: int
    indicator: int
    points: float
    reason: str
    evidence: str
    approver: str
    created_at: datetime.datetime


@router.post("/stars/assessments/{assessment_id}/entries",
             response={201: EntryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut})
def add_entry(request, assessment_id: int, body: EntryIn):
    """A reward or penalty on a dynamic indicator during the quarter (百分目标动态管理), approved by the town
    administrator who enters it; refused (409) once the town has reviewed."""
    from .models import Indicator

    a = _visible(request.user, assessment_id)
    if a is None:
        return Status(404, {"detail": _("No such assessment.")})
    indicator = Indicator.objects.filter(pk=body.indicator, star__scheme=a.scheme).first()
    if indicator is None:
        return _invalid("indicator", _("Unknown indicator."))
    try:
        entry = actions.do_add_entry(request.user, a, indicator, body.points, body.reason, body.evidence)
    except actions.StarError as exc:
        return _refused(exc)
    return Status(201, {"id": entry.id, "indicator": entry.indicator_id, "points": float(entry.points),
                        "reason": entry.reason, "evidence": entry.evidence, "approver": request.user.username,
                        "created_at": entry.created_at})


class IncomeIn(Schema):
    amount: int = Field(..., ge=0, description="yuan")
    evidence: str = Field(..., max_length=2000)


class IncomeOut(Schema):
    village: NodeOut
    year: int
    amount: int
    evidence: str


@router.put("/stars/incomes/{village_code}/{year}", response={200: IncomeOut, 404: ErrorOut, 422: InvalidOut})
def set_income(request, village_code: str, year: int, body: IncomeIn):
    """A village's collective economy income (村集体经济收入) for a year, with its evidence; it feeds the
    产业兴旺星 through the stars.collective_income source (brackets 10–20万, 20–50万, 50万+)."""
    from gridgov.core.scoping import VIEW, restrict
    from gridgov.org.models import Region

    village = restrict(request.user, VIEW, Region).filter(code=village_code, level=Region.Level.VILLAGE).first()
    if village is None:
        return Status(404, {"detail": _("No such village.")})
    try:
        row = actions.do_set_income(request.user, village, year, body.amount, body.evidence)
    except actions.StarError as exc:
        return _refused(exc)
    return Status(200, {"village": {"code": village.code, "name": village.name}, "year": row.year,
                        "amount": row.amount, "evidence": row.evidence})
