"""A relation is shown as a relation to the household's head ("与户主关系：配偶"), never as if it were
to whoever reads the page: the spouse of the head reads the head as 户主, not as a spouse of theirs."""

import re

from gridgov.org import actions
from tests.conftest import PASSWORD


def tags(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", tag).strip() for tag in re.findall(r'<span class="tag">(.*?)</span>', html, re.S)]


def test_the_household_page_labels_relations_to_the_head(personas, login):
    page = login(personas.worker_a1).get(f"/households/{personas.town.house_a1.pk}/").content.decode()
    assert tags(page) == ["户主", "与户主关系：配偶"]


def test_the_spouse_reads_the_head_as_head_and_herself_nowhere_as_a_bare_relation(personas, login):
    town = personas.town
    # A child of the head lives in the household too.
    actions.do_create_person(None, name="张小明", grid=town.a1, household=town.house_a1, relation="child")
    spouse = actions.do_create_user(None, "resident_li", "resident", town.a1.code, person=town.zhang_wife,
                                    password=PASSWORD)
    home = login(spouse).get("/").content.decode()
    # Her home lists the others of her household: the head, and the head's child (not hers, as "子女" alone would say).
    assert tags(home) == ["户主", "与户主关系：子女"]
    assert "配偶" not in tags(home)


def test_the_head_reads_the_others_by_their_relation_to_the_head(personas, login):
    home = login(personas.resident_a1).get("/").content.decode()  # 张建国, the head
    assert tags(home) == ["与户主关系：配偶"]


def test_a_persons_page_names_the_head_their_relation_is_to(personas, login):
    town = personas.town
    page = login(personas.worker_a1).get(f"/people/{town.zhang_wife.pk}/").content.decode()
    assert re.search(r"<dt>与户主关系</dt><dd>配偶 · 户主：张建国</dd>", page)
    head = login(personas.worker_a1).get(f"/people/{town.zhang.pk}/").content.decode()
    assert re.search(r"<dt>与户主关系</dt><dd>户主</dd>", head)
