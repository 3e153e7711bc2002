"""A valid workbook creates every kind of object with the right tree links, paths, sealed personal
data, heads, posts and audit rows."""

import datetime
import json

from gridgov.core import audit
from gridgov.core.models import AuditEntry
from gridgov.org.imports import import_workbook
from gridgov.org.models import Grid, Household, PartyOrg, Person, Post, Region
from tests.org.test_import_support import new_village_workbook, person_id


def test_import_creates_the_village_with_its_tree_and_paths(town, tmp_path):
    summary = import_workbook(new_village_workbook(tmp_path / "v.xlsx"))

    assert summary["regions"]["created"] == 1
    assert summary["grids"]["created"] == 3
    assert summary["party_orgs"]["created"] == 2
    assert summary["households"]["created"] == 2
    assert summary["people"]["created"] == 4
    assert summary["posts"]["created"] == 5

    village = Region.objects.get(code="445321104203")
    assert (village.level, village.kind, village.parent, village.path) == (3, "village", town.town, "445321.104.203.")
    village_grid = Grid.objects.get(code="445321104203000")
    assert (village_grid.level, village_grid.parent, village_grid.region, village_grid.path) == (
        2, town.town_grid, village, "445321.104.203.")
    small = Grid.objects.get(code="445321104203001")
    assert (small.level, small.parent, small.path) == (3, village_grid, "445321.104.203.g001.")
    assert small.geometry["type"] == "Polygon"
    assert (small.min_lng, small.min_lat, small.max_lng, small.max_lat) == (112.4, 22.8, 112.41, 22.81)

    branch = PartyOrg.objects.get(code="DZB-203")
    group = PartyOrg.objects.get(code="DXZ-203-1")
    assert (branch.kind, branch.region, branch.grid, branch.path) == ("branch", village, None, "445321.104.203.")
    assert (group.kind, group.parent, group.grid, group.path) == ("group", branch, small, "445321.104.203.g001.")


def test_import_registers_people_in_households_with_sealed_identifiers(town, tmp_path):
    import_workbook(new_village_workbook(tmp_path / "v.xlsx"))

    zhao = Person.objects.get(name="赵一")
    qian = Person.objects.get(name="钱二")
    sun = Person.objects.get(name="孙三")
    li = Person.objects.get(name="李四")
    house = Household.objects.get(number="H445321104203001001")
    assert (house.head, house.is_party_central, house.path) == (zhao, True, "445321.104.203.g001.")
    assert Household.objects.get(number="H445321104203002001").head == sun

    assert zhao.id_number == person_id(31) and zhao.phone == "13900000031"
    assert person_id(31) not in zhao.id_number_enc and "13900000031" not in zhao.phone_enc
    assert Person.objects.get(id_number_hash=Person.id_number.hash_of(person_id(31))) == zhao
    assert (zhao.is_party_member, zhao.party_org.code, zhao.relation) == (True, "DXZ-203-1", "head")
    # Gender, birth date and grid come from the ID number and the household when left empty.
    assert (qian.gender, qian.birth_date, qian.grid.code, qian.relation) == (
        "F", datetime.date(1980, 5, 17), "445321104203001", "spouse")
    assert (qian.is_party_member, qian.party_org, qian.phone) == (False, None, "")
    assert sun.phone == "13900000033" and sun.path == "445321.104.203.g002."
    assert (li.household, li.grid.code, li.path) == (None, "445321104203000", "445321.104.203.")

    posts = set(Post.objects.filter(person__in=[zhao, sun, li]).values_list("person__name", "kind", "grid__code"))
    assert posts == {("赵一", "grid_leader", "445321104203001"), ("赵一", "central_household", "445321104203001"),
                     ("孙三", "grid_worker_full", "445321104203002"), ("李四", "grid_leader", "445321104203000"),
                     ("李四", "grid_worker_part", "445321104203001")}


def test_import_audits_every_object_in_runs_and_a_summary_without_personal_data(town, tmp_path):
    before = AuditEntry.objects.count()
    import_workbook(new_village_workbook(tmp_path / "v.xlsx"))

    entries = list(AuditEntry.objects.order_by("id")[before:])
    covered = {}
    for entry in entries:
        covered.setdefault(entry.action, []).extend(audit.covered_ids(entry))
    models = {"region.create": Region, "grid.create": Grid, "party_org.create": PartyOrg,
              "household.create": Household, "person.create": Person, "post.create": Post}
    # Every object written is covered exactly once, by a row at its own path.
    for action, model in models.items():
        assert sorted(covered[action]) == sorted(model.objects.filter(pk__in=covered[action]).values_list("pk", flat=True))
    assert {a: len(ids) for a, ids in covered.items()} == {
        "region.create": 1, "grid.create": 3, "party_org.create": 2, "household.create": 2,
        "person.create": 4, "post.create": 5, "org.import": 0}
    for entry in entries:
        for pk in audit.covered_ids(entry):
            assert models[entry.action].objects.get(pk=pk).path == entry.path
    zhao = Person.objects.get(name="赵一")
    house = Household.objects.get(number="H445321104203001001")
    house_entry = audit.entries_about("org.household", house.pk).get()
    values = house_entry.after if house_entry.first_object_id is None else house_entry.after[str(house.pk)]
    assert values["head_id"] == zhao.pk
    # "Who wrote this person, and when": one indexed query finds the row whose run covers them.
    about = audit.entries_about("org.person", zhao.pk).get()
    assert about.action == "person.create" and about.actor_name == "system"
    summary = next(e for e in entries if e.action == "org.import")
    assert summary.after["counts"]["people"]["created"] == 4 and summary.actor_name == "system"
    dumped = json.dumps([[e.before, e.after, e.object_repr] for e in entries], ensure_ascii=False)
    for secret in (person_id(31), person_id(33), "13900000031", "13900000033"):
        assert secret not in dumped
