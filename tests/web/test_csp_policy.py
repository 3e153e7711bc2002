"""Issue 17, finding 1: the Content-Security-Policy is sent, and no template holds what it would refuse.

The policy (settings.CONTENT_SECURITY_POLICY, README "Personal data and security") allows scripts and
styles from this site's files only. A template with an inline <script>, an on*= handler or a style=""
attribute would break under it in the browser: this check finds them in every app's templates, the
apps added later included, without a browser. JSON in <script type="application/json"> (json_script)
is data, not script, and allowed."""

import re
from pathlib import Path

import gridgov

TEMPLATES = sorted(Path(gridgov.__file__).parent.glob("**/templates/**/*.html"))
SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.I | re.S)
STYLE_ATTR = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.I | re.S)


def _refused(text: str) -> list[str]:
    found = [m.group(0) for m in SCRIPT.finditer(text)
             if "src=" not in m.group("attrs") and "application/json" not in m.group("attrs")]
    found += [m.group(0)[-60:] for m in HANDLER.finditer(text)]
    found += [m.group(0)[-60:] for m in STYLE_ATTR.finditer(text)]
    return found


def test_the_check_finds_what_the_policy_refuses():
    assert _refused('<script>alert(1)</script><p>x</p>')
    assert _refused('<button type="button" onclick="go()">')
    assert _refused('<div class="a"\n     style="height:3px">')
    assert not _refused('<script src="/static/a.js" defer></script>{{ d|json_script:"x" }}'
                        '<script type="application/json" id="y">{}</script><a data-on="1" href="/">')


def test_no_template_holds_inline_script_handlers_or_styles():
    assert len(TEMPLATES) > 50
    offending = {str(path.relative_to(Path(gridgov.__file__).parent)): found
                 for path in TEMPLATES if (found := _refused(path.read_text()))}
    assert offending == {}


def test_every_page_carries_the_policy(personas, login, client):
    for response in [client.get("/login/"), login(personas.worker_a1).get("/"),
                     login(personas.town_admin).get("/map/"), client.get("/api/v1/docs")]:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
