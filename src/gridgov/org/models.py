"""The organisation: regions, grids, households, people, party organisations, posts and accounts.

Every scoped object carries `path`, the materialised path of the org node it belongs to:
  county "445321."  town "445321.104."  village "445321.104.201."  villager group "445321.104.201.01."
  town grid = its town's path, village grid = its village's path, small grid "445321.104.201.g003."
Households and people carry the path of their small grid. "Everything under X" is then
`path LIKE 'X%'` on one indexed column, on SQLite and PostgreSQL alike.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core import personal
from gridgov.core.scoping import ROLE_CHOICES, RestrictedQuerySet
from gridgov.core.sealed import SealedValue


class Region(models.Model):
    """An administrative division: county > town > village or community > villager group."""

    class Level(models.IntegerChoices):
        COUNTY = 1, _("County")
        TOWN = 2, _("Town")
        VILLAGE = 3, _("Village/community")
        GROUP = 4, _("Villager group")

    class Kind(models.TextChoices):
        COUNTY = "county", _("County")
        TOWN = "town", _("Town")
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")
        GROUP = "group", _("Villager group")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=255, unique=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "region"
    scope_path_field = "path"
    audit_fields = ["code", "name", "level", "kind", "parent_id", "path"]

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        return Q(pk__in=[])


class Grid(models.Model):
    """A governance grid: the town grid (1) > a village grid (2) > a small grid of households (3)."""

    class Level(models.IntegerChoices):
        TOWN = 1, _("Town grid")
        VILLAGE = 2, _("Village grid")
        SMALL = 3, _("Small grid")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    # The town for the town grid, the village for village and small grids.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grids", verbose_name=_("region"))
    path = models.CharField(max_length=255, unique=True)
    # GeoJSON geometry (Polygon or MultiPolygon, WGS 84); the bounding box makes point lookups cheap.
    geometry = models.JSONField(_("boundary"), null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lng = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "grid"
    scope_path_field = "path"
    audit_fields = ["code", "name", "level", "parent_id", "region_id", "path"]

    class Meta:
        ordering = ["path"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        return Q(pk=person.grid_id)


class PartyOrg(models.Model):
    """A party organisation: the town committee, a village branch or a grid party group."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee")
        BRANCH = "branch", _("Party branch")
        GROUP = "group", _("Grid party group")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="party_orgs", verbose_name=_("region"))
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="party_orgs", verbose_name=_("grid")
    )
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "party_org"
    scope_path_field = "path"
    audit_fields = ["code", "name", "kind", "parent_id", "region_id", "grid_id", "path"]

    class Meta:
        ordering = ["path", "code"]
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        return Q(pk=person.party_org_id)


class Household(models.Model):
    """A household (户) registered in a small grid."""

    number = models.CharField(_("household number"), max_length=32, unique=True)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="households", verbose_name=_("grid"))
    address = models.CharField(_("address"), max_length=200)
    head = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("head")
    )
    is_party_central = models.BooleanField(_("party-member central household"), default=False)
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "household"
    scope_path_field = "path"
    audit_fields = ["number", "grid_id", "address", "head_id", "is_party_central", "path"]

    class Meta:
        ordering = ["path", "number"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return f"{self.number} {self.address}"

    @staticmethod
    def own_q(person):
        return Q(pk=person.household_id) if person.household_id else Q(pk__in=[])


def _no_spaces(value: str) -> str:
    return value.strip()


class Person(models.Model):
    """A resident, party member or worker; ID number and phone are stored encrypted."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_enc = models.TextField(blank=True, default="")
    id_number_hash = models.CharField(max_length=64, null=True, blank=True)
    phone_enc = models.TextField(blank=True, default="")
    phone_hash = models.CharField(max_length=64, null=True, blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members",
        verbose_name=_("household"),
    )
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices, blank=True)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="people", verbose_name=_("grid"))
    is_party_member = models.BooleanField(_("party member"), default=False)
    party_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.SET_NULL, related_name="members",
        verbose_name=_("party organisation"),
    )
    path = models.CharField(max_length=255, db_index=True)

    id_number = SealedValue(personal.normalize_id_number)
    phone = SealedValue(personal.normalize_phone)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "person"
    scope_path_field = "path"
    audit_fields = ["name", "gender", "birth_date", "household_id", "relation", "grid_id",
                    "is_party_member", "party_org_id", "path"]

    class Meta:
        ordering = ["path", "household_id", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # The blind indexes are only ever compared for equality: declared here rather than with
        # unique=/db_index= on the fields, which on PostgreSQL add a second, varchar_pattern_ops index of
        # each for LIKE. No index on is_party_member alone: every query that filters on it filters by
        # path too. Three fewer indexes to fill per person when a county is imported.
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="person_id_number_once")]
        indexes = [models.Index(fields=["phone_hash"], name="person_phone_hash")]

    def __str__(self):
        return self.name

    @staticmethod
    def own_q(person):
        same_household = Q(household_id=person.household_id) if person.household_id else Q(pk__in=[])
        return Q(pk=person.pk) | same_household

    @property
    def id_number_masked(self) -> str:
        return personal.mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return personal.mask_phone(self.phone)


class Post(models.Model):
    """A person's post in a grid or region: 网格长, 网格员, 党员责任人, 党员中心户, 村书记..."""

    class Kind(models.TextChoices):
        GRID_LEADER = "grid_leader", _("Grid leader")
        GRID_WORKER_FULL = "grid_worker_full", _("Full-time grid worker")
        GRID_WORKER_PART = "grid_worker_part", _("Part-time grid worker")
        GRID_WORKER_VOLUNTEER = "grid_worker_volunteer", _("Volunteer grid worker")
        PARTY_RESPONSIBLE = "party_responsible", _("Responsible party member")
        CENTRAL_HOUSEHOLD = "central_household", _("Party-member central household")
        SECRETARY = "secretary", _("Party secretary")
        GROUP_LEADER = "group_leader", _("Party group leader")
        # 村务监督委员会成员: oversees the village's matters and disclosures (gridgov.affairs); a post on the village.
        SUPERVISOR = "supervisor", _("Village affairs supervision committee member")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts", verbose_name=_("person"))
    kind = models.CharField(_("post"), max_length=32, choices=Kind.choices)
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="posts")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="posts")
    party_org = models.ForeignKey(PartyOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="posts")
    path = models.CharField(max_length=255, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_kind = "post"
    scope_path_field = "path"
    audit_fields = ["person_id", "kind", "grid_id", "region_id", "party_org_id", "path"]

    class Meta:
        ordering = ["path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "grid"], name="post_unique_per_grid"),
            models.CheckConstraint(
                condition=Q(grid__isnull=False) | Q(region__isnull=False) | Q(party_org__isnull=False),
                name="post_has_a_node",
            ),
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self):
        return f"{self.person} {self.get_kind_display()}"

    @staticmethod
    def own_q(person):
        return Q(person_id=person.pk)


class User(AbstractUser):
    """An account: one role, scoped to one node of the org tree (a region or a grid)."""

    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES, blank=True)
    scope_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scope_grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Denormalised from the scope node: restrict() filters with it on every query.
    scope_path = models.CharField(max_length=255, blank=True)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="account", verbose_name=_("person")
    )
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    scope_kind = "user"
    scope_path_field = "scope_path"
    audit_fields = ["username", "role", "scope_region_id", "scope_grid_id", "scope_path", "person_id",
                    "is_active", "is_superuser", "locked_until"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def scope_node(self):
        return self.scope_grid or self.scope_region

    @property
    def display_name(self) -> str:
        """The person's name, else the account's name, else the username (see org.names)."""
        from .names import display_name

        return display_name(self)

    @property
    def label(self) -> str:
        """Name, post and node: "陈伟明 · 网格员 · 碧塘村第1网格" (see org.names)."""
        from .names import label

        return label(self)

    @staticmethod
    def own_q(person):
        return Q(person_id=person.pk)


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Which client asked for it (its User-Agent, shortened), so a list of one's tokens says which is which.
    label = models.CharField(max_length=120, blank=True, default="")

    def __str__(self):
        return f"token of {self.user}"

    def idle_since(self):
        return self.last_used_at or self.created_at
