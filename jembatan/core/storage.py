"""Private files: stored outside MEDIA_ROOT, so the web server never serves them.

Only views that check who asks hand them out (PPID documents and answers, files attached
to answers on aspirations). The directory is ``settings.PPID_PRIVATE_ROOT`` (the name is
historical: PPID was the first to need it), read at each use rather than fixed when a
model is imported, so a changed setting, in tests or a backup restore, is honoured.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PPID_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


def private_file_response(field, name: str) -> FileResponse:
    """A private file as a download, after the caller has checked who asks: never cached
    by a shared cache, never sniffed into another type. 404 when the file is gone."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("Berkas tidak tersedia.")) from None
    extension = os.path.splitext(field.name)[1]
    response = FileResponse(handle, as_attachment=True, filename=name or f"dokumen{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
