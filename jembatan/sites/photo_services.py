"""Uploading and deleting a KIM's photos: checked, re-encoded, audited, nothing left behind."""

from __future__ import annotations

import logging
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record, snapshot
from jembatan.accounts.models import User
from jembatan.communities.models import Kim
from jembatan.core.images import delete_files, make_renditions, validate_image
from jembatan.sites.access import can_approve_posts, can_write_posts
from jembatan.sites.audit_actions import AuditAction
from jembatan.sites.photos_model import Photo

logger = logging.getLogger(__name__)

AUDIT_FIELDS = ["kim", "uploaded_by", "caption", "alt_text", "width", "height", "master"]


def can_delete_photo(user: User, photo: Photo) -> bool:
    """The uploader while still writing for the KIM; its ketua, sekretaris and Diskominfo."""
    if can_approve_posts(user, photo.kim):
        return True
    return photo.uploaded_by_id == user.pk and can_write_posts(user, photo.kim)


def photo_upload(
    *,
    actor: User,
    kim: Kim,
    file: IO[bytes],
    caption: str = "",
    alt_text: str = "",
    purpose: str = Photo.Purpose.PHOTO,
) -> Photo:
    """Store a photo for a KIM, or raise (PermissionDenied, ValidationError) changing nothing."""
    if not can_write_posts(actor, kim):
        raise PermissionDenied(_("Anda tidak berhak mengunggah foto untuk KIM ini."))
    if purpose not in Photo.Purpose.values:
        raise ValidationError({"purpose": _("Kegunaan foto tidak dikenal.")})
    if purpose != Photo.Purpose.PHOTO and not can_approve_posts(actor, kim):
        raise PermissionDenied(_("Logo dan scan SK hanya diunggah ketua atau sekretaris."))
    caption = (caption or "").strip()
    alt_text = (alt_text or "").strip()
    errors = {}
    if len(caption) > Photo._meta.get_field("caption").max_length:
        errors["caption"] = _("Keterangan foto terlalu panjang.")
    if len(alt_text) > Photo._meta.get_field("alt_text").max_length:
        errors["alt_text"] = _("Teks alternatif terlalu panjang.")
    if errors:
        raise ValidationError(errors)

    try:
        info = validate_image(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    try:
        rendered = make_renditions(info, kim_id=kim.pk)
    except (OSError, ValueError):  # an image Pillow opened but cannot convert or encode
        logger.exception("Photo rendering failed for KIM %s", kim.pk)
        raise ValidationError(
            {"file": _("Gambar ini tidak dapat diproses. Coba simpan ulang sebagai JPEG.")}
        ) from None
    finally:
        info.image.close()

    try:
        with transaction.atomic():
            photo = Photo.objects.create(
                kim=kim,
                uploaded_by=actor,
                caption=caption,
                alt_text=alt_text,
                width=rendered.width,
                height=rendered.height,
                master=rendered.master,
                renditions=rendered.renditions,
                purpose=purpose,
            )
            audit_record(
                actor=actor,
                action=AuditAction.PHOTO_UPLOAD,
                target=photo,
                after=snapshot(photo, AUDIT_FIELDS),
            )
    except BaseException:
        delete_files(rendered.paths)
        raise
    return photo


def photo_delete(*, actor: User, photo: Photo) -> None:
    """Delete a photo's row (audited) and, once that is committed, its files."""
    if not can_delete_photo(actor, photo):
        raise PermissionDenied(
            _("Hanya pengunggah, ketua atau sekretaris yang dapat menghapus foto ini.")
        )
    paths = photo.paths
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.PHOTO_DELETE,
            target=photo,
            before=snapshot(photo, AUDIT_FIELDS),
        )
        photo.delete()
        transaction.on_commit(lambda: delete_files(paths))
