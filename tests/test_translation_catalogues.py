"""The translation catalogues: Django merges the project's catalogue (LOCALE_PATHS) and every app's into one
gettext domain per language, so a msgid (with its msgctxt, per plural form) that two catalogues translate
differently shows one of the two on every page of the site: the project's if it has it, else the first
installed app's. An app whose word means something else on its page (吊销 a key, not 撤销 an honour; 应开
meetings, not a 必填 column) gives its string a context (pgettext, {% translate … context … %}); a mere
wording variant is made identical.

Each compiled .mo must also be what its .po compiles to, or a hand-edited .po changes nothing at run time.
"""

import collections
import gettext
import pathlib
import shutil
import subprocess

import pytest

SRC = pathlib.Path(__file__).resolve().parent.parent / "src" / "gridgov"
PO_FILES = sorted(SRC.glob("**/locale/*/LC_MESSAGES/django.po"))
MO_FILES = sorted(SRC.glob("**/locale/*/LC_MESSAGES/django.mo"))


def _name(path: pathlib.Path) -> str:
    """src/gridgov/honours/locale/zh_Hans/… -> honours (zh_Hans); the project's catalogue is "project"."""
    root = path.parents[3].relative_to(SRC)
    return f"{root.as_posix() if root.parts else 'project'} ({path.parents[1].name})"


def _catalogue(mo: pathlib.Path) -> dict:
    with mo.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)._catalog
    catalogue.pop("", None)  # the header
    return catalogue


def _show(key) -> str:
    """A catalogue key as a reader knows it: msgctxt "…" msgid "…" [plural form n]."""
    msgid, form = key if isinstance(key, tuple) else (key, None)
    context, _sep, msgid = msgid.rpartition("\x04")
    return (f"msgctxt {context!r} " if context else "") + f"msgid {msgid!r}" + (
        f" [plural form {form}]" if form is not None else "")


def test_the_catalogues_are_found():
    assert PO_FILES, f"no django.po under {SRC}"
    assert {p.with_suffix(".mo") for p in PO_FILES} == set(MO_FILES), "each django.po has its django.mo and no more"


@pytest.mark.parametrize("po", PO_FILES, ids=_name)
def test_each_mo_is_compiled_from_its_po(po, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (GNU gettext) compiles the catalogues; install gettext"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(fresh), str(po)], check=True, capture_output=True)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: cd {po.parent} && msgfmt -o django.mo django.po"
    compiled, shipped = _catalogue(fresh), _catalogue(mo)
    differ = sorted(_show(k) for k in compiled.keys() | shipped.keys() if compiled.get(k) != shipped.get(k))
    if differ:
        pytest.fail(f"{mo} is not compiled from its .po (cd {po.parent} && msgfmt -o django.mo django.po); "
                    f"{len(differ)} entries differ: " + "; ".join(differ[:10]), pytrace=False)


def test_no_msgid_is_translated_differently_by_two_catalogues():
    by_key = collections.defaultdict(dict)  # (language, key) -> {catalogue: translation}
    for mo in MO_FILES:
        for key, text in _catalogue(mo).items():
            by_key[(mo.parents[1].name, key)][_name(mo)] = text
    clashes = []
    for (_language, key), texts in sorted(by_key.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        if len(set(texts.values())) > 1:
            clashes.append(f"{_show(key)}: " + ", ".join(f"{name} {text!r}" for name, text in sorted(texts.items())))
    if clashes:
        pytest.fail(f"{len(clashes)} msgids are translated differently by two catalogues; only one of the "
                    "translations shows, on every page (give the app's string a context, or make them the "
                    "same):\n" + "\n".join(clashes), pytrace=False)
