"""The OpenAPI document, and a Schemathesis run against it: no operation answers 5xx."""

from __future__ import annotations

import collections

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from jembatan.api.tests.conftest import make_token
from jembatan.aspirations.models import Category
from jembatan.sites.models import Category as PostCategory

pytestmark = pytest.mark.django_db

# Examples per operation and mode: valid data (positive) and invalid data (negative).
MAX_EXAMPLES = {"positive": 25, "negative": 15}


def test_schema_is_openapi_3_versioned_with_the_error_format(client_api, db):
    response = client_api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1.0.0"
    assert set(schema["paths"]) == {
        "/api/v1/",
        "/api/v1/kim/",
        "/api/v1/kim/{kim}/",
        "/api/v1/kim/{kim}/berita/",
        "/api/v1/berita/",
        "/api/v1/informasi/",
        "/api/v1/informasi/{slug}/",
        "/api/v1/aspirasi/",
        "/api/v1/aspirasi/{code}/",
        "/api/v1/statistik/{kabupaten}/",
    }
    post = schema["paths"]["/api/v1/kim/{kim}/berita/"]["post"]
    assert post["security"] == [{"tokenAuth": []}]
    assert post["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert {} in schema["paths"]["/api/v1/berita/"]["get"]["security"]  # reading: no token
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def _fuzz(strategy, label, headers, tried, statuses, failures, *, examples=1) -> None:
    @hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        tried[label] += 1
        statuses[response.status_code] += 1
        statuses[f"{label} {response.status_code}"] += 1
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code} {response.text[:300]}")
        case.validate_response(response, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        pass  # negative data impossible here (no parameters, or free-text path segments)
    except Exception as exc:  # collect, then report every failing operation at once
        failures.append(f"{label}: {str(exc)[:500]}")


@pytest.fixture
def keep_test_connection():
    """Schemathesis calls the real WSGI handler, whose request signals would close the
    test's database connection (and its transaction) on PostgreSQL; Django's own test
    client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_rates(settings):
    # Hundreds of requests in a few seconds: throttles would answer 429 to most.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "write": None},
    }


def test_schemathesis_finds_no_server_error(world, fuzz_rates, keep_test_connection, capsys):
    """Every operation, positive and negative data, random and real path parameters."""
    a = world.tenants.a
    PostCategory.objects.create(kim=a.kim, name="Kegiatan", slug="kegiatan")
    # The schema's aspiration example names category 1 (PostgreSQL's sequences are not
    # reset between tests, so the world's category may have another number).
    Category.objects.get_or_create(pk=1, defaults={"kabupaten_id": "61.07", "name": "Contoh"})
    _token, secret = make_token(a.owner)  # the ketua may publish
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    real = {
        "kim": a.kim.slug,
        "slug": world.info.slug,
        "code": world.public_case.code,
        "kabupaten": "61.07",
    }
    tried: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter = collections.Counter()
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        headers = {}
        if operation.method.upper() == "POST":
            headers["Authorization"] = f"Bearer {secret}"
        names = {p.name for p in operation.path_parameters}
        variants = [None] + ([{n: real[n] for n in names}] if names else [])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in variants:
                strategy = operation.as_strategy(
                    generation_mode=mode, path_parameters=path_parameters
                )

                _fuzz(
                    strategy,
                    label,
                    headers,
                    tried,
                    statuses,
                    failures,
                    examples=MAX_EXAMPLES[mode.value],
                )
        # The documented request examples too (a valid post, a valid aspiration).
        for strategy in schema.get_strategies_from_examples(operation):
            _fuzz(strategy, label, headers, tried, statuses, failures)

    with capsys.disabled():
        print(f"\nschemathesis: {len(tried)} operations, {sum(tried.values())} requests")
        for label, count in sorted(tried.items()):
            print(f"  {label}: {count}")
        print(f"  statuses: {dict(sorted(statuses.items(), key=str))}")
    assert not failures, "\n".join(failures)
    assert len(tried) == 12
