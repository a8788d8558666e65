"""Collected static files are linked by their hashed names, under DEBUG too (make run)."""

import json

from jembatan.core.staticstorage import HashedStaticFilesStorage


def test_hashed_names_are_linked_under_debug(settings, tmp_path):
    settings.DEBUG = True
    paths = {"css/jembatan.css": "css/jembatan.0123456789ab.css"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    storage = HashedStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/jembatan.css") == "/static/css/jembatan.0123456789ab.css"
