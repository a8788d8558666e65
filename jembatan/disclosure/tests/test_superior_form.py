"""The atasan PPID form refuses an id past an integer column (o2 M3: it was a 500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_huge_superior_id_is_a_form_error(client, ppid):
    client.force_login(ppid.admin)
    url = reverse("disclosure:manage_body_superior", kwargs={"pk": ppid.desa.pk})
    response = client.post(url, {"superiors": "99999999999999999999", "superior_office": ""})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["superiors"]
    assert not ppid.desa.superiors.exists()
