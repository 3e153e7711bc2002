"""A clone stands on its own: the README and docs/ point only at files the repository holds, nothing
refers to notes kept outside it, the README names every demo account and says how to install, where
to serve and how to start over, and LICENSE states the licence pyproject.toml declares."""

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from gridgov.org import demo

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOC_FILES = [README, *sorted((ROOT / "docs").glob("*.md"))]

# [text](target), but not ![image](...) alt text mistaken for a link target; targets have no spaces.
MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
# An inline code span that names a path of the repository, e.g. `src/gridgov/cases/workflow.py`.
CODE_PATH = re.compile(r"`((?:docs|src|tests|benchmarks|\.ci)/[\w./-]*)`")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
# Notes and source articles that live beside the repository on the developers' machines, not in it.
OUTSIDE_REFERENCES = ("../shared", "shared/DOMAIN", "shared/DESIGN", "seeds/0")


def tracked_files() -> set[str] | None:
    """The files a clone has (git's index), or None outside a git checkout (e.g. an unpacked sdist)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return {name for name in out.decode().split("\0") if name}


def slug(heading: str) -> str:
    """The anchor GitHub and most renderers give a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def references() -> list[tuple[str, Path, str]]:
    """(document, resolved path, anchor) for every link and code path of the README and docs/."""
    found = []
    for doc in DOC_FILES:
        text = doc.read_text(encoding="utf-8")
        for target in MD_LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
                continue  # a web address, mail address or a heading of the same page
            path, _hash, anchor = target.partition("#")
            found.append((relative(doc), (doc.parent / path).resolve(), anchor))
        for path in CODE_PATH.findall(text):
            # Code paths are written from the repository's root, wherever the page lies.
            found.append((relative(doc), (ROOT / path).resolve(), ""))
    return found


def test_the_docs_exist_and_the_readme_links_to_them():
    names = {relative(p) for p in DOC_FILES}
    assert {"README.md", "docs/README.md", "docs/domain.md", "docs/architecture.md"} <= names
    linked = {relative(path) for doc, path, _anchor in references() if doc == "README.md"}
    assert {"docs/domain.md", "docs/architecture.md", "LICENSE"} <= linked


def test_every_link_and_path_resolves_inside_the_repository():
    tracked = tracked_files()
    refs = references()
    assert len(refs) > 20  # the pattern finds the README's links and paths, not nothing
    problems = []
    for doc, path, anchor in refs:
        if not path.is_relative_to(ROOT):
            problems.append(f"{doc}: {path} lies outside the repository")
            continue
        name = relative(path)
        if not path.exists():
            problems.append(f"{doc}: {name} does not exist")
        elif tracked is not None and name not in tracked and not any(t.startswith(name + "/") for t in tracked):
            problems.append(f"{doc}: {name} is not tracked by git, so a clone lacks it")
        elif anchor and path.suffix == ".md":
            anchors = {slug(h) for h in HEADING.findall(path.read_text(encoding="utf-8"))}
            if anchor not in anchors:
                problems.append(f"{doc}: {name} has no heading #{anchor}")
    assert not problems, "\n".join(problems)


def test_nothing_refers_to_notes_outside_the_repository():
    tracked = tracked_files()
    if tracked is None:
        pytest.skip("not a git checkout: the tracked files are unknown")
    this = relative(Path(__file__).resolve())
    problems = []
    for name in sorted(tracked - {this}):
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary (compiled catalogues, images)
        text = data.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for ref in OUTSIDE_REFERENCES:
                if ref in line:
                    problems.append(f"{name}:{number}: {ref}")
    assert not problems, "\n".join(problems)


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_the_readme_lists_every_demo_account():
    rows = [line for line in readme_section("Demo accounts").splitlines() if line.startswith("| `")]
    listed = [re.match(r"\| `([^`]+)`", row).group(1) for row in rows]
    assert len(listed) == len(set(listed))
    # DEMO_USERNAMES is what `gridgov demo` prints as the accounts to sign in with.
    assert set(listed) == set(demo.DEMO_USERNAMES)
    assert "county_admin" in listed
    assert demo.PASSWORD in readme_section("Demo accounts")


def test_the_readme_says_how_to_install_serve_and_start_over():
    readme = README.read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    minimum = re.fullmatch(r">=\s*(\d+\.\d+)", pyproject["project"]["requires-python"]).group(1)
    assert f"Python {minimum}" in readme_section("Prerequisites")
    for needed in ("npm ci", "PyPI", "npm registry", "without network access", "PIP_NO_INDEX",
                   "npm_config_offline", "chromium", "fonts-wqy-microhei", "gettext"):
        assert needed in readme, needed

    # HOST and PORT are the Makefile's variables, with the defaults the README gives.
    for variable in ("HOST", "PORT"):
        default = re.search(rf"^{variable} \?= (\S+)$", makefile, re.M).group(1)
        assert f"`{variable}` (default `{default}`)" in readme, variable
        assert f"$({variable})" in makefile
    assert "make run HOST=0.0.0.0 PORT=8080" in readme

    # `make clean` deletes what the README says it deletes, the database and keys under var/ first.
    clean = re.search(r"^clean:\n\trm -rf (.+)$", makefile, re.M).group(1).split()
    assert "var" in clean
    start_over = readme_section("Running, and starting over")
    assert "`make clean`" in start_over
    for removed in ("var/", "var/secret.key", "var/data.key", ".venv/", "node_modules/"):
        assert f"`{removed}`" in start_over, removed
    venv = re.search(r"^VENV := (\S+)$", makefile, re.M).group(1)
    assert {"$(VENV)", "node_modules"} <= set(clean) and venv == ".venv"


def test_the_licence_file_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    # An SPDX expression, not the deprecated {text = ...} table that makes setuptools warn at install.
    assert isinstance(project["license"], str)
    assert project["license"] == "AGPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]
    setuptools = next(r for r in pyproject["build-system"]["requires"] if r.startswith("setuptools"))
    assert int(re.search(r">=\s*(\d+)", setuptools).group(1)) >= 77  # the first with SPDX license strings

    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert f"SPDX-License-Identifier: {project['license']}" in licence
    assert "GNU Affero General Public License" in licence
    assert "version 3" in licence and "any later version" in licence
    assert "https://www.gnu.org/licenses/agpl-3.0.html" in licence
    assert "the gridgov contributors" in licence
    # The project's own statement, not a pasted copy of the licence's full text.
    assert "TERMS AND CONDITIONS" not in licence and len(licence) < 4000
    assert (ROOT / "package.json").read_text(encoding="utf-8").count(f'"license": "{project["license"]}"') == 1
