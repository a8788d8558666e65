"""Attachments (of information items, requests, lessons): a PDF or an image, accepted by what
the file is.

The name and the declared type of an upload are only claims: the content decides. A file
whose name or type claims one thing while its content is another (or nothing we accept)
is refused with a message that says so. Images are re-encoded (no EXIF, no GPS); PDFs are
opened and refused when broken, locked with a password or carrying scripts.
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from jembatan.core.images import _looks_like_ours, _megabytes, clean_jpeg

# pypdf is imported by the first PDF checked, not with this module: the services that
# import it are imported by every process, few of which ever take an upload.
if TYPE_CHECKING:
    from pypdf import PdfReader

logger = logging.getLogger(__name__)

IMAGE_MAX_SIDE = 1600
PDF_NAMES = {".pdf"}
IMAGE_NAMES = {".jpg", ".jpeg", ".png", ".webp"}
# Keys, anywhere reachable from the catalogue, that run something or carry a program: an
# XFA form is an XML program of its own (with scripts the reader runs), refused outright.
PDF_ACTIVE_KEYS = {
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
}
# Action types (/S) that run code, open programs, or send data elsewhere.
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}
MAX_PDF_OBJECTS = 200_000


@dataclass
class CheckedFile:
    kind: str  # "pdf" or "image"
    content: ContentFile
    name: str  # the name to show (cleaned), with the right extension
    size: int
    pages: int | None = None


def max_attachment_bytes() -> int:
    return settings.MAX_ATTACHMENT_BYTES


def _claim(name: str, content_type: str) -> str | None:
    """What the upload says it is ("pdf", "image" or None) by its name and type."""
    extension = os.path.splitext(name or "")[1].lower()
    if extension in PDF_NAMES or content_type == "application/pdf":
        return "pdf"
    if extension in IMAGE_NAMES or (content_type or "").startswith("image/"):
        return "image"
    return None


def _read(file: IO[bytes]) -> bytes:
    file.seek(0)
    return file.read()


def _display_name(name: str, extension: str) -> str:
    stem = os.path.splitext(os.path.basename(name or ""))[0]
    stem = get_valid_filename(stem.strip())[:100] if stem.strip() else ""
    return f"{stem or _('lampiran')}{extension}"


def _pdf_has_scripts(reader: PdfReader) -> bool:
    """Whether anything reachable from the catalogue runs or carries something: document,
    page, annotation and form-field actions (/AA, /A, chained /Next), the /Names
    JavaScript tree, XFA forms, launches, embedded files. Every object is visited once; a
    document too large to check is treated as active (refused)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    root = reader.trailer.get("/Root")
    if root is None:
        return False
    seen: set[tuple[int, int]] = set()
    stack = [root]
    budget = MAX_PDF_OBJECTS
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        budget -= 1
        if budget < 0:
            return True
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key == "/OpenAction" and _opens_at_a_page(value):
                    # "Open at page 1, fit width": what most exporters write. Its target is
                    # still looked into (a page outside the page tree may carry actions).
                    stack.append(value)
                    continue
                if key in PDF_ACTIVE_KEYS:
                    return True
                if key == "/S" and _resolved(value) in PDF_ACTIVE_ACTIONS:
                    return True
                if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(
                v for v in node if isinstance(v, IndirectObject | DictionaryObject | ArrayObject)
            )
    return False


def _resolved(value: Any) -> Any:
    """The object itself: an action type (/S) may be written as a reference to a name."""
    from pypdf.generic import IndirectObject

    return value.get_object() if isinstance(value, IndirectObject) else value


# All a plain "go to a place" action may carry; anything else (/Next, /JS...) is looked at.
_GOTO_KEYS = {"/Type", "/S", "/D"}


def _opens_at_a_page(value: Any) -> bool:
    """Whether an /OpenAction only shows a place in the document: a destination array
    ([page /XYZ left top zoom]) or a plain GoTo action to one, with nothing chained."""
    from pypdf.generic import ArrayObject, DictionaryObject

    target = _resolved(value)
    if isinstance(target, ArrayObject):
        return True
    return (
        isinstance(target, DictionaryObject)
        and _resolved(target.get("/S")) == "/GoTo"
        and set(target.keys()) <= _GOTO_KEYS
    )


def _check_pdf(data: bytes, name: str) -> CheckedFile:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    broken = ValidationError(
        _("Berkas “%(name)s” bukan PDF yang utuh. Simpan ulang sebagai PDF, lalu unggah lagi.")
        % {"name": name},
        code="broken_pdf",
    )
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise broken
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("PDF “%(name)s” dikunci dengan sandi. Unggah versi tanpa sandi.")
                % {"name": name},
                code="encrypted_pdf",
            )
        pages = len(reader.pages)
        scripted = _pdf_has_scripts(reader)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise broken from None
    except Exception:  # pypdf raises a wide range on hostile input
        logger.info("PDF refused by the parser", exc_info=True)
        raise broken from None
    if pages < 1:
        raise broken
    if scripted:
        raise ValidationError(
            _(
                "PDF “%(name)s” berisi skrip atau berkas tersemat. "
                "Cetak ulang sebagai PDF biasa, lalu unggah lagi."
            )
            % {"name": name},
            code="active_pdf",
        )
    return CheckedFile(
        kind="pdf",
        content=ContentFile(data),
        name=_display_name(name, ".pdf"),
        size=len(data),
        pages=pages,
    )


def _check_image(file: IO[bytes], name: str) -> CheckedFile:
    data, _width, _height = clean_jpeg(
        file, max_side=IMAGE_MAX_SIDE, max_bytes=max_attachment_bytes()
    )
    return CheckedFile(
        kind="image", content=ContentFile(data), name=_display_name(name, ".jpg"), size=len(data)
    )


def check_attachment(file: IO[bytes], *, name: str = "", content_type: str = "") -> CheckedFile:
    """Accept a PDF or a JPEG/PNG/WebP image by content, or raise ValidationError."""
    name = os.path.basename(name or getattr(file, "name", "") or "")
    content_type = content_type or getattr(file, "content_type", "") or ""
    declared = getattr(file, "size", None)
    data = b"" if declared is not None and declared > max_attachment_bytes() else _read(file)
    size = declared if declared is not None and not data else len(data)
    if size > max_attachment_bytes():
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB). Batasnya %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(max_attachment_bytes())},
            code="file_too_large",
        )
    is_pdf = data.startswith(b"%PDF-")
    is_image = _looks_like_ours(io.BytesIO(data))
    claim = _claim(name, content_type)
    if claim == "pdf" and not is_pdf:
        raise ValidationError(
            _("Berkas “%(name)s” mengaku PDF, tetapi isinya bukan PDF.") % {"name": name},
            code="not_what_it_claims",
        )
    if claim == "image" and not is_image:
        raise ValidationError(
            _("Berkas “%(name)s” mengaku gambar, tetapi isinya bukan gambar JPEG, PNG atau WebP.")
            % {"name": name},
            code="not_what_it_claims",
        )
    if is_pdf:
        return _check_pdf(data, name)
    if is_image:
        return _check_image(io.BytesIO(data), name)
    raise ValidationError(
        _("Lampiran harus berupa PDF atau gambar JPEG, PNG atau WebP."), code="unsupported"
    )


def storage_name(checked: CheckedFile) -> str:
    """A fresh file name (never the uploaded one); the field puts it under informasi/Y/m/."""
    extension = ".pdf" if checked.kind == "pdf" else ".jpg"
    return f"{uuid.uuid4().hex}{extension}"
