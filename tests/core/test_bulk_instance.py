"""bulk.instance builds an unsaved object as the model's own constructor does, at a fraction of the cost
(imports of a county build a million): same column values, defaults included, and a default made anew
(a callable) is never shared between two objects."""

import datetime

import pytest
from django.db.models.signals import post_init

from gridgov.core import bulk
from gridgov.core.models import AuditEntry, Job
from gridgov.org.models import Household, Person, Post


def _columns(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("model, values", [
    (Person, {"name": "张三", "path": "445321.104.201.g001.", "grid_id": 7, "relation": "head"}),
    (Post, {"kind": "grid_worker", "grid_id": 3, "person_id": 9, "path": "445321.104."}),
    (Household, {"number": "H1", "address": "碧塘村一巷1号", "grid_id": 2, "path": "445321.104.201.g001."}),
    (Job, {"kind": "org.import"}),
    # audit._entry builds every audit row this way: no actor, a JSON value, the run's ids left empty.
    # (its time is given: a default made at each call differs by microseconds between the two)
    (AuditEntry, {"actor": None, "action": "person.create", "object_type": "org.person", "after": {"1": {}},
                  "time": datetime.datetime(2026, 12, 6, 9, 30, tzinfo=datetime.UTC)}),
])
def test_an_instance_has_the_columns_the_constructor_gives(model, values):
    assert _columns(bulk.instance(model, **values)) == _columns(model(**values))


def test_a_callable_default_is_made_for_each_object():
    first, second = bulk.instance(Job, kind="a"), bulk.instance(Job, kind="b")
    assert first.payload == {} and first.payload is not second.payload


def test_an_unknown_field_is_refused():
    with pytest.raises(TypeError, match="no field colour"):
        bulk.instance(Household, colour="red")


def test_a_related_object_fills_its_column_and_its_cache(town, django_assert_num_queries):
    post = bulk.instance(Post, person=town.zhang, kind="grid_worker", grid=town.a1, path=town.a1.path)
    assert _columns(post) == _columns(Post(person=town.zhang, kind="grid_worker", grid=town.a1, path=town.a1.path))
    with django_assert_num_queries(0):
        assert post.person is town.zhang and post.grid is town.a1


def test_a_model_with_init_listeners_goes_through_its_constructor():
    seen = []

    def note(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(note, sender=Household)
    try:
        household = bulk.instance(Household, number="H2", address="二巷", grid_id=2, path="445321.")
    finally:
        post_init.disconnect(note, sender=Household)
    assert seen == [household] and household.number == "H2"
