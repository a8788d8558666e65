"""The literacy part of the Bengkayang demo (called by demo.loader). Idempotent."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from jembatan.accounts.models import User
from jembatan.communities.models import Kim, KimMembership
from jembatan.literacy import services
from jembatan.literacy.documents import handout_pdf
from jembatan.literacy.files import LessonFile
from jembatan.literacy.models import Lesson, Module, Registration, Training
from jembatan.regions.models import Region

MODULE_TITLE = "Menulis berita desa yang benar"
UPCOMING_TITLE = "Pelatihan jurnalistik warga KIM se-Kabupaten Bengkayang"
PAST_TITLE = "Pembinaan KIM: mencatat dan mengawal aspirasi warga"

ARTICLE = """<p>Berita desa yang baik menjawab 5W+1H: apa, siapa, kapan, di mana, mengapa dan
bagaimana. Tulis kalimat pendek, sebutkan sumbernya, dan periksa ulang nama serta angka.</p>
<h2>Sebelum menulis</h2>
<ul><li>Datangi tempat kejadian atau hubungi narasumber langsung.</li>
<li>Minta izin sebelum memotret warga, terutama anak-anak.</li>
<li>Pisahkan fakta dari pendapat.</li></ul>"""

QUIZ = [
    ("Berita yang baik menjawab …", ["5W+1H", "Apa saja yang viral", "Pendapat penulis"], 0),
    ("Sebelum memotret warga, Anda sebaiknya …", ["Langsung memotret", "Meminta izin"], 1),
    (
        "Informasi dari grup WhatsApp tanpa sumber jelas …",
        ["Diperiksa dulu", "Langsung dibagikan"],
        0,
    ),
]


def load(report, *, kabupaten: Region, admin: User) -> None:
    module = _module(report, kabupaten=kabupaten, admin=admin)
    sebalo = Kim.objects.filter(slug="sebalo").first()
    if sebalo is None:
        return
    members = [
        m.user
        for m in KimMembership.objects.filter(kim=sebalo, is_active=True).select_related("user")
    ]
    now = timezone.now()
    if not Training.objects.filter(kabupaten=kabupaten, title=UPCOMING_TITLE).exists():
        start = (now + datetime.timedelta(days=14)).replace(hour=9, minute=0, second=0)
        upcoming = services.training_save(
            actor=admin,
            data={
                "kabupaten": kabupaten,
                "title": UPCOMING_TITLE,
                "description": "Menulis berita, memotret dan menyebarkan informasi pembangunan "
                "dengan benar. Bawa ponsel yang terisi penuh.",
                "level": Training.Level.DESA,
                "mode": Training.Mode.IN_PERSON,
                "place": "Aula Diskominfo Bengkayang, Jl. Guna Karya",
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=7),
                "registration_deadline": start - datetime.timedelta(days=2),
                "quota": 30,
                "target_all": True,
            },
        )
        services.training_transition(actor=admin, training=upcoming, action="open")
        for user in members[:3]:
            services.registration_create(actor=user, training=upcoming, kim=sebalo)
            report.count("training registrations")
        report.count("trainings")
    if not Training.objects.filter(kabupaten=kabupaten, title=PAST_TITLE).exists():
        start = (now - datetime.timedelta(days=20)).replace(hour=9, minute=0, second=0)
        past = Training.objects.create(
            kabupaten=kabupaten,
            kecamatan=sebalo.region.parent if sebalo.region.parent else None,
            organiser=admin,
            title=PAST_TITLE,
            level=Training.Level.KECAMATAN,
            mode=Training.Mode.IN_PERSON,
            place="Kantor Camat Bengkayang",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=5),
            quota=20,
            status=Training.Status.OPEN,
        )
        # Registered before it began (the service refuses late registration).
        for user in members[:4]:
            Registration.objects.create(
                training=past,
                user=user,
                kim=sebalo,
                checkin_code=services.new_checkin_code(),
                registered_at=start - datetime.timedelta(days=5),
            )
        for registration in past.registrations.all()[:3]:
            services.registration_check_in(
                actor=admin,
                training=past,
                code=registration.checkin_code,
                method=Registration.Method.QR,
            )
        services.training_transition(actor=admin, training=past, action="close")
        report.count("trainings")
    if members and module is not None:
        learner = members[-1]
        for lesson in module.lessons.all():
            services.lesson_complete(user=learner, lesson=lesson)


def _module(report, *, kabupaten: Region, admin: User) -> Module | None:
    module = Module.objects.filter(kabupaten=kabupaten, title=MODULE_TITLE).first()
    if module is not None:
        return module
    module = services.module_save(
        actor=admin,
        data={
            "kabupaten": kabupaten,
            "title": MODULE_TITLE,
            "summary": "Dasar-dasar menulis berita untuk situs KIM: 5W+1H, sumber, foto "
            "dan etika. Dua materi dan kuis tiga soal.",
            "order": 1,
            "pass_mark": 70,
            "is_published": True,
        },
    )
    services.lesson_save(
        actor=admin,
        module=module,
        title="Apa itu berita yang baik",
        kind=Lesson.Kind.ARTICLE,
        body=ARTICLE,
        order=1,
    )
    data = handout_pdf(
        "Panduan singkat menulis berita KIM",
        [
            "1. Judul singkat dan jelas, paling banyak sepuluh kata.",
            "2. Paragraf pertama menjawab apa, siapa, kapan dan di mana.",
            "3. Kutip narasumber dengan namanya dan jabatannya.",
            "4. Sertakan foto dengan izin; tulis keterangan foto.",
            "5. Baca ulang sebelum terbit; mintalah ketua atau sekretaris memeriksa.",
        ],
    )
    services.lesson_save(
        actor=admin,
        module=module,
        title="Panduan singkat (PDF)",
        kind=Lesson.Kind.PDF,
        order=2,
        file=LessonFile(
            content=ContentFile(data),
            name="panduan-menulis-berita.pdf",
            size=len(data),
            extension=".pdf",
        ),
    )
    for order, (text, choices, correct) in enumerate(QUIZ, start=1):
        services.question_add(
            actor=admin, module=module, text=text, choices=choices, correct=correct, order=order
        )
    report.count("learning modules")
    return module
