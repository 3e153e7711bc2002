"""Importing again updates what changed (matched by code, household number or ID number), audits the
change with before and after, and leaves the rest untouched."""

from gridgov.core.models import AuditEntry
from gridgov.org.imports import import_workbook
from gridgov.org.models import Household, Person, Post
from tests.org.test_import_support import person_id, village_sheets, write_workbook


def test_reimport_updates_changed_rows_only(town, tmp_path):
    import_workbook(write_workbook(tmp_path / "first.xlsx", **village_sheets()))
    zhao = Person.objects.get(name="赵一")
    sealed_phone = zhao.phone_enc
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    sheets = village_sheets()
    sheets["people"][0].update({"姓名": "赵一鸣", "手机号": "13900000099"})
    sheets["households"][1]["地址"] = "新村二巷2号"
    summary = import_workbook(write_workbook(tmp_path / "second.xlsx", **sheets))

    assert summary["people"] == {"created": 0, "updated": 1, "unchanged": 3}
    assert summary["households"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert summary["grids"] == {"created": 0, "updated": 0, "unchanged": 3}
    zhao.refresh_from_db()
    assert (zhao.name, zhao.phone) == ("赵一鸣", "13900000099")
    assert zhao.phone_enc != sealed_phone
    assert Household.objects.get(number="H445321104203002001").address == "新村二巷2号"

    entries = {e.action: e for e in AuditEntry.objects.filter(id__gt=mark)}
    assert set(entries) == {"person.update", "household.update", "org.import"}
    assert entries["person.update"].before == {"name": "赵一", "phone": ""}
    assert entries["person.update"].after == {"name": "赵一鸣", "phone": "changed"}
    assert entries["household.update"].before == {"address": "新村二巷1号"}


def test_unchanged_reimport_writes_only_the_summary(town, tmp_path):
    path = write_workbook(tmp_path / "v.xlsx", **village_sheets())
    import_workbook(path)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    summary = import_workbook(path)

    assert all(counts["created"] == 0 and counts["updated"] == 0 for counts in summary.values())
    assert list(AuditEntry.objects.filter(id__gt=mark).values_list("action", flat=True)) == ["org.import"]


def test_registered_person_is_matched_by_id_number_and_moved(town, tmp_path):
    chen = town.chen
    rows = [{"姓名": "陈丽华", "身份证号": chen.id_number, "户编号": town.house_a1b.number, "与户主关系": "子女",
             "身份": "义务网格员"}]
    summary = import_workbook(write_workbook(tmp_path / "move.xlsx", people=rows))

    assert summary["people"] == {"created": 0, "updated": 1, "unchanged": 0}
    chen.refresh_from_db()
    assert (chen.household, chen.grid, chen.path, chen.relation) == (town.house_a1b, town.a1, town.a1.path, "child")
    assert Post.objects.get(person=chen).grid == town.a1
    # Her old household lost its head: it was her, and she now lives elsewhere.
    town.house_a2.refresh_from_db()
    assert town.house_a2.head is None
    head_change = AuditEntry.objects.get(action="household.update", object_id=str(town.house_a2.pk))
    assert (head_change.before, head_change.after) == ({"head_id": chen.pk}, {"head_id": None})


def test_new_head_replaces_a_registered_head_only_when_the_file_says_so(town, tmp_path):
    zhang, wife = town.zhang, town.zhang_wife
    rows = [{"姓名": zhang.name, "身份证号": zhang.id_number, "户编号": town.house_a1.number, "与户主关系": "配偶"},
            {"姓名": wife.name, "身份证号": wife.id_number, "户编号": town.house_a1.number, "与户主关系": "户主"},
            {"姓名": "张小明", "身份证号": person_id(41, region="445321"), "户编号": town.house_a1.number,
             "与户主关系": "子女"}]
    summary = import_workbook(write_workbook(tmp_path / "heads.xlsx", people=rows))

    assert summary["people"] == {"created": 1, "updated": 2, "unchanged": 0}
    town.house_a1.refresh_from_db()
    assert town.house_a1.head == wife
    assert town.house_a1.members.count() == 3
