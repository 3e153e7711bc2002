"""The JSON API of town tasks (任务清单、周提示、月例会、季督查) under /api/v1/.

`POST /tasks` issues a task to villages (201: the task and each village's assignment); `GET /tasks`
lists assignments (one per village and task) in the caller's scope; `POST /tasks/{id}/actions` takes
an action on an assignment (sign, progress, complete, accept, return): 409 when its state does not
allow it, 422 for `complete` without evidence when the task requires it (evidence is uploaded first
with `POST /tasks/{id}/evidence`). Thin: parse, call an action (actions.py), render.
"""

import datetime
from typing import Literal

from django.http import Http404
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

from . import actions, queries
from .actions import TaskError
from .models import Assignment, Meeting
from .policy import TASK

router = Router(tags=["tasks"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


def _refused(exc: TaskError):
    if exc.status == 400:
        return _invalid(exc.field, exc.message)
    return Status(exc.status, {"detail": exc.message})


class TaskIn(Schema):
    title: str
    content: str = ""
    deadline: datetime.date | None = Field(None, description="a workday of the working calendar; or give `days`")
    days: int | None = Field(None, description="instead of `deadline`: the n-th workday after today")
    villages: list[str] | str = Field("all", description='village codes, or "all" (every village of the town)')
    evidence_required: bool = False
    kind: str = Field("task", description="task, or hint (周提示: short, no evidence)")
    town: str | None = Field(None, description="code of the town; default the caller's")
    meeting: int | None = Field(None, description="the monthly meeting that issues it")


class AssignmentRef(Schema):
    id: int
    village: str


class TaskCreatedOut(Schema):
    id: int = Field(..., description="the task")
    deadline: datetime.date
    due_at: datetime.datetime = Field(..., description="the end of the deadline's working hours")
    assignments: list[AssignmentRef] = Field(..., description="one per village: the ids the actions take")


class AssignmentOut(Schema):
    id: int = Field(..., description="the assignment (one village's share of a task)")
    task: int
    kind: str
    title: str
    village: str = Field(..., description="code of the village")
    village_name: str
    state: str = Field(..., description="issued, signed, in_progress, completed or accepted")
    deadline: datetime.date
    due_at: datetime.datetime
    evidence_required: bool
    clock: str | None = Field(None, description="normal, due_soon or overdue while the village has it")
    overdue: bool
    late: bool = Field(..., description="completed after its deadline")
    signed_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    returns: int
    meeting: int | None


class EventOut(Schema):
    action: str
    note: str
    at: datetime.datetime
    files: list[int]


class AssignmentDetailOut(AssignmentOut):
    content: str
    attachments: list[int]
    evidence_pending: list[int]
    events: list[EventOut]


class ActionIn(Schema):
    action: str = Field(..., description="sign, progress, complete, accept or return")
    note: str = ""


def _out(a: Assignment, now=None) -> dict:
    now = now or clock.now()
    t = a.task
    return {"id": a.pk, "task": t.pk, "kind": t.kind, "title": t.title, "village": a.village.code,
            "village_name": a.village.name, "state": a.state, "deadline": t.deadline, "due_at": a.due_at,
            "evidence_required": t.evidence_required, "clock": a.clock(now), "overdue": a.is_overdue(now),
            "late": a.late, "signed_at": a.signed_at, "completed_at": a.completed_at, "accepted_at": a.accepted_at,
            "returns": a.returns, "meeting": t.meeting_id}


@router.post("/tasks", response={201: TaskCreatedOut, **ERRORS})
def task_issue(request, body: TaskIn):
    """Issue a task (town staff) to some or all villages of the town; each village's secretaries are told."""
    meeting = None
    if body.meeting is not None:
        meeting = restrict(request.user, VIEW, Meeting).filter(pk=body.meeting).select_related("town").first()
        if meeting is None:
            return Status(404, {"detail": _("No such meeting.")})
    villages = body.villages if isinstance(body.villages, list) else body.villages.strip()
    try:
        task = actions.do_issue(request.user, body.title, body.content, deadline=body.deadline, days=body.days,
                                villages=villages, evidence_required=body.evidence_required, kind=body.kind,
                                town=body.town, meeting=meeting)
    except TaskError as exc:
        return _refused(exc)
    rows = Assignment.objects.filter(task=task).select_related("village").order_by("village__code")
    return Status(201, {"id": task.pk, "deadline": task.deadline, "due_at": task.due_at,
                        "assignments": [{"id": a.pk, "village": a.village.code} for a in rows]})


class TaskFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a region (town or village); default the caller's node")
    state: Literal["issued", "signed", "in_progress", "completed", "accepted"] | None = None
    overdue: bool | None = Field(None, description="true: only those past due and not completed")
    kind: Literal["task", "hint"] | None = None
    task: int | None = Field(None, description="the assignments of one task")


@router.get("/tasks", response=list[AssignmentOut])
@paginate(PageNumberPagination)
def task_list(request, filters: Query[TaskFilter]):
    """Assignments in the caller's scope (town staff: the town's; a village secretary: their village's),
    soonest due first."""
    rows = restrict(request.user, VIEW, Assignment).select_related("task", "village").order_by("due_at", "id")
    if filters.scope:
        node = scope_node(request.user, filters.scope)  # a town or village grid names its region's subtree
        if node is None:
            raise Http404
        rows = rows.filter(queries.under(node.path))
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.kind:
        rows = rows.filter(task__kind=filters.kind)
    if filters.task is not None:
        rows = rows.filter(task_id=filters.task)
    now = clock.now()
    if filters.overdue is True:
        rows = rows.filter(queries.overdue_q(now))
    elif filters.overdue is False:
        rows = rows.exclude(queries.overdue_q(now))
    return Rendered(rows, lambda a: _out(a, now))


class AccountabilityItem(Schema):
    village: str
    name: str
    due: int = Field(..., description="assignments due in the period (up to now)")
    on_time: int = Field(..., description="completed by their deadline")
    late: int = Field(..., description="completed after their deadline")
    overdue: int = Field(..., description="past due and still not completed")
    flagged: int = Field(..., description="late + overdue: what the 问责 list counts")


class AccountabilityFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a town or village; default the caller's node")
    since: datetime.date | None = Field(None, description="first day of the period; default the month's first")
    until: datetime.date | None = Field(None, description="last day; default today")


class AccountabilityOut(Schema):
    items: list[AccountabilityItem]
    count: int
    since: datetime.date
    until: datetime.date


@router.get("/tasks/accountability", response={200: AccountabilityOut, 404: ErrorOut, 422: InvalidOut})
def task_accountability(request, page: Query[PageIn], filters: Query[AccountabilityFilter]):
    """The 问责 list: per village of the scope, its assignments due in the period and how many were
    late or are overdue, the most flagged first."""
    user = request.user
    if not can(user, VIEW, TASK):
        raise Http404
    node = scope_node(user, filters.scope) if filters.scope else None
    if filters.scope and node is None:
        raise Http404
    path = node.path if node is not None else user.scope_path
    today = queries.today()
    since = filters.since or today.replace(day=1)
    until = filters.until or today
    if until < since:
        return _invalid("until", _("The period ends before it begins."))
    if (until - since).days > 800:
        return _invalid("since", _("At most two years at a time."))
    items = queries.accountability(path or "", since, until, clock.now())
    return {**page_of(items, page), "since": since, "until": until}


@router.get("/tasks/{int:assignment_id}", response={200: AssignmentDetailOut, 404: ErrorOut})
def task_detail(request, assignment_id: int):
    a = restrict(request.user, VIEW, Assignment).select_related("task", "village").filter(pk=assignment_id).first()
    if a is None:
        raise Http404
    events = list(a.events.prefetch_related("files"))
    return {**_out(a), "content": a.task.content,
            "attachments": list(a.task.files.values_list("pk", flat=True)),
            "evidence_pending": list(actions.pending_evidence(a).values_list("pk", flat=True)),
            "events": [{"action": e.action, "note": e.note, "at": e.at, "files": [f.pk for f in e.files.all()]}
                       for e in events]}


@router.post("/tasks/{int:assignment_id}/actions", response={200: AssignmentOut, **ERRORS})
def task_action(request, assignment_id: int, body: ActionIn):
    """Sign for, report progress on (a note), complete, accept or return (a note) a village's assignment.
    409 when its state does not allow the action; 422 for `complete` without evidence when the task
    requires it."""
    try:
        a = actions.do_act(request.user, assignment_id, body.action.strip(), body.note)
    except TaskError as exc:
        return _refused(exc)
    return _out(Assignment.objects.select_related("task", "village").get(pk=a.pk))


class FileOut(Schema):
    id: int
    name: str
    content_type: str


@router.post("/tasks/{int:assignment_id}/evidence", response={201: FileOut, **ERRORS})
def task_evidence(request, assignment_id: int, file: File[UploadedFile]):
    """A photo (re-encoded, without EXIF) or a PDF, Word or Excel file, checked by its content, for the
    completion to come."""
    try:
        row = actions.do_add_evidence(request.user, assignment_id, file)
    except TaskError as exc:
        return _refused(exc)
    return Status(201, {"id": row.pk, "name": row.name, "content_type": row.content_type})


class MeetingIn(Schema):
    date: datetime.date
    topic: str
    attendees: list[int] = Field([], description="ids of accounts of the town that attended")
    other_attendees: str = Field("", description="others who attended, written out")
    minutes: str = ""
    town: str | None = None


class IdOut(Schema):
    id: int


@router.post("/tasks/meetings", response={201: IdOut, **ERRORS})
def meeting_record(request, body: MeetingIn):
    """Record a monthly meeting (月例会) of the town; tasks it issues name it in `meeting`."""
    try:
        meeting = actions.do_record_meeting(request.user, body.date, body.topic, body.attendees,
                                            body.other_attendees, body.minutes, town=body.town)
    except TaskError as exc:
        return _refused(exc)
    return Status(201, {"id": meeting.pk})


class ItemIn(Schema):
    title: str
    max_points: float


class InspectionIn(Schema):
    quarter: str = Field(..., description="e.g. 2026Q3 (a quarter that has begun)")
    title: str
    items: list[ItemIn]
    town: str | None = None


class ScoreIn(Schema):
    item: int
    points: float
    note: str = ""


class ScoresIn(Schema):
    village: str = Field(..., description="code of a village of the town")
    scores: list[ScoreIn]


@router.post("/tasks/inspections", response={201: IdOut, **ERRORS})
def inspection_create(request, body: InspectionIn):
    """The town's quarterly inspection (季督查) with its checklist; one per town and quarter (409)."""
    label = body.quarter.strip().upper()
    if len(label) != 6 or label[4] != "Q" or not label[:4].isdigit() or label[5] not in "1234":
        return _invalid("quarter", _("Give a quarter such as 2026Q3."))
    try:
        inspection = actions.do_create_inspection(request.user, int(label[:4]), int(label[5]), body.title,
                                                  [(i.title, i.max_points) for i in body.items], town=body.town)
    except TaskError as exc:
        return _refused(exc)
    return Status(201, {"id": inspection.pk})


class RankOut(Schema):
    rank: int
    village: str
    name: str
    points: float
    max_points: float
    share: float | None


@router.post("/tasks/inspections/{int:inspection_id}/scores", response={200: list[RankOut], **ERRORS})
def inspection_score(request, inspection_id: int, body: ScoresIn):
    """Score a village on the checklist (again: replaces its points); answers the town's ranking."""
    from .models import Inspection

    inspection = restrict(request.user, VIEW, Inspection).select_related("town").filter(pk=inspection_id).first()
    if inspection is None:
        raise Http404
    village = Region.objects.filter(code=body.village.strip()[:20], parent=inspection.town).first()
    try:
        actions.do_score(request.user, inspection, village, {s.item: (s.points, s.note) for s in body.scores})
    except TaskError as exc:
        return _refused(exc)
    return [{**r, "village": r["code"]} for r in queries.ranking(inspection)]

