"""Search of the hub kabupaten's news, potensi desa and produk (/cari/?q=)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jembatan.core.pagecache import cache_public_page
from jembatan.regions.models import Region
from jembatan.sites.search import (
    MAX_QUERY_LENGTH,
    MIN_QUERY_LENGTH,
    RESULT_CAP,
    RankedResults,
    search_all,
)
from jembatan.sites.views import _page
from jembatan.tenants.current import request_tenant

# Potensi and produk are not paginated: the best ones, and how many there are.
CONTENT_LIMIT = 10


def _best(results: RankedResults) -> tuple[list, int]:
    return list(results[:CONTENT_LIMIT]), results.count()


def _how_many(results: RankedResults | None) -> str:
    """The count as shown: "lebih dari 1.000" when the search stopped counting."""
    if results is None:
        return "0"
    if results.capped:
        return _("lebih dari %(n)s") % {"n": number_format(results.cap, force_grouping=True)}
    return number_format(results.count(), force_grouping=True)


@require_safe
@cache_public_page
def search(request: HttpRequest) -> HttpResponse:
    # Page-cached like the other public pages (per tenant host and query, for the tenant's
    # page-cache lifetime, dropped when public content changes): a few words are most of
    # what people search for, and a common one costs a ranking of 1,000 candidates.
    query = " ".join((request.GET.get("q") or "")[:MAX_QUERY_LENGTH].split())
    # The tenant's kabupaten as resolved with the host (no query): a page is the words'
    # queries only, one ranking all three kinds, then one per kind with rows to show.
    region = request_tenant(request).region
    kabupaten = region if region.level == Region.Level.KABUPATEN else None
    page = None
    potensi: list = []
    produk: list = []
    potensi_count = produk_count = 0
    results: dict[str, RankedResults] = {}
    if query and kabupaten is not None:
        results = search_all(query, kabupaten=kabupaten)
        page = _page(request, results["posts"])
        potensi, potensi_count = _best(results["potensi"])
        produk, produk_count = _best(results["produk"])
    total = (page.paginator.count if page else 0) + potensi_count + produk_count
    # More than the cap of one kind: the total is a floor, said so ("lebih dari 1.000").
    capped = any(r.capped for r in results.values())
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
            "capped": capped,
            "cap": number_format(
                results["posts"].cap if results else RESULT_CAP, force_grouping=True
            ),
            "posts_how_many": _how_many(results.get("posts")),
            "potensi_how_many": _how_many(results.get("potensi")),
            "produk_how_many": _how_many(results.get("produk")),
            "content_limit": CONTENT_LIMIT,
            "max_length": MAX_QUERY_LENGTH,
            "min_length": MIN_QUERY_LENGTH,
        },
    )
