"""The stored client_id of a retried submission (an Idempotency-Key, a gateway's message
id) within the tenant served: the same key sent to another kabupaten's host, or by another
tenant's gateway, is another case, never the first one handed back."""

from __future__ import annotations

from jembatan.aspirations.services import client_scoped_id
from jembatan.tenants.current import served_code


def tenant_scoped_id(source: str, *, client: str, key: str) -> str:
    """``client_scoped_id`` of ``client`` and ``key`` inside the served tenant: ``source``
    names the channel ("api", "open311", "sms", …), ``client`` who sent the key there."""
    return client_scoped_id(source, client=f"{served_code()}|{client}", key=key)
