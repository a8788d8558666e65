"""The other page types of a KIM site (potensi, produk, agenda, halaman): one registry,
one set of services and views, instead of four copies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audit_record, snapshot
from jembatan.accounts.models import User
from jembatan.accounts.phone import normalize_phone
from jembatan.communities.models import Kim
from jembatan.core.richtext import sanitize_html
from jembatan.core.slugs import free_slug
from jembatan.sites.access import can_approve_posts, can_write_posts
from jembatan.sites.audit_actions import AuditAction
from jembatan.sites.forms import PhotoPicker, PhotoPickerMultiple, RichTextarea
from jembatan.sites.models import Album, Event, KimContent, Page, Potential, Product

BODY_WIDGET = RichTextarea(attrs={"rows": 8})
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class BaseContentForm(forms.ModelForm):
    class Media:
        js = ["js/editor.js"]
        css = {"all": ["css/editor-photos.css"]}

    def _post_clean(self) -> None:
        # Slug uniqueness, sanitising and constraints are content_save's job.
        pass


@dataclass(frozen=True)
class ContentKind:
    segment: str
    model: type[KimContent]
    label: Promise
    label_plural: Promise
    fields: tuple[str, ...]

    def queryset(self, kim: Kim) -> QuerySet:
        # get_absolute_url needs the KIM's slug: fetch it with each row.
        return self.model.objects.filter(kim=kim).select_related("kim")

    def public(self, kim: Kim) -> QuerySet:
        return self.queryset(kim).filter(is_published=True)

    def form_class(self) -> type[forms.ModelForm]:
        widgets: dict[str, Any] = {"body": BODY_WIDGET}
        if self.model is Event:
            widgets.update(starts_at=DATETIME_WIDGET, ends_at=DATETIME_WIDGET)
        if self.model is Album:
            widgets.update(photos=PhotoPickerMultiple)
        if "photo" in self.fields:
            widgets.update(photo=PhotoPicker)
        form = forms.modelform_factory(
            self.model,
            form=BaseContentForm,
            fields=[*self.fields, "slug", "is_published"],
            widgets=widgets,
        )
        if self.model is Event:
            for name in ("starts_at", "ends_at"):
                form.base_fields[name].input_formats = DATETIME_FORMATS
        form.base_fields["slug"].required = False
        form.base_fields["slug"].help_text = gettext_lazy("Kosongkan untuk dibuat dari judul.")
        form.base_fields["slug"].label = gettext_lazy("Alamat web")  # not a street address
        return form


KINDS = {
    k.segment: k
    for k in [
        ContentKind(
            "potensi",
            Potential,
            gettext_lazy("Potensi desa"),
            gettext_lazy("Potensi desa"),
            ("title", "kind", "location", "photo", "body"),
        ),
        ContentKind(
            "produk",
            Product,
            gettext_lazy("Produk"),
            gettext_lazy("Produk UMKM"),
            ("title", "price", "unit", "seller", "whatsapp", "photo", "body"),
        ),
        ContentKind(
            "agenda",
            Event,
            gettext_lazy("Agenda"),
            gettext_lazy("Agenda"),
            ("title", "starts_at", "ends_at", "place", "photo", "body"),
        ),
        ContentKind(
            "halaman",
            Page,
            gettext_lazy("Halaman"),
            gettext_lazy("Halaman"),
            ("title", "position", "photo", "body"),
        ),
        ContentKind(
            "galeri",
            Album,
            gettext_lazy("Album"),
            gettext_lazy("Galeri"),
            ("title", "photos", "body"),
        ),
    ]
}
AUDIT_FIELDS = ["title", "slug", "is_published"]


def get_kind(segment: str) -> ContentKind:
    kind = KINDS.get(segment)
    if kind is None:
        raise Http404(_("Halaman tidak ditemukan."))
    return kind


def _unique_slug(kind: ContentKind, kim: Kim, title: str, exclude_pk: int | None) -> str:
    return free_slug(kind.queryset(kim).exclude(pk=exclude_pk), title, fallback=kind.segment)


def content_save(
    *,
    actor: User,
    kim: Kim,
    kind: ContentKind,
    data: dict[str, Any],
    instance: KimContent | None = None,
) -> KimContent:
    """Create or update one item; showing it on the site needs the right to publish."""
    if not can_write_posts(actor, kim):
        raise PermissionDenied(_("Anda bukan anggota KIM ini."))
    may_publish = can_approve_posts(actor, kim) or not kim.posts_need_review
    values = dict(data)
    if (
        values.get("is_published")
        and not may_publish
        and not (instance is not None and instance.is_published)
    ):
        raise PermissionDenied(_("Hanya ketua atau sekretaris yang dapat menampilkannya di situs."))
    if instance is not None and instance.is_published and not may_publish:
        raise PermissionDenied(
            _("Sudah tampil di situs; hanya ketua atau sekretaris yang dapat mengubahnya.")
        )
    if "body" in values:
        values["body"] = sanitize_html(values["body"])
    if values.get("photo") is not None and values["photo"].kim_id != kim.pk:
        raise ValidationError({"photo": _("Foto ini milik KIM lain.")})
    photos = values.pop("photos", None)
    if photos is not None and any(p.kim_id != kim.pk for p in photos):
        raise ValidationError({"photos": _("Foto ini milik KIM lain.")})
    if values.get("whatsapp"):
        try:
            values["whatsapp"] = normalize_phone(values["whatsapp"])
        except ValidationError as exc:
            raise ValidationError({"whatsapp": exc.messages}) from None
    exclude_pk = instance.pk if instance is not None else None
    slug = (values.get("slug") or "").strip()
    if slug and kind.queryset(kim).exclude(pk=exclude_pk).filter(slug=slug).exists():
        raise ValidationError({"slug": _("Alamat ini sudah dipakai di KIM ini.")})
    values["slug"] = slug or (
        instance.slug if instance is not None else _unique_slug(kind, kim, values["title"], None)
    )
    with transaction.atomic():
        if instance is None:
            obj = kind.model(kim=kim, created_by=actor, **values)
            before = None
        else:
            obj = kind.model.objects.select_for_update().get(pk=instance.pk, kim=kim)
            # Check again on the locked row: an approver may have published it meanwhile.
            if obj.is_published and not may_publish:
                raise PermissionDenied(
                    _("Sudah tampil di situs; hanya ketua atau sekretaris yang dapat mengubahnya.")
                )
            before = snapshot(obj, AUDIT_FIELDS)
            for name, value in values.items():
                setattr(obj, name, value)
        obj.updated_at = timezone.now()
        obj.full_clean(exclude=["kim", "created_by"])
        obj.save()
        if photos is not None:
            obj.photos.set(photos)
        audit_record(
            actor=actor,
            action=AuditAction(f"{kind.segment}.{'create' if before is None else 'update'}"),
            target=obj,
            before=before,
            after=snapshot(obj, AUDIT_FIELDS),
        )
    return obj


def content_delete(*, actor: User, kim: Kim, kind: ContentKind, instance: KimContent) -> None:
    if not (
        can_approve_posts(actor, kim)
        or (instance.created_by_id == actor.pk and not instance.is_published)
    ):
        raise PermissionDenied(_("Anda tidak berhak menghapusnya."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction(f"{kind.segment}.delete"),
            target=instance,
            before=snapshot(instance, AUDIT_FIELDS),
        )
        instance.delete()


def whatsapp_order_link(product: Product, url: str) -> str:
    text = _("Halo, saya ingin memesan %(name)s: %(url)s") % {"name": product.title, "url": url}
    return f"https://wa.me/{product.whatsapp.lstrip('+')}?text={quote(text)}"
