"""Two tenants with one object of every kind, and a user for every role of tenant A.

Tenant A: KIM "kim-a" in Kabupaten Bengkayang (61.07, kecamatan 61.07.04).
Tenant B: KIM "kim-b" in Kabupaten Mempawah (61.04). The sweeps build concrete URLs from
``World.args[tenant]`` (values for every URL parameter name) and sign in as each role.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from jembatan.accounts.models import Role, User
from jembatan.communities.models import Forum, ForumPengurus, Kim, KimMembership, Position
from jembatan.regions.models import Region
from jembatan.tenants.models import Tenant
from jembatan.testing.factories import (
    AspirationFactory,
    CategoryFactory,
    ConsultationFactory,
    InfoDocumentFactory,
    InfoItemFactory,
    InfoRequestFactory,
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    ModuleFactory,
    OfficeFactory,
    PollFactory,
    PostFactory,
    PublicBodyFactory,
    TrainingFactory,
    UserFactory,
    region_chain,
)

ROLES = ["anonymous", "outsider", "member", "ketua", "kab_admin", "opd", "camat", "operator"]

DRAFT = """# Bab I Ketentuan Umum
Dalam Peraturan Bupati ini yang dimaksud dengan desa adalah desa di kabupaten.

# Bab II Partisipasi
Warga berhak menyampaikan usulan dalam musyawarah desa.
"""


@dataclass
class World:
    users: dict[str, User | None]
    args: dict[str, dict[str, Any]] = field(default_factory=dict)  # "a"/"b" -> values
    kims: dict[str, Kim] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user is not None:
            login_verified(client, user)
        return client


def login_verified(client: Client, user: User) -> None:
    """Sign in with a second factor already given, as TwoFactorMiddleware expects."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _window() -> dict[str, Any]:
    now = timezone.now()
    return {
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=7),
    }


def _tenant(label: str, village_code: str, village: str, kabupaten_name: str) -> dict:
    from jembatan.api.services import aggregator_key_create, api_token_create
    from jembatan.aspirations.models import AnswerFile, CaseEvent
    from jembatan.clarifications import services as clarifications
    from jembatan.dialogue import services as dialogue
    from jembatan.dialogue.models import Block, Comment, Question
    from jembatan.disclosure.models import Objection
    from jembatan.dissemination.models import Delivery, Feedback, ShareLink
    from jembatan.literacy.models import Certificate, Lesson
    from jembatan.literacy.models import Question as QuizQuestion
    from jembatan.sites.models import Category, Event, Photo, PostRevision, Potential
    from jembatan.sites.models import Comment as PostComment

    kab_code = village_code[:5]
    kabupaten = region_chain(kab_code, kabupaten_name)
    # A's tenant is the one served (the root conftest adds its hosts); B's is a tenant of
    # the install too, kept inactive so that nothing of B is served here.
    tenant, _created = Tenant.objects.get_or_create(
        region=kabupaten,
        defaults={"name": f"Jembatan {kabupaten_name}", "is_active": kab_code == "61.07"},
    )
    region = region_chain(village_code, village)
    kim = KimFactory(name=f"KIM {village}", slug=label, region=region)
    ketua = UserFactory(full_name=f"Ketua {label}")
    member = UserFactory(full_name=f"Anggota {label}")
    KimMembershipFactory(kim=kim, user=ketua, position=Position.KETUA)
    membership = KimMembershipFactory(kim=kim, user=member, position=Position.ANGGOTA)
    admin = MembershipFactory(
        user=UserFactory(full_name=f"Admin {label}"), role=Role.KABUPATEN_ADMIN, region=kabupaten
    ).user
    office = OfficeFactory(kabupaten=kabupaten, name=f"Dinas Kesehatan {label}")
    now = timezone.now()
    post = PostFactory(
        kim=kim,
        author=ketua,
        title=f"Berita {label}",
        slug=f"berita-{label}",
        body="<p>Isi</p>",
        published_at=now - datetime.timedelta(hours=1),
    )
    revision = PostRevision.objects.create(post=post, title=post.title, body=post.body)
    forum = Forum.objects.create(
        name=f"Forum KIM {label}", slug=f"forum-{label}", region_id=village_code[:8]
    )
    forum.kims.add(kim)
    forum_pengurus = ForumPengurus.objects.create(
        forum=forum, full_name=f"Ketua forum {label}", kim=kim, position=Position.KETUA
    )
    comment = PostComment.objects.create(post=post, name="Warga", body="Bagus", visibility="tampil")
    category = Category.objects.create(kim=kim, name="Umum", slug=f"umum-{label}")
    potential = Potential.objects.create(
        kim=kim, title="Kebun lada", slug=f"kebun-{label}", created_by=ketua, is_published=True
    )
    event = Event.objects.create(
        kim=kim,
        title="Rapat warga",
        slug=f"rapat-{label}",
        starts_at=timezone.now(),
        created_by=ketua,
        is_published=True,
    )
    photo = Photo.objects.create(
        kim=kim, uploaded_by=ketua, width=10, height=10, master=f"photos/{label}.jpg"
    )
    item = InfoItemFactory(
        area=kabupaten,
        author=admin,
        title=f"Vaksinasi {label}",
        slug=f"vaksinasi-{label}",
        summary="Ringkas",
        body="<p>Isi</p>",
        published_at=now - datetime.timedelta(hours=1),
    )
    delivery = Delivery.objects.create(item=item, kim=kim)
    feedback = Feedback.objects.create(delivery=delivery, author=ketua, body="Pertanyaan")
    share = ShareLink.objects.create(delivery=delivery, channel="whatsapp", code=f"sl{label[-1]}1")
    case_category = CategoryFactory(kabupaten=kabupaten, name="Jalan")
    aspiration = AspirationFactory.row(
        code=f"ASP{label[-1].upper()}2345",
        region=region,
        category=case_category,
        description="Jalan rusak",
        reporter_name="Budi Rahasia",
        reporter_phone="+6281234567890",
        reporter_email="",
    )
    # A public answer with a PDF: served only by views that check, never from /media/.
    answer = CaseEvent.objects.create(
        aspiration=aspiration, kind=CaseEvent.Kind.ANSWER, body="Sudah", is_public=True
    )
    answer_file = AnswerFile(aspiration=aspiration, event=answer, name="laporan.pdf", size=9)
    answer_file.file.save("laporan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    training = TrainingFactory(
        kabupaten=kabupaten,
        organiser=admin,
        title=f"Pelatihan {label}",
        place="Aula",
        starts_at=now + datetime.timedelta(days=7),
    )
    module = ModuleFactory(kabupaten=kabupaten, title=f"Modul {label}")
    lesson = Lesson.objects.create(module=module, title="Materi", kind="artikel", body="<p>x</p>")
    quiz = QuizQuestion.objects.create(module=module, text="Pertanyaan?")
    certificate = Certificate.objects.create(
        user=ketua,
        kind="modul",
        code=f"CERT{label[-1].upper()}234",
        holder_name=ketua.full_name,
        subject=module.title,
        module=module,
    )
    body = PublicBodyFactory(region=kabupaten, kabupaten=kabupaten)
    document = InfoDocumentFactory(body=body, title="APBD", owner="Setda")
    info_request = InfoRequestFactory(
        body=body,
        requester_address="Jl. Sanggau Ledo No. 5",
        requester_email=f"maria-{label}@example.test",
        information="Salinan APBDes tahun 2026.",
        purpose="Bahan diskusi warga.",
    )
    objection = Objection.objects.create(
        number=f"KEB-2026-00000{(label[-1] == 'a' and 1) or 2}",
        request=info_request,
        text="Keberatan",
        due_date=now.date() + datetime.timedelta(days=30),
    )
    owner_key = f"{kab_code}|"
    consultation = ConsultationFactory(
        actor=admin,
        owner_key=owner_key,
        title=f"Rancangan {label}",
        summary="Ringkas",
        text=DRAFT,
        **_window(),
    )
    section = consultation.sections.order_by("order").first()
    paragraph = section.paragraphs.order_by("order").first()
    dialogue_comment = Comment.objects.create(
        kabupaten=kabupaten, author_name="Warga", body="Setuju", paragraph=paragraph
    )
    poll = PollFactory(
        actor=admin,
        owner_key=owner_key,
        title=f"Jajak {label}",
        summary="Ringkas",
        questions=[("Prioritas", Question.Kind.SINGLE, True, ["Jalan", "Air"])],
        **_window(),
    )
    question = poll.questions.get()
    thread = dialogue.thread_create(
        actor=ketua,
        opener_key=f"{kab_code}|{kim.pk}",
        title=f"Diskusi {label}",
        body="Kapan jadwal posyandu?",
    )
    block = Block.objects.create(
        kabupaten=kabupaten,
        label="Pengirim spam",
        reason="spam",
        created_by=admin,
        contact_hash=f"hash-{label}",
    )
    screenshot = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(screenshot, format="PNG")
    screenshot.seek(0)
    rumour = clarifications.report_submit(
        kabupaten_code=kab_code,
        data={"text": f"Isu jembatan runtuh {label}", "contact_email": f"isu-{label}@example.test"},
        screenshot=screenshot,
    )
    clarification = clarifications.clarification_create(
        actor=admin,
        data={
            "verdict": "salah",
            "title": f"Klarifikasi {label}",
            "claim": "Jembatan runtuh",
            "explanation": "Jembatan masih berdiri.",
            "sources": "Dinas PU",
        },
        kabupaten_code=kab_code,
    )
    clarifications.clarification_publish(actor=admin, clarification=clarification)
    token, _ = api_token_create(actor=ketua, name="Aplikasi", days=30)
    aggregator, _ = aggregator_key_create(
        actor=admin, kabupaten=kabupaten, name="Aplikasi kota", per_minute=10, per_hour=100
    )
    return {
        "kabupaten_region": kabupaten,
        "admin": admin,
        "ketua": ketua,
        "member": member,
        "office": office,
        "kim_obj": kim,
        "args": {
            "kim": kim.slug,
            "slug:post_detail": post.slug,
            "slug:forum": forum.slug,
            "pk:forum_pengurus": forum_pengurus.pk,
            "slug:content_detail": potential.slug,
            "slug:event": event.slug,
            "kind": "potensi",
            "pk:manage_content_edit": potential.pk,
            "pk:manage_content_delete": potential.pk,
            "pk:comment": comment.pk,
            "pk:photo": photo.pk,
            "pk:category": category.pk,
            "pk:post": post.pk,
            "revision": revision.pk,
            "pk:info": item.pk,
            "slug:info": item.slug,
            "feedback": feedback.pk,
            "code:share": share.code,
            "channel": "whatsapp",
            "code:aspiration": aspiration.code,
            "pk:case_category": case_category.pk,
            "pk:answer_file": answer_file.pk,
            "pk:training": training.pk,
            "pk:module": module.pk,
            "module": module.pk,
            "pk:lesson": lesson.pk,
            "pk:quiz": quiz.pk,
            "code:certificate": certificate.code,
            "year": 2026,
            "kabupaten": kab_code,
            "pk:body": body.pk,
            "pk:document": document.pk,
            "number": info_request.number,
            "token": info_request.token,
            "number:objection": objection.number,
            "slug:consultation": consultation.slug,
            "pk:consultation": consultation.pk,
            "section": section.pk,
            "pk:paragraph": paragraph.pk,
            "pk:dialogue_comment": dialogue_comment.pk,
            "slug:poll": poll.slug,
            "pk:poll": poll.pk,
            "question": question.pk,
            "slug:thread": thread.slug,
            "pk:thread": thread.pk,
            "pk:block": block.pk,
            "pk:token": token.pk,
            "code:rumour": rumour.code,
            "pk:rumour": rumour.pk,
            "slug:clarification": clarification.slug,
            "pk:clarification": clarification.pk,
            "pk:aggregator_key": aggregator.pk,
            "pk:tenant": tenant.pk,
            "member": membership.pk,
            "fmt": "csv",
            "month": "03",
            "metric": "aspirasi",
            "code:region": village_code,
            "code:open311": aspiration.code,
            "request_id": aspiration.code,
            "kind:dialogue": "tanggapan",
            "kind:disseminate": "konsultasi",
            "code:case_category": str(case_category.pk),
            "fmt:open311": "json",
            "dataset": _first_dataset(),
            "uidb64": urlsafe_base64_encode(force_bytes(ketua.pk)),
            "reset_token": default_token_generator.make_token(ketua),
        },
    }


def _first_dataset() -> str:
    try:
        from jembatan.dashboard.opendata import DATASETS
    except ImportError:  # (the dashboard is optional for these sweeps)
        return "kim"
    return next(iter(DATASETS.values())).slug


def build_world() -> World:
    a = _tenant("kim-a", "61.07.04.1010", "Sebalo", "Kabupaten Bengkayang")
    b = _tenant("kim-b", "61.04.05.2001", "Sungai Pinyuh", "Kabupaten Mempawah")
    opd = UserFactory(full_name="Petugas OPD A")
    MembershipFactory(
        user=opd, role=Role.OPD_OFFICER, region=a["kabupaten_region"], office=a["office"]
    )
    camat = UserFactory(full_name="Camat A")
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    operator = MembershipFactory(
        user=UserFactory(full_name="Operator"), role=Role.OPERATOR, region=None
    ).user
    users: dict[str, User | None] = {
        "anonymous": None,
        "outsider": UserFactory(full_name="Orang luar"),
        "member": a["member"],
        "ketua": a["ketua"],
        "kab_admin": a["admin"],
        "opd": opd,
        "camat": camat,
        "operator": operator,
    }
    assert KimMembership.objects.filter(kim=a["kim_obj"]).count() == 2
    assert Region.objects.filter(code="61.04").exists()
    return World(
        users=users,
        args={"a": a["args"], "b": b["args"]},
        kims={"a": a["kim_obj"], "b": b["kim_obj"]},
    )
