import datetime

import pytest

from gridgov.links import actions


@pytest.fixture
def linked(personas):
    """王志强 (party_a1) linked to 张建国's household and 陈丽华's, since 2026-11-03."""
    t = personas.town
    t.link_a1 = actions.do_link(None, t.wang, t.house_a1, since=datetime.date(2026, 11, 3))
    t.link_a2 = actions.do_link(None, t.wang, t.house_a2, since=datetime.date(2026, 11, 3))
    return personas


@pytest.fixture
def category(db):
    from gridgov.cases.models import Category

    parent = Category.objects.create(code="01", name="环境卫生", level=1)
    return Category.objects.create(code="0101", name="垃圾堆放", level=2, parent=parent)
