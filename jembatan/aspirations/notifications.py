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
register_kind(
    "aspiration.referred",
    title=_("Aspirasi %(code)s diteruskan ke %(office)s"),
    text=_(
        "Diskominfo meneruskan aspirasi %(code)s kepada %(office)s. "
        "Batas jawaban: %(due)s. Bukalah aspirasinya untuk menindaklanjuti."
    ),
)
register_kind(
    "aspiration.moved",
    title=_("Aspirasi %(code)s dipindahkan ke %(office)s"),
    text=_(
        "Diskominfo memindahkan aspirasi %(code)s dari instansi Anda ke %(office)s. "
        "Instansi Anda tidak perlu menindaklanjutinya lagi."
    ),
)
register_kind(
    "aspiration.returned",
    title=_("Aspirasi %(code)s dikembalikan oleh %(office)s"),
    text=_(
        "%(office)s menyatakan aspirasi %(code)s bukan urusannya: “%(reason)s”. "
        "Mohon disposisikan ke instansi yang tepat."
    ),
)
register_kind(
    "aspiration.reopened",
    title=_("Aspirasi %(code)s dibuka kembali"),
    text=_(
        "Warga belum puas dengan jawaban atas aspirasi %(code)s, sehingga aspirasi ini "
        "kembali ditindaklanjuti. Bukalah riwayatnya."
    ),
)
register_kind(
    "aspiration.taken_over",
    title=_("Aspirasi %(code)s diambil alih"),
    text=_("Aspirasi %(code)s yang Anda tangani kini ditangani oleh %(name)s."),
)
register_kind(
    "aspiration.nudged",
    title=_("Camat meminta aspirasi %(code)s ditindaklanjuti"),
    text=_(
        "%(name)s, camat, meminta aspirasi %(code)s segera ditindaklanjuti. %(note)s "
        "Bukalah aspirasinya."
    ),
)
register_kind(
    "aspiration.flagged",
    title=_("Aspirasi %(code)s ditandai KIM: %(reason)s"),
    text=_(
        "%(name)s, pengurus KIM, menandai aspirasi %(code)s: %(reason)s. "
        "Mohon periksa, lalu konfirmasi (aspirasi ditutup) atau tolak tandanya."
    ),
)
register_kind(
    "aspiration.flag_resolved",
    title=_("Tanda Anda pada aspirasi %(code)s: %(outcome)s"),
    text=_("Diskominfo sudah memutuskan tanda Anda pada aspirasi %(code)s: %(outcome)s."),
)
register_kind(
    "aspiration.assigned",
    title=_("Aspirasi %(code)s ditugaskan kepada Anda"),
    text=_("%(name)s menugaskan Anda menangani aspirasi %(code)s. Bukalah aspirasinya."),
)
