"""Lesson files: a PDF (checked like information attachments) or a short video.

Videos are uploaded here, never linked from an external host, so members can download
them once at the balai desa and watch offline. The name and declared type of an upload
are only claims: MP4 and WebM are recognised by their first bytes.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from jembatan.core.attachments import check_attachment
from jembatan.core.images import _megabytes

EBML_MAGIC = b"\x1a\x45\xdf\xa3"  # WebM / Matroska
MP4_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"iso5", b"iso6"}


@dataclass
class LessonFile:
    content: File
    name: str  # shown and offered on download
    size: int
    extension: str


def max_video_bytes() -> int:
    """settings.LITERACY_MAX_VIDEO_BYTES when the installation sets it."""
    return settings.LITERACY_MAX_VIDEO_BYTES


def _display_name(name: str, extension: str, fallback: str) -> str:
    stem = os.path.splitext(os.path.basename(name or ""))[0].strip()
    stem = get_valid_filename(stem)[:100] if stem else ""
    return f"{stem or fallback}{extension}"


def sniff_video(head: bytes) -> str | None:
    """ ".mp4", ".webm" or None, from the first bytes of a file."""
    if head.startswith(EBML_MAGIC) and b"webm" in head[:64]:
        return ".webm"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return ".mp4"
    return None


def check_video(file: IO[bytes], *, name: str = "") -> LessonFile:
    name = os.path.basename(name or getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    if size > max_video_bytes():
        raise ValidationError(
            _("Video terlalu besar (%(size)s MB). Batasnya %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(max_video_bytes())},
            code="file_too_large",
        )
    file.seek(0)
    extension = sniff_video(file.read(64))
    file.seek(0)
    if extension is None:
        raise ValidationError(
            _("Berkas “%(name)s” bukan video MP4 atau WebM.") % {"name": name},
            code="not_a_video",
        )
    return LessonFile(
        content=File(file),
        name=_display_name(name, extension, _("video")),
        size=size,
        extension=extension,
    )


def check_pdf(file: IO[bytes], *, name: str = "") -> LessonFile:
    checked = check_attachment(file, name=name or getattr(file, "name", ""))
    if checked.kind != "pdf":
        raise ValidationError(_("Materi jenis PDF harus berupa berkas PDF."), code="not_a_pdf")
    return LessonFile(
        content=checked.content, name=checked.name, size=checked.size, extension=".pdf"
    )


def storage_name(checked: LessonFile) -> str:
    return f"{uuid.uuid4().hex}{checked.extension}"
