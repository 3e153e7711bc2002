"""The demo data: the town 东成镇 in the shape of its 2022 report, deterministic per seed, and a county.

The town is built once for the TestDemoTown class through the real command (`gridgov demo --if-empty`
on an empty database) and committed, because every check reads the same few thousand rows; the
fixture removes it again so the rest of the suite starts from an empty database.
"""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from shapely import STRtree
from shapely.geometry import Point, shape

from gridgov.core import crypto, personal
from gridgov.core.models import AuditEntry
from gridgov.org import codes, demo, geo
from gridgov.org.models import ApiToken, Grid, Household, PartyOrg, Person, Post, Region, User

# Messages are compared with their English msgids.
pytestmark = pytest.mark.usefixtures("english")

WORKER_KINDS = {Post.Kind.GRID_WORKER_FULL, Post.Kind.GRID_WORKER_PART, Post.Kind.GRID_WORKER_VOLUNTEER}


def wipe_audit():
    """The audit table refuses DELETE (core migration 0006) unless a purge permit covers the rows."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_audit_purge_permit (before) VALUES ('9999-12-31 00:00:00+00')")
        cursor.execute("DELETE FROM core_auditentry")
        cursor.execute("DELETE FROM core_audit_purge_permit")


def wipe_org_data():
    """Delete in dependency order: trees are PROTECTed parent-first, households point at heads."""
    ApiToken.objects.all().delete()
    User.objects.all().delete()
    wipe_audit()
    Post.objects.all().delete()
    Household.objects.update(head=None)
    Person.objects.all().delete()
    Household.objects.all().delete()
    for kind in (PartyOrg.Kind.GROUP, PartyOrg.Kind.BRANCH, PartyOrg.Kind.COMMITTEE):
        PartyOrg.objects.filter(kind=kind).delete()
    for level in (3, 2, 1):
        Grid.objects.filter(level=level).delete()
    for level in (4, 3, 2, 1):
        Region.objects.filter(level=level).delete()


# The suite hashes passwords with MD5 (conftest's fast_password_hashing, function-scoped); the demo
# accounts are made before any test function runs, so they must be hashed the same way to log in.
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="class")
def demo_town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = io.StringIO()
        try:
            # The org data alone; the demo's cases are tested in tests/cases/test_demo_wiring.py.
            with FAST_HASHING:
                call_command("demo", "--if-empty", "--cases", "0", stdout=out, stderr=io.StringIO())
            yield out.getvalue()
        finally:
            wipe_org_data()


def adults(queryset):
    cutoff = demo.REFERENCE_DATE.replace(year=demo.REFERENCE_DATE.year - 18)
    return queryset.filter(birth_date__lte=cutoff)


@pytest.mark.usefixtures("db")
class TestDemoTown:
    def test_regions_follow_the_report(self, demo_town):
        assert Counter(Region.objects.values_list("level", flat=True)) == Counter(
            {1: 1, 2: 1, 3: 16, 4: Region.objects.filter(level=4).count()})
        assert Region.objects.get(level=1).code == "445321000000"
        town = Region.objects.get(level=2)
        assert (town.code, town.name) == ("445321104000", "东成镇")
        names = set(Region.objects.filter(level=3).values_list("name", flat=True))
        assert {"古院社区", "碧塘村", "都斛村", "楠村", "东瑶村", "云河村"} <= names
        for village in Region.objects.filter(level=3):
            assert village.parent == town and len(village.code) == 12
            assert village.kind in (Region.Kind.VILLAGE, Region.Kind.COMMUNITY)
            assert village.path == codes.region_path(village.code, 3, town.path)
            groups = village.children.all()
            assert 2 <= len(groups) <= 8
            assert all(len(g.code) == 14 and g.path.startswith(village.path) for g in groups)

    def test_grid_tree_is_1_16_147(self, demo_town):
        assert Counter(Grid.objects.values_list("level", flat=True)) == {1: 1, 2: 16, 3: 147}
        town_grid = Grid.objects.get(level=1)
        assert town_grid.code == "445321104000000" and town_grid.path == "445321.104."
        for grid in Grid.objects.filter(level=3).select_related("parent", "region"):
            assert grid.parent.level == 2 and grid.parent.region_id == grid.region_id
            assert grid.path == codes.grid_path(grid.code, 3, grid.region.path)
            assert grid.name == f"{grid.region.name}第{int(grid.code[12:])}网格"
        per_village = Counter(Grid.objects.filter(level=3).values_list("region__name", flat=True))
        assert sum(per_village.values()) == 147 and len(set(per_village.values())) > 1

    def test_party_organisations(self, demo_town):
        kinds = Counter(PartyOrg.objects.values_list("kind", flat=True))
        assert kinds == {PartyOrg.Kind.COMMITTEE: 1, PartyOrg.Kind.BRANCH: 16, PartyOrg.Kind.GROUP: 69}
        assert PartyOrg.objects.get(kind=PartyOrg.Kind.COMMITTEE).name == "东成镇党委"
        for group in PartyOrg.objects.filter(kind=PartyOrg.Kind.GROUP).select_related("grid", "parent"):
            assert group.grid.level == 3 and group.path == group.grid.path
            assert group.parent.kind == PartyOrg.Kind.BRANCH and group.parent.region_id == group.grid.region_id
        assert set(PartyOrg.objects.filter(kind=PartyOrg.Kind.GROUP).values_list("region", flat=True)) == set(
            Region.objects.filter(level=3).values_list("pk", flat=True))
        members = Person.objects.filter(is_party_member=True)
        assert not members.filter(party_org__isnull=True).exists()
        assert not members.exclude(party_org__kind=PartyOrg.Kind.GROUP).exists()
        share = members.count() / adults(Person.objects.all()).count()
        assert 0.05 <= share <= 0.09
        assert members.count() == adults(members).count()

    def test_147_central_households_one_per_small_grid(self, demo_town):
        central = Household.objects.filter(is_party_central=True)
        assert central.count() == 147
        assert sorted(central.values_list("grid", flat=True)) == sorted(
            Grid.objects.filter(level=3).values_list("pk", flat=True))
        posts = Post.objects.filter(kind=Post.Kind.CENTRAL_HOUSEHOLD).select_related("person")
        assert posts.count() == 147
        for post in posts:
            assert post.person.is_party_member and post.person.household.is_party_central
            assert post.grid_id == post.person.grid_id

    def test_every_grid_is_staffed(self, demo_town):
        for grid in Grid.objects.all():
            kinds = set(grid.posts.values_list("kind", flat=True))
            assert Post.Kind.GRID_LEADER in kinds and kinds & WORKER_KINDS, grid.code
            if grid.level == 3:
                responsible = grid.posts.get(kind=Post.Kind.PARTY_RESPONSIBLE).person
                assert responsible.is_party_member and responsible.grid_id == grid.pk
            assert all(p.path == grid.path for p in grid.posts.all())
        assert set(Post.objects.values_list("kind", flat=True)) >= WORKER_KINDS
        for branch in PartyOrg.objects.filter(kind=PartyOrg.Kind.BRANCH):
            secretary = Post.objects.get(party_org=branch, kind=Post.Kind.SECRETARY).person
            assert secretary.is_party_member and secretary.path.startswith(branch.path)

    def test_households_and_people(self, demo_town):
        people = Person.objects.count()
        assert 3000 <= people <= 8000
        assert not Person.objects.exclude(grid__level=3).exists()
        for grid in Grid.objects.filter(level=3):
            households = grid.households.all()
            assert 8 <= len(households) <= 12
            assert all(h.path == grid.path for h in households)
        for household in Household.objects.select_related("head", "grid__region"):
            assert household.head.household_id == household.pk and household.head.relation == "head"
            assert household.address.startswith(f"东成镇{household.grid.region.name}")
            assert household.number.startswith(f"H{household.grid.code}")
        sizes = Counter(Person.objects.values_list("household", flat=True))
        assert min(sizes.values()) >= 1 and max(sizes.values()) <= 6
        assert not Person.objects.exclude(path__startswith="445321.104.").exists()
        assert all(p.path == p.grid.path for p in Person.objects.select_related("grid")[:500])

    def test_id_numbers_and_phones_are_valid_and_unique(self, demo_town):
        seen = set()
        with_phone = 0
        for person in Person.objects.all():
            number = personal.validate_id_number(person.id_number)
            assert number.startswith("445321") and number not in seen
            seen.add(number)
            assert personal.birth_date_from_id(number) == person.birth_date
            assert personal.gender_from_id(number) == person.gender
            assert person.id_number_hash == crypto.blind_index(number)
            if person.phone:
                with_phone += 1
                assert len(person.phone) == 11 and personal.validate_phone(person.phone) == person.phone
                assert person.phone_hash == crypto.blind_index(person.phone)
        assert len(seen) == Person.objects.count()
        assert with_phone > len(seen) / 2

    def test_polygons_nest_and_do_not_overlap(self, demo_town):
        town = shape(Grid.objects.get(level=1).geometry)
        assert town.contains(Point(112.33, 22.73))
        small = {g.code: g for g in Grid.objects.filter(level=3).select_related("parent")}
        shapes = {code: shape(g.geometry) for code, g in small.items()}
        for village in Grid.objects.filter(level=2):
            polygon = shape(village.geometry)
            assert town.contains(polygon)
            children = [shapes[c] for c, g in small.items() if g.parent_id == village.pk]
            assert all(polygon.contains(child) for child in children)
            assert abs(sum(c.area for c in children) - polygon.area) < 1e-12
        codes_ = list(shapes)
        tree = STRtree([shapes[c] for c in codes_])
        for code, polygon in shapes.items():
            for i in tree.query(polygon, predicate="intersects"):
                if codes_[i] != code:
                    assert polygon.intersection(shapes[codes_[i]]).area == 0, (code, codes_[i])
        for code, grid in small.items():
            assert (grid.min_lng, grid.min_lat, grid.max_lng, grid.max_lat) == shapes[code].bounds
            centre = shapes[code].centroid
            assert geo.locate(centre.y, centre.x) == code

    def test_demo_accounts_have_their_roles_and_can_log_in(self, demo_town):
        first_grid = Grid.objects.get(code="445321104201001")
        expected = {
            "town_admin": ("town_admin", "445321104000"),
            "secretary": ("village_secretary", "445321104201"),
            "gridworker": ("grid_worker", "445321104201001"),
            "partymember": ("party_member", "445321104201001"),
            "resident": ("resident", "445321104201001"),
            "department": ("department", "445321104000"),
            "auditor": ("auditor", "445321104000"),
        }
        for username, (role, code) in expected.items():
            user = User.objects.get(username=username)
            assert (user.role, user.scope_node.code) == (role, code), username
            assert Client().login(username=username, password=demo.PASSWORD), username
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and Client().login(username="admin", password=demo.PASSWORD)
        assert Region.objects.get(code="445321104201").name == "碧塘村"
        worker = User.objects.get(username="gridworker").person
        assert worker.posts.filter(grid=first_grid, kind__in=WORKER_KINDS).exists()
        member = User.objects.get(username="partymember").person
        assert member.is_party_member and member.grid == first_grid
        resident = User.objects.get(username="resident").person
        assert not resident.is_party_member and resident.grid == first_grid
        assert len({worker.pk, member.pk, resident.pk}) == 3

    def test_demo_accounts_are_named_as_people_read_them(self, demo_town):
        """Pages name accounts by person or office, never by username: the dispatch list once mixed
        "admin · 镇管理员" with people's names."""
        secretary = User.objects.get(username="secretary")
        holder = Post.objects.get(kind=Post.Kind.SECRETARY, region__code="445321104201").person
        assert secretary.person == holder and secretary.label.startswith(holder.name)
        for username in demo.DEMO_USERNAMES:
            user = User.objects.filter(username=username).first()
            if user is not None:
                assert not user.label.startswith(username), user.label
        rows = {r["username"]: r for r in demo.account_rows()}
        assert rows["secretary"]["person"] == holder.name
        assert rows["town_admin"]["person"] == "东成镇党建办"

    def test_one_audit_entry_for_the_load(self, demo_town):
        load = AuditEntry.objects.get(action="demo.load")
        assert load.after["grids"] == {"1": 1, "2": 16, "3": 147}
        assert load.after["people"] == Person.objects.count()
        assert load.after["central_households"] == 147 and load.after["party_orgs"]["group"] == 69
        # The org demo's own entries; the modules loaded after it (cases, points, stars) audit their writes too.
        org_actions = {a for a in AuditEntry.objects.values_list("action", flat=True) if a.split(".")[0] in ("demo", "user")}
        # demo.complete: the last write of a whole load, which tells a complete demo from a half-loaded one.
        assert org_actions == {"demo.load", "demo.complete", "user.create", "user.update"}
        assert len(set(AuditEntry.objects.values_list("request_id", flat=True))) == 1

    def test_same_seed_gives_the_same_people_and_polygons(self, demo_town):
        def first_village(seed):
            gen = demo.Generator(seed)
            town = gen.plan_town().towns[0]
            village = town.villages[0]
            gen.populate(town, village)
            people = [(p.name, crypto.blind_index(p.id_number), p.phone)
                      for g in village.small for h in g.households for p in h.members]
            return village, people[:20]

        village, planned = first_village(demo.DEFAULT_SEED)
        stored = [(p.name, p.id_number_hash, p.phone) for p in Person.objects.order_by("pk")[:20]]
        assert planned == stored
        assert [g.geometry for g in village.small] == list(
            Grid.objects.filter(region__code=village.code, level=3).order_by("code").values_list("geometry", flat=True))
        assert first_village(demo.DEFAULT_SEED)[1] == planned
        assert first_village(demo.DEFAULT_SEED + 1)[1] != planned

    def test_if_empty_leaves_a_loaded_database_alone(self, demo_town):
        people, audits = Person.objects.count(), AuditEntry.objects.count()
        out = io.StringIO()
        call_command("demo", "--if-empty", stdout=out)
        assert "not loaded" in out.getvalue() and "gridworker" in out.getvalue()
        assert (Person.objects.count(), AuditEntry.objects.count()) == (people, audits)

    def test_loading_over_existing_data_is_refused(self, demo_town):
        people = Person.objects.count()
        with pytest.raises(CommandError, match="empty database"):
            call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
        assert Person.objects.count() == people

    def test_command_prints_the_accounts(self, demo_town):
        lines = demo_town.splitlines()
        # county_admin comes with the stars demo, which this fixture (--cases 0) does not load.
        for username in set(demo.DEMO_USERNAMES) - {"county_admin"}:
            assert any(line.startswith(username + " ") and demo.PASSWORD in line for line in lines), username
        assert any("碧塘村第1网格" in line for line in lines if line.startswith("gridworker"))


def test_if_empty_does_nothing_when_a_town_is_there(town):
    regions, people = Region.objects.count(), Person.objects.count()
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert (Region.objects.count(), Person.objects.count()) == (regions, people)
    with pytest.raises(demo.DemoError):
        demo.build(progress=False)


def test_small_county_has_the_full_shape(db):
    existing_admin = User.objects.create_user("admin", password="Own-Password-1")
    summary = demo.build("county", progress=False, towns=2, villages_per_town=3, grids_per_village=2,
                         people_per_grid=5)
    assert Counter(Region.objects.exclude(level=4).values_list("level", flat=True)) == {1: 1, 2: 2, 3: 6}
    assert sorted(Region.objects.filter(level=2).values_list("code", flat=True)) == ["445321100000", "445321101000"]
    small = Grid.objects.filter(level=3)
    assert Counter(Grid.objects.values_list("level", flat=True)) == {1: 2, 2: 6, 3: small.count()}
    assert summary["grids"] == {"1": 2, "2": 6, "3": small.count()}
    for grid in small:
        assert grid.geometry is not None and grid.parent.region_id == grid.region_id
        assert grid.households.filter(is_party_central=True).count() == 1
        assert grid.people.count() >= 5
    for grid in Grid.objects.all():
        kinds = set(grid.posts.values_list("kind", flat=True))
        assert Post.Kind.GRID_LEADER in kinds and kinds & WORKER_KINDS, grid.code
    assert PartyOrg.objects.filter(kind=PartyOrg.Kind.COMMITTEE).count() == 2
    assert PartyOrg.objects.filter(kind=PartyOrg.Kind.BRANCH).count() == 6
    groups = PartyOrg.objects.filter(kind=PartyOrg.Kind.GROUP)
    villages = Region.objects.filter(level=3).values_list("pk", flat=True)
    assert set(groups.values_list("region", flat=True)) == set(villages)
    assert summary["people"] == Person.objects.count() and summary["households"] == Household.objects.count()
    assert not Household.objects.filter(head__isnull=True).exists()
    assert summary["accounts_kept"] == ["admin"]
    existing_admin.refresh_from_db()
    assert existing_admin.check_password("Own-Password-1") and not existing_admin.is_superuser
    worker = User.objects.get(username="gridworker")
    assert worker.scope_grid.code == "445321100201001" and worker.person.grid == worker.scope_grid
