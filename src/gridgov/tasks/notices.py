"""Telling people about tasks, in the case loop's inbox and delivery channels: the same Notification rows
(without a case) and one Outbox row per channel of GRIDGOV_NOTIFY_CHANNELS, which the worker delivers.

gridgov.cases.routing.notify() words its notices around a case (its number and category), so this
module writes the rows the same way for notices that have no case."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from gridgov.core.scoping import TOWN_ADMIN, VILLAGE_SECRETARY
from gridgov.org.models import User

NOTICES = {
    "task_issued": gettext_lazy("New task from the town: %(title)s (due %(deadline)s)"),
    "task_hint": gettext_lazy("Weekly hint from the town: %(title)s"),
    "task_completed": gettext_lazy("%(village)s completed the task: %(title)s"),
    "task_returned": gettext_lazy("The town returned the task %(title)s: %(note)s"),
}


def _text(kind: str, data: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(NOTICES[kind] % data)[:300]


def tell(user_ids, kind: str, data: dict, now, exclude=None) -> int:
    from gridgov.cases import notices

    data = {k: str(v) for k, v in data.items()}
    return notices.send(user_ids, kind, _text(kind, data), now, data, exclude=exclude)


def _staff(role: str, paths) -> list[int]:
    return list(User.objects.filter(role=role, is_active=True, scope_path__in=list(paths)).values_list("pk", flat=True))


def issued(task, villages, now, exclude=None) -> int:
    """The secretaries of each village get the new task."""
    kind = "task_hint" if task.kind == "hint" else "task_issued"
    data = {"title": task.title, "deadline": task.deadline.isoformat(), "link": "/tasks/"}
    return tell(_staff(VILLAGE_SECRETARY, {v.path for v in villages}), kind, data, now, exclude)


def completed(assignment, now, exclude=None) -> int:
    """The town's staff hear that a village completed (their turn to accept or return)."""
    data = {"title": assignment.task.title, "village": assignment.village.name,
            "link": f"/tasks/a/{assignment.pk}/"}
    return tell(_staff(TOWN_ADMIN, {assignment.task.path}), "task_completed", data, now, exclude)


def returned(assignment, note: str, now, exclude=None) -> int:
    data = {"title": assignment.task.title, "note": note[:100],
            "link": f"/tasks/a/{assignment.pk}/"}
    return tell(_staff(VILLAGE_SECRETARY, {assignment.path}), "task_returned", data, now, exclude)
