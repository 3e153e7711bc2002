"""The audit log: every write goes through record() or record_many()."""

import datetime
import decimal
import operator
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from . import bulk
from .context import current_actor, current_request_id
from .models import AuditEntry


def snapshot(obj, fields: list[str] | None = None) -> dict:
    """A JSON-safe dict of an object's audited fields.

    Models list what may appear in the log in `audit_fields`; sealed personal data is never
    among them, so the log holds no ID numbers or phones in clear.
    """
    names = fields or _audited(obj)
    data = {}
    for name in names:
        value = getattr(obj, name, None)
        # Most values are plain: one type lookup instead of two isinstance() calls (an import of a
        # county snapshots a million objects).
        if value is not None and type(value) not in _PLAIN:
            value = _json_safe(value)
        data[name] = value
    return data


_PLAIN = frozenset({str, int, bool, float})


def _json_safe(value):
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, uuid.UUID)):
        value = str(value)
    return value


def _audited(obj) -> list[str]:
    return getattr(obj, "audit_fields", None) or [
        f.attname for f in obj._meta.concrete_fields if not f.attname.endswith(("_enc", "_hash"))
    ]


def snapshots(objs: list) -> list[dict]:
    """snapshot() of many objects of one model: their values read from each object's dict by one
    itemgetter call (an import of a county snapshots a million new objects; read as attributes, each
    foreign key's column goes through its descriptor)."""
    if not objs:
        return []
    names = _audited(objs[0])
    if len(names) < 2:
        return [snapshot(obj, names) for obj in objs]
    values_of = operator.itemgetter(*names)
    result = []
    for obj in objs:
        try:
            values = values_of(obj.__dict__)
        except KeyError:  # a property, or a field not loaded: snapshot() reads it as an attribute
            result.append(snapshot(obj, names))
            continue
        data = dict(zip(names, values))
        for name, value in data.items():
            # Only the odd value needs snapshot()'s conversion (a person's birth date): converting it
            # alone instead of snapshotting the whole object again was 0.7 s of 10 s writing 100k people.
            if value is not None and type(value) not in _PLAIN:
                data[name] = _json_safe(value)
        result.append(data)
    return result


def _path_of(obj) -> str:
    # The object's org path (an account's is its scope), so browsing the log is scoped like everything else.
    return getattr(obj, getattr(obj, "scope_path_field", "path"), "") or ""


def entry(action: str, obj, before, after, actor=None, object_repr: str | None = None) -> AuditEntry:
    """The audit row record() writes, not written yet: for a caller that sends it with its other writes."""
    actor = actor if actor is not None else current_actor()
    # bulk.instance, not AuditEntry(...): an import makes tens of thousands of these, and Django's
    # keyword constructor was most of their cost.
    return bulk.instance(
        AuditEntry,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=obj._meta.label_lower if isinstance(obj, models.Model) else str(obj),
        object_id=str(getattr(obj, "pk", "") or ""),
        object_repr=(str(obj) if object_repr is None else object_repr)[:200],
        path=_path_of(obj),
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def record(action: str, obj, before: dict | None = None, after: dict | None = None, actor=None) -> AuditEntry:
    return bulk.insert_one(entry(action, obj, before, after, actor))


def record_many(action: str, rows: list[tuple], actor=None, batch_size: int = 2000) -> None:
    """Bulk path for imports: rows of (obj, before, after)."""
    AuditEntry.objects.bulk_create(
        [entry(action, obj, before, after, actor) for obj, before, after in rows], batch_size=batch_size
    )


def record_runs(action: str, rows: list[tuple], actor=None) -> int:
    """Bulk path for imports of a county: one audit row per run of consecutive ids at one path, instead
    of one per object (a county's import wrote 1.3M rows and spent a third of its time on them).

    rows are (obj, before, after) as for record_many. Each row written keeps every object's values,
    keyed by id, and the run's first and last id, so "who wrote this row, and when" is still one
    indexed query (`entries_about`). A run of one object is written exactly as record() would.
    Objects are grouped by their path so that browsing the log stays scoped: a grid worker sees the
    rows about their grid's people as before. Returns the number of audit rows written."""
    if not rows:
        return 0
    # Each object's id read once (pk is a property): (pk, obj, before, after) grouped by path.
    by_path: dict[str, list[tuple]] = {}
    for obj, before, after in rows:
        by_path.setdefault(_path_of(obj), []).append((obj.pk, obj, before, after))
    entries = []
    for group in by_path.values():
        group.sort(key=_first)
        start = 0
        for i in range(1, len(group) + 1):
            if i == len(group) or group[i][0] != group[i - 1][0] + 1:
                entries.append(_run_entry(action, group[start:i], actor))
                start = i
    # COPY on PostgreSQL: a county's rows carry tens of megabytes of values, which an INSERT's text parses slowly.
    bulk.insert_new(entries)
    return len(entries)


_first = operator.itemgetter(0)


def _run_entry(action, run, actor) -> AuditEntry:
    """One audit row for a run of (pk, obj, before, after) with consecutive ids at one path."""
    if len(run) == 1:
        _pk, obj, before, after = run[0]
        return entry(action, obj, before, after, actor)
    first, last = run[0][0], run[-1][0]
    has_before = any(before for _pk, _obj, before, _after in run)
    row = entry(action, run[0][1], {str(pk): before for pk, _obj, before, _after in run} if has_before else None,
                {str(pk): after for pk, _obj, _before, after in run}, actor, object_repr=f"#{first}–#{last}")
    row.object_id = ""
    row.first_object_id, row.last_object_id = first, last
    return row


def entries_about(model_label: str, pk: int):
    """Every audit row about one object: its own rows and the bulk rows whose run covers it."""
    return AuditEntry.objects.filter(Q(object_id=str(pk)) | Q(first_object_id__lte=pk, last_object_id__gte=pk),
                                     object_type=model_label)


def covered_ids(entry: AuditEntry) -> list[int]:
    """The ids of the objects an audit row is about: its run's, or its one object's."""
    if entry.first_object_id is not None:
        return list(range(entry.first_object_id, entry.last_object_id + 1))
    return [int(entry.object_id)] if entry.object_id.isdigit() else []


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, so update rows stay readable."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


# What each audited action is called on the audit log page, in one table for every app (the codes are
# written where the actions are: org.actions, cases.actions, points, stars, open311). A code missing
# here is shown as itself, so a new action is never hidden, only less readable.
ACTION_LABELS = {
    "region.create": pgettext_lazy("audit action", "Add a region"),
    "region.update": pgettext_lazy("audit action", "Change a region"),
    "grid.create": pgettext_lazy("audit action", "Add a grid"),
    "grid.update": pgettext_lazy("audit action", "Change a grid"),
    "grid.geometry": pgettext_lazy("audit action", "Draw a grid's boundary"),
    "household.create": pgettext_lazy("audit action", "Add a household"),
    "household.update": pgettext_lazy("audit action", "Change a household"),
    "person.create": pgettext_lazy("audit action", "Add a person"),
    "person.update": pgettext_lazy("audit action", "Change a person"),
    "person.reveal_id_number": pgettext_lazy("audit action", "See an ID number in full"),
    "person.reveal_phone": pgettext_lazy("audit action", "See a phone number in full"),
    "party_org.create": pgettext_lazy("audit action", "Add a party organisation"),
    "party_org.update": pgettext_lazy("audit action", "Change a party organisation"),
    "post.create": pgettext_lazy("audit action", "Assign a post"),
    "post.update": pgettext_lazy("audit action", "Change a post"),
    "post.delete": pgettext_lazy("audit action", "Remove a post"),
    "user.create": pgettext_lazy("audit action", "Create an account"),
    "user.update": pgettext_lazy("audit action", "Change an account"),
    "user.password": pgettext_lazy("audit action", "Change a password"),
    "user.token": pgettext_lazy("audit action", "Issue an API token"),
    "user.token_revoked": pgettext_lazy("audit action", "Revoke API tokens"),
    "system.backup": pgettext_lazy("audit action", "Back up the system"),
    "system.restore": pgettext_lazy("audit action", "Restore the system from a backup"),
    "user.otp_enrol": pgettext_lazy("audit action", "Set up two-factor sign-in"),
    "user.otp_recovery_used": pgettext_lazy("audit action", "Sign in with a recovery code"),
    "user.otp_recovery_new": pgettext_lazy("audit action", "Make new recovery codes"),
    "user.otp_remove": pgettext_lazy("audit action", "Turn off two-factor sign-in"),
    "user.otp_reset": pgettext_lazy("audit action", "Reset an account's second factor"),
    "audit.export": pgettext_lazy("audit action", "Export the audit log"),
    "audit.purge": pgettext_lazy("audit action", "Purge old audit rows"),
    "account.lock": pgettext_lazy("audit action", "Lock an account"),
    "account.unlock": pgettext_lazy("audit action", "Unlock an account"),
    "org.import": pgettext_lazy("audit action", "Import a spreadsheet"),
    "org.export": pgettext_lazy("audit action", "Export a spreadsheet"),
    "demo.load": pgettext_lazy("audit action", "Load the demo data"),
    "case.report": pgettext_lazy("audit action", "Report a case"),
    "case.accept": pgettext_lazy("audit action", "Accept a case"),
    "case.reject": pgettext_lazy("audit action", "Reject a case"),
    "case.merge": pgettext_lazy("audit action", "Merge into another case"),
    "case.merged_in": pgettext_lazy("audit action", "Take in a merged case"),
    "case.escalate": pgettext_lazy("audit action", "Escalate a case"),
    "case.dispatch": pgettext_lazy("audit action", "Dispatch a case"),
    "case.publish": pgettext_lazy("audit action", "Publish to the order pool"),
    "case.transfer": pgettext_lazy("audit action", "Transfer a case"),
    "case.claim": pgettext_lazy("audit action", "Claim a case"),
    "case.return": pgettext_lazy("audit action", "Return a case"),
    "case.extend": pgettext_lazy("audit action", "Request an extension"),
    "case.approve_extension": pgettext_lazy("audit action", "Decide on an extension"),
    "case.suspend": pgettext_lazy("audit action", "Suspend a case"),
    "case.resume": pgettext_lazy("audit action", "Resume a case"),
    "case.resolve": pgettext_lazy("audit action", "Resolve a case"),
    "case.verify": pgettext_lazy("audit action", "Verify a case"),
    "case.reopen": pgettext_lazy("audit action", "Reopen for rework"),
    "case.rate": pgettext_lazy("audit action", "Rate a case"),
    "case.auto_rate": pgettext_lazy("audit action", "Rate automatically"),
    "case.overdue": pgettext_lazy("audit action", "Mark as overdue"),
    "case.supervise": pgettext_lazy("audit action", "Issue a supervision order"),
    "case.answer_supervision": pgettext_lazy("audit action", "Answer a supervision order"),
    "case.comment": pgettext_lazy("audit action", "Add a note"),
    "case.add_photo": pgettext_lazy("audit action", "Add a photo"),
    "case.reveal_phone": pgettext_lazy("audit action", "See a reporter's phone in full"),
    "case.ledger_export": pgettext_lazy("audit action", "Export the case ledger"),
    "case_category.create": pgettext_lazy("audit action", "Add a case category"),
    "case_category.update": pgettext_lazy("audit action", "Change a case category"),
    "case_unit.create": pgettext_lazy("audit action", "Add a handling unit"),
    "case_unit.members": pgettext_lazy("audit action", "Change a unit's members"),
    "holiday.set": pgettext_lazy("audit action", "Set a holiday or make-up workday"),
    "holiday.remove": pgettext_lazy("audit action", "Remove a holiday"),
    "notification.read": pgettext_lazy("audit action", "Read notifications"),
    "open311.request": pgettext_lazy("audit action", "Receive an Open311 request"),
    "open311.key_issue": pgettext_lazy("audit action", "Issue an Open311 key"),
    "open311.key_revoke": pgettext_lazy("audit action", "Revoke an Open311 key"),
    "open311.attribute_create": pgettext_lazy("audit action", "Add an Open311 attribute"),
    "open311.attribute_update": pgettext_lazy("audit action", "Change an Open311 attribute"),
    "open311.attribute_remove": pgettext_lazy("audit action", "Remove an Open311 attribute"),
    "open311.public_services": pgettext_lazy("audit action", "Choose the services Open311 publishes"),
    "points.award": pgettext_lazy("audit action", "Award points"),
    "points.deduction": pgettext_lazy("audit action", "Deduct points"),
    "points.redeem": pgettext_lazy("audit action", "Redeem points"),
    "points.refund": pgettext_lazy("audit action", "Refund points"),
    "points.reversal": pgettext_lazy("audit action", "Reverse an entry"),
    "points.settlement": pgettext_lazy("audit action", "Settle the year's points"),
    "points.sanction": pgettext_lazy("audit action", "Deduct points as a sanction"),
    "points.claim_filed": pgettext_lazy("audit action", "File a points claim"),
    "points.claim_reviewed": pgettext_lazy("audit action", "Review a points claim"),
    "points.claim_approved": pgettext_lazy("audit action", "Approve a points claim"),
    "points.claim_rejected": pgettext_lazy("audit action", "Reject a points claim"),
    "points.claim_counted": pgettext_lazy("audit action", "Count a points claim"),
    "points.claim_photo": pgettext_lazy("audit action", "Add a photo to a points claim"),
    "points.order_placed": pgettext_lazy("audit action", "Place an order in the shop"),
    "points.order_picked_up": pgettext_lazy("audit action", "Hand over an order"),
    "points.order_expired": pgettext_lazy("audit action", "Expire an order (refunded)"),
    "points.order_cancelled": pgettext_lazy("audit action", "Cancel an order (refunded)"),
    "points.product_saved": pgettext_lazy("audit action", "Save a product"),
    "points.rule_saved": pgettext_lazy("audit action", "Save a points rule"),
    "points.shop_created": pgettext_lazy("audit action", "Open a shop"),
    "points.clerk_added": pgettext_lazy("audit action", "Add a shop clerk"),
    "points.board_link": pgettext_lazy("audit action", "Create a public board link"),
    "points.rebuild": pgettext_lazy("audit action", "Rebuild the points balances"),
    "points.export_ledger": pgettext_lazy("audit action", "Export the points ledger"),
    "points.export_orders": pgettext_lazy("audit action", "Export the orders"),
    "stars.scheme.create": pgettext_lazy("audit action", "Create a five-star scheme"),
    "stars.scheme.update": pgettext_lazy("audit action", "Change a five-star scheme"),
    "stars.indicator.add": pgettext_lazy("audit action", "Add an indicator"),
    "stars.indicator.update": pgettext_lazy("audit action", "Change an indicator"),
    "stars.indicator.remove": pgettext_lazy("audit action", "Remove an indicator"),
    "stars.veto_item.add": pgettext_lazy("audit action", "Add a veto item"),
    "stars.veto_item.remove": pgettext_lazy("audit action", "Remove a veto item"),
    "stars.star.update": pgettext_lazy("audit action", "Change a star's threshold"),
    "stars.assessment.open": pgettext_lazy("audit action", "Open a quarter's assessment"),
    "stars.score.self": pgettext_lazy("audit action", "Score itself"),
    "stars.score.adjust": pgettext_lazy("audit action", "Adjust a score"),
    "stars.entry.add": pgettext_lazy("audit action", "Add a reward or penalty"),
    "stars.evidence.add": pgettext_lazy("audit action", "Add evidence"),
    "stars.income.set": pgettext_lazy("audit action", "Record collective income"),
    "stars.mentor.pair": pgettext_lazy("audit action", "Pair a mentor branch"),
    "stars.submit": pgettext_lazy("audit action", "Submit the self-assessment"),
    "stars.review": pgettext_lazy("audit action", "Review"),
    "stars.confirm": pgettext_lazy("audit action", "Confirm"),
    "stars.publish": pgettext_lazy("audit action", "Publish for publicity"),
    "stars.object": pgettext_lazy("audit action", "Object during publicity"),
    "stars.answer": pgettext_lazy("audit action", "Answer an objection"),
    "stars.name": pgettext_lazy("audit action", "Name the stars"),
    "stars.veto": pgettext_lazy("audit action", "Veto"),
}


def action_label(code: str) -> str:
    """The readable name of an audit action code (the code itself when it has none)."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_codes_matching(text: str) -> list[str]:
    """The codes whose readable name contains `text`, so the log can be filtered by what people read."""
    text = text.strip()
    return [code for code, label in ACTION_LABELS.items() if text in str(label)] if text else []
