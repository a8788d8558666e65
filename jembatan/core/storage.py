"""Private files: never public. Stored outside MEDIA_ROOT (or, on object storage, as
private objects in the private bucket), so neither the web server nor the bucket serves
them.

Only views that check who asks hand them out (PPID documents and answers, files attached
to answers on aspirations), streamed by ``private_file_response``. Locally the directory
is ``settings.PPID_PRIVATE_ROOT`` (the name is historical: PPID was the first to need it),
read at each use rather than fixed when a model is imported, so a changed setting, in
tests or a backup restore, is honoured. With ``STORAGES["private"]`` configured
(core.objectstorage, S3_BUCKET) that storage is used instead, looked up again whenever
STORAGES changes.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from jembatan.core.objectstorage import PRIVATE_ALIAS


class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PPID_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class _ConfiguredPrivateStorage(LazyObject):
    """The private storage the settings name, picked on first use (as default_storage)."""

    def _setup(self) -> None:
        if PRIVATE_ALIAS in settings.STORAGES:
            self._wrapped = storages[PRIVATE_ALIAS]
        else:
            self._wrapped = PrivateStorage()


_private = _ConfiguredPrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs: object) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty  # type: ignore[assignment]


def private_storage() -> Storage:
    return _private  # type: ignore[return-value]


def private_file_response(field, name: str) -> FileResponse:
    """A private file as a download, after the caller has checked who asks: never cached
    by a shared cache, never sniffed into another type. 404 when the file is gone.

    On object storage the app streams the object too (rather than redirecting to a signed
    URL): the bucket may sit on a private network, the download keeps these headers and
    its name, and no link that works without the access check outlives the response."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("Berkas tidak tersedia.")) from None
    extension = os.path.splitext(field.name)[1]
    response = FileResponse(handle, as_attachment=True, filename=name or f"dokumen{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
