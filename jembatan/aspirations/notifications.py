"""What the aspiration notifications say (see accounts.notifications)."""

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.notifications import register_kind

register_kind(
    "aspiration.follow_up",
    title=_("Tambahan dari warga: aspirasi %(code)s"),
    text=_("Pelapor aspirasi %(code)s menambahkan keterangan. Bukalah riwayat aspirasinya."),
)
register_kind(
    "aspiration.overdue",
    title=_("Aspirasi %(code)s lewat batas waktu"),
    text=_(
        "Aspirasi %(code)s berstatus “%(status)s” dan batas waktunya (%(due)s) sudah lewat. "
        "Mohon segera ditindaklanjuti."
    ),
)
