"""The clarification part of the Bengkayang demo: two published answers (one hoax, one
true) and a rumour waiting in Diskominfo's queue. Idempotent."""

from __future__ import annotations

from jembatan.accounts.models import User
from jembatan.clarifications import services
from jembatan.clarifications.models import Clarification, RumourReport, Verdict
from jembatan.regions.models import Region

ANSWERS = [
    {
        "verdict": Verdict.FALSE,
        "title": "Tidak ada pembagian sembako gratis lewat tautan pendaftaran WhatsApp",
        "claim": "Pesan berantai meminta warga mendaftar bantuan sembako Pemkab Bengkayang "
        "lewat sebuah tautan dengan mengisi NIK dan nomor rekening.",
        "explanation": "Pemerintah Kabupaten Bengkayang tidak membuka pendaftaran bantuan "
        "lewat tautan di WhatsApp. Bantuan sosial didata melalui desa dan Dinas Sosial. "
        "Jangan mengisi NIK, nomor rekening atau kode OTP pada tautan seperti itu.",
        "sources": "Dinas Sosial Kabupaten Bengkayang",
    },
    {
        "verdict": Verdict.TRUE,
        "title": "Jembatan gantung Sebalo ditutup sementara untuk perbaikan",
        "claim": "Jembatan gantung di Desa Sebalo ditutup selama dua minggu.",
        "explanation": "Benar. Jembatan ditutup untuk penggantian papan lantai. Warga dapat "
        "memakai jalan desa memutar; perbaikan dijadwalkan selesai dalam dua minggu.",
        "sources": "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Bengkayang",
    },
]
WAITING = (
    "Ada kabar di grup Facebook bahwa air sungai di Kecamatan Bengkayang tercemar limbah "
    "tambang dan ikannya tidak boleh dimakan. Apakah benar?"
)


def load(report, *, kabupaten: Region, admin: User) -> None:
    for answer in ANSWERS:
        if Clarification.objects.filter(kabupaten=kabupaten, title=answer["title"]).exists():
            continue
        row = services.clarification_create(
            actor=admin, data=dict(answer), kabupaten_code=kabupaten.code
        )
        services.clarification_publish(actor=admin, clarification=row)
        report.count("clarifications")
    if not RumourReport.objects.filter(kabupaten=kabupaten, text=WAITING).exists():
        services.report_submit(kabupaten_code=kabupaten.code, data={"text": WAITING})
        report.count("rumour_reports")
