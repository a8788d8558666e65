"""Search of the hub kabupaten's news, potensi desa and produk (/cari/?q=)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from jembatan.sites.search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, search_all
from jembatan.sites.views import _page, hub_kabupaten

# Potensi and produk are not paginated: the best ones, and how many there are.
CONTENT_LIMIT = 10


def _best(results) -> tuple[list, int]:
    top = list(results[:CONTENT_LIMIT])
    count = len(top) if len(top) < CONTENT_LIMIT else results.count()
    return top, count


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    # Not page-cached: every query would be a new cache entry.
    query = " ".join((request.GET.get("q") or "")[:MAX_QUERY_LENGTH].split())
    kabupaten = hub_kabupaten()
    page = None
    potensi, potensi_count, produk, produk_count = [], 0, [], 0
    if query and kabupaten is not None:
        results = search_all(query, kabupaten=kabupaten)
        page = _page(request, results["posts"])
        potensi, potensi_count = _best(results["potensi"])
        produk, produk_count = _best(results["produk"])
    total = (page.paginator.count if page else 0) + potensi_count + produk_count
    return render(
        request,
        "sites/search.html",
        {
            "query": query,
            "kabupaten": kabupaten,
            "page": page,
            "potensi": potensi,
            "potensi_count": potensi_count,
            "produk": produk,
            "produk_count": produk_count,
            "total": total,
            "content_limit": CONTENT_LIMIT,
            "max_length": MAX_QUERY_LENGTH,
            "min_length": MIN_QUERY_LENGTH,
        },
    )
