"""factory_boy factories for the object graphs tests need."""

from __future__ import annotations

from dataclasses import dataclass

import factory
from django.core.management import call_command
from django.test import Client
from django.utils.text import slugify

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.aspirations.models import Aspiration
from jembatan.aspirations.services import aspiration_submit
from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.core.pagecache import content_changed
from jembatan.dialogue import services as dialogue_services
from jembatan.dialogue import services_polls
from jembatan.dialogue.models import Poll, Question
from jembatan.disclosure.services import information_request_submit
from jembatan.dissemination.models import InfoItem
from jembatan.regions.importer import region_import
from jembatan.regions.models import Region, kind_for
from jembatan.sites.models import Post
from jembatan.tenants import resolve as tenant_resolve
from jembatan.tenants.models import Tenant as TenantModel
from jembatan.tenants.models import TenantHost


def region_chain(code: str, name: str | None = None) -> Region:
    """Get or create a region and all its ancestors from a Kemendagri code (one query when
    they exist: every test pays this through the root conftest's served tenant)."""
    parts = code.split(".")
    codes = [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    found = {region.code: region for region in Region.objects.filter(code__in=codes)}
    parent = None
    region = None
    for depth, sub in enumerate(codes, start=1):
        region = found.get(sub)
        if region is None:
            label = name if depth == len(parts) and name else f"Wilayah {sub}"
            if depth == 2 and not (name and depth == len(parts)):
                label = f"Kabupaten {sub}"
            region = Region.objects.create(
                code=sub, name=label, level=depth, kind=kind_for(sub, label), parent=parent
            )
        parent = region
    assert region is not None
    return region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-yang-panjang")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    kabupaten = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    kind = Office.Kind.OPD


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.KABUPATEN_ADMIN
    region = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))


class StaffFactory(UserFactory):
    """A government user: a user with one membership (``role``, ``region``, ``office``),
    by default Diskominfo of Kabupaten Bengkayang. ``region=None`` for an operator."""

    class Params:
        role = Role.KABUPATEN_ADMIN
        region = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))
        office = None

    membership = factory.RelatedFactory(
        MembershipFactory,
        factory_related_name="user",
        role=factory.SelfAttribute("..role"),
        region=factory.SelfAttribute("..region"),
        office=factory.SelfAttribute("..office"),
    )


class KimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kim

    name = factory.Sequence(lambda n: f"KIM Contoh {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    region = factory.LazyFunction(lambda: region_chain("61.07.04.2003", "Tirta Kencana"))


class KimMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KimMembership

    kim = factory.SubFactory(KimFactory)
    user = factory.SubFactory(UserFactory)
    position = Position.ANGGOTA


class PublicBodyFactory(factory.django.DjangoModelFactory):
    """A PPID public body; by default the kabupaten Bengkayang itself."""

    class Meta:
        model = "disclosure.PublicBody"

    kind = "kabupaten"
    region = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))
    kabupaten = factory.LazyAttribute(
        lambda o: Region.objects.get(
            code=(o.region.code if o.region else o.office.kabupaten_id)[:5]
        )
    )


class InfoDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "disclosure.InfoDocument"

    body = factory.SubFactory(PublicBodyFactory)
    title = factory.Sequence(lambda n: f"Informasi contoh {n}")
    category = "berkala"
    owner = "Sekretariat"
    period = "2026"
    format = "PDF"


def _in_days(days: int):
    import datetime

    from django.utils import timezone

    return timezone.now() + datetime.timedelta(days=days)


def _hours(hours: int):
    import datetime

    return datetime.timedelta(hours=hours)


class TrainingFactory(factory.django.DjangoModelFactory):
    """An open, in-person training of Kabupaten Bengkayang for all its KIMs, next week."""

    class Meta:
        model = "literacy.Training"

    kabupaten = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))
    organiser = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Pelatihan jurnalistik warga {n}")
    level = "desa"
    mode = "tatap_muka"
    place = "Aula Diskominfo"
    starts_at = factory.LazyFunction(lambda: _in_days(7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + _hours(6))
    quota = 30
    status = "dibuka"


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "literacy.Module"

    kabupaten = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))
    title = factory.Sequence(lambda n: f"Modul literasi {n}")
    is_published = True


class CategoryFactory(factory.django.DjangoModelFactory):
    """An aspiration category of Kabupaten Bengkayang."""

    class Meta:
        model = "aspirations.Category"

    kabupaten = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))
    name = factory.Sequence(lambda n: f"Kategori {n}")


# Arguments of aspiration_submit that are not fields of the case's data.
_SUBMIT_ARGUMENTS = ("photos", "channel", "kim", "actor", "client_id")


class AspirationFactory(factory.django.DjangoModelFactory):
    """A case as a citizen sends it: through ``aspiration_submit`` (tracking code, deadline,
    reporter key, audit row), from Sebalo, public. Pass ``photos``, ``channel``, ``kim``,
    ``actor`` or ``client_id`` as the service takes them; other keywords are the form's data.
    For a case with a made-up past (``created_at``, ``status``) without the workflow, use
    ``AspirationFactory.row(...)``."""

    class Meta:
        model = "aspirations.Aspiration"

    region = factory.LazyFunction(lambda: region_chain("61.07.04.1010", "Sebalo"))
    category = factory.SubFactory(
        CategoryFactory, kabupaten=factory.SelfAttribute("..region.parent.parent")
    )
    description = "Jalan berlubang di depan SD Negeri 2."
    visibility = Aspiration.Visibility.PUBLIC
    reporter_name = "Budi Santoso"
    reporter_phone = "+6281234567890"
    reporter_email = "budi.rahasia@example.test"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):

        service = {key: kwargs.pop(key) for key in _SUBMIT_ARGUMENTS if key in kwargs}
        case, _ = aspiration_submit(data=kwargs, **service)
        return case

    @classmethod
    def row(cls, **kwargs):
        """The row alone, as written (no service, no audit row): for counts over time."""
        return AspirationRowFactory(**kwargs)


class AspirationRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "aspirations.Aspiration"

    code = factory.Sequence(lambda n: f"F{n:07d}")
    region = factory.LazyFunction(lambda: region_chain("61.07.04.1010", "Sebalo"))
    kabupaten = factory.LazyAttribute(lambda o: Region.objects.get(code=o.region.code[:5]))
    category = factory.SubFactory(CategoryFactory, kabupaten=factory.SelfAttribute("..kabupaten"))
    description = "Jalan rusak"
    reporter_name = "Zubaidah Rahasiawati"
    reporter_phone = "+6281234567890"
    reporter_email = "budi@example.test"


class PostFactory(factory.django.DjangoModelFactory):
    """A published news post of a KIM, written by a new user."""

    class Meta:
        model = Post

    kim = factory.SubFactory(KimFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Berita {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:100])
    body = "<p>Isi berita.</p>"
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: _in_days(0))


class InfoItemFactory(factory.django.DjangoModelFactory):
    """A published development information item for all of Kabupaten Bengkayang."""

    class Meta:
        model = InfoItem

    title = factory.Sequence(lambda n: f"Informasi {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:100])
    summary = "Ringkasan"
    body = "<p>Isi</p>"
    area = factory.LazyFunction(lambda: region_chain("61.07", "Kabupaten Bengkayang"))
    author = factory.SubFactory(UserFactory)
    status = InfoItem.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: _in_days(0) - _hours(1))


def _kabupaten_admin():
    admin = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(
        user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07", "Kabupaten Bengkayang")
    )
    return admin


CONSULTATION_DRAFT = """# Bab I Ketentuan Umum
Dalam Peraturan Bupati ini yang dimaksud dengan desa adalah desa di Kabupaten Bengkayang.

Pemerintah desa menyusun rencana kerja setiap tahun.

# Bab II Partisipasi
Warga berhak menyampaikan usulan dalam musyawarah desa.

Usulan warga dicatat oleh KIM dan diteruskan kepada camat.
"""


class _ThroughService(factory.django.DjangoModelFactory):
    """Base of the factories whose rows the app's own services make (with their audit rows):
    ``actor`` and ``owner_key`` go to the service, the rest is the form's data."""

    class Meta:
        abstract = True

    actor = factory.LazyFunction(_kabupaten_admin)
    owner_key = "61.07|"
    opens_at = factory.LazyFunction(lambda: _in_days(-1))
    closes_at = factory.LazyFunction(lambda: _in_days(7))


class ConsultationFactory(_ThroughService):
    """A published consultation of Kabupaten Bengkayang on a two-chapter draft, open for a
    week (``consultation_create`` then ``consultation_publish``; ``publish=False`` keeps
    the draft)."""

    class Meta:
        model = "dialogue.Consultation"

    title = factory.Sequence(lambda n: f"Rancangan Perbup Partisipasi Desa {n}")
    summary = "Rancangan peraturan tentang partisipasi warga desa."
    text = CONSULTATION_DRAFT

    @classmethod
    def _create(cls, model_class, *args, actor, owner_key, publish=True, **data):

        consultation = dialogue_services.consultation_create(
            actor=actor, owner_key=owner_key, data=data
        )
        if publish:
            consultation = dialogue_services.consultation_publish(
                actor=actor, consultation=consultation
            )
        return consultation


# The four kinds of question a poll may ask, as (text, kind, required, options).
POLL_QUESTIONS = [
    ("Prioritas utama", Question.Kind.SINGLE, True, ["Jalan", "Air bersih", "Internet"]),
    (
        "Layanan yang sering dipakai",
        Question.Kind.MULTIPLE,
        False,
        ["Posyandu", "Kantor desa", "Puskesmas"],
    ),
    ("Kepuasan layanan desa", Question.Kind.SCALE, True, []),
    ("Saran Anda", Question.Kind.TEXT, False, []),
]


class PollFactory(_ThroughService):
    """A published poll of Kabupaten Bengkayang with one question of each kind, open for a
    week, results shown after closing (``poll_create``, ``question_add``, ``poll_publish``;
    ``publish=False`` keeps the draft, ``questions=[...]`` replaces POLL_QUESTIONS)."""

    class Meta:
        model = Poll

    title = factory.Sequence(lambda n: f"Prioritas pembangunan desa {n}")
    summary = "Apa yang paling dibutuhkan desa Anda?"
    results = Poll.Results.AFTER_CLOSE

    @classmethod
    def _create(
        cls, model_class, *args, actor, owner_key, publish=True, questions=POLL_QUESTIONS, **data
    ):

        poll = services_polls.poll_create(actor=actor, owner_key=owner_key, data=data)
        for text, kind, required, options in questions:
            services_polls.question_add(
                actor=actor, poll=poll, text=text, kind=kind, required=required, options=options
            )
        if publish:
            poll = services_polls.poll_publish(actor=actor, poll=poll)
        return poll


class InfoRequestFactory(factory.django.DjangoModelFactory):
    """A PPID information request from a person, to the kabupaten's PPID by default, sent
    through ``information_request_submit`` (registration number, deadline, audit row);
    ``now`` goes to the service."""

    class Meta:
        model = "disclosure.InformationRequest"

    body = factory.SubFactory(PublicBodyFactory)
    requester_kind = "perorangan"
    requester_name = "Maria Goreti"
    requester_nik = "6107045203900001"
    requester_address = "Jl. Sanggau Ledo No. 5, Bengkayang"
    requester_phone = "081234567890"
    requester_email = "maria@example.test"
    information = "Salinan APBDes tahun 2026 beserta rinciannya."
    purpose = "Bahan diskusi warga RT 03."
    obtain_form = "salinan_elektronik"
    delivery = "email"

    @classmethod
    def _create(cls, model_class, *args, now=None, **data):

        return information_request_submit(data=data, now=now)


@dataclass
class KimSide:
    kim: Kim
    owner: User  # the KIM's ketua
    member: User  # an anggota
    outsider: User  # a signed-in user with no role here


@dataclass
class TwoTenants:
    a: KimSide
    b: KimSide


def _kim_side(village_code: str, village_name: str, kabupaten_name: str, label: str) -> KimSide:
    region_chain(village_code[:5], kabupaten_name)
    region = region_chain(village_code, village_name)
    kim = KimFactory(name=f"KIM {village_name}", slug=label, region=region)
    owner = UserFactory(full_name=f"Ketua {label}")
    member = UserFactory(full_name=f"Anggota {label}")
    KimMembershipFactory(kim=kim, user=owner, position=Position.KETUA)
    KimMembershipFactory(kim=kim, user=member, position=Position.ANGGOTA)
    return KimSide(kim=kim, owner=owner, member=member, outsider=UserFactory())


def build_two_tenants() -> TwoTenants:
    """KIM Sebalo in Kabupaten Bengkayang (61.07) and KIM Sungai Pinyuh in Mempawah (61.04),
    each with its ketua, an anggota and an outsider (the root conftest's ``two_tenants``)."""
    return TwoTenants(
        a=_kim_side("61.07.04.1010", "Sebalo", "Kabupaten Bengkayang", "kim-a"),
        b=_kim_side("61.04.05.2001", "Sungai Pinyuh", "Kabupaten Mempawah", "kim-b"),
    )


def serve_tenant(
    code: str = "61.07",
    name: str = "Kabupaten Bengkayang",
    *,
    hosts: tuple[str, ...] = ("testserver", "localhost", "127.0.0.1"),
    time_zone: str = "Asia/Jakarta",
    primary: bool = False,
) -> TenantModel:
    """The kabupaten ``code`` as a tenant answering on ``hosts`` (the root conftest serves
    Bengkayang on the test client's and the live server's hosts for every database test).
    ``primary``: the first of ``hosts`` becomes its primary host (its canonical name)."""
    region = region_chain(code, name)
    tenant = TenantModel.objects.filter(region=region).first()
    created = tenant is None
    if tenant is None:
        tenant = TenantModel.objects.create(
            region=region, name=f"Jembatan {region.name}", time_zone=time_zone
        )
    elif not tenant.is_active:  # a world that kept it inactive: serving it means it is on
        tenant.is_active = True
        tenant.save(update_fields=["is_active"])
    # The first host is the primary one, unless the tenant has one already (more hosts for
    # the tenant served by the root conftest: serve_tenant(hosts=("bengkayang.example",))).
    if primary:
        tenant.hosts.update(is_primary=False)
    taken = set(TenantHost.objects.filter(host__in=hosts).values_list("host", flat=True))
    missing = [host for host in hosts if host not in taken]
    if missing:
        has_primary = not created and tenant.hosts.filter(is_primary=True).exists()
        # One statement for the hosts (the conftest serves three for every test): what
        # their post_save receivers do, done once below.
        TenantHost.objects.bulk_create(
            TenantHost(tenant=tenant, host=host, is_primary=host == hosts[0] and not has_primary)
            for host in missing
        )
        tenant_resolve.changed()
        content_changed()
    if primary:
        TenantHost.objects.filter(host=hosts[0]).update(is_primary=True)
    tenant_resolve.clear()
    return tenant


def home_client(user: User) -> Client:
    """A test client signed in as ``user`` on the host of the kabupaten of their roles (its
    tenant served on ``kab-<code>.test`` if it has none yet): staff work on their own
    tenant's host; on another's they act for that one and hold nothing."""
    membership = (
        Membership.objects.filter(user=user).select_related("office").order_by("pk").first()
    )
    code = ""
    if membership is not None:
        code = membership.office.kabupaten_id if membership.office_id else membership.region_id
    client = Client()
    if code and len(code) >= 5:
        tenant = tenant_resolve.tenant_for_region(code) or serve_tenant(
            code[:5], hosts=(f"kab-{code[:5].replace('.', '-')}.test",)
        )
        client.defaults["HTTP_HOST"] = tenant_resolve.primary_host(tenant)
    client.force_login(user)
    return client


def build_demo() -> None:
    """The demo of `make run` on West Kalimantan's regions (Bengkayang alone: no Kalimantan
    Timur), as the tests that look at the demo's pages and rows build it."""
    region_import(province="61")
    call_command("load_demo", verbosity=0)
