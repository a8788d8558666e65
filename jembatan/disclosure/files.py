"""Files of the information list and of answers: accepted by what they are, not by name.

PDFs and images go through the checks of development information (dissemination.files:
no scripts, no passwords, images re-encoded without metadata). Spreadsheets and Word
documents (Office Open XML) are accepted when the archive really is one and carries no
macros; CSV when it is plain UTF-8 text.
"""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from jembatan.core.attachments import check_attachment, max_attachment_bytes
from jembatan.core.images import _megabytes

OFFICE_KINDS = {"xl/workbook.xml": ".xlsx", "word/document.xml": ".docx"}
OFFICE_NAMES = {".xlsx", ".docx", ".csv"}


@dataclass
class StoredFile:
    content: ContentFile
    name: str  # what the downloader sees
    extension: str
    size: int

    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}{self.extension}"


def _display(name: str, extension: str) -> str:
    stem = os.path.splitext(os.path.basename(name or ""))[0].strip()
    stem = get_valid_filename(stem)[:100] if stem else ""
    return f"{stem or 'dokumen'}{extension}"


def _check_office(data: bytes, name: str) -> StoredFile:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        names = set()
    if "[Content_Types].xml" not in names:
        raise ValidationError(
            _("Berkas “%(name)s” bukan dokumen XLSX atau DOCX yang utuh.") % {"name": name},
            code="broken_office",
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError(
            _("Berkas “%(name)s” berisi makro. Simpan ulang tanpa makro.") % {"name": name},
            code="macro",
        )
    for marker, extension in OFFICE_KINDS.items():
        if marker in names:
            return StoredFile(ContentFile(data), _display(name, extension), extension, len(data))
    raise ValidationError(
        _("Berkas “%(name)s” bukan dokumen XLSX atau DOCX yang utuh.") % {"name": name},
        code="broken_office",
    )


def _check_csv(data: bytes, name: str) -> StoredFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise ValidationError(
            _("Berkas “%(name)s” bukan teks CSV (UTF-8).") % {"name": name}, code="broken_csv"
        )
    return StoredFile(ContentFile(data), _display(name, ".csv"), ".csv", len(data))


def check_document_file(file: IO[bytes]) -> StoredFile:
    """Accept a PDF, an image, an XLSX/DOCX or a CSV by content, or raise ValidationError."""
    name = os.path.basename(getattr(file, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    size = getattr(file, "size", None)
    if size is not None and size > max_attachment_bytes():
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB). Batasnya %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(max_attachment_bytes())},
            code="file_too_large",
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if extension in OFFICE_NAMES or head.startswith(b"PK\x03\x04"):
        data = file.read()
        if len(data) > max_attachment_bytes():
            raise ValidationError(_("Berkas terlalu besar."), code="file_too_large")
        if head.startswith(b"PK\x03\x04"):
            return _check_office(data, name)
        if extension == ".csv":
            return _check_csv(data, name)
        raise ValidationError(
            _("Berkas “%(name)s” mengaku %(ext)s, tetapi isinya bukan.")
            % {"name": name, "ext": extension.lstrip(".").upper()},
            code="not_what_it_claims",
        )
    try:
        checked = check_attachment(file, name=name)
    except ValidationError as exc:
        if exc.code == "unsupported":
            raise ValidationError(
                _("Berkas harus berupa PDF, gambar (JPEG, PNG, WebP), XLSX, DOCX atau CSV."),
                code="unsupported",
            ) from None
        raise
    extension = ".pdf" if checked.kind == "pdf" else ".jpg"
    return StoredFile(checked.content, checked.name, extension, checked.size)
