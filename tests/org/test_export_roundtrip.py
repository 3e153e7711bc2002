"""A full export re-imports unchanged: into the same database nothing changes, and into an empty one
the same registry comes back, personal data, heads, posts and boundaries included."""

from gridgov.core.models import AuditEntry
from gridgov.org import actions
from gridgov.org.exports import export_workbook
from gridgov.org.imports import import_workbook
from gridgov.org.models import Grid, Household, PartyOrg, Person, Post, Region


def _registry() -> dict:
    return {
        "regions": sorted(Region.objects.values_list("code", "name", "level", "kind", "parent__code", "path")),
        "grids": sorted((g.code, g.name, g.level, g.parent.code if g.parent else None, g.region.code, g.path,
                         g.geometry, g.min_lng, g.max_lat) for g in Grid.objects.select_related("parent", "region")),
        "party_orgs": sorted(PartyOrg.objects.values_list("code", "name", "kind", "parent__code", "region__code",
                                                          "grid__code", "path")),
        "households": sorted(Household.objects.values_list("number", "grid__code", "address", "head__id_number_hash",
                                                           "is_party_central", "path")),
        "people": sorted((p.id_number, p.name, p.gender, p.birth_date, p.phone, p.household.number if p.household else None,
                          p.relation, p.grid.code, p.is_party_member, p.party_org.code if p.party_org else None, p.path)
                         for p in Person.objects.select_related("household", "grid", "party_org")),
        "posts": sorted(Post.objects.values_list("person__id_number_hash", "kind", "grid__code", "path")),
    }


def _enrich(town):
    """Party organisations and posts, which the conftest town does not have, and a grid post held
    outside the person's own grid."""
    committee = actions.do_create_party_org(None, "P445321104000", "东成镇党委", "committee", town.town,
                                            grid=town.town_grid)
    branch = actions.do_create_party_org(None, "P445321104201", "碧塘村党支部", "branch", town.village_a,
                                         parent=committee)
    group = actions.do_create_party_org(None, "P445321104201001", "碧塘第一网格党小组", "group", town.village_a,
                                        parent=branch, grid=town.a1)
    Person.objects.filter(pk=town.wang.pk).update(party_org=group)
    actions.do_add_post(None, town.wang, "grid_leader", grid=town.a1)
    actions.do_add_post(None, town.wang, "party_responsible", grid=town.grid_a)
    actions.do_add_post(None, town.chen, "grid_worker_volunteer", grid=town.a2)


def test_full_export_reimports_into_the_same_database_unchanged(town, tmp_path):
    _enrich(town)
    export_workbook("all", tmp_path / "all.xlsx", full=True)
    before = _registry()
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    summary = import_workbook(tmp_path / "all.xlsx")

    assert {kind: (c["created"], c["updated"]) for kind, c in summary.items()} == {
        kind: (0, 0) for kind in summary}
    assert summary["people"]["unchanged"] == 5
    assert _registry() == before
    assert list(AuditEntry.objects.filter(id__gt=mark, action__endswith="update")) == []


def test_full_export_rebuilds_the_registry_in_an_empty_database(town, tmp_path):
    _enrich(town)
    export_workbook("all", tmp_path / "all.xlsx", full=True)
    before = _registry()

    Post.objects.all().delete()
    Household.objects.update(head=None)
    Person.objects.all().delete()
    Household.objects.all().delete()
    for org in PartyOrg.objects.order_by("-path", "-code"):
        org.delete()
    for level in (3, 2, 1):
        Grid.objects.filter(level=level).delete()
    for level in (4, 3, 2, 1):
        Region.objects.filter(level=level).delete()

    summary = import_workbook(tmp_path / "all.xlsx")

    assert summary["people"]["created"] == 5 and summary["posts"]["created"] == 3
    assert _registry() == before
