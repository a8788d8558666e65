"""What the PPID notifications say (see accounts.notifications)."""

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.notifications import register_kind

register_kind(
    "ppid.request_new",
    title=_("Permohonan informasi baru %(number)s"),
    text=_("Permohonan informasi %(number)s diterima; jawab paling lambat %(due)s."),
)
register_kind(
    "ppid.request_due_soon",
    title=_("Permohonan %(number)s segera jatuh tempo"),
    text=_("Batas jawaban permohonan informasi %(number)s adalah %(due)s (2 hari kerja lagi)."),
)
register_kind(
    "ppid.request_overdue",
    title=_("Permohonan %(number)s lewat batas waktu"),
    text=_(
        "Permohonan informasi %(number)s belum dijawab dan batas waktunya (%(due)s) sudah "
        "lewat. Mohon segera dijawab."
    ),
)
register_kind(
    "ppid.objection_new",
    title=_("Keberatan baru %(number)s"),
    text=_("Pemohon mengajukan keberatan %(number)s atas permohonan %(request)s."),
)
register_kind(
    "ppid.objection_overdue",
    title=_("Keberatan %(number)s lewat batas waktu"),
    text=_("Keberatan %(number)s belum diputus dan batas waktunya (%(due)s) sudah lewat."),
)
register_kind(
    "ppid.report_due",
    title=_("Laporan tahunan PPID %(year)s belum terbit"),
    text=_(
        "Laporan tahunan layanan informasi publik %(year)s wajib diumumkan paling lambat "
        "%(due)s (Perki 1/2021 Pasal 56)."
    ),
)
