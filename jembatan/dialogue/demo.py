"""The dialogue part of the Bengkayang demo: an open consultation on a draft Perbup with
a few comments, a poll with three questions, and a discussion. Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from jembatan.accounts.models import User
from jembatan.dialogue import services, services_polls
from jembatan.dialogue.models import Consultation, Poll, Question, Thread
from jembatan.dialogue.otp import Participant
from jembatan.regions.models import Region

CONSULTATION_TITLE = "Rancangan Perbup tentang Kelompok Informasi Masyarakat"
DRAFT = "\n\n".join(
    [
        "# Bab I Ketentuan Umum",
        "Kelompok Informasi Masyarakat (KIM) adalah kelompok yang dibentuk oleh, dari dan "
        "untuk masyarakat desa atau kelurahan di Kabupaten Bengkayang untuk mengelola "
        "informasi dan memberdayakan masyarakat.",
        "Setiap desa dan kelurahan dapat memiliki lebih dari satu KIM, dikukuhkan dengan "
        "keputusan kepala desa atau lurah dan dibina oleh Dinas Komunikasi dan Informatika.",
        "# Bab II Peran KIM dalam Pembangunan",
        "KIM menyebarluaskan informasi pembangunan dari pemerintah daerah kepada warga, "
        "termasuk warga yang belum terjangkau internet.",
        "KIM menampung aspirasi warga dan meneruskannya kepada perangkat daerah melalui "
        "platform Jembatan paling lambat tujuh hari kerja setelah diterima.",
    ]
)
POLL_TITLE = "Prioritas pembangunan desa tahun 2027"
THREAD_TITLE = "Musyawarah online: jadwal posyandu di Kecamatan Bengkayang"


def load(report, *, kabupaten: Region, admin: User) -> None:
    now = timezone.now()
    window = {
        "opens_at": now - datetime.timedelta(days=2),
        "closes_at": now + datetime.timedelta(days=28),
    }
    members = list(User.objects.filter(email__startswith="anggota.", is_demo=True)[:3])
    if not Consultation.objects.filter(kabupaten=kabupaten, title=CONSULTATION_TITLE).exists():
        consultation = services.consultation_create(
            actor=admin,
            owner_key=f"{kabupaten.code}|",
            data={
                "title": CONSULTATION_TITLE,
                "summary": (
                    "Pemerintah Kabupaten Bengkayang meminta tanggapan warga atas rancangan "
                    "peraturan bupati tentang peran KIM. Tanggapi per paragraf."
                ),
                "text": DRAFT,
                **window,
            },
        )
        consultation = services.consultation_publish(actor=admin, consultation=consultation)
        report.count("consultations")
        paragraphs = [p for s in consultation.sections.all() for p in s.paragraphs.all()]
        comments = [
            (0, "Mohon dijelaskan apakah KIM kelompok tani juga termasuk."),
            (3, "Tujuh hari kerja terlalu lama untuk aspirasi yang mendesak seperti bencana."),
        ]
        for (index, body), user in zip(comments, members, strict=False):
            services.comment_create(
                paragraph=paragraphs[index],
                participant=Participant(name=user.full_name, user_id=user.pk),
                body=body,
            )
            report.count("consultation comments")
    if not Poll.objects.filter(kabupaten=kabupaten, title=POLL_TITLE).exists():
        poll = services_polls.poll_create(
            actor=admin,
            owner_key=f"{kabupaten.code}|",
            data={
                "title": POLL_TITLE,
                "summary": "Bantu pemerintah menyusun prioritas pembangunan desa tahun depan.",
                "results": Poll.Results.LIVE,
                **window,
            },
        )
        for text, kind, options in [
            (
                "Apa prioritas utama desa Anda?",
                Question.Kind.SINGLE,
                ["Jalan", "Air bersih", "Internet", "Listrik"],
            ),
            ("Seberapa puas Anda dengan layanan kantor desa?", Question.Kind.SCALE, []),
            ("Saran Anda untuk pemerintah kabupaten", Question.Kind.TEXT, []),
        ]:
            services_polls.question_add(
                actor=admin,
                poll=poll,
                text=text,
                kind=kind,
                required=kind != "teks",
                options=options,
            )
        services_polls.poll_publish(actor=admin, poll=poll)
        report.count("polls")
    if not Thread.objects.filter(kabupaten=kabupaten, title=THREAD_TITLE).exists():
        services.thread_create(
            actor=admin,
            opener_key=f"{kabupaten.code}|",
            title=THREAD_TITLE,
            body=(
                "Banyak ibu bekerja di ladang pada pagi hari. Apakah posyandu sebaiknya "
                "dipindah ke sore hari? Sampaikan pendapat Anda."
            ),
        )
        report.count("discussions")
