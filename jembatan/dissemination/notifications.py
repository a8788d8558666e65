"""What the dissemination notifications say (see accounts.notifications)."""

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.notifications import register_kind

register_kind(
    "info.reminder",
    title=_("Pengingat: “%(item)s” belum disebarkan"),
    text=_(
        "Informasi “%(item)s” sudah %(days)s hari di kotak masuk KIM Anda dan belum "
        "diterbitkan ulang atau dibagikan. Buka kotak masuk untuk menyebarkannya."
    ),
)
register_kind(
    "info.corrected",
    title=_("Diperbaiki: “%(item)s”"),
    text=_(
        "Informasi “%(item)s” yang diterbitkan ulang KIM Anda telah diperbaiki: %(note)s. "
        "Berita di situs KIM Anda sudah ikut diperbarui."
    ),
)
register_kind(
    "info.withdrawn",
    title=_("Ditarik: “%(item)s”"),
    text=_(
        "Informasi “%(item)s” ditarik oleh penerbitnya (%(reason)s). Berita terbitan ulang "
        "di situs KIM Anda sudah diturunkan."
    ),
)
register_kind(
    "info.feedback",
    title=_("Tanggapan baru dari %(kim)s"),
    text=_("%(kim)s mengirim tanggapan atau pertanyaan tentang “%(item)s”."),
)
register_kind(
    "info.answer",
    title=_("Jawaban atas tanggapan Anda"),
    text=_("Penerbit menjawab tanggapan KIM Anda tentang “%(item)s”."),
)
register_kind(
    "info.nudge",
    title=_("Diingatkan: “%(item)s” belum disebarkan KIM Anda"),
    text=_(
        "Penerbit mengingatkan: informasi “%(item)s” belum diterbitkan ulang atau dibagikan "
        "KIM Anda. Buka kotak masuk informasi untuk menyebarkannya."
    ),
)
