"""Search of the hub kabupaten's news (/cari/?q=)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jembatan.sites.search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, search_posts
from jembatan.sites.views import _page, hub_kabupaten


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    # Not page-cached: every query would be a new cache entry.
    query = " ".join((request.GET.get("q") or "")[:MAX_QUERY_LENGTH].split())
    kabupaten = hub_kabupaten()
    page = None
    if query and kabupaten is not None:
        page = _page(request, search_posts(query, kabupaten=kabupaten))
    return render(
        request,
        "sites/search.html",
        {
            "query": query,
            "kabupaten": kabupaten,
            "page": page,
            "max_length": MAX_QUERY_LENGTH,
            "min_length": MIN_QUERY_LENGTH,
        },
    )
