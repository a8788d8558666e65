import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.testing.factories import KimFactory, UserFactory, region_chain


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("61.07.04", Kim.Level.KECAMATAN),
        ("61.07.04.1010", Kim.Level.KELURAHAN),
        ("61.07.04.2003", Kim.Level.DESA),
        ("61.07.04.3001", Kim.Level.DESA),
    ],
)
def test_level_and_kabupaten_follow_the_region(code, level):
    kim = KimFactory(region=region_chain(code))
    assert kim.level == level
    assert kim.kabupaten_id == "61.07"


@pytest.mark.django_db
def test_kim_cannot_sit_at_kabupaten_level():
    kim = Kim(name="KIM Salah", slug="salah", region=region_chain("61.07"))
    with pytest.raises(ValidationError) as exc:
        kim.full_clean()
    assert "region" in exc.value.message_dict


@pytest.mark.django_db
def test_one_active_ketua_per_kim():
    kim = KimFactory()
    KimMembership.objects.create(kim=kim, user=UserFactory(), position=Position.KETUA)
    with pytest.raises(IntegrityError), transaction.atomic():
        KimMembership.objects.create(kim=kim, user=UserFactory(), position=Position.KETUA)
    # A former ketua, no longer active, does not block the new one.
    KimMembership.objects.filter(kim=kim).update(is_active=False)
    KimMembership.objects.create(kim=kim, user=UserFactory(), position=Position.KETUA)


@pytest.mark.django_db
def test_a_user_joins_a_kim_once():
    kim, user = KimFactory(), UserFactory()
    KimMembership.objects.create(kim=kim, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        KimMembership.objects.create(kim=kim, user=user, position=Position.SEKRETARIS)


@pytest.mark.django_db
def test_a_kim_built_with_only_its_required_fields_validates():
    """An unsaved KIM (an import or a service that sends fewer fields than the form) is
    validated, not crashed: the fields added later with a database default start as ""."""
    kim = Kim(
        name="KIM Baru",
        slug="kim-baru",
        region=region_chain("61.07.04.2003", "Tirta Kencana"),
    )
    assert kim.kimid_number == "" and kim.sk_signer == "" and kim.kimid_url == ""
    kim.full_clean()
    kim.save()
    kim.refresh_from_db()
    assert (kim.kimid_number, kim.kimid_key, kim.sk_signer) == ("", "", "")
