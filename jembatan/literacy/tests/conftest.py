"""Shared set-up of the literacy tests: Diskominfo of Bengkayang, who organises trainings."""

import pytest

from jembatan.accounts.models import Role
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain


@pytest.fixture
def admin(two_tenants):
    user = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    return user
