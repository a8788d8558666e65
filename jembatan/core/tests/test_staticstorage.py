"""Collected static files are linked by their hashed names, under DEBUG too (make run)."""

import gzip
import json

import brotli

from jembatan.core.staticstorage import HashedStaticFilesStorage


def test_hashed_names_are_linked_under_debug(settings, tmp_path):
    settings.DEBUG = True
    paths = {"css/jembatan.css": "css/jembatan.0123456789ab.css"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    storage = HashedStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/jembatan.css") == "/static/css/jembatan.0123456789ab.css"


def collect(storage, source):
    """What collectstatic does with one source folder: copy, then hash and compress."""
    from django.core.files.storage import FileSystemStorage

    found = FileSystemStorage(location=source)
    paths = {}
    for name in ["js/site.js"]:
        if storage.exists(name):
            storage.delete(name)
        with found.open(name) as handle:
            storage.save(name, handle)
        paths[name] = (found, name)
    return list(storage.post_process(paths))


def test_only_hashed_copies_are_compressed_and_only_once(settings, tmp_path):
    source, target = tmp_path / "source", tmp_path / "static"
    (source / "js").mkdir(parents=True)
    (source / "js" / "site.js").write_text("document.title = 'Jembatan';\n" * 200)
    storage = HashedStaticFilesStorage(location=target, base_url="/static/")
    assert all(not isinstance(processed, Exception) for *_, processed in collect(storage, source))
    hashed = storage.hashed_files["js/site.js"]
    compressed = sorted(p.name for p in (target / "js").glob("*.*[rz]"))
    assert compressed == [f"{hashed.split('/')[1]}.br", f"{hashed.split('/')[1]}.gz"]

    # A second collectstatic keeps copies that unpack to the file (a stand-in packed at
    # another quality shows it was not written again) and writes a broken one again.
    brotli_copy, gzip_copy = target / f"{hashed}.br", target / f"{hashed}.gz"
    stand_in = brotli.compress((target / hashed).read_bytes(), quality=1)
    brotli_copy.write_bytes(stand_in)
    collect(HashedStaticFilesStorage(location=target, base_url="/static/"), source)
    assert brotli_copy.read_bytes() == stand_in

    gzip_copy.write_bytes(gzip_copy.read_bytes()[:20])
    collect(HashedStaticFilesStorage(location=target, base_url="/static/"), source)
    assert brotli_copy.read_bytes() != stand_in
    assert gzip.decompress(gzip_copy.read_bytes()) == (target / hashed).read_bytes()
