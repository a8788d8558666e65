import pytest
from django.http import Http404

from jembatan.accounts.models import Role
from jembatan.communities.access import (
    can_manage_members,
    get_kim_for_user,
    get_kims_for_user,
    get_member_kims_for_user,
    get_position,
    is_pengurus,
)
from jembatan.communities.models import Position
from jembatan.testing.factories import KimMembershipFactory, MembershipFactory, UserFactory


def test_members_see_only_their_own_kim(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    for user in (a.owner, a.member):
        assert list(get_kims_for_user(user)) == [a.kim]
        assert get_kim_for_user(user, a.kim.slug) == a.kim
        with pytest.raises(Http404):
            get_kim_for_user(user, b.kim.slug)


def test_outsider_and_anonymous_see_no_kim(two_tenants):
    from django.contrib.auth.models import AnonymousUser

    assert not get_kims_for_user(two_tenants.a.outsider).exists()
    assert not get_kims_for_user(AnonymousUser()).exists()
    with pytest.raises(Http404):
        get_kim_for_user(two_tenants.a.outsider, two_tenants.a.kim.slug)


def test_positions(two_tenants):
    a = two_tenants.a
    assert get_position(a.owner, a.kim) == Position.KETUA
    assert get_position(a.member, a.kim) == Position.ANGGOTA
    assert get_position(a.outsider, a.kim) is None
    assert is_pengurus(a.owner, a.kim)
    assert not is_pengurus(a.member, a.kim)


def test_inactive_membership_grants_nothing(two_tenants):
    a = two_tenants.a
    a.kim.memberships.filter(user=a.member).update(is_active=False)
    assert not get_kims_for_user(a.member).exists()
    assert get_position(a.member, a.kim) is None


def test_only_ketua_and_kabupaten_admin_manage_members(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    assert can_manage_members(a.owner, a.kim)
    assert not can_manage_members(a.member, a.kim)
    assert not can_manage_members(a.owner, b.kim)
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=a.kim.kabupaten).user
    assert can_manage_members(admin, a.kim)
    assert not can_manage_members(admin, b.kim)


def test_kabupaten_admin_and_camat_scopes(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=a.kim.kabupaten).user
    assert list(get_kims_for_user(admin)) == [a.kim]
    camat = MembershipFactory(role=Role.CAMAT, region=a.kim.region.parent).user
    assert list(get_kims_for_user(camat)) == [a.kim]
    other_camat = MembershipFactory(role=Role.CAMAT, region=b.kim.region.parent).user
    assert list(get_kims_for_user(other_camat)) == [b.kim]


def test_member_of_two_kims_sees_both(two_tenants):
    user = UserFactory()
    KimMembershipFactory(kim=two_tenants.a.kim, user=user)
    KimMembershipFactory(kim=two_tenants.b.kim, user=user)
    assert set(get_kims_for_user(user)) == {two_tenants.a.kim, two_tenants.b.kim}


def test_kim_memberships_are_read_once_and_again_after_a_change(
    two_tenants, django_assert_num_queries
):
    a = two_tenants.a
    with django_assert_num_queries(2):  # the user's roles, then their KIM memberships
        assert get_position(a.member, a.kim) == Position.ANGGOTA
        assert not is_pengurus(a.member, a.kim)
        assert get_member_kims_for_user(a.member) == [a.kim]
        assert get_member_kims_for_user(a.member, pengurus_only=True) == []
    membership = a.kim.memberships.get(user=a.member)
    membership.position = Position.SEKRETARIS
    membership.save()
    assert is_pengurus(a.member, a.kim)
    a.kim.is_active = False
    a.kim.save()
    assert get_member_kims_for_user(a.member) == []
