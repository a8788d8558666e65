"""The Kabupaten Bengkayang demo: real regions, invented people. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.api import demo as api_demo
from jembatan.aspirations import services as asp
from jembatan.aspirations.models import Aspiration
from jembatan.clarifications import demo as clarifications_demo
from jembatan.communities.models import STRUCTURE, Kim, KimMembership, KimTerm, Position
from jembatan.core.richtext import sanitize_html
from jembatan.dashboard.rollup import refresh
from jembatan.dashboard.scoring import compute_kabupaten
from jembatan.demo import kukar as tenants_demo
from jembatan.dialogue import demo as dialogue_demo
from jembatan.disclosure import services as ppid
from jembatan.disclosure.models import InformationRequest, PublicBody
from jembatan.dissemination import services as info
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Delivery, Feedback, InfoItem, ShareLink
from jembatan.literacy import demo as literacy_demo
from jembatan.regions.models import Region
from jembatan.sites.models import Event, Post, Potential, Product
from jembatan.tenants.models import Palette, Tenant, TimeZone

KABUPATEN_CODE = "61.07"
DEMO_PASSWORD = "jembatan-demo"
DEMO_DOMAIN = "demo.jembatan.test"
# KIMs at kecamatan level (Bengkayang, Ledo, Sungai Raya); every kecamatan also
# gets one desa KIM, and both kelurahan of Bengkayang one each.
KECAMATAN_KIMS = ["61.07.04", "61.07.03", "61.07.01"]
KELURAHAN_KIMS = ["61.07.04.1001", "61.07.04.1010"]

FIRST_NAMES = [
    "Yohanes",
    "Maria",
    "Agustinus",
    "Theresia",
    "Fransiskus",
    "Yuliana",
    "Stefanus",
    "Veronika",
    "Markus",
    "Katarina",
    "Hendrikus",
    "Agnes",
    "Antonius",
    "Lusia",
    "Petrus",
    "Elisabet",
    "Ahmad",
    "Siti",
    "Muhammad",
    "Nurhayati",
    "Rudi",
    "Dewi",
    "Budi",
    "Rina",
    "Hendra",
    "Fitri",
    "Lim",
    "Mei Ling",
    "Akiong",
    "Susanti",
]
LAST_NAMES = [
    "Atong",
    "Dayanti",
    "Nyangun",
    "Sumarni",
    "Rantau",
    "Jamin",
    "Ngadi",
    "Kurniawan",
    "Saputra",
    "Wati",
    "Halim",
    "Aliong",
    "Sinaga",
    "Manurung",
    "Ujang",
    "Lestari",
]


@dataclass
class DemoLogin:
    role: str
    login: str


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    # The tenants served, each with its host names (the primary one first).
    tenants: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return any(self.created.values())


class DemoError(Exception):
    pass


def _person_name(index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 7) % len(LAST_NAMES)]}"


def demo_load() -> DemoReport:
    kabupaten = Region.objects.filter(code=KABUPATEN_CODE, level=Region.Level.KABUPATEN).first()
    # Its kecamatan too: a served tenant has its kabupaten row before the regions are imported.
    if kabupaten is None or not Region.objects.filter(parent=kabupaten).exists():
        raise DemoError(
            f"Region {KABUPATEN_CODE} (Kabupaten Bengkayang) is not in the database; "
            "run `manage.py import_regions` first."
        )
    report = DemoReport()
    # One hash for every demo account: Argon2 is deliberately slow.
    password_hash = make_password(DEMO_PASSWORD)

    def user(email_local: str, full_name: str, *, phone: str | None = None) -> User:
        email = f"{email_local}@{DEMO_DOMAIN}"
        obj = User.objects.filter(email=email).first()
        if obj is None:
            obj = User.objects.create(
                email=email,
                phone=phone,
                full_name=full_name,
                password=password_hash,
                is_demo=True,
            )
            report.count("users")
        return obj

    def membership(
        u: User, role: str, *, region: Region | None = None, office: Office | None = None
    ) -> None:
        _, created = Membership.objects.get_or_create(
            user=u, role=role, region=region, office=office
        )
        if created:
            report.count("roles")

    with transaction.atomic():
        try:
            bengkayang = tenants_demo.demo_tenant(
                report,
                KABUPATEN_CODE,
                tenants_demo.BENGKAYANG_HOSTS,
                name="Jembatan Kabupaten Bengkayang",
                time_zone=TimeZone.WIB_PONTIANAK,
                palette=Palette.HIJAU,
            )
        except tenants_demo.TenantDemoError as exc:
            raise DemoError(str(exc)) from None
        operator = user("operator", "Operator Platform")
        if not operator.is_staff or not operator.is_superuser:
            operator.is_staff = operator.is_superuser = True
            operator.save(update_fields=["is_staff", "is_superuser"])
        membership(operator, Role.OPERATOR)
        report.logins.append(DemoLogin("Operator platform (admin)", operator.email))

        offices = tenants_demo.demo_offices(
            report,
            kabupaten=kabupaten,
            offices=[
                ("Diskominfo", "Dinas Komunikasi dan Informatika", Office.Kind.DISKOMINFO),
                ("Dinas PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", Office.Kind.OPD),
                ("Dinkes", "Dinas Kesehatan", Office.Kind.OPD),
            ],
        )

        admin = user("diskominfo", "Agustina Rosa (Diskominfo)", phone="081234500001")
        membership(admin, Role.KABUPATEN_ADMIN, region=kabupaten, office=offices["Diskominfo"])
        report.logins.append(DemoLogin("Admin kabupaten (Diskominfo)", admin.email))
        for local, full_name, short in [
            ("pupr", "Hendrikus Atong (PUPR)", "Dinas PUPR"),
            ("dinkes", "Yuliana Dayanti (Dinkes)", "Dinkes"),
        ]:
            officer = user(local, full_name)
            membership(officer, Role.OPD_OFFICER, region=kabupaten, office=offices[short])
            report.logins.append(DemoLogin(f"Petugas OPD ({short})", officer.email))
        kecamatan_bengkayang = Region.objects.get(code="61.07.04")
        camat = user("camat.bengkayang", "Markus Nyangun (Camat Bengkayang)")
        membership(camat, Role.CAMAT, region=kecamatan_bengkayang)
        report.logins.append(DemoLogin("Camat Bengkayang", camat.email))

        regions = list(Region.objects.filter(code__in=KECAMATAN_KIMS + KELURAHAN_KIMS))
        for kecamatan in Region.objects.filter(parent=kabupaten).order_by("code"):
            first_desa = kecamatan.children.filter(kind=Region.Kind.DESA).order_by("code").first()
            if first_desa is not None:
                regions.append(first_desa)

        person = 0
        for region in sorted(regions, key=lambda r: r.code):
            if region.level == Region.Level.KECAMATAN:
                name = f"KIM Kecamatan {region.name}"
            else:
                name = f"KIM {region.name}"
            kim = Kim.objects.filter(region=region, name=name).first()
            if kim is None:
                kim = Kim.objects.create(
                    name=name,
                    slug=slugify(name.removeprefix("KIM ")),
                    region=region,
                    description=(
                        f"Kelompok Informasi Masyarakat {region.get_kind_display()} {region.name}."
                    ),
                    verified_at=timezone.now(),
                )
                report.count("kims")
            positions = [
                Position.KETUA,
                Position.SEKRETARIS,
                Position.BENDAHARA,
                Position.ANGGOTA,
                Position.ANGGOTA,
            ]
            if kim.slug == "sebalo":  # the optional posts, in the KIM the demo logins use
                positions += [Position.WAKIL_KETUA, Position.SEKSI]
            for index, position in enumerate(positions):
                person += 1
                local = f"{position}.{kim.slug}" + (
                    f".{index}" if position == Position.ANGGOTA else ""
                )
                member = user(local, _person_name(person))
                seksi = "Humas" if position == Position.SEKSI else ""
                kim_member, created = KimMembership.objects.get_or_create(
                    kim=kim, user=member, defaults={"position": position, "seksi_name": seksi}
                )
                if created:
                    report.count("kim_members")
                    if position in STRUCTURE:  # the history of the pengurus starts here
                        KimTerm.objects.create(
                            membership=kim_member,
                            kim_id=kim.pk,
                            position=position,
                            seksi_name=seksi,
                            started_on=kim_member.joined_at,
                        )
        _demo_content(report)
        _demo_information(
            report, admin=admin, dinkes=User.objects.get(email=f"dinkes@{DEMO_DOMAIN}"), camat=camat
        )
        _demo_aspirations(report, kabupaten=kabupaten, offices=offices, admin=admin)
        _demo_literacy(report, kabupaten=kabupaten, admin=admin)
        _demo_disclosure(report, kabupaten=kabupaten, offices=offices, admin=admin)
        _demo_dialogue(report, kabupaten=kabupaten, admin=admin)
        clarifications_demo.load(report, kabupaten=kabupaten, admin=admin)
        _demo_api(report)
        for role, local in [
            ("Ketua KIM Sebalo", "ketua.sebalo"),
            ("Anggota KIM Sebalo", "anggota.sebalo.3"),
        ]:
            report.logins.append(DemoLogin(role, f"{local}@{DEMO_DOMAIN}"))
        try:
            kukar = tenants_demo.load_kukar(report, user=user, membership=membership)
        except tenants_demo.TenantDemoError as exc:
            raise DemoError(str(exc)) from None
        if kukar is not None:
            compute_kabupaten(kukar.code, timezone.localdate().year)
            for role, local in [
                ("Admin Kukar (Diskominfo)", "diskominfo.kukar"),
                ("Petugas OPD Kukar (PUPR)", "pupr.kukar"),
                ("Ketua KIM Timbau (Kukar)", "ketua.timbau"),
            ]:
                report.logins.append(DemoLogin(role, f"{local}@{DEMO_DOMAIN}"))
        officer = tenants_demo.load_provincial_officer(report, user=user, membership=membership)
        if officer is not None:
            report.logins.append(DemoLogin("Pejabat provinsi Kalimantan Barat", officer.email))
        _demo_stats(report)
        for tenant in (bengkayang, kukar):
            if tenant is not None:
                report.tenants.append(_tenant_line(tenant))
    return report


def _tenant_line(tenant: Tenant) -> tuple[str, str, list[str]]:
    hosts = [h.host for h in tenant.hosts.order_by("-is_primary", "host")]
    return (tenant.name, f"{tenant.code}, {tenant.time_zone}", hosts)


DEMO_POSTS = [
    (
        "sebalo",
        "Posyandu balita dan lansia bulan ini",
        "Posyandu dibuka di balai kelurahan mulai pukul 08.00 WIB.",
        "<p>Pelayanan posyandu untuk balita dan lansia dibuka di balai kelurahan mulai pukul "
        "08.00 WIB. Bawa buku KIA dan kartu BPJS.</p><p>Kader posyandu juga membuka konsultasi "
        "gizi untuk ibu hamil.</p>",
        "posyandu, kesehatan",
    ),
    (
        "sebalo",
        "Gotong royong membersihkan parit sebelum musim hujan",
        "Warga RT 03 dan RT 04 bergotong royong membersihkan parit.",
        "<p>Menjelang musim hujan, warga bersama KIM Sebalo membersihkan parit sepanjang 400 "
        "meter agar air tidak meluap ke jalan.</p>",
        "gotong royong, lingkungan",
    ),
    (
        "bumi-emas",
        "Sosialisasi pembangunan jalan lingkungan",
        "Pemerintah kecamatan menjelaskan rencana pembangunan jalan lingkungan.",
        "<p>Camat Bengkayang bersama Dinas PUPR menjelaskan rencana pembangunan jalan lingkungan "
        "tahun depan. Warga diminta menyampaikan usulan melalui KIM.</p>",
        "pembangunan, jalan",
    ),
    (
        "lesabela",
        "Pelatihan pembuatan pupuk organik untuk petani lada",
        "Kelompok tani Lesabela belajar membuat pupuk organik.",
        "<p>Penyuluh pertanian melatih kelompok tani membuat pupuk organik dari limbah kebun "
        "untuk tanaman lada.</p>",
        "pertanian, lada",
    ),
    (
        "jagoi",
        "Festival budaya perbatasan Jagoi Babang",
        "Tari dan musik tradisional Dayak Bidayuh ditampilkan di perbatasan.",
        "<p>Festival budaya perbatasan menampilkan tari dan musik tradisional serta pameran "
        "kerajinan tangan warga.</p>",
        "budaya, perbatasan",
    ),
]


def _demo_content(report: DemoReport) -> None:
    """A few posts, products, potentials and events so the sites are not empty."""
    import datetime

    now = timezone.now()
    for i, (slug, title, summary, body, tags) in enumerate(DEMO_POSTS):
        kim = Kim.objects.filter(slug=slug).first()
        if kim is None:
            continue
        ketua = kim.memberships.filter(position=Position.KETUA).first().user
        _, created = Post.objects.get_or_create(
            kim=kim,
            slug=slugify(title)[:100],
            defaults={
                "title": title,
                "summary": summary,
                "body": sanitize_html(body),
                "tags": tags,
                "status": Post.Status.PUBLISHED,
                "author": ketua,
                "published_at": now - datetime.timedelta(days=i, hours=2),
            },
        )
        if created:
            report.count("posts")
    sebalo = Kim.objects.filter(slug="sebalo").first()
    if sebalo is None:
        return
    ketua = sebalo.memberships.filter(position=Position.KETUA).first().user
    for model, slug, values in [
        (
            Product,
            "lada-putih-kering",
            {
                "title": "Lada putih kering",
                "price": 120000,
                "unit": "per kg",
                "seller": "Kelompok Tani Sebalo Maju",
                "whatsapp": "+6281234500099",
                "body": "<p>Lada putih kering hasil kebun warga, dijemur alami.</p>",
            },
        ),
        (
            Product,
            "tikar-anyaman-pandan",
            {
                "title": "Tikar anyaman pandan",
                "price": 85000,
                "unit": "per lembar",
                "seller": "Ibu-ibu PKK Sebalo",
                "whatsapp": "+6281234500098",
                "body": "<p>Tikar anyaman pandan buatan tangan, ukuran 1 x 2 meter.</p>",
            },
        ),
        (
            Potential,
            "kebun-lada-sebalo",
            {
                "title": "Kebun lada Sebalo",
                "kind": Potential.Kind.PERTANIAN,
                "location": "Kelurahan Sebalo",
                "body": "<p>Kebun lada rakyat seluas puluhan hektare, terbuka untuk kunjungan "
                "belajar.</p>",
            },
        ),
        (
            Event,
            "musyawarah-kelurahan",
            {
                "title": "Musyawarah kelurahan",
                "place": "Balai Kelurahan Sebalo",
                "starts_at": now + datetime.timedelta(days=5),
                "body": "<p>Membahas usulan pembangunan tahun depan.</p>",
            },
        ),
    ]:
        _, created = model.objects.get_or_create(
            kim=sebalo,
            slug=slug,
            defaults={**values, "is_published": True, "created_by": ketua},
        )
        if created:
            report.count("site items")


def _demo_information(report: DemoReport, *, admin: User, dinkes: User, camat: User) -> None:
    """Development information in the KIM inboxes, with some of it already spread."""
    import datetime

    today = timezone.localdate()
    items = [
        (
            dinkes,
            "Jadwal imunisasi dan posyandu bulan Desember",
            "Imunisasi dasar lengkap untuk balita di setiap posyandu desa dan kelurahan.",
            "<p>Dinas Kesehatan bersama puskesmas melayani imunisasi dasar lengkap untuk bayi "
            "dan balita di setiap posyandu pada minggu kedua Desember.</p><p>Bawa buku KIA. "
            "Imunisasi gratis.</p>",
            InfoItem.Category.HEALTH,
            InfoItem.Priority.HIGH,
            InfoItem.Scope.AREA,
            [],
            True,
        ),
        (
            admin,
            "Musrenbang kecamatan: usulan jalan desa dibuka",
            "Warga dapat menyampaikan usulan pembangunan jalan desa melalui KIM.",
            "<p>Musyawarah perencanaan pembangunan tingkat kecamatan dibuka. Usulan jalan "
            "desa, jembatan dan drainase disampaikan melalui KIM paling lambat akhir bulan.</p>",
            InfoItem.Category.PARTICIPATION,
            InfoItem.Priority.NORMAL,
            InfoItem.Scope.KECAMATAN,
            ["61.07.04", "61.07.03"],
            True,
        ),
        (
            camat,
            "Kerja bakti serentak se-Kecamatan Bengkayang",
            "Kerja bakti membersihkan parit dan saluran air menjelang musim hujan.",
            "<p>Seluruh desa dan kelurahan di Kecamatan Bengkayang diajak bekerja bakti "
            "membersihkan parit dan saluran air pada hari Minggu pagi.</p>",
            InfoItem.Category.ANNOUNCEMENT,
            InfoItem.Priority.NORMAL,
            InfoItem.Scope.AREA,
            [],
            True,
        ),
        (
            admin,
            "Pelatihan literasi digital untuk pengurus KIM",
            "Pelatihan membuat berita dan memeriksa hoaks untuk pengurus KIM.",
            "<p>Diskominfo membuka pelatihan literasi digital bagi pengurus KIM.</p>",
            InfoItem.Category.EDUCATION,
            InfoItem.Priority.NORMAL,
            InfoItem.Scope.AREA,
            [],
            False,
        ),
    ]
    for author, title, summary, body, category, priority, scope, kecamatan, publish in items:
        if InfoItem.objects.filter(title=title).exists():
            continue
        area = get_publishing_areas_for_user(author)[-1]
        item = info.item_create(
            actor=author,
            area_key=area.key,
            data={
                "title": title,
                "summary": summary,
                "body": body,
                "category": category,
                "priority": priority,
                "scope": scope,
                "valid_from": today,
                "valid_until": today + datetime.timedelta(days=30),
            },
            kecamatan=list(Region.objects.filter(code__in=kecamatan)),
        )
        report.count("information items")
        if publish:
            info.item_publish(actor=author, item=item)
            info.item_fan_out(item.pk)  # at once, so the demo inboxes are filled before serving

    first = InfoItem.objects.filter(title=items[0][1]).first()
    sebalo = Kim.objects.filter(slug="sebalo").first()
    if first is None or sebalo is None:
        return
    delivery = Delivery.objects.filter(item=first, kim=sebalo).first()
    if delivery is None or delivery.post_id:
        return
    ketua = sebalo.memberships.filter(position=Position.KETUA).first().user
    info.delivery_republish(
        actor=ketua,
        kim=sebalo,
        item=first,
        note="Di Kelurahan Sebalo: posyandu Melati, balai kelurahan, Sabtu pukul 08.00 WIB.",
    )
    delivery.refresh_from_db()
    for channel, clicks in [("whatsapp", 23), ("facebook", 7)]:
        link = info.delivery_share(actor=ketua, delivery=delivery, channel=channel)
        ShareLink.objects.filter(pk=link.pk).update(click_count=clicks)
    Delivery.objects.filter(pk=delivery.pk).update(view_count=41)
    feedback = info.feedback_send(
        actor=ketua,
        delivery=delivery,
        body="Apakah imunisasi juga untuk anak usia sekolah dasar?",
    )
    if not Feedback.objects.filter(pk=feedback.pk, answered_at__isnull=False).exists():
        info.feedback_answer(
            actor=dinkes,
            feedback=feedback,
            answer="Untuk anak SD ada Bulan Imunisasi Anak Sekolah di sekolah masing-masing.",
        )


def _demo_aspirations(report: DemoReport, *, kabupaten: Region, offices: dict, admin: User) -> None:
    """Categories with their routing, and cases at several steps of the workflow."""
    categories = tenants_demo.demo_categories(
        report,
        kabupaten=kabupaten,
        offices=offices,
        routes=[
            ("Jalan dan jembatan", "Dinas PUPR"),
            ("Kesehatan", "Dinkes"),
            ("Air bersih dan drainase", "Dinas PUPR"),
            ("Informasi dan layanan publik", "Diskominfo"),
            ("Lainnya", None),
        ],
    )
    if Aspiration.objects.filter(kabupaten=kabupaten).exists():
        return
    sebalo = Region.objects.filter(code="61.07.04.1010").first()
    desa = (
        Region.objects.filter(parent_id="61.07.03", level=Region.Level.DESA)
        .order_by("code")
        .first()
    )
    if sebalo is None or desa is None:
        return
    dinkes = User.objects.get(email=f"dinkes@{DEMO_DOMAIN}")
    pupr = User.objects.get(email=f"pupr@{DEMO_DOMAIN}")
    cases = [
        (
            sebalo,
            "Jalan dan jembatan",
            "Jalan di RT 04 berlubang besar sejak musim hujan; motor sering terjatuh saat malam.",
            "publik",
            "Yohanes",
            ["verify", "dispose", "finish"],
        ),
        (
            sebalo,
            "Kesehatan",
            "Mohon jadwal posyandu lansia ditambah, antrean terlalu panjang.",
            "anonim",
            "",
            ["verify", "dispose"],
        ),
        (
            desa,
            "Air bersih dan drainase",
            "Parit depan SD tersumbat sampah dan air meluap ke jalan.",
            "anonim",
            "",
            ["verify"],
        ),
        (desa, "Lainnya", "Lampu jalan di simpang tiga mati sudah dua minggu.", "rahasia", "", []),
    ]
    for region, category, text, visibility, name, steps in cases:
        case, _created = asp.aspiration_submit(
            data={
                "region": region,
                "category": categories[category],
                "description": text,
                "visibility": visibility,
                "reporter_name": name,
                "reporter_phone": "081234500077",
            }
        )
        report.count("aspirations")
        for step in steps:
            actor = {"finish": pupr if category.startswith("Jalan") else dinkes}.get(step, admin)
            asp.aspiration_transition(
                actor=actor,
                case=case,
                action=step,
                office=categories[category].office,
                body="Jalan sudah ditambal oleh tim pemeliharaan pada hari Kamis."
                if step == "finish"
                else "",
            )


def _demo_disclosure(report: DemoReport, *, kabupaten: Region, offices: dict, admin: User) -> None:
    """PPID: the kabupaten, one OPD and one desa with a KIM, a list each, one request."""
    desa = (
        Region.objects.filter(kims__isnull=False, parent_id="61.07.04", kind=Region.Kind.DESA)
        .order_by("code")
        .first()
    )
    targets = [("kabupaten", kabupaten, None), ("opd", None, offices.get("Dinkes"))]
    if desa is not None:
        targets.append(("desa", desa, None))
    bodies = []
    for kind, region, office in targets:
        if kind == "opd" and office is None:
            continue
        found = PublicBody.objects.filter(
            kind=kind, region=region if region else None, office=office
        )
        body = found.first()
        if body is None:
            body = ppid.public_body_create(
                actor=admin,
                kind=kind,
                kabupaten=kabupaten,
                region=region,
                office=office,
                contact="Layanan informasi: Senin-Jumat 08.00-15.00 WIB",
            )
            report.count("ppid bodies")
        bodies.append(body)
    exempt = {
        "exemption_ground": "h",
        "exemption_reason": "Memuat NIK, alamat dan kondisi ekonomi warga penerima.",
        "exemption_harm": "Bila dibuka, data pribadi warga dapat disalahgunakan.",
    }
    lists = {
        "kabupaten": [
            ("LKPJ Bupati Bengkayang 2025", "berkala", "Bagian Organisasi", "2025", "PDF", {}),
            ("Peringatan dini banjir dan longsor", "serta_merta", "BPBD", "2026", "HTML", {}),
            ("Daftar aset daerah", "setiap_saat", "BPKAD", "2025", "XLSX", {}),
            (
                "Dokumen pengadaan yang sedang dievaluasi",
                "dikecualikan",
                "UKPBJ",
                "2026",
                "PDF",
                {
                    **exempt,
                    "exemption_ground": "b",
                    "exemption_reason": "Dokumen penawaran peserta tender yang sedang dievaluasi.",
                    "exemption_harm": "Membuka penawaran dapat menimbulkan persaingan tidak sehat.",
                },
            ),
        ],
        "opd": [
            ("Profil kesehatan kabupaten", "berkala", "Sekretariat Dinkes", "2025", "PDF", {}),
            ("Informasi wabah demam berdarah", "serta_merta", "Bidang P2P", "2026", "PDF", {}),
            ("Data sarana kesehatan", "setiap_saat", "Bidang Yankes", "2026", "XLSX", {}),
            ("Rekam medis pasien", "dikecualikan", "Puskesmas", "2026", "Cetak", exempt),
        ],
        "desa": [
            ("APBDes 2026", "berkala", "Sekretaris desa", "2026", "PDF", {}),
            (
                "Pengumuman pemadaman listrik",
                "serta_merta",
                "Kasi Pemerintahan",
                "2026",
                "Cetak",
                {},
            ),
            ("Daftar inventaris desa", "setiap_saat", "Kaur Umum", "2025", "XLSX", {}),
            (
                "Data penerima BLT Dana Desa",
                "dikecualikan",
                "Kasi Kesejahteraan",
                "2026",
                "XLSX",
                exempt,
            ),
        ],
    }
    for body in bodies:
        if body.documents.exists():
            continue
        for title, category, owner, period, fmt, extra in lists[body.kind]:
            ppid.info_document_save(
                actor=admin,
                body=body,
                data={
                    "title": title,
                    "category": category,
                    "owner": owner,
                    "period": period,
                    "format": fmt,
                    "is_published": True,
                    **extra,
                },
            )
            report.count("ppid documents")
    if bodies and not InformationRequest.objects.filter(body__kabupaten=kabupaten).exists():
        ppid.information_request_submit(
            data={
                "body": bodies[-1],
                "requester_name": "Yohanes Demo",
                "requester_nik": "6107040101900001",
                "requester_address": "Jl. Demo No. 1, Bengkayang",
                "requester_phone": "081234500088",
                "information": "Salinan laporan realisasi APBDes semester pertama 2026.",
                "purpose": "Bahan musyawarah warga.",
                "obtain_form": "salinan_cetak",
                "delivery": "ambil",
            }
        )
        report.count("ppid requests")


def _demo_literacy(report: DemoReport, *, kabupaten: Region, admin: User) -> None:
    """A training with registrations, a past one with attendance, a module with a quiz
    (jembatan/literacy/demo.py), and the KIM scores (jembatan/dashboard/scoring.py)."""
    literacy_demo.load(report, kabupaten=kabupaten, admin=admin)
    compute_kabupaten(kabupaten.code, timezone.localdate().year)


def _demo_api(report: DemoReport) -> None:
    """An API token of the ketua of KIM Sebalo (jembatan/api/demo.py)."""
    api_demo.load(report, ketua=User.objects.get(email=f"ketua.sebalo@{DEMO_DOMAIN}"))
    report.logins.append(DemoLogin("Token API (ketua Sebalo)", api_demo.DEMO_API_TOKEN))


def _demo_dialogue(report: DemoReport, *, kabupaten: Region, admin: User) -> None:
    """A consultation with comments, a poll and a discussion (jembatan/dialogue/demo.py)."""
    dialogue_demo.load(report, kabupaten=kabupaten, admin=admin)


def _demo_stats(report: DemoReport) -> None:
    """The dashboard's rollups, so that /kelola/dasbor/ and /statistik/ show the demo."""
    refresh()  # recomputed every time; not counted as a change (the load stays idempotent)
