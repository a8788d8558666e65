"""The registration form links the privacy notice. Literacy keeps no personal data of
its own beyond the member's account (registrations, attendance and certificates hang on
the account), so it registers no kind with core.personal_data."""

from __future__ import annotations

import pytest

from jembatan.testing.factories import TrainingFactory

pytestmark = pytest.mark.django_db


def test_the_registration_form_links_the_privacy_notice(client, two_tenants, admin):
    training = TrainingFactory(organiser=admin, quota=2)
    client.force_login(two_tenants.a.member)
    page = client.get(f"/literasi/pelatihan/{training.pk}/").content.decode()
    assert "Daftar" in page
    assert 'class="small privacy-note"' in page and 'href="/privasi/"' in page
