"""The scripts' translations as hashed static files, /jsi18n/ kept for old pages."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from jembatan.core import jscatalog, urlmemo


@pytest.fixture(autouse=True)
def _fresh_urls():
    urlmemo.clear()
    yield
    urlmemo.clear()


def test_the_command_writes_each_language_as_the_view_serves_it(db, settings, tmp_path):
    settings.JS_CATALOG_ROOT = tmp_path
    out = io.StringIO()
    call_command("build_js_catalog", stdout=out)
    assert "jsi18n/en/djangojs.js" in out.getvalue()
    for language, _name in settings.LANGUAGES:
        written = (tmp_path / "jsi18n" / language / "djangojs.js").read_bytes()
        with translation.override(language):
            served = Client(headers={"cookie": f"django_language={language}"}).get("/jsi18n/")
        assert served.status_code == 200
        assert b"django.gettext" in written
        assert written == served.content


def test_english_catalogue_carries_english_texts():
    indonesian = jscatalog.render_catalog("id")
    english = jscatalog.render_catalog("en")
    assert english != indonesian
    catalog = json.loads(english.split(b"const newcatalog = ")[1].split(b";\n")[0])
    assert catalog  # the scripts' English texts are there


def _manifest(monkeypatch, tmp_path, paths):
    """The storage collectstatic leaves in production: hashed names from a manifest."""
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    storage = ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    monkeypatch.setattr(jscatalog, "staticfiles_storage", storage)


def test_pages_link_the_hashed_file_of_their_language(client, db, settings, monkeypatch, tmp_path):
    _manifest(
        monkeypatch,
        tmp_path,
        {
            "jsi18n/id/djangojs.js": "jsi18n/id/djangojs.0123456789ab.js",
            "jsi18n/en/djangojs.js": "jsi18n/en/djangojs.ba9876543210.js",
        },
    )
    html = client.get("/offline/").content.decode()
    assert 'src="/static/jsi18n/id/djangojs.0123456789ab.js"' in html
    assert 'src="/jsi18n/"' not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/offline/").content.decode()
    assert 'src="/static/jsi18n/en/djangojs.ba9876543210.js"' in html


def test_without_a_collected_file_pages_link_the_view(client, db, settings, monkeypatch, tmp_path):
    _manifest(monkeypatch, tmp_path, {})
    html = client.get("/offline/").content.decode()
    assert 'src="/jsi18n/"' in html
    assert client.get("/jsi18n/").status_code == 200  # old pages keep their link
