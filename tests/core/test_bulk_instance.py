"""bulk.instance builds an unsaved object as the model's own constructor does, at a fraction of the cost
(imports of a county build a million): same column values, defaults included, and a default made anew
(a callable) is never shared between two objects."""

import pytest

from gridgov.core import bulk
from gridgov.core.models import Job
from gridgov.org.models import Household, Person, Post


def _columns(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("model, values", [
    (Person, {"name": "张三", "path": "445321.104.201.g001.", "grid_id": 7, "relation": "head"}),
    (Post, {"kind": "grid_worker", "grid_id": 3, "person_id": 9, "path": "445321.104."}),
    (Household, {"number": "H1", "address": "碧塘村一巷1号", "grid_id": 2, "path": "445321.104.201.g001."}),
    (Job, {"kind": "org.import"}),
])
def test_an_instance_has_the_columns_the_constructor_gives(model, values):
    assert _columns(bulk.instance(model, **values)) == _columns(model(**values))


def test_a_callable_default_is_made_for_each_object():
    first, second = bulk.instance(Job, kind="a"), bulk.instance(Job, kind="b")
    assert first.payload == {} and first.payload is not second.payload


def test_an_unknown_field_is_refused():
    with pytest.raises(TypeError, match="no field colour"):
        bulk.instance(Household, colour="red")
