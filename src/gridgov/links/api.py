"""Links (党员联户) and contacts (联户走访) of the JSON API.

Thin: parse, call an action (actions.py), render. Refusals answer {"detail"} with 404 out of reach and
409 on a conflict; bad input 422 with field errors.
"""

import datetime
import uuid
from typing import Literal

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.api import ErrorOut, InvalidOut, Rendered
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import VIEW, restrict
from gridgov.org.api import ScopeCode
from gridgov.org.models import Household, Person
from gridgov.org.queries import scope_node

from . import actions, queries
from .actions import LinkError
from .models import Contact, Link

router = Router(tags=["links"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


def _refused(exc: LinkError):
    if exc.status == 422:
        return _invalid(exc.field, exc.message)
    return Status(exc.status, {"detail": exc.message})


class LinkOut(Schema):
    id: int
    member: int = Field(..., description="id of the member's person")
    household: int
    since: datetime.date
    until: datetime.date | None = Field(None, description="the day the link ended; null while active")
    reason: str = Field("", description="why it ended")


def _link_out(link: Link) -> dict:
    return {"id": link.pk, "member": link.member_id, "household": link.household_id, "since": link.since,
            "until": link.until, "reason": link.reason}


class LinkFilter(Schema):
    member: int | None = None
    household: int | None = None
    grid: int | None = Field(None, description="id of a small grid")
    active: bool | None = Field(None, description="true: only active links; false: only ended ones")


@router.get("/links", response=list[LinkOut])
@paginate(PageNumberPagination)
def link_list(request, filters: Query[LinkFilter]):
    """Links in scope, history included: staff under their node, a member their own, a resident their household's."""
    rows = restrict(request.user, VIEW, Link)
    if filters.member is not None:
        rows = rows.filter(member_id=filters.member)
    if filters.household is not None:
        rows = rows.filter(household_id=filters.household)
    if filters.grid is not None:
        rows = rows.filter(household__grid_id=filters.grid)
    if filters.active is not None:
        rows = rows.filter(until__isnull=filters.active)
    return Rendered(rows.order_by("path", "household_id", "-since", "-id"), _link_out)


class LinkIn(Schema):
    member: int = Field(..., description="id of the member's person")
    household: int
    since: datetime.date | None = Field(None, description="default today")


@router.post("/links", response={201: LinkOut, **ERRORS})
def link_create(request, body: LinkIn):
    """Village staff link a member to a household of their village (town staff: of their town). 409 when the
    household already has an active link."""
    household = restrict(request.user, VIEW, Household).filter(pk=body.household).first()
    member = restrict(request.user, VIEW, Person).filter(pk=body.member).select_related("household").first()
    if household is None or member is None:
        raise Http404
    try:
        link = actions.do_link(request.user, member, household, since=body.since)
    except LinkError as exc:
        return _refused(exc)
    return Status(201, _link_out(link))


class EndIn(Schema):
    reason: str = Field(..., max_length=200)


@router.post("/links/{link_id}/end", response={200: LinkOut, **ERRORS})
def link_end(request, link_id: int, body: EndIn):
    """End an active link (today); it stays in the history."""
    link = restrict(request.user, VIEW, Link).filter(pk=link_id).first()
    if link is None:
        raise Http404
    try:
        link = actions.do_end_link(request.user, link, body.reason)
    except LinkError as exc:
        return _refused(exc)
    return _link_out(link)


class CoverageIn(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid; default the caller's own node")
    month: str | None = Field(None, description="YYYY-MM; default this month")


class CoverageOut(Schema):
    scope: str
    month: str
    households: int
    linked: int = Field(..., description="households with a link active at the month's end (today in this month)")
    coverage_rate: float | None
    linked_in_month: int = Field(..., description="households with a link active on some day of the month")
    contacted: int = Field(..., description="of those, households contacted as often as the town requires")
    contact_rate: float | None = Field(..., description="contacted / linked_in_month")


@router.get("/links/coverage", response={200: CoverageOut, 404: ErrorOut, 422: InvalidOut})
def coverage(request, params: Query[CoverageIn]):
    """Link coverage and the contact rate of a node for a calendar month."""
    user = request.user
    node = scope_node(user, params.scope) if params.scope else (user.scope_node if user.scope_path else None)
    if node is None or not _may_see_figures(user):
        raise Http404
    try:
        year, month = queries.parse_month(params.month)
    except ValueError:
        return _invalid("month", _("Enter a month as YYYY-MM."))
    return {"scope": node.code, **queries.month_figures(node.path, year, month)}


def _may_see_figures(user) -> bool:
    from gridgov.core.scoping import SUBTREE, reach

    return reach(user, VIEW, "link") == SUBTREE


# --- contacts -----------------------------------------------------------------------------------------

class ContactOut(Schema):
    id: int
    member: int
    household: int
    way: str
    date: datetime.date
    topics: list[str]
    note: str
    lat: float | None
    lng: float | None
    case: int | None = Field(None, description="id of the case raised from it")
    photo: str | None = Field(None, description="URL of the contact's photo (EXIF-free), if it has one")


def _contact_out(c: Contact) -> dict:
    return {"id": c.pk, "member": c.member_id, "household": c.household_id, "way": c.way, "date": c.date,
            "topics": c.topics or [], "note": c.note, "lat": c.lat, "lng": c.lng, "case": c.case_id,
            "photo": reverse("api:contact_photo", kwargs={"contact_id": c.pk}) if c.photo else None}


class ContactFilter(Schema):
    member: int | None = None
    household: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


@router.get("/contacts", response=list[ContactOut])
@paginate(PageNumberPagination)
def contact_list(request, filters: Query[ContactFilter]):
    """Contacts in scope, newest first: staff under their node, a member their own."""
    rows = restrict(request.user, VIEW, Contact)
    if filters.member is not None:
        rows = rows.filter(member_id=filters.member)
    if filters.household is not None:
        rows = rows.filter(household_id=filters.household)
    if filters.since is not None:
        rows = rows.filter(date__gte=filters.since)
    if filters.until is not None:
        rows = rows.filter(date__lte=filters.until)
    return Rendered(rows.order_by("-date", "-id"), _contact_out)


Topic = Literal["thought", "development", "harmony", "livelihood"]


class ContactIn(Schema):
    household: int
    way: Literal["visit", "phone", "wechat"]
    date: datetime.date | None = Field(None, description="default today")
    topics: list[Topic] = []
    note: str = Field("", max_length=2000)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    client_id: uuid.UUID | None = Field(
        None, description="the contact's own id, a UUID the client makes once per contact: a repeat with the same "
                          "client_id by the same member answers 200 with the contact made the first time")


@router.post("/contacts", response={200: ContactOut, 201: ContactOut, **ERRORS})
def contact_create(request, body: ContactIn):
    """A member logs a contact with one of their own linked households (any other: 404). A date in the future
    or before the link began: 422. The same `client_id` again: 200 with the first contact, nothing written."""
    try:
        contact = actions.do_contact(request.user, body.household, body.way, body.date or queries.today(),
                                     body.topics, body.note, body.lat, body.lng, client_id=body.client_id)
    except LinkError as exc:
        return _refused(exc)
    return Status(200 if contact.repeated else 201, _contact_out(contact))


@router.post("/contacts/{contact_id}/photo", response={200: ContactOut, **ERRORS})
def contact_photo_upload(request, contact_id: int, file: File[UploadedFile]):
    """Add (or replace) the photo of one's own contact: JPEG, PNG, WebP or GIF, checked by content and stored
    re-encoded without EXIF. Anyone else's contact: 404."""
    try:
        contact = actions.do_contact_photo(request.user, contact_id, file)
    except LinkError as exc:
        return _refused(exc)
    return Status(200, _contact_out(contact))


@router.get("/contacts/{contact_id}/photo", url_name="contact_photo", response={404: ErrorOut})
def contact_photo(request, contact_id: int):
    """The stored photo, for those who may see the contact."""
    contact = restrict(request.user, VIEW, Contact).filter(pk=contact_id).exclude(photo="").first()
    if contact is None:
        raise Http404
    response = FileResponse(contact.photo.open("rb"), content_type=contact.photo_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


class ContactCaseIn(Schema):
    category: str = Field(..., description="code of a subcategory")
    description: str = Field(..., max_length=2000)


class CaseRef(Schema):
    id: int
    number: str


@router.post("/contacts/{contact_id}/case", response={201: CaseRef, **ERRORS})
def contact_case(request, contact_id: int, body: ContactCaseIn):
    """Raise a case from the member's contact (channel contact, the household's person as reporter)."""
    contact = restrict(request.user, VIEW, Contact).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    try:
        case = actions.do_contact_case(request.user, contact, body.category, body.description)
    except LinkError as exc:
        return _refused(exc)
    return Status(201, {"id": case.pk, "number": case.number})
