"""What the dialogue notifications say (see accounts.notifications)."""

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.notifications import register_kind

register_kind(
    "dialogue.held",
    title=_("Tulisan warga menunggu moderasi: %(where)s"),
    text=_(
        "Sebuah tulisan di “%(where)s” ditahan (kata tersaring atau banyak laporan). "
        "Periksalah di antrean moderasi."
    ),
)

register_kind(
    "dialogue.report_published",
    title=_("Laporan hasil konsultasi terbit: %(what)s"),
    text=_(
        "Pemilik konsultasi “%(what)s” sudah menerbitkan tanggapannya atas masukan warga, "
        "termasuk masukan Anda."
    ),
)
