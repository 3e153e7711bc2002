"""The JSON API of household honours (星级文明户、美丽庭院、党员示范户) under /api/v1/.

Thin: parse, call an action (actions.py), render. Refusals answer {"detail"} with their status (404 out
of reach, exactly like a missing record; 403 a role that may not; 409 a state that does not allow the
step, the detail says why); bad input 422 naming the field.
"""

import datetime

from django.http import Http404
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.api import ErrorOut, InvalidOut, PageIn, Rendered, page_of
from gridgov.core.api import invalid as _invalid
from gridgov.org.api import ScopeCode
from gridgov.org.queries import scope_node

from . import actions, queries
from .actions import HonourError
from .models import Entry

router = Router(tags=["honours"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


def _refused(exc: HonourError):
    if exc.status == 422:
        return _invalid(exc.field, exc.message)
    return Status(exc.status, {"detail": exc.message})


class IdOut(Schema):
    id: int


class KindIn(Schema):
    name: str
    subject: str = Field("household", description="household or person")
    starred: bool = Field(False, description="rated 1-5 stars (households only)")
    code: str = ""


class KindOut(Schema):
    id: int
    town: str
    code: str
    name: str
    subject: str
    starred: bool
    built_in: bool


class Criterion(Schema):
    name: str
    max: int = Field(..., description="maximum points")


class CampaignIn(Schema):
    year: int
    kind: str = Field(..., description="code of the town's honour: starred (星级文明户), courtyard (美丽庭院), "
                                       "party_model (党员示范户) or one the town added")
    criteria: list[Criterion] = Field(..., description="the score sheet")
    thresholds: list[int] = Field([], description="starred honours: the least total for 1, 2, 3, 4 and 5 stars")
    publicity_days: int = Field(7, description="calendar days of public notice (公示), counted from publication")


class CampaignOut(Schema):
    id: int
    year: int
    kind: str
    kind_name: str
    subject: str
    starred: bool
    criteria: list[Criterion]
    thresholds: list[int]
    publicity_days: int


class EntryIn(Schema):
    campaign: int
    household: int | None = Field(None, description="a household honour: the household's id")
    person: int | None = Field(None, description="a personal honour: the person's id")


class ActionIn(Schema):
    action: str = Field(..., description="inspect, review, publish, object, answer, name or revoke")
    scores: dict[str, int] | None = Field(None, description="inspect: points per criterion name")
    notes: str = Field("", description="inspect: notes")
    decision: str | None = Field(None, description="review: approve or reject")
    reason: str = Field("", description="review (reject) and revoke: why")
    text: str = Field("", description="object: the objection; answer: the answer")
    objection: int | None = Field(None, description="answer: the objection's id")


class ObjectionOut(Schema):
    id: int
    text: str
    created_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None


class EntryOut(Schema):
    id: int
    campaign: int
    kind: str
    kind_name: str
    year: int
    state: str
    origin: str
    household: int | None
    address: str
    person: int | None
    name: str = Field(..., description="the household head or the person, masked")
    scores: dict[str, int]
    total: int | None
    stars: int | None
    notes: str
    reason: str
    published_on: datetime.date | None
    notice_until: datetime.date | None = Field(None, description="the last day of the public notice")
    named_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class EntryDetailOut(EntryOut):
    objections: list[ObjectionOut]
    photos: list[str] = Field(..., description="URLs of the inspection photos (served to those who see the entry)")


class TitleOut(Schema):
    id: int
    kind: str
    kind_name: str
    year: int
    stars: int | None
    village: str
    household: int | None
    address: str
    person: int | None
    name: str
    named_at: datetime.datetime | None


class CountOut(Schema):
    village: str
    village_name: str
    year: int
    kind: str
    kind_name: str
    named: int


def _kind_out(k) -> dict:
    return {"id": k.pk, "town": k.town.code, "code": k.code, "name": k.name, "subject": k.subject,
            "starred": k.starred, "built_in": k.built_in}


def _campaign_out(c) -> dict:
    return {"id": c.pk, "year": c.year, "kind": c.kind.code, "kind_name": c.kind.name, "subject": c.kind.subject,
            "starred": c.kind.starred, "criteria": c.criteria, "thresholds": c.thresholds,
            "publicity_days": c.publicity_days}


def _entry_out(e: Entry) -> dict:
    return {"id": e.pk, "campaign": e.campaign_id, "kind": e.kind.code, "kind_name": e.kind.name, "year": e.year,
            "state": e.state, "origin": e.origin, "household": e.household_id,
            "address": e.household.address if e.household_id else "", "person": e.person_id,
            "name": queries.who(e), "scores": e.scores or {}, "total": e.total, "stars": e.stars, "notes": e.notes,
            "reason": e.reason, "published_on": e.published_on,
            "notice_until": e.notice_ends - datetime.timedelta(days=1) if e.notice_ends else None,
            "named_at": e.named_at, "revoked_at": e.revoked_at}


def _detail(e: Entry) -> dict:
    return {**_entry_out(e),
            "objections": [{"id": o.pk, "text": o.text, "created_at": o.created_at, "answer": o.answer,
                            "answered_at": o.answered_at} for o in e.objections.all()],
            "photos": [reverse("honours:photo", args=[p.pk]) for p in e.photos.all()]}


def _title_out(e: Entry, names: dict) -> dict:
    village = names.get(e.village_path)
    return {"id": e.pk, "kind": e.kind.code, "kind_name": e.kind.name, "year": e.year, "stars": e.stars,
            "village": village.code if village else "", "household": e.household_id,
            "address": e.household.address if e.household_id else "", "person": e.person_id, "name": queries.who(e),
            "named_at": e.named_at}


@router.get("/honours/kinds", response=list[KindOut])
@paginate(PageNumberPagination)
def kind_list(request):
    """The honours of the caller's town: the built-in three (once the town has opened a campaign or added
    one) and those it added."""
    return Rendered(actions.visible_kinds(request.user).select_related("town").order_by("town_id", "id"), _kind_out)


@router.post("/honours/kinds", response={201: KindOut, **ERRORS})
def kind_add(request, body: KindIn):
    """The town adds an honour for households or persons (好媳妇, 好公婆 ...)."""
    try:
        kind = actions.do_add_kind(request.user, body.name, body.subject, body.starred, body.code)
    except HonourError as exc:
        return _refused(exc)
    return Status(201, _kind_out(kind))


class CampaignFilter(Schema):
    year: int | None = None
    kind: str | None = Field(None, description="code of the honour")


@router.get("/honours/campaigns", response=list[CampaignOut])
@paginate(PageNumberPagination)
def campaign_list(request, filters: Query[CampaignFilter]):
    """The campaigns of the caller's town, newest year first."""
    rows = actions.visible_campaigns(request.user).select_related("kind").order_by("-year", "kind_id", "id")
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.kind:
        rows = rows.filter(kind__code=filters.kind)
    return Rendered(rows, _campaign_out)


@router.post("/honours/campaigns", response={201: CampaignOut, **ERRORS})
def campaign_add(request, body: CampaignIn):
    """The town opens a year's campaign for one of its honours with a score sheet (town staff)."""
    try:
        campaign = actions.do_create_campaign(request.user, body.year, body.kind,
                                              [c.dict() for c in body.criteria], body.thresholds,
                                              body.publicity_days)
    except HonourError as exc:
        return _refused(exc)
    return Status(201, _campaign_out(campaign))


class EntryFilter(Schema):
    campaign: int | None = None
    state: str | None = Field(None, description="submitted, inspected, approved, rejected, published, named, revoked")
    scope: ScopeCode = Field(None, description="code of a region or grid")


@router.get("/honours/entries", response=list[EntryOut])
@paginate(PageNumberPagination)
def entry_list(request, filters: Query[EntryFilter]):
    """Entries the caller sees: staff those under their node; residents their own and their village's
    public list."""
    rows = actions.visible_entries(request.user).select_related(*queries.TITLE_RELATED).order_by("path", "id")
    if filters.scope:
        node = scope_node(request.user, filters.scope, above=True)
        if node is None:
            raise Http404
        rows = rows.filter(path__startswith=node.path)
    if filters.campaign:
        rows = rows.filter(campaign_id=filters.campaign)
    if filters.state:
        rows = rows.filter(state=filters.state)
    return Rendered(rows, _entry_out)


@router.post("/honours/entries", response={201: EntryDetailOut, **ERRORS})
def entry_add(request, body: EntryIn):
    """A household applies (residents, party members: their own) or the grid worker nominates."""
    try:
        entry = actions.do_enter(request.user, body.campaign, household=body.household, person=body.person)
    except HonourError as exc:
        return _refused(exc)
    return Status(201, _detail(entry))


@router.get("/honours/entries/{entry_id}", response={200: EntryDetailOut, 404: ErrorOut})
def entry_detail(request, entry_id: int):
    entry = actions.visible_entries(request.user).select_related(*queries.TITLE_RELATED).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return _detail(entry)


@router.post("/honours/entries/{entry_id}/actions", response={200: EntryDetailOut, **ERRORS})
def entry_action(request, entry_id: int, body: ActionIn):
    """One step of the life cycle: inspect (scores, notes), review (decision, reason), publish, object
    (text), answer (objection, text), name, revoke (reason). 409 when the state does not allow it."""
    try:
        actions.do_action(request.user, entry_id, body.action, scores=body.scores, notes=body.notes,
                          decision=body.decision, reason=body.reason, text=body.text, objection=body.objection)
    except HonourError as exc:
        return _refused(exc)
    return _detail(Entry.objects.select_related(*queries.TITLE_RELATED).get(pk=entry_id))


@router.post("/honours/entries/{entry_id}/photos", response={201: IdOut, **ERRORS})
def entry_photo(request, entry_id: int, file: File[UploadedFile]):
    """An inspection photo (JPEG, PNG, WebP or GIF), checked by its content and stored re-encoded without EXIF."""
    try:
        photo = actions.do_add_photo(request.user, entry_id, file)
    except HonourError as exc:
        return _refused(exc)
    return Status(201, {"id": photo.pk})


class TitleFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid; default the caller's own node")
    kind: str | None = Field(None, description="code of the honour")
    year: int | None = None


def _node_path(request, scope) -> str:
    if not scope:
        return ""
    node = scope_node(request.user, scope, above=True)
    if node is None:
        raise Http404
    return node.path


class CountsOut(Schema):
    items: list[CountOut]
    count: int


@router.get("/honours/counts", response={200: CountsOut, 404: ErrorOut, 422: InvalidOut})
def title_counts(request, page: Query[PageIn], scope: ScopeCode = None, year: int | None = None):
    """Named titles per village, year and honour."""
    rows = queries.counts(actions.visible_entries(request.user), _node_path(request, scope), year)
    return page_of(rows, page)


@router.get("/honours", response=list[TitleOut])
@paginate(PageNumberPagination)
def title_list(request, filters: Query[TitleFilter]):
    """Named titles (not revoked) by node, honour and year; a title holds for its campaign's year."""
    path = _node_path(request, filters.scope)
    rows = queries.titles(actions.visible_entries(request.user), path, filters.kind, filters.year)

    def render(page):
        names = queries.villages(e.village_path for e in page)
        return [_title_out(e, names) for e in page]

    return _Page(rows, render)


class _Page(Rendered):
    """Rendered with a renderer of the whole page (one query for the villages of the page)."""

    def __getitem__(self, index):
        return self.render(list(self.rows[index]))
