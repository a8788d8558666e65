"""Authorization matrix, GET sweep part 1 of 4 (matrix.py says why it is split)."""

from __future__ import annotations

import pytest

from jembatan.core.tests.security.matrix import shard, sweep_get

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("name", shard(1))
def test_every_role_gets_what_the_table_says(world, role_clients, name):
    failures = sweep_get(world, role_clients, name)
    assert not failures, "\n".join(failures)
