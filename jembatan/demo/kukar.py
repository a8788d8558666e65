"""The second tenant of the demo, Kabupaten Kutai Kartanegara (64.02, WITA), and the two
tenants' hosts: real regions, invented people. Idempotent, like the rest of the demo.

Loaded when the regions of Kalimantan Timur are imported (``make run`` imports the whole
country); an install with Kalimantan Barat only gets the Bengkayang demo alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.text import slugify

from jembatan.accounts.models import Office, Role, User
from jembatan.aspirations import services as asp
from jembatan.aspirations.models import Aspiration, Category
from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.core.richtext import sanitize_html
from jembatan.disclosure import services as ppid
from jembatan.disclosure.models import PublicBody
from jembatan.dissemination import services as info
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import InfoItem
from jembatan.regions.models import Region
from jembatan.sites.models import Post
from jembatan.tenants.models import Palette, Tenant, TimeZone
from jembatan.tenants.setup import TenantSetupError, tenant_add

BENGKAYANG = "61.07"
BENGKAYANG_HOSTS = ["bengkayang.localhost", "127.0.0.1", "localhost"]
KUKAR = "64.02"
KUKAR_HOSTS = ["kukar.localhost"]
PROVINCE = "61"  # Kalimantan Barat, the provincial officer's province
# Kelurahan Timbau (Tenggarong), Desa Bukit Raya (Tenggarong Seberang), Desa Jembayan
# (Loa Kulu): real desa of Kutai Kartanegara.
KUKAR_KIMS = ["64.02.06.1004", "64.02.16.2002", "64.02.02.2003"]

UserMaker = Callable[..., User]
MembershipMaker = Callable[..., None]


class TenantDemoError(Exception):
    pass


def demo_tenant(report, code: str, hosts: list[str], **defaults: str) -> Tenant:
    """The tenant of ``code`` on ``hosts``: created with ``defaults`` (name, time zone,
    palette) or, when it exists already (an install that served one kabupaten), kept as
    its operator set it, with the demo hosts added."""
    exists = Tenant.objects.filter(region_id=code).exists()
    try:
        setup = tenant_add(code, hosts, primary=hosts[0], **({} if exists else defaults))
    except TenantSetupError as exc:
        raise TenantDemoError(str(exc)) from None
    if setup.created:
        report.count("tenants")
    for _host in setup.added_hosts:
        report.count("tenant hosts")
    return setup.tenant


def demo_offices(
    report, *, kabupaten: Region, offices: list[tuple[str, str, str]]
) -> dict[str, Office]:
    """The kabupaten's offices, by short name: each of ``offices`` (short name, full name,
    kind) created once."""
    found = {}
    for short, name, kind in offices:
        found[short], created = Office.objects.get_or_create(
            kabupaten=kabupaten, name=name, defaults={"short_name": short, "kind": kind}
        )
        if created:
            report.count("offices")
    return found


def demo_categories(
    report, *, kabupaten: Region, offices: dict, routes: list[tuple[str, str | None]]
) -> dict[str, Category]:
    """The kabupaten's aspiration categories, by name: each of ``routes`` (a name and the
    name of the office it goes to, or None) created once, routed to that office."""
    categories = {}
    for name, office in routes:
        categories[name], created = Category.objects.get_or_create(
            kabupaten=kabupaten,
            name=name,
            defaults={"office": offices.get(office) if office else None},
        )
        if created:
            report.count("aspiration categories")
    return categories


def load_provincial_officer(report, *, user: UserMaker, membership: MembershipMaker) -> User | None:
    """An officer of the province of Kalimantan Barat: a Diskominfo role held at province
    level (there is no province role; this one supervises every kabupaten of it by
    prefix, and administers none of them)."""
    province = Region.objects.filter(code=PROVINCE, level=Region.Level.PROVINSI).first()
    if province is None:
        return None
    officer = user("provinsi.kalbar", "Margaretha Lidia (Diskominfo Kalimantan Barat)")
    membership(officer, Role.KABUPATEN_ADMIN, region=province)
    return officer


def load_kukar(report, *, user: UserMaker, membership: MembershipMaker) -> Tenant | None:
    kabupaten = Region.objects.filter(code=KUKAR, level=Region.Level.KABUPATEN).first()
    if kabupaten is None:
        return None
    tenant = demo_tenant(
        report,
        KUKAR,
        KUKAR_HOSTS,
        name="Jembatan Kabupaten Kutai Kartanegara",
        time_zone=TimeZone.WITA,
        palette=Palette.BIRU,
    )
    if not tenant.contact_email:
        tenant.contact_email = "diskominfo@kukar.demo.jembatan.test"
        tenant.contact_address = "Jl. Wolter Monginsidi, Tenggarong"
        tenant.save(update_fields=["contact_email", "contact_address"])

    offices = demo_offices(
        report,
        kabupaten=kabupaten,
        offices=[
            ("Diskominfo", "Dinas Komunikasi dan Informatika", Office.Kind.DISKOMINFO),
            ("Dinas PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", Office.Kind.OPD),
        ],
    )
    admin = user("diskominfo.kukar", "Rahmawati Aji (Diskominfo Kukar)", phone="081234500201")
    membership(admin, Role.KABUPATEN_ADMIN, region=kabupaten, office=offices["Diskominfo"])
    pupr = user("pupr.kukar", "Syahrani Ibrahim (PUPR Kukar)")
    membership(pupr, Role.OPD_OFFICER, region=kabupaten, office=offices["Dinas PUPR"])

    people = [
        ("Aji Muhammad", "Siti Rahmah", "Dayang Norma", "Awang Ferdi"),
        ("Joko Santoso", "Sri Wahyuni", "Made Sudarsa", "Lilis Suryani"),
        ("Abdul Karim", "Hj. Fatimah", "Nanang Kosim", "Rusdiana"),
    ]
    positions = [Position.KETUA, Position.SEKRETARIS, Position.BENDAHARA, Position.ANGGOTA]
    kims: list[Kim] = []
    for region, names in zip(
        Region.objects.filter(code__in=KUKAR_KIMS).order_by("code"), people, strict=False
    ):
        name = f"KIM {region.name}"
        kim = Kim.objects.filter(region=region, name=name).first()
        if kim is None:
            slug = slugify(region.name)
            if Kim.objects.filter(slug=slug).exists():
                slug = f"{slug}-kukar"
            kim = Kim.objects.create(
                name=name,
                slug=slug,
                region=region,
                description=(
                    f"Kelompok Informasi Masyarakat {region.get_kind_display()} {region.name}."
                ),
                verified_at=timezone.now(),
            )
            report.count("kims")
        kims.append(kim)
        for position, full_name in zip(positions, names, strict=True):
            member = user(f"{position}.{kim.slug}", full_name)
            _, created = KimMembership.objects.get_or_create(
                kim=kim, user=member, defaults={"position": position}
            )
            if created:
                report.count("kim_members")

    _posts(report, kims)
    _information(report, admin=admin)
    _aspirations(report, kabupaten=kabupaten, offices=offices, admin=admin, pupr=pupr, kims=kims)
    _disclosure(report, kabupaten=kabupaten, admin=admin)
    return tenant


POSTS = [
    (
        0,
        "Festival Erau di Tenggarong",
        "Warga Timbau ikut memeriahkan Festival Erau di tepian Mahakam.",
        "<p>Festival Erau kembali digelar di Tenggarong. Warga Kelurahan Timbau membuka stan "
        "kuliner dan kerajinan di sepanjang tepian Sungai Mahakam.</p>",
        "budaya, erau",
    ),
    (
        1,
        "Panen padi sawah Bukit Raya",
        "Kelompok tani Bukit Raya memanen padi di lahan seluas 40 hektare.",
        "<p>Kelompok tani Desa Bukit Raya memanen padi bersama penyuluh pertanian. Hasil panen "
        "tahun ini lebih baik berkat saluran irigasi yang baru diperbaiki.</p>",
        "pertanian, padi",
    ),
    (
        2,
        "Kerja bakti jalan usaha tani Jembayan",
        "Warga Jembayan memperbaiki jalan usaha tani menuju kebun.",
        "<p>Warga Desa Jembayan bergotong royong menimbun jalan usaha tani yang rusak "
        "sepanjang satu kilometer.</p>",
        "gotong royong, jalan",
    ),
]


def _posts(report, kims: list[Kim]) -> None:
    now = timezone.now()
    for index, title, summary, body, tags in POSTS:
        if index >= len(kims):
            continue
        kim = kims[index]
        ketua = kim.memberships.filter(position=Position.KETUA).first()
        _, created = Post.objects.get_or_create(
            kim=kim,
            slug=slugify(title)[:100],
            defaults={
                "title": title,
                "summary": summary,
                "body": sanitize_html(body),
                "tags": tags,
                "status": Post.Status.PUBLISHED,
                "author": ketua.user if ketua else None,
                "published_at": now - datetime.timedelta(days=index, hours=3),
            },
        )
        if created:
            report.count("posts")


INFO_TITLE = "Pendaftaran beasiswa Kukar Idaman dibuka"


def _information(report, *, admin: User) -> None:
    """One item from Diskominfo Kukar, pushed to every KIM of the kabupaten."""
    if InfoItem.objects.filter(title=INFO_TITLE).exists():
        return
    today = timezone.localdate()
    area = get_publishing_areas_for_user(admin)[-1]
    item = info.item_create(
        actor=admin,
        area_key=area.key,
        data={
            "title": INFO_TITLE,
            "summary": "Beasiswa untuk pelajar dan mahasiswa asal Kutai Kartanegara.",
            "body": "<p>Pemerintah Kabupaten Kutai Kartanegara membuka pendaftaran beasiswa "
            "bagi pelajar dan mahasiswa. Pengurus KIM membantu warga menyiapkan berkas.</p>",
            "category": InfoItem.Category.EDUCATION,
            "priority": InfoItem.Priority.NORMAL,
            "scope": InfoItem.Scope.AREA,
            "valid_from": today,
            "valid_until": today + datetime.timedelta(days=30),
        },
    )
    report.count("information items")
    info.item_publish(actor=admin, item=item)
    info.item_fan_out(item.pk)


def _aspirations(
    report, *, kabupaten: Region, offices: dict, admin: User, pupr: User, kims: list[Kim]
) -> None:
    """Categories routed to the offices; one public case on its way, one confidential."""
    categories = demo_categories(
        report,
        kabupaten=kabupaten,
        offices=offices,
        routes=[
            ("Jalan dan jembatan", "Dinas PUPR"),
            ("Informasi dan layanan publik", "Diskominfo"),
            ("Lainnya", None),
        ],
    )
    if not kims or Aspiration.objects.filter(kabupaten=kabupaten).exists():
        return
    cases = [
        (
            kims[0].region,
            "Jalan dan jembatan",
            "Jembatan kayu di gang menuju tepian Mahakam lapuk dan berbahaya bagi anak sekolah.",
            "publik",
            "Awang",
            ["verify", "dispose"],
        ),
        (
            kims[-1].region,
            "Lainnya",
            "Ada pungutan liar saat mengurus surat keterangan usaha di kantor desa.",
            "rahasia",
            "",
            [],
        ),
    ]
    for region, category, text, visibility, name, steps in cases:
        case, _created = asp.aspiration_submit(
            data={
                "region": region,
                "category": categories[category],
                "description": text,
                "visibility": visibility,
                "reporter_name": name,
                "reporter_phone": "081234500277",
            }
        )
        report.count("aspirations")
        for step in steps:
            asp.aspiration_transition(
                actor=admin, case=case, action=step, office=categories[category].office, body=""
            )


def _disclosure(report, *, kabupaten: Region, admin: User) -> None:
    """The kabupaten's PPID with two entries of its list."""
    body = PublicBody.objects.filter(kind="kabupaten", region=kabupaten, office=None).first()
    if body is None:
        body = ppid.public_body_create(
            actor=admin,
            kind="kabupaten",
            kabupaten=kabupaten,
            region=kabupaten,
            contact="Layanan informasi: Senin-Jumat 08.00-15.00 WITA",
        )
        report.count("ppid bodies")
    if body.documents.exists():
        return
    for title, category, owner in [
        ("LKPJ Bupati Kutai Kartanegara 2025", "berkala", "Bagian Organisasi"),
        ("Daftar aset daerah", "setiap_saat", "BPKAD"),
    ]:
        ppid.info_document_save(
            actor=admin,
            body=body,
            data={
                "title": title,
                "category": category,
                "owner": owner,
                "period": "2025",
                "format": "PDF",
                "is_published": True,
            },
        )
        report.count("ppid documents")
