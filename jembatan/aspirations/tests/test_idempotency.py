"""One stored id for a retried submission, scoped to the tenant served (API, Open311 and
the SMS gateway's webhook all ask tenant_scoped_id)."""

from __future__ import annotations

import pytest

from jembatan.aspirations.idempotency import tenant_scoped_id
from jembatan.tenants.current import serving
from jembatan.testing.factories import serve_tenant

pytestmark = pytest.mark.django_db


def test_the_same_key_is_one_id_in_a_tenant_and_another_in_the_next():
    bengkayang = serve_tenant("61.07", "Kabupaten Bengkayang")
    mempawah = serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    with serving(bengkayang):
        first = tenant_scoped_id("sms", client="gateway", key="gw-000123")
        again = tenant_scoped_id("sms", client="gateway", key="gw-000123")
        other_client = tenant_scoped_id("sms", client="token:1", key="gw-000123")
    with serving(mempawah):
        elsewhere = tenant_scoped_id("sms", client="gateway", key="gw-000123")
    assert first == again and first.startswith("sms:")
    assert len({first, other_client, elsewhere}) == 3
