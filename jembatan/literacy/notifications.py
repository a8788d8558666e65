"""What the literacy notifications say (see accounts.notifications)."""

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.notifications import register_kind

register_kind(
    "literacy.certificate",
    title=_("Sertifikat baru: %(what)s"),
    text=_("Anda mendapat sertifikat “%(what)s” dengan kode %(code)s. Unduh dari halaman Saya."),
)

register_kind(
    "literacy.registration_open",
    title=_("Pendaftaran dibuka: %(what)s"),
    text=_(
        "Pelatihan “%(what)s” (mulai %(when)s) terbuka untuk KIM Anda. Daftar sebelum kuota penuh."
    ),
)
