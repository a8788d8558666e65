"""The uploaded files of a backup when they live in a bucket (core.objectstorage).

``make backup`` downloads every object of the public and the private storage into the
archive, under ``media/`` and ``private/`` as the local directories are; a restore uploads
them again under the same names (and the storage's ACL: public objects public, private
ones private). Locally kept files are not touched here (core.backup copies them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage

from jembatan.core.objectstorage import is_object_storage
from jembatan.core.storage import private_storage


def file_storages() -> dict[str, Storage]:
    """The storage behind each file root of an archive."""
    return {"media": default_storage, "private": private_storage()}


def bucket_storages() -> dict[str, Any]:
    """The roots whose files are objects in a bucket."""
    return {name: s for name, s in file_storages().items() if is_object_storage(s)}


def _prefix(storage: Any) -> str:
    location = (storage.location or "").strip("/")
    return f"{location}/" if location else ""


def object_names(storage: Any) -> Iterator[str]:
    """The name (as the storage knows it, without its location) of every object."""
    prefix = _prefix(storage)
    for summary in storage.bucket.objects.filter(Prefix=prefix):
        key = summary.key
        if not key.endswith("/"):
            yield key[len(prefix) :]


def download_objects(storage: Any, target: Path) -> list[Path]:
    """Copy every object of the storage into ``target``; returns the files written.

    An object deleted between the listing and its download (a photo removed during the
    backup) is left out, as a file deleted during a backup of a directory would be."""
    written = []
    for name in sorted(object_names(storage)):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            source = storage.open(name, "rb")
        except FileNotFoundError:
            continue
        with source, path.open("wb") as out:
            for chunk in source.chunks():
                out.write(chunk)
        written.append(path)
    return written


def upload_objects(storage: Any, source: Path, paths: list[Path]) -> None:
    """Put files back as objects under their names relative to ``source``, replacing an
    object of the same name (a restore brings back what was, it does not rename)."""
    for path in paths:
        name = path.relative_to(source).as_posix()
        with path.open("rb") as handle:
            storage._save(name, File(handle, name=name))
