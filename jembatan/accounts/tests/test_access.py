import pytest

from jembatan.accounts.access import (
    administers_kabupaten,
    get_administered_kabupaten_for_user,
    get_memberships_for_user,
    get_offices_for_user,
    get_supervised_regions_for_user,
    is_operator,
    supervised_regions,
    user_supervises_region,
)
from jembatan.accounts.models import Membership, Role, User
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


# --- The actor: roles read once per request ----------------------------------------------


def test_roles_are_read_once_for_a_user_object(regions, django_assert_num_queries):
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=regions["bengkayang"]).user
    with django_assert_num_queries(1):
        assert not is_operator(admin)
        assert administers_kabupaten(admin, "61.07")
        assert not administers_kabupaten(admin, "61.04")
        assert user_supervises_region(admin, regions["sebalo"])
        assert [m.region_id for m in get_memberships_for_user(admin)] == ["61.07"]


def test_a_role_granted_on_the_same_user_object_counts_at_once(regions):
    user = UserFactory()
    assert not administers_kabupaten(user, "61.04")  # memoised: no role
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=regions["mempawah"])
    assert administers_kabupaten(user, "61.04")
    Membership.objects.filter(user=user).delete()
    assert not administers_kabupaten(user, "61.04")


def test_refresh_from_db_reads_the_roles_again(regions):
    camat = MembershipFactory(role=Role.CAMAT, region=regions["kec_bengkayang"]).user
    assert user_supervises_region(camat, regions["sebalo"])
    # A change no signal reports (a bulk update), seen once the object is refreshed.
    Membership.objects.filter(user=camat).update(region=regions["mempawah"])
    camat.refresh_from_db()
    assert not user_supervises_region(camat, regions["sebalo"])
    assert [r.code for r in supervised_regions(camat)] == ["61.04"]


def test_a_membership_of_another_user_object_for_the_same_account_counts(regions):
    user = UserFactory()
    assert not is_operator(user)
    MembershipFactory(user=User.objects.get(pk=user.pk), role=Role.OPERATOR, region=None)
    assert is_operator(user)
