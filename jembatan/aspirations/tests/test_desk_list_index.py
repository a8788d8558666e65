"""The desk's default order (deadline first) is read off aspiration_desk_due_idx: the
model's index expression must stay the one desk_list sorts by."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.desk_list import DeskList
from jembatan.aspirations.models import Category
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


def test_the_default_page_is_read_in_index_order():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan")
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    made = [
        services.aspiration_submit(
            data={
                "region": desa,
                "category": category,
                "description": f"Jalan berlubang nomor {n}.",
                "visibility": "anonim",
                "reporter_phone": "081234567890",
            }
        )[0]
        for n in range(3)
    ]
    page = DeskList(admin, QueryDict("")).cases().values_list("pk", flat=True)[:30]
    assert sorted(page) == sorted(c.pk for c in made)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Without sorting or bitmap scans, only an index in the list's order can answer.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = page.explain()
    assert "aspiration_desk_due_idx" in plan, plan
