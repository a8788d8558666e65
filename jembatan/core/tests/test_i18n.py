"""The English catalogue: complete, compiled, in step with the sources, and used.

Source strings are Indonesian; jembatan/locale/en translates them to English.
After changing a translatable string run `make messages`, translate what is new in
django.po and commit both django.po and django.mo.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the jembatan/ folder
LOCALE_DIR = SOURCE_ROOT / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
# makemessages' default extensions for the django domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%%")


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _translations(entries) -> set[tuple]:
    """(msgctxt, msgid, msgid_plural, translation(s)) for every entry of a catalogue."""
    pairs = set()
    for e in entries:
        if e.msgid_plural:
            forms = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
            pairs.add((*_key(e), forms))
        else:
            pairs.add((*_key(e), e.msgstr))
    return pairs


@pytest.fixture(autouse=True)
def _keep_active_language():
    # The language middleware activates the visitor's language on this thread;
    # put back whatever was active so other tests are not affected.
    with translation.override(translation.get_language()):
        yield


def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete():
    po = _catalogue()
    assert po.metadata.get("Language") == "en"
    assert len(po) > 0
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    # polib counts a fuzzy entry as untranslated, so fuzzy is checked first.
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert not fuzzy, f"fuzzy in {PO_PATH.name}: {fuzzy}"
    assert not obsolete, f"obsolete (#~) in {PO_PATH.name}: {obsolete}"
    assert not untranslated, f"untranslated in {PO_PATH.name}: {untranslated}"
    for e in po:
        if e.msgid_plural:
            assert len(e.msgstr_plural) == 2, e.msgid
            assert all(s.strip() for s in e.msgstr_plural.values()), e.msgid
        else:
            assert e.msgstr.strip(), e.msgid


def test_translations_keep_the_placeholders_of_the_source():
    for e in _catalogue():
        expected = sorted(PLACEHOLDER.findall(e.msgid))
        translated = e.msgstr_plural.values() if e.msgid_plural else [e.msgstr]
        for text in translated:
            assert sorted(PLACEHOLDER.findall(text)) == expected, (e.msgid, text)


def test_compiled_catalogue_matches_the_po_file(tmp_path):
    assert MO_PATH.exists(), "django.mo is missing: run make messages"
    fresh = tmp_path / "fresh.mo"
    polib.pofile(str(PO_PATH)).save_as_mofile(str(fresh))
    committed = _translations(polib.mofile(str(MO_PATH)))
    expected = _translations(polib.mofile(str(fresh)))
    assert expected, "the compiled catalogue is empty"
    stale = sorted(expected - committed)
    extra = sorted(committed - expected)
    assert not stale and not extra, (
        f"django.mo is out of date with django.po (run make messages): "
        f"missing or changed {stale[:5]}, no longer in the .po {extra[:5]}"
    )


def test_every_translatable_source_string_is_in_the_catalogue(tmp_path):
    assert shutil.which("xgettext"), "makemessages needs GNU gettext (apt-get install gettext)"
    copy = tmp_path / "jembatan"
    for path in SOURCE_ROOT.rglob("*"):
        relative = path.relative_to(SOURCE_ROOT)
        if relative.parts[0] == "locale" or "__pycache__" in relative.parts:
            continue
        if path.is_file() and path.suffix in SOURCE_SUFFIXES:
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    (copy / "locale").mkdir()
    # No settings: makemessages then writes into ./locale of the copy, never into the
    # project's LOCALE_PATHS.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "en",
            "--no-location",
            "--ignore",
            "locale/*",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = {_key(e) for e in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po"))}
    assert len(found) > 50, "makemessages found suspiciously few strings"
    committed = {_key(e) for e in _catalogue() if not e.obsolete}
    missing = sorted(found - committed)
    assert not missing, (
        f"strings in the sources but not in {PO_PATH}; "
        f"run make messages and translate them: {missing}"
    )


@pytest.mark.django_db
def test_hub_is_indonesian_by_default_and_english_after_switching(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Beranda" in page
    assert "Punya aspirasi?" in page
    assert "Home" not in page

    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/"

    response = client.get("/")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Home" in page
    assert "Have your say" in page
    assert "Beranda" not in page
    assert "Punya aspirasi?" not in page

    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="id">' in page
    assert "Beranda" in page


def test_english_catalogue_translates_lazy_model_strings_and_plurals():
    from jembatan.communities.models import Position

    with translation.override("en"):
        assert str(Position.KETUA.label) == "Chair"
        one = translation.ngettext(
            "%(counter)s wilayah di bawahnya", "%(counter)s wilayah di bawahnya", 1
        )
        many = translation.ngettext(
            "%(counter)s wilayah di bawahnya", "%(counter)s wilayah di bawahnya", 3
        )
        assert one % {"counter": 1} == "1 subregion"
        assert many % {"counter": 3} == "3 subregions"
    with translation.override(settings.LANGUAGE_CODE):
        assert str(Position.KETUA.label) == "Ketua"


def test_dates_read_the_indonesian_way():
    # 5 December 2024 was a Thursday (Kamis).
    assert date(2024, 12, 5).isoweekday() == 4
    with translation.override("id"):
        assert formats.date_format(date(2024, 12, 5), "l, j F Y") == "Kamis, 5 Desember 2024"
    with translation.override("en"):
        assert formats.date_format(date(2024, 12, 5), "l, j F Y") == "Thursday, 5 December 2024"
