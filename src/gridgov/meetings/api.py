"""Organisational life (三会一课 · 主题党日) in the JSON API under /api/v1/party/: meetings with their
attendance, the compliance of each organisation in a month or quarter, and the town's rules.

Thin: parse, call an action (actions.py) or a query (queries.py), render. Refusals answer {"detail"}
with their status (404 outside the caller's reach, 409 a locked record); bad input 422 naming the field.
"""

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core import clock
from gridgov.core.api import ErrorOut, InvalidOut, PageIn, Rendered, page_of
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import VIEW, can, restrict
from gridgov.org.api import ScopeCode
from gridgov.org.models import Region
from gridgov.org.queries import scope_node

from . import actions, periods, queries
from .actions import MeetingError
from .models import Meeting

router = Router(tags=["meetings"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


def _refused(exc: MeetingError):
    if exc.status == 400:
        return _invalid(exc.field, exc.message)
    if exc.status == 403:
        raise Http404
    return Status(exc.status, {"detail": exc.message})


class AbsentIn(Schema):
    person: int
    reason: str = Field(..., description="sick, personal, migrant or other (or 病假, 事假, 外出务工, 其他)")
    note: str = ""


class MeetingIn(Schema):
    org: str = Field(..., description="code of the party branch or grid party group")
    kind: str = Field(..., description="committee, general, group, lecture, theme_day or a kind the town added")
    date: datetime.date
    topic: str
    attendees: list[int] = Field(..., description="ids of the members present")
    absent: list[AbsentIn] = []
    minutes: str = ""
    place: str = ""
    host: int | None = Field(None, description="id of the member who chaired")
    resolutions: str = ""
    late_reason: str = Field("", description="required when the record has locked (after the town's lock days)")


class AttendanceOut(Schema):
    person: int
    present: bool
    reason: str


class MeetingOut(Schema):
    id: int
    org: str
    org_name: str
    kind: str
    kind_name: str
    date: datetime.date
    topic: str
    place: str
    late: bool
    late_reason: str
    entered_at: datetime.datetime
    present: int
    absent: int


class MeetingDetailOut(MeetingOut):
    host: int | None
    minutes: str
    resolutions: str
    attendance: list[AttendanceOut]
    photos: list[int]


def _meeting_out(m: Meeting) -> dict:
    rows = list(m.attendance.all())
    return {"id": m.pk, "org": m.org.code, "org_name": m.org.name, "kind": m.kind.code, "kind_name": str(m.kind.label),
            "date": m.date, "topic": m.topic, "place": m.place, "late": m.late, "late_reason": m.late_reason,
            "entered_at": m.entered_at, "present": sum(1 for a in rows if a.present),
            "absent": sum(1 for a in rows if not a.present)}


@router.post("/party/meetings", response={201: MeetingOut, **ERRORS})
def meeting_record(request, body: MeetingIn):
    """Record a meeting held by a branch or grid party group (its village's secretary). Attendees must be
    members of the organisation (422); after the town's lock days the entry is late and needs `late_reason`."""
    try:
        meeting = actions.do_record(
            request.user, body.org, body.kind, body.date, body.topic, attendees=body.attendees,
            absent=[a.dict() for a in body.absent], place=body.place, host=body.host, minutes=body.minutes,
            resolutions=body.resolutions, late_reason=body.late_reason)
    except MeetingError as exc:
        return _refused(exc)
    return Status(201, _meeting_out(Meeting.objects.select_related("org", "kind").prefetch_related("attendance")
                                    .get(pk=meeting.pk)))


class MeetingFilter(Schema):
    org: str | None = Field(None, description="code of a party organisation")
    kind: str | None = Field(None, description="code of a kind of meeting")
    since: datetime.date | None = Field(None, description="first day, inclusive")
    until: datetime.date | None = Field(None, description="last day, inclusive")


@router.get("/party/meetings", response=list[MeetingOut])
@paginate(PageNumberPagination)
def meeting_list(request, filters: Query[MeetingFilter]):
    """Meetings in the caller's reach, newest first (secretaries: their village's; town staff: the town's;
    party members: those they were counted at; others: none)."""
    rows = (restrict(request.user, VIEW, Meeting).select_related("org", "kind").prefetch_related("attendance")
            .order_by("-date", "-id"))
    if filters.org:
        rows = rows.filter(org__code=filters.org.strip())
    if filters.kind:
        rows = rows.filter(kind__code=filters.kind.strip())
    if filters.since:
        rows = rows.filter(date__gte=filters.since)
    if filters.until:
        rows = rows.filter(date__lte=filters.until)
    return Rendered(rows, _meeting_out)


def _detail(user, meeting_id: int) -> dict | None:
    m = (restrict(user, VIEW, Meeting).select_related("org", "kind").prefetch_related("attendance", "photos")
         .filter(pk=meeting_id).first())
    if m is None:
        return None
    return {**_meeting_out(m), "host": m.host_id, "minutes": m.minutes, "resolutions": m.resolutions,
            "attendance": [{"person": a.person_id, "present": a.present, "reason": a.reason} for a in m.attendance.all()],
            "photos": [p.pk for p in m.photos.all()]}


@router.get("/party/meetings/{meeting_id}", response={200: MeetingDetailOut, 404: ErrorOut})
def meeting_detail(request, meeting_id: int):
    out = _detail(request.user, meeting_id)
    if out is None:
        raise Http404
    return out


class MeetingPatch(Schema):
    org: str | None = Field(None, description="stays the meeting's own (422 if another)")
    kind: str | None = Field(None, description="stays the meeting's own (422 if another)")
    date: datetime.date | None = Field(None, description="not after the day the record was entered; a day whose "
                                                         "lock has passed makes it a late entry (`late_reason`)")
    topic: str | None = None
    attendees: list[int] | None = Field(None, description="ids of the members present; without `absent`, the "
                                                          "absent not listed here stay absent")
    absent: list[AbsentIn] | None = Field(None, description="without `attendees`, the present not listed here stay "
                                                            "present")
    minutes: str | None = None
    place: str | None = None
    host: int | None = Field(None, description="id of the member who chaired; null clears it")
    resolutions: str | None = None
    late_reason: str | None = None


@router.patch("/party/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def meeting_edit(request, meeting_id: int, body: MeetingPatch):
    """Correct a meeting before its record locks (the secretary who may record it; 404 to anyone else, as
    for recording; 409 once locked): the fields given change, attendance, counts and the attendance points
    follow. Organisation and kind stay (422 if another is given)."""
    changes = body.dict(exclude_unset=True)
    if "absent" in changes and changes["absent"] is not None:
        changes["absent"] = [a.dict() for a in body.absent]
    try:
        actions.do_edit(request.user, meeting_id, **changes)
    except MeetingError as exc:
        return _refused(exc)
    return _detail(request.user, meeting_id)


@router.post("/party/meetings/{meeting_id}/photos", response={201: dict, **ERRORS})
def meeting_photo(request, meeting_id: int, file: File[UploadedFile]):
    """A photo (JPEG, PNG, WebP or GIF, stored re-encoded without EXIF) or a PDF, Word or Excel file of the
    meeting (its minutes), checked by content, before the record locks."""
    try:
        photo = actions.do_add_photo(request.user, meeting_id, file)
    except MeetingError as exc:
        return _refused(exc)
    return Status(201, {"id": photo.pk})


class ComplianceItem(Schema):
    org: str = Field(..., description="code of the party organisation")
    name: str
    kind: str = Field(..., description="branch or group")
    required: int = Field(..., description="meetings its town's rules require in the period (slots ending in it)")
    held: int = Field(..., description="slots with a meeting entered on time")
    late: int = Field(..., description="slots with only a late entry")
    missing: int = Field(..., description="slots over without a meeting")
    pending: int = Field(..., description="slots not over yet without a meeting")
    meetings: int
    attendance_rate: float | None = Field(None, description="present / expected at its meetings in the period")


class ComplianceFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid; default the caller's own node")
    period: str | None = Field(None, description="a quarter (2026Q4) or a month (2026-12); default the current quarter")


class ComplianceOut(Schema):
    items: list[ComplianceItem]
    count: int
    period: str
    since: datetime.date
    until: datetime.date


def resolve_scope(user, code: str | None) -> str | None:
    """The path a `scope=` names for the caller (default their own node); None for nothing to show."""
    if not can(user, VIEW, "meeting") or user.role == "party_member":
        return None
    node = scope_node(user, code) if code else None
    if code and node is None:
        return None
    path = node.path if node is not None else user.scope_path
    if not path and user.is_superuser:
        path = Region.objects.filter(level=Region.Level.COUNTY).values_list("path", flat=True).first() or ""
    return path or None


@router.get("/party/compliance", response={200: ComplianceOut, 404: ErrorOut, 422: InvalidOut})
def compliance(request, page: Query[PageIn], filters: Query[ComplianceFilter]):
    """Per branch and grid party group of the scope: the meetings its town's rules require in the period,
    how many were held on time, late or are missing, and the attendance rate."""
    path = resolve_scope(request.user, filters.scope)
    if path is None:
        raise Http404
    today = timezone.localdate(clock.now())
    try:
        since, until = periods.parse(filters.period) if filters.period else periods.slot("quarter", today)
    except ValueError:
        return _invalid("period", _("Give a quarter such as 2026Q4 or a month such as 2026-12."))
    rows = queries.compliance(path, since, until, today)
    return {**page_of(rows, page), "period": periods.label(since, until), "since": since, "until": until}


class RuleIn(Schema):
    town: str = Field(..., description="code of the town")
    org_kind: str = Field(..., description="branch or group")
    kind: str = Field(..., description="code of the kind of meeting")
    frequency: str = Field(..., description="month, quarter or none")


class RuleOut(Schema):
    town: str
    org_kind: str
    kind: str
    frequency: str


@router.post("/party/meeting-rules", response={200: RuleOut, **ERRORS})
def meeting_rule(request, body: RuleIn):
    """Set how often the town's branches or grid party groups hold a kind of meeting (town staff)."""
    town = Region.objects.filter(code=body.town.strip(), level=Region.Level.TOWN).first()
    try:
        rule = actions.do_set_rule(request.user, town, body.org_kind, body.kind, body.frequency)
    except MeetingError as exc:
        return _refused(exc)
    return {"town": town.code, "org_kind": rule.org_kind, "kind": rule.kind.code, "frequency": rule.frequency}
