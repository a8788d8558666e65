"""The public annual report: years that can have data, one cached copy of its files and a
limit on PDF renders per visitor (o2 S2, M7)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from jembatan.core.pagecache import content_changed
from jembatan.disclosure import services
from jembatan.disclosure.tests.conftest import MONDAY, request_data

pytestmark = pytest.mark.django_db


def test_only_years_that_can_have_data_are_served(client, ppid):
    this_year = timezone.localdate().year
    services.information_request_submit(data=request_data(ppid.desa), now=MONDAY)  # 2026
    for year, expected in ((this_year, 200), (this_year + 1, 404), (2100, 404), (2025, 404)):
        for name in ("disclosure:public_report", "disclosure:public_report_csv"):
            cache.clear()
            response = client.get(reverse(name, kwargs={"year": year}))
            assert response.status_code == expected, (name, year)


def test_a_junk_query_string_gets_the_cached_pdf(client, ppid, settings):
    settings.PPID_REPORT_PDF_LIMIT = 2
    year = timezone.localdate().year
    url = reverse("disclosure:public_report_pdf", kwargs={"year": year})
    first = client.get(url, {"z": "1"})
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    # Many more downloads, each with another query string: one render, then the copy.
    for z in range(2, 8):
        again = client.get(url, {"z": str(z)})
        assert again.status_code == 200 and again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]


def test_pdf_renders_per_visitor_are_limited(client, ppid, settings):
    settings.PPID_REPORT_PDF_LIMIT = 2
    year = timezone.localdate().year
    url = reverse("disclosure:public_report_pdf", kwargs={"year": year})
    for _ in range(2):
        assert client.get(url).status_code == 200
        content_changed()  # a new copy is rendered
    refused = client.get(url)
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert "Terlalu banyak percobaan" in refused.content.decode()
