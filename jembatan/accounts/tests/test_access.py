import pytest

from jembatan.accounts.access import (
    get_administered_kabupaten_for_user,
    get_offices_for_user,
    get_supervised_regions_for_user,
    is_operator,
    user_supervises_region,
)
from jembatan.accounts.models import Role
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain


@pytest.fixture
def regions(db):
    return {
        "bengkayang": region_chain("61.07", "Kabupaten Bengkayang"),
        "kec_bengkayang": region_chain("61.07.04", "Bengkayang"),
        "sebalo": region_chain("61.07.04.1010", "Sebalo"),
        "ledo_desa": region_chain("61.07.03.2001", "Lesabela"),
        "mempawah": region_chain("61.04", "Kabupaten Mempawah"),
    }


def test_anonymous_has_no_scope(regions):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not is_operator(anon)
    assert not get_administered_kabupaten_for_user(anon).exists()
    assert not get_supervised_regions_for_user(anon).exists()
    assert not get_offices_for_user(anon).exists()


def test_kabupaten_admin_supervises_own_kabupaten_only(regions):
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=regions["bengkayang"]).user
    assert list(get_administered_kabupaten_for_user(admin)) == [regions["bengkayang"]]
    assert user_supervises_region(admin, regions["sebalo"])
    assert not user_supervises_region(admin, regions["mempawah"])


def test_camat_supervises_own_kecamatan_only(regions):
    camat = MembershipFactory(role=Role.CAMAT, region=regions["kec_bengkayang"]).user
    assert user_supervises_region(camat, regions["sebalo"])
    assert not user_supervises_region(camat, regions["ledo_desa"])
    assert not get_administered_kabupaten_for_user(camat).exists()


def test_operator_sees_everything(regions):
    operator = MembershipFactory(role=Role.OPERATOR, region=None).user
    assert is_operator(operator)
    assert user_supervises_region(operator, regions["mempawah"])
    assert get_administered_kabupaten_for_user(operator).count() == 2


def test_superuser_counts_as_operator(regions):
    user = UserFactory(is_superuser=True)
    assert is_operator(user)


def test_inactive_user_loses_roles(regions):
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=regions["bengkayang"]).user
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    assert not user_supervises_region(admin, regions["sebalo"])


def test_offices_scope(regions):
    own = OfficeFactory(kabupaten=regions["bengkayang"])
    other_same_kab = OfficeFactory(kabupaten=regions["bengkayang"])
    elsewhere = OfficeFactory(kabupaten=regions["mempawah"])
    officer = MembershipFactory(
        role=Role.OPD_OFFICER, region=regions["bengkayang"], office=own
    ).user
    assert list(get_offices_for_user(officer)) == [own]
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=regions["bengkayang"]).user
    assert set(get_offices_for_user(admin)) == {own, other_same_kab}
    assert elsewhere not in get_offices_for_user(admin)
