"""factory_boy factories for the object graphs tests need."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.regions.models import Region, kind_for


def region_chain(code: str, name: str | None = None) -> Region:
    """Get or create a region and all its ancestors from a Kemendagri code."""
    parts = code.split(".")
    parent = None
    region = None
    for depth in range(1, len(parts) + 1):
        sub = ".".join(parts[:depth])
        label = name if depth == len(parts) and name else f"Wilayah {sub}"
        if depth == 2 and not (name and depth == len(parts)):
            label = f"Kabupaten {sub}"
        region, _ = Region.objects.get_or_create(
            code=sub,
            defaults={
                "name": label,
                "level": depth,
                "kind": kind_for(sub, label),
                "parent": parent,
            },
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
