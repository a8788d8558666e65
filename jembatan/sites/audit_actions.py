"""The audit actions of the KIM websites and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    POST_CREATE = "post.create", _("Berita dibuat")
    POST_UPDATE = "post.update", _("Berita diubah")
    # post_transition: "post.<action>" for each action of its table.
    POST_SUBMIT = "post.submit", _("Berita diajukan untuk disetujui")
    POST_PUBLISH = "post.publish", _("Berita diterbitkan")
    POST_RETURN = "post.return", _("Berita dikembalikan ke penulis")
    POST_UNPUBLISH = "post.unpublish", _("Berita ditarik dari situs")
    # A re-published post follows its source (dissemination, through sites.services).
    POST_SYNC_FROM_SOURCE = "post.sync_from_source", _("Berita diselaraskan dengan sumbernya")
    POST_UNPUBLISH_WITHDRAWN = (
        "post.unpublish_withdrawn",
        _("Berita ditarik karena sumbernya ditarik"),
    )
    # A KIM's own post on kim.id, imported from its feed (services.kim_feed_import).
    POST_IMPORT = "post.import", _("Berita diambil dari kim.id")
    POST_IMPORT_UPDATE = "post.import_update", _("Berita diperbarui dari kim.id")
    CATEGORY_CREATE = "category.create", _("Kategori berita dibuat")
    CATEGORY_DELETE = "category.delete", _("Kategori berita dihapus")
    PHOTO_UPLOAD = "photo.upload", _("Foto diunggah")
    PHOTO_DELETE = "photo.delete", _("Foto dihapus")
    COMMENT_MODERATE = "comment.moderate", _("Komentar dimoderasi")
    # sites.personal_data: a reader's name and comment (UU 27/2022).
    COMMENT_ERASE = "comment.erase", _("Nama dan isi komentar dihapus")
    COMMENT_NAME_ERASE = "comment.name_erase", _("Nama pengirim komentar dihapus")
    # content_save / content_delete: "<segment>.<create|update|delete>" for each kind.
    POTENSI_CREATE = "potensi.create", _("Potensi desa dibuat")
    POTENSI_UPDATE = "potensi.update", _("Potensi desa diubah")
    POTENSI_DELETE = "potensi.delete", _("Potensi desa dihapus")
    PRODUK_CREATE = "produk.create", _("Produk dibuat")
    PRODUK_UPDATE = "produk.update", _("Produk diubah")
    PRODUK_DELETE = "produk.delete", _("Produk dihapus")
    AGENDA_CREATE = "agenda.create", _("Agenda dibuat")
    AGENDA_UPDATE = "agenda.update", _("Agenda diubah")
    AGENDA_DELETE = "agenda.delete", _("Agenda dihapus")
    HALAMAN_CREATE = "halaman.create", _("Halaman dibuat")
    HALAMAN_UPDATE = "halaman.update", _("Halaman diubah")
    HALAMAN_DELETE = "halaman.delete", _("Halaman dihapus")
    GALERI_CREATE = "galeri.create", _("Album dibuat")
    GALERI_UPDATE = "galeri.update", _("Album diubah")
    GALERI_DELETE = "galeri.delete", _("Album dihapus")
