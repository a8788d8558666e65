"""Uploaded photos: checked by content, stripped of metadata, resized once on upload.

Pages never resize anything: they only point at the renditions written here (see the
``photo`` template tag). ``validate_image`` decides whether a file is a photo we accept;
``make_renditions`` turns it into a re-encoded master and the WebP/JPEG widths of a srcset.
"""

from __future__ import annotations

import io
import logging
import math
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Decoded formats accepted, whatever the file is called or claims to be. Many phone
# cameras write JPEGs with a multi-picture (MPO) extension; Pillow names those "MPO".
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
# The plugins tried on open (the JPEG plugin itself hands back MPO files).
PLUGINS = ["JPEG", "PNG", "WEBP"]
# The limits are settings (MAX_UPLOAD_BYTES, MAX_IMAGE_PIXELS, MAX_DECODED_IMAGE_BYTES,
# MAX_DECODED_REQUEST_BYTES). Bytes an image takes once decoded (see _decoded_bytes) are
# limited per file and per request: the pixel limit alone lets a small 16-bit RGBA PNG cost
# hundreds of megabytes and seconds. A phone photo fits easily (a 48-megapixel JPEG
# decodes at half scale: 37 MB).
# The widths of the srcset; an image narrower than a step also gets its own width.
WIDTHS = (480, 960, 1600)
# The longest side of the stored master (the only full-size copy kept).
MASTER_MAX_SIDE = 2400
JPEG_QUALITY = 80
WEBP_QUALITY = 80
EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}


@dataclass
class ImageInfo:
    """A decoded, accepted upload. ``image`` is loaded; width/height are as stored."""

    format: str  # "JPEG", "PNG" or "WebP"
    width: int
    height: int
    image: Image.Image = field(repr=False)


@dataclass
class Rendered:
    """What make_renditions wrote: the master and each rendition, as storage names."""

    folder: str
    master: str
    width: int
    height: int
    renditions: list[dict] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [self.master, *(r["path"] for r in self.renditions)]


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_BYTES


def max_image_pixels() -> int:
    return settings.MAX_IMAGE_PIXELS


def max_decoded_image_bytes() -> int:
    return settings.MAX_DECODED_IMAGE_BYTES


def max_decoded_request_bytes() -> int:
    return settings.MAX_DECODED_REQUEST_BYTES


@dataclass
class _Budget:
    left: int


# The decoded bytes still allowed to the images of the current request (None outside one).
_request_budget: ContextVar[_Budget | None] = ContextVar("decoded_image_budget", default=None)


@contextmanager
def decoded_image_budget(total: int | None = None) -> Iterator[None]:
    """Within the block, all images validated together may decode at most ``total`` bytes
    (MAX_DECODED_REQUEST_BYTES by default). Every request runs inside one (middleware)."""
    limit = max_decoded_request_bytes() if total is None else total
    token = _request_budget.set(_Budget(left=limit))
    try:
        yield
    finally:
        _request_budget.reset(token)


class DecodedImageBudgetMiddleware:
    """One decoding budget per request, whichever form or service validates the images."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with decoded_image_budget():
            return self.get_response(request)


def _file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _megabytes(size: int) -> str:
    """Megabytes as the reader writes them: "10", "10,4" (localised; rounded up, so that
    a file just over the limit never reads as equal to it)."""
    value = math.ceil(size * 10 / (1024 * 1024)) / 10
    return number_format(value, decimal_pos=0 if value == int(value) else 1)


def _not_an_image() -> ValidationError:
    return ValidationError(_("Berkas ini bukan gambar JPEG, PNG atau WebP."), code="invalid_image")


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "Gambar terlalu besar (lebih dari %(megapixels)s megapiksel). "
            "Kecilkan dulu ukurannya, lalu unggah lagi."
        )
        % {"megapixels": f"{max_image_pixels() / 1_000_000:.0f}"},
        code="too_many_pixels",
    )


def _too_heavy(size: int) -> ValidationError:
    return ValidationError(
        _(
            "Gambar ini terlalu berat untuk diolah (%(size)s MB setelah dibuka, batasnya "
            "%(limit)s MB). Kecilkan ukurannya atau simpan ulang sebagai JPEG, lalu unggah lagi."
        )
        % {"size": _megabytes(size), "limit": _megabytes(max_decoded_image_bytes())},
        code="too_heavy",
    )


def _too_heavy_together() -> ValidationError:
    return ValidationError(
        _(
            "Gambar-gambar dalam satu kiriman ini terlalu berat untuk diolah bersama. "
            "Kirim lebih sedikit gambar atau kecilkan ukurannya."
        ),
        code="too_heavy_together",
    )


def _bits_per_sample(im: Image.Image, file: IO[bytes]) -> int:
    """The sample depth the file declares (Pillow's mode hides it: a 16-bit RGBA PNG opens
    as "RGBA"). PNG: the IHDR byte; JPEG: the frame header; WebP is always 8 bits."""
    if im.format == "PNG":
        position = file.tell()  # Pillow reads on from the same file object
        file.seek(24)  # signature (8), IHDR length and type (8), width and height (8)
        depth = file.read(1)
        file.seek(position)
        return depth[0] if depth else 8
    return int(getattr(im, "bits", 8) or 8)


def _decoded_bytes(im: Image.Image, file: IO[bytes]) -> int:
    """What decoding costs, from the header alone: pixels x bands x bits per sample.

    At least three bands are counted, since every image is turned into RGB right after
    (a palette or grey image of a few kilobytes would otherwise slip under the limit and
    triple in memory a moment later), and at least 8 bits, a byte per sample in memory."""
    width, height = im.size
    bands = max(len(im.getbands()), 3)
    bits = max(_bits_per_sample(im, file), 8)
    return width * height * bands * bits // 8


def _claim_decoding(size: int) -> None:
    """Refuse, before a pixel is decoded, an image that would cost more than allowed for
    one file or for what the request has left; otherwise take its share of the budget."""
    if size > max_decoded_image_bytes():
        raise _too_heavy(size)
    budget = _request_budget.get()
    if budget is not None:
        if size > budget.left:
            raise _too_heavy_together()
        budget.left -= size


def _broken() -> ValidationError:
    return ValidationError(
        _("Gambar ini rusak atau tidak lengkap. Coba ambil atau unggah ulang."),
        code="broken_image",
    )


def _looks_like_ours(file: IO[bytes]) -> bool:
    """Whether the file starts like a JPEG, PNG or WebP (then it is broken, not foreign)."""
    file.seek(0)
    head = file.read(12)
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    )


def _open(file: IO[bytes]) -> Image.Image:
    """Open (header only), refusing bombs and unknown formats before any pixel is decoded."""
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow warns above its own limit and refuses above twice that; both mean "no".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(file, formats=PLUGINS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise (_broken() if _looks_like_ours(file) else _not_an_image()) from None
    if im.format not in FORMATS:
        raise _not_an_image()
    width, height = im.size
    if width < 1 or height < 1:
        raise _broken()
    if width * height > max_image_pixels():
        raise _too_many_pixels()
    return im


def _format(im: Image.Image) -> str:
    """The format's name here: one of FORMATS' values, as _open refused any other."""
    return FORMATS[im.format or ""]


def _drafted(im: Image.Image) -> Image.Image:
    """Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while staying at least as large
    as the master: far less memory for a 50-megapixel phone photo. (The size it will
    decode at is known from then on, before decoding.)"""
    if _format(im) == "JPEG":
        im.draft("RGB", (MASTER_MAX_SIDE, MASTER_MAX_SIDE))
    return im


def validate_image(file: IO[bytes], *, max_bytes: int | None = None) -> ImageInfo:
    """Accept a JPEG, PNG or WebP by its decoded content, or raise ValidationError.

    Refused: files over MAX_UPLOAD_BYTES, anything Pillow does not decode as one of the
    three formats (names and declared content types are ignored), images over
    MAX_IMAGE_PIXELS or whose decoded size (pixels x bands x bit depth) is over
    MAX_DECODED_IMAGE_BYTES or over what is left of the request's
    MAX_DECODED_REQUEST_BYTES (all checked from the header, before decoding), and
    truncated or corrupt files. The returned image is fully decoded (large JPEGs at a
    reduced scale that still covers the master size).
    """
    size = _file_size(file)
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB). Batasnya %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
            code="file_too_large",
        )
    if size == 0:
        raise _not_an_image()

    im = _open(file)
    _claim_decoding(_decoded_bytes(_drafted(im), file))
    try:
        im.verify()
    except Exception:
        raise _broken() from None

    # verify() leaves the image unusable: open again and decode every pixel, which is
    # what finds truncated JPEGs (Pillow refuses them unless LOAD_TRUNCATED_IMAGES).
    im = _open(file)
    fmt = _format(im)
    width, height = im.size
    im = _drafted(im)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:
        raise _broken() from None
    return ImageInfo(format=fmt, width=width, height=height, image=im)


def _to_srgb(im: Image.Image) -> Image.Image:
    """Convert an embedded colour profile (e.g. Display P3) to sRGB; drop it if that fails."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in {"RGB", "RGBA", "CMYK", "L"}:
        return im
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if im.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(im, source, target, outputMode=mode)
        return converted if converted is not None else im
    except Exception:  # an odd or broken profile: keep the pixels as they are
        logger.info("Colour profile ignored", exc_info=True)
        return im


def _flatten(im: Image.Image) -> Image.Image:
    """An RGB image: transparency over white, 16-bit and CMYK brought down to 8-bit RGB."""
    if im.mode in {"I;16", "I;16B", "I;16L", "I;16N", "I"}:
        im = im.point(lambda v: v / 256).convert("L")
    elif im.mode == "F":
        im = im.convert("L")
    has_alpha = im.mode in {"RGBA", "LA", "RGBa", "La", "PA"} or (
        im.mode in {"P", "L", "RGB"} and "transparency" in im.info
    )
    if has_alpha:
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im.convert("RGB")


def _clean_master(im: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB, at most MASTER_MAX_SIDE, and without any metadata."""
    im = ImageOps.exif_transpose(im)  # applies the orientation tag (and drops it)
    im = _to_srgb(im)
    im = _flatten(im)
    if max(im.size) > MASTER_MAX_SIDE:
        im.thumbnail((MASTER_MAX_SIDE, MASTER_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3)
    # Copy the pixels into a new image: nothing of the upload's EXIF (GPS included),
    # XMP, comments or text chunks can travel with it to the encoder.
    clean = Image.new("RGB", im.size)
    clean.paste(im)
    return clean


def rendition_widths(width: int) -> list[int]:
    """480, 960 and 1600 where the image is at least that wide, plus its own width
    when it falls short of the next step (never upscaled)."""
    widths = [w for w in WIDTHS if w <= width]
    if width < WIDTHS[-1] and width not in widths:
        widths.append(width)
    return widths


def _encode(im: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        im.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def _resized(master: Image.Image, width: int) -> Image.Image:
    if width >= master.width:
        return master
    height = max(1, round(master.height * width / master.width))
    return master.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3)


def clean_jpeg(
    file: IO[bytes], *, max_side: int = MASTER_MAX_SIDE, max_bytes: int | None = None
) -> tuple[bytes, int, int]:
    """Validate an upload (validate_image) and return one metadata-free, upright sRGB JPEG
    of it, at most max_side wide or high, with its size: for images that are documents
    (attachments, aspiration photos), not library photos with renditions."""
    info = validate_image(file, max_bytes=max_bytes)
    try:
        im = _clean_master(info.image)
    finally:
        info.image.close()
    if max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=3)
    return _encode(im, "jpeg"), im.width, im.height


@contextmanager
def removed_on_failure(storage: Storage | None = None) -> Iterator[list[str]]:
    """Collect the storage names written inside the block; if the block raises (a
    rolled-back transaction, say), delete those files before the error goes on.
    ``storage``: where they were written (default: the media storage)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        delete_files(stored, storage=storage)
        raise


def delete_files(paths: list[str], *, storage: Storage | None = None) -> None:
    """Remove stored files, logging (not raising) on failure: used for cleanup."""
    storage = storage or default_storage
    for path in paths:
        try:
            storage.delete(path)
        except Exception:
            logger.warning("Could not delete %s", path, exc_info=True)


def make_renditions(source: ImageInfo | IO[bytes], *, kim_id: int) -> Rendered:
    """Write the master and renditions of an image under photos/<kim-id>/<uuid>/.

    The master is a re-encoded JPEG of at most MASTER_MAX_SIDE pixels; the upload
    itself is never stored. Renditions are <width>.webp and <width>.jpg. If anything
    fails, whatever was already written is deleted before the error propagates.
    """
    info = source if isinstance(source, ImageInfo) else validate_image(source)
    folder = f"photos/{int(kim_id)}/{uuid.uuid4().hex}"
    written: list[str] = []

    def store(name: str, data: bytes) -> str:
        path = default_storage.save(f"{folder}/{name}", ContentFile(data))
        written.append(path)
        return path

    try:
        master = _clean_master(info.image)
        rendered = Rendered(
            folder=folder,
            master=store("master.jpg", _encode(master, "jpeg")),
            width=master.width,
            height=master.height,
        )
        for width in rendition_widths(master.width):
            resized = _resized(master, width)
            for fmt in ("webp", "jpeg"):
                path = store(f"{width}.{EXTENSIONS[fmt]}", _encode(resized, fmt))
                rendered.renditions.append(
                    {"width": width, "height": resized.height, "format": fmt, "path": path}
                )
    except BaseException:
        delete_files(written)
        raise
    return rendered
