"""Every change to organisational life goes through a do_<verb> function here: each checks the actor,
writes in a transaction with an audit row. A refusal raises MeetingError (404 outside the actor's reach,
409 a locked record, 400 bad input naming its field) and changes nothing."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.core.scoping import CHANGE, can
from gridgov.org.models import PartyOrg, Person, Region
from gridgov.org.paths import town_path

from .models import (
    BUILTIN_LABELS,
    DEFAULT_LOCK_DAYS,
    DEFAULT_RULES,
    FREQUENCIES,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingPhoto,
    MeetingRule,
    MeetingSettings,
)
from .policy import RECORD

MAX_TEXT = 5000
MAX_PHOTOS = 9
ORG_KINDS = (PartyOrg.Kind.BRANCH, PartyOrg.Kind.GROUP)
# Reasons of absence as the API and the pages take them (codes, or the Chinese words the paper forms use).
REASON_WORDS = {"病假": "sick", "事假": "personal", "外出务工": "migrant", "其他": "other"}


class MeetingError(Exception):
    def __init__(self, message, status: int = 400, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def _text(value, field: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise MeetingError(_("This field is required."), field=field)
    if len(value) > limit:
        raise MeetingError(_("Keep it under %(n)d characters.") % {"n": limit}, field=field)
    return value


# --- the town's rules and settings --------------------------------------------------------------------

def town_of(path: str) -> Region | None:
    tp = town_path(path)
    return Region.objects.filter(path=tp, level=Region.Level.TOWN).first() if tp else None


def settings_for(town: Region | None) -> tuple[int, bool]:
    """(lock days, whether members away for work count in attendance) of a town."""
    row = MeetingSettings.objects.filter(town=town).first() if town is not None else None
    return (row.lock_days, row.count_migrants) if row else (DEFAULT_LOCK_DAYS, False)


def kinds_for(town: Region | None):
    """The built-in kinds and the town's own."""
    q = Q(town__isnull=True) | (Q(town=town) if town is not None else Q(pk__in=[]))
    return MeetingKind.objects.filter(q).order_by("id")


def rules_for_paths(town_paths) -> dict[str, dict[tuple[str, int], str]]:
    """For each town path: {(org kind, meeting kind id): frequency}, the defaults overlaid with the
    town's own rules (two queries whatever the number of towns)."""
    builtin = {k.code: k.pk for k in MeetingKind.objects.filter(town__isnull=True)}
    base = {(ok, builtin[code]): freq for (ok, code), freq in DEFAULT_RULES.items() if code in builtin}
    out = {tp: dict(base) for tp in town_paths}
    for tp, org_kind, kind_id, freq in MeetingRule.objects.filter(path__in=list(town_paths)).values_list(
            "path", "org_kind", "kind_id", "frequency"):
        out.setdefault(tp, dict(base))[(org_kind, kind_id)] = freq
    return out


def rules_for(town: Region | None) -> dict[tuple[str, int], str]:
    tp = town.path if town is not None else ""
    return rules_for_paths([tp])[tp]


def may_configure(actor, town: Region | None) -> bool:
    if town is None or actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return actor.is_superuser or (can(actor, CHANGE, "meeting_rule") and bool(actor.scope_path)
                                  and town.path.startswith(actor.scope_path))


def _configurer(actor, town) -> None:
    if town is None or town.level != Region.Level.TOWN or not may_configure(actor, town):
        raise MeetingError(_("No such town."), status=404, field="town")


@transaction.atomic
def do_set_rule(actor, town: Region, org_kind: str, kind: MeetingKind | str, frequency: str) -> MeetingRule:
    """Organisations of `org_kind` in the town hold `kind` monthly, quarterly or not at all."""
    _configurer(actor, town)
    if org_kind not in ORG_KINDS:
        raise MeetingError(_("Choose a party branch or a grid party group."), field="org_kind")
    kind = _kind(kind, town)
    if frequency not in dict(FREQUENCIES):
        raise MeetingError(_("Choose monthly, quarterly or not required."), field="frequency")
    rule, created = MeetingRule.objects.select_for_update().get_or_create(
        town=town, org_kind=org_kind, kind=kind, defaults={"frequency": frequency, "path": town.path})
    if created:
        audit.record("meeting.rule", rule, None, audit.snapshot(rule), actor=actor)
        return rule
    before = audit.snapshot(rule)
    rule.frequency = frequency
    rule.save(update_fields=["frequency"])
    audit.record("meeting.rule", rule, *audit.diff(before, audit.snapshot(rule)), actor=actor)
    return rule


@transaction.atomic
def do_set_settings(actor, town: Region, lock_days: int, count_migrants: bool) -> MeetingSettings:
    _configurer(actor, town)
    if not isinstance(lock_days, int) or isinstance(lock_days, bool) or not (1 <= lock_days <= 90):
        raise MeetingError(_("Give a whole number of days from 1 to 90."), field="lock_days")
    row, created = MeetingSettings.objects.select_for_update().get_or_create(
        town=town, defaults={"lock_days": lock_days, "count_migrants": bool(count_migrants), "path": town.path,
                             "updated_at": clock.now()})
    if created:
        audit.record("meeting.settings", row, None, audit.snapshot(row), actor=actor)
        return row
    before = audit.snapshot(row)
    row.lock_days, row.count_migrants, row.updated_at = lock_days, bool(count_migrants), clock.now()
    row.save()
    audit.record("meeting.settings", row, *audit.diff(before, audit.snapshot(row)), actor=actor)
    return row


@transaction.atomic
def do_add_kind(actor, town: Region, code: str, name: str) -> MeetingKind:
    """A kind of meeting of the town's own (e.g. 党建联席会)."""
    _configurer(actor, town)
    code = _text(code, "code", required=True, limit=32).lower()
    name = _text(name, "name", required=True, limit=50)
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        raise MeetingError(_("Use letters, digits, - and _ for the code."), field="code")
    if MeetingKind.objects.filter(code=code).exists():
        raise MeetingError(_("This code is taken."), field="code")
    kind = MeetingKind.objects.create(code=code, name=name, town=town, path=town.path)
    audit.record("meeting.kind", kind, None, audit.snapshot(kind), actor=actor)
    return kind


# --- who records what ---------------------------------------------------------------------------------

def _active(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active


def may_record(actor) -> bool:
    return _active(actor) and can(actor, RECORD, "meeting") and (bool(actor.scope_path) or actor.is_superuser)


def recordable_orgs(actor):
    """The branches and grid party groups whose meetings the actor records (a secretary: their village's)."""
    if not may_record(actor):
        return PartyOrg.objects.none()
    rows = PartyOrg.objects.filter(kind__in=ORG_KINDS)
    if not actor.is_superuser:
        rows = rows.filter(path__startswith=actor.scope_path)
    return rows.order_by("kind", "path", "code")


def members(org: PartyOrg):
    """The party members of an organisation: a grid party group's own, and for a branch also those of its
    grid party groups (the members of a village's branch are organised in its groups)."""
    orgs = Q(party_org=org)
    if org.kind == PartyOrg.Kind.BRANCH:
        orgs |= Q(party_org__parent=org)
    return Person.objects.filter(orgs, is_party_member=True).order_by("party_org__code", "name", "id")


def _kind(kind, town) -> MeetingKind:
    if isinstance(kind, MeetingKind):
        found = kind if kind.town_id is None or (town is not None and kind.town_id == town.pk) else None
    else:
        found = kinds_for(town).filter(code=(kind or "").strip()).first()
    if found is None:
        raise MeetingError(_("Choose a kind of meeting."), field="kind")
    return found


def _org(actor, org) -> PartyOrg:
    if not may_record(actor):
        raise MeetingError(_("No such organisation."), status=404, field="org")
    if isinstance(org, str):
        org = PartyOrg.objects.filter(code=org.strip()).first()
    if org is None or not recordable_orgs(actor).filter(pk=org.pk).exists():
        raise MeetingError(_("No such organisation."), status=404, field="org")
    return org


def _reason(value) -> str:
    value = (value or "").strip()
    value = REASON_WORDS.get(value, value)
    if value not in Attendance.Reason.values:
        raise MeetingError(_("Give the reason of absence: sick leave, personal leave, away for work or other."),
                           field="absent")
    return value


def _ids(values, field: str) -> list[int]:
    out = []
    for v in values or []:
        if isinstance(v, bool) or not isinstance(v, int | str) or not str(v).strip().isdigit():
            raise MeetingError(_("Give people by their id."), field=field)
        out.append(int(v))
    return out


def _present(attendees) -> list[int]:
    return _ids(attendees, "attendees")


def _away(absent) -> dict[int, tuple[str, str]]:
    """{person id: (reason, note)} of the members absent."""
    away: dict[int, tuple[str, str]] = {}
    for row in absent or []:
        if not isinstance(row, dict):
            raise MeetingError(_("Give each absent member as {person, reason}."), field="absent")
        pid = _ids([row.get("person")], "absent")[0]
        away[pid] = (_reason(row.get("reason")), _text(row.get("note"), "absent", limit=200))
    return away


def _check_attendance(org: PartyOrg, present: list[int], away: dict, counted=()) -> None:
    """Each one present or absent once, someone present, all of them the organisation's members (or, on a
    correction, `counted` at the meeting already: a member who has moved away since stays on its record)."""
    if len(set(present)) != len(present) or set(present) & set(away):
        raise MeetingError(_("Each member is either present or absent, once."), field="attendees")
    if not present:
        raise MeetingError(_("Tick the members who attended."), field="attendees")
    allowed = set(members(org).filter(pk__in=[*present, *away]).values_list("pk", flat=True)) | set(counted)
    strangers = [pid for pid in [*present, *away] if pid not in allowed]
    if strangers:
        raise MeetingError(_("Not members of %(org)s: %(ids)s.") % {"org": org.name,
                                                                     "ids": ", ".join(map(str, strangers))},
                           field="attendees" if strangers[0] in present else "absent")


def _host(org: PartyOrg, host, keep: Person | None = None) -> Person | None:
    if host in (None, ""):
        return None
    hid = _ids([host], "host")[0]
    if keep is not None and keep.pk == hid:
        return keep
    host_person = members(org).filter(pk=hid).first()
    if host_person is None:
        raise MeetingError(_("The host is one of the organisation's members."), field="host")
    return host_person


def _counts(present: list[int], away: dict) -> dict:
    """The meeting's counts, kept on it so the compliance board reads meetings only."""
    return {"present_count": len(present), "absent_count": len(away),
            "migrant_count": sum(1 for reason, _note in away.values() if reason == Attendance.Reason.MIGRANT)}


def _write_attendance(meeting: Meeting, present: list[int], away: dict) -> None:
    org = meeting.org
    rows = [Attendance(meeting=meeting, person_id=pid, present=True, org=org, date=meeting.date, path=org.path)
            for pid in present]
    rows += [Attendance(meeting=meeting, person_id=pid, present=False, reason=reason, note=note, org=org,
                        date=meeting.date, path=org.path) for pid, (reason, note) in away.items()]
    Attendance.objects.bulk_create(rows)


def lock_date(meeting_date: datetime.date, lock_days: int) -> datetime.date:
    """The last day a meeting of `meeting_date` is entered on time."""
    return meeting_date + datetime.timedelta(days=lock_days)


def editable_until(meeting: Meeting) -> datetime.date:
    """The last day the meeting's record may be corrected (or photos added): its lock date."""
    return lock_date(meeting.date, settings_for(town_of(meeting.path))[0])


def is_locked(meeting: Meeting, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate(clock.now())
    return today > editable_until(meeting)


@transaction.atomic
def do_record(actor, org, kind, date: datetime.date, topic: str, attendees=(), absent=(), place: str = "",
              host=None, minutes: str = "", resolutions: str = "", late_reason: str = "", photos=()) -> Meeting:
    """Record a meeting held by a branch or grid party group: who came (ticked from the organisation's
    members) and who was absent and why. After the town's lock days the entry is late: it needs a reason
    and is shown as late. Each present member earns the "meeting_attended" points once."""
    org = _org(actor, org)
    town = town_of(org.path)
    kind = _kind(kind, town)
    now = clock.now()
    today = timezone.localdate(now)
    if not isinstance(date, datetime.date):
        raise MeetingError(_("Give the date of the meeting."), field="date")
    if date > today:
        raise MeetingError(_("A meeting is recorded once it has been held."), field="date")
    if date < today - datetime.timedelta(days=366):
        raise MeetingError(_("A meeting can be recorded up to a year later."), field="date")
    topic = _text(topic, "topic", required=True, limit=200)
    place = _text(place, "place", limit=200)
    minutes, resolutions = _text(minutes, "minutes"), _text(resolutions, "resolutions")
    lock_days = settings_for(town)[0]
    late = today > lock_date(date, lock_days)
    late_reason = _text(late_reason, "late_reason", limit=500)
    if late and not late_reason:
        raise MeetingError(_("The record locked %(n)d days after the meeting: give the reason for entering it "
                             "late.") % {"n": lock_days}, field="late_reason")
    if not late:
        late_reason = ""
    present, away = _present(attendees), _away(absent)
    _check_attendance(org, present, away)
    host_person = _host(org, host)
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise MeetingError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    cleaned = [_clean_photo(p) for p in photos]
    meeting = Meeting.objects.create(
        org=org, kind=kind, date=date, place=place, topic=topic, host=host_person, minutes=minutes,
        resolutions=resolutions, late=late, late_reason=late_reason, entered_at=now,
        entered_by=actor if actor.pk else None, path=org.path,
        **_counts(present, away))
    _write_attendance(meeting, present, away)
    for data, content_type, name in cleaned:
        _save_photo(meeting, data, content_type, name)
    # Who came and who did not (person ids); the reasons are on the attendance rows.
    audit.record("meeting.record", meeting, None, {**audit.snapshot(meeting), "present": present,
                                                   "absent": list(away)}, actor=actor)
    award(meeting, present, now)
    return meeting


EDITABLE = {"date", "topic", "place", "host", "minutes", "resolutions", "attendees", "absent", "late_reason",
            "photos"}


def _attendance_audit(present, away: dict) -> dict:
    return {"present": sorted(present), "absent": sorted(away),
            "absent_reasons": {str(pid): reason for pid, (reason, _note) in sorted(away.items())}}


@transaction.atomic
def do_edit(actor, meeting, **changes) -> Meeting:
    """Correct a recorded meeting before its record locks: date, topic, place, host, minutes, resolutions,
    attendance (the members present and the absent with their reasons; given one list only, the other
    keeps its members not named in it), photos to add, and the late entry's reason. The same people as
    record it, under the same rules: attendance, counts and points follow as if it had been recorded so.

    The organisation and the kind stay (given, they must be the meeting's own): they decide whose
    members attend, whose secretary keeps the record and which of the town's required meetings it
    counts for, so a meeting of another kind or organisation is another meeting to record.

    The date: not in the future, nor later than the day the record was entered (a meeting is recorded
    once it has been held), so moving it forward cannot keep a record open past its entry day's lock
    days; moved to a day whose lock has passed, the record becomes a late entry (with a reason) and
    locks, as recording it with that date today would. A correction never makes a late entry on time.
    """
    unknown = set(changes) - EDITABLE - {"org", "kind"}
    if unknown:
        raise TypeError(f"do_edit() got unexpected fields {sorted(unknown)}")
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    found = Meeting.objects.select_for_update(of=("self",)).filter(pk=pk).select_related("org", "kind", "host").first()
    if found is None or not may_record(actor) or not recordable_orgs(actor).filter(pk=found.org_id).exists():
        raise MeetingError(_("No such meeting."), status=404)
    org = found.org
    town = town_of(found.path)
    lock_days = settings_for(town)[0]
    now = clock.now()
    today = timezone.localdate(now)
    if today > lock_date(found.date, lock_days):
        raise MeetingError(_("This record locked on %(date)s and can no longer be changed.") % {
            "date": (lock_date(found.date, lock_days) + datetime.timedelta(days=1)).isoformat()}, status=409)
    given_org, given_kind = (v.strip() if isinstance(v, str) else v for v in (changes.get("org"), changes.get("kind")))
    if given_org not in (None, "") and given_org not in (org, org.pk, org.code):
        raise MeetingError(_("The organisation of a recorded meeting stays."), field="org")
    if given_kind not in (None, "") and given_kind not in (found.kind, found.kind.code):
        raise MeetingError(_("The kind of a recorded meeting stays."), field="kind")

    date = changes.get("date", found.date)
    if not isinstance(date, datetime.date):
        raise MeetingError(_("Give the date of the meeting."), field="date")
    if isinstance(date, datetime.datetime):
        date = date.date()
    entered = timezone.localdate(found.entered_at)
    if date > today:
        raise MeetingError(_("A meeting is recorded once it has been held."), field="date")
    if date > entered:
        raise MeetingError(_("A meeting is recorded once it has been held: this one was entered on %(date)s.")
                           % {"date": entered.isoformat()}, field="date")
    if date < today - datetime.timedelta(days=366):
        raise MeetingError(_("A meeting can be recorded up to a year later."), field="date")
    late = found.late or (date != found.date and today > lock_date(date, lock_days))
    late_reason = _text(changes["late_reason"], "late_reason", limit=500) if "late_reason" in changes \
        else found.late_reason
    if late and not late_reason:
        raise MeetingError(_("The record locked %(n)d days after the meeting: give the reason for entering it "
                             "late.") % {"n": lock_days}, field="late_reason")
    if not late:
        late_reason = ""
    texts = {}
    if "topic" in changes:
        texts["topic"] = _text(changes["topic"], "topic", required=True, limit=200)
    if "place" in changes:
        texts["place"] = _text(changes["place"], "place", limit=200)
    for field in ("minutes", "resolutions"):
        if field in changes:
            texts[field] = _text(changes[field], field)

    rows = list(found.attendance.all())
    old_present = [a.person_id for a in rows if a.present]
    old_away = {a.person_id: (a.reason, a.note) for a in rows if not a.present}
    present, away = list(old_present), dict(old_away)
    if "attendees" in changes or "absent" in changes:
        given_present = _present(changes["attendees"]) if "attendees" in changes else None
        given_away = _away(changes["absent"]) if "absent" in changes else None
        present = given_present if given_present is not None else [p for p in old_present if p not in given_away]
        away = given_away if given_away is not None else {
            pid: v for pid, v in old_away.items() if pid not in given_present}
        _check_attendance(org, present, away, counted=[a.person_id for a in rows])
    host = _host(org, changes["host"], keep=found.host) if "host" in changes else found.host
    photos = list(changes.get("photos") or [])
    if photos and found.photos.count() + len(photos) > MAX_PHOTOS:
        raise MeetingError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    cleaned = [_clean_photo(p) for p in photos]

    before = {**audit.snapshot(found), **_attendance_audit(old_present, old_away)}
    old_date = found.date
    found.date, found.late, found.late_reason, found.host = date, late, late_reason, host
    for field, value in texts.items():
        setattr(found, field, value)
    for field, value in _counts(present, away).items():
        setattr(found, field, value)
    found.save()
    # The rows are written afresh as do_record writes them (they carry the meeting's date too).
    if set(present) != set(old_present) or away != old_away or date != old_date:
        found.attendance.all().delete()
        _write_attendance(found, present, away)
    photo_ids = [_save_photo(found, data, content_type, name).pk for data, content_type, name in cleaned]
    after = {**audit.snapshot(found), **_attendance_audit(present, away)}
    before, after = audit.diff(before, after)
    if photo_ids:
        before["photos"], after["photos"] = None, photo_ids
    un_ticked = [pid for pid in old_present if pid not in present]
    newly = [pid for pid in present if pid not in old_present]
    kept = revoke(found, un_ticked, now).get("spent", 0)
    if kept:
        after["points_kept"] = kept  # spent already: the balance never goes negative
    if after:
        audit.record("meeting.edit", found, before, after, actor=actor)
    award(found, newly, now)
    return found


# A member un-ticked and ticked again is awarded again under the next key: the first key is spent by its
# reversal (points keys are never reused), so keys run "meeting:<id>:<person>", then ":2", ":3"...
MAX_AWARD_ROUNDS = 50


def _award_key(meeting: Meeting, pid: int, n: int) -> str:
    return f"meeting:{meeting.pk}:{pid}" + (f":{n + 1}" if n else "")


def award(meeting: Meeting, present: list[int], now) -> dict:
    """The "meeting_attended" points for each member present, keyed by meeting and person (once: a member
    whose award stands is not awarded again)."""
    from gridgov.points.public import automatic_stands, award_automatic

    out: dict[str, int] = {}
    reason = _("Attended %(kind)s on %(date)s") % {"kind": meeting.kind.label, "date": meeting.date.isoformat()}
    for person in Person.objects.filter(pk__in=present):
        for n in range(MAX_AWARD_ROUNDS):
            key = _award_key(meeting, person.pk, n)
            outcome = award_automatic("meeting_attended", person=person, path=meeting.path, key=key, reason=reason,
                                      now=now)
            if outcome != "exists" or automatic_stands(key):
                break
        out[outcome] = out.get(outcome, 0) + 1
    return out


def revoke(meeting: Meeting, absent: list[int], now) -> dict:
    """Take back the "meeting_attended" points of members no longer counted present (every round of
    theirs that stands; a balance already spent keeps its award: points never go negative)."""
    from gridgov.points.public import revoke_automatic

    out: dict[str, int] = {}
    reason = _("Attendance at %(kind)s on %(date)s corrected: not present") % {
        "kind": meeting.kind.label, "date": meeting.date.isoformat()}
    for pid in absent:
        for n in range(MAX_AWARD_ROUNDS):
            outcome = revoke_automatic(_award_key(meeting, pid, n), reason, now=now)
            if outcome == "none":
                break
            out[outcome] = out.get(outcome, 0) + 1
    return out


def _clean_photo(fileobj) -> tuple[bytes, str, str]:
    """A photo (re-encoded without EXIF) or a PDF, Word or Excel file of the minutes, checked by content:
    (bytes, content type, the name to show)."""
    from gridgov.core import uploads

    try:
        data, content_type, ext = uploads.clean_file(fileobj)
    except uploads.UploadError as exc:
        raise MeetingError(exc.message, field="photos") from None
    return data, content_type, "" if content_type.startswith("image/") else uploads.display_name(fileobj, ext)


def _save_photo(meeting: Meeting, data: bytes, content_type: str, name: str = "") -> MeetingPhoto:
    from gridgov.core.uploads import DOCUMENTS

    photo = MeetingPhoto(meeting=meeting, content_type=content_type, name=name, created_at=clock.now())
    ext = DOCUMENTS.get(content_type) or ("png" if content_type == "image/png" else "jpg")
    photo.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
    photo.save()
    return photo


@transaction.atomic
def do_add_photo(actor, meeting, fileobj) -> MeetingPhoto:
    """A photo added to a meeting before its record locks."""
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    found = Meeting.objects.select_for_update().filter(pk=pk).first()
    if found is None or not may_record(actor) or not recordable_orgs(actor).filter(pk=found.org_id).exists():
        raise MeetingError(_("No such meeting."), status=404)
    if is_locked(found):
        raise MeetingError(_("This record is locked."), status=409, field="photos")
    if found.photos.count() >= MAX_PHOTOS:
        raise MeetingError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    data, content_type, name = _clean_photo(fileobj)
    photo = _save_photo(found, data, content_type, name)
    photo.meeting = found
    audit.record("meeting.photo", photo, None, audit.snapshot(photo), actor=actor)
    return photo


def kind_label(code: str) -> str:
    return str(BUILTIN_LABELS.get(code, code))
