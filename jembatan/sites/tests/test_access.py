"""Who writes for a KIM: sites.access."""

import pytest
from django.http import Http404

from jembatan.accounts.models import Role
from jembatan.communities.access import get_kim_for_user
from jembatan.sites.access import get_writable_kim_for_user
from jembatan.testing.factories import MembershipFactory


def test_writable_kim_for_members_and_diskominfo_only(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    for user in (a.owner, a.member):
        assert get_writable_kim_for_user(user, a.kim.slug) == a.kim
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=a.kim.kabupaten).user
    assert get_writable_kim_for_user(admin, a.kim.slug) == a.kim
    camat = MembershipFactory(role=Role.CAMAT, region=a.kim.region.parent).user
    assert get_kim_for_user(camat, a.kim.slug) == a.kim  # sees the KIM, writes nothing
    for user in (camat, a.outsider, b.owner):
        with pytest.raises(Http404):
            get_writable_kim_for_user(user, a.kim.slug)
