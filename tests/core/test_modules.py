"""The plug-in points of gridgov.core.modules: a practice app's home box and menu show on the shell's
pages without touching them, and two demo parts may not share a seed offset."""

import copy

import pytest

from gridgov.core import modules


@pytest.fixture
def plugged_template(tmp_path, settings):
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "_home.html").write_text('<section id="probe-box">{{ user.username }}</section>')
    # A new TEMPLATES value (not the dict changed in place) makes Django drop its cached engines, and
    # pytest-django puts the old one back afterwards.
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [*engines[0]["DIRS"], tmp_path]
    settings.TEMPLATES = engines
    before = modules.templates(modules.HOME)
    modules.register_template(modules.HOME, "probe/_home.html")
    yield
    modules._TEMPLATES[modules.HOME][:] = before


def test_a_registered_home_box_renders_with_the_page_context(plugged_template, personas, login):
    page = login(personas.worker_a1).get("/").content.decode()
    assert '<section id="probe-box">worker_a1</section>' in page


def test_a_home_box_is_not_on_pages_before_it_registers(personas, login):
    assert "probe-box" not in login(personas.worker_a1).get("/").content.decode()


def test_two_demo_parts_may_not_share_a_seed_offset():
    before = modules.demos()
    try:
        modules.register_demo("probe-a", lambda now, seed: None, 9001)
        with pytest.raises(ValueError):
            modules.register_demo("probe-b", lambda now, seed: None, 9001)
    finally:
        modules._DEMOS[:] = before
