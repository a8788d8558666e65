from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from jembatan.regions.models import Region

SEARCH_LIMIT = 20


# "Desa seb", "Kel. Seb": the words people put before a name are not part of it.
_LEADING_NOISE = re.compile(r"^(?:(?:desa|ds|kelurahan|kel|kecamatan|kec)\b\.?\s*)+", re.I)


def _search(request: HttpRequest):
    query = (request.GET.get("q") or "").strip()[:100]
    query = _LEADING_NOISE.sub("", query).strip() or query
    regions = Region.objects.all()
    level = request.GET.get("level", "")
    if level:
        if level not in {str(v) for v in Region.Level.values}:
            return None, query
        regions = regions.filter(level=int(level))
    within = (request.GET.get("within") or "").strip()
    if within:
        regions = regions.within(within)
    if len(query) >= 2:
        # Exact name first ("Sebalo" before "Sebalor"), then prefix, then anywhere.
        rank = Case(
            When(name__iexact=query, then=Value(0)),
            When(name__istartswith=query, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        regions = (
            regions.search(query).annotate(rank=rank).order_by("rank", "level", "name", "code")
        )
    elif not within:
        return Region.objects.none(), query
    return regions.select_related("parent", "parent__parent")[:SEARCH_LIMIT], query


@require_safe
@cache_control(public=True, max_age=3600)
def search(request: HttpRequest) -> JsonResponse:
    """Name search for region pickers: ?q=seb&level=4&within=61.07 (at most 20 results)."""
    regions, _query = _search(request)
    if regions is None:
        return JsonResponse({"error": _("Tingkat wilayah tidak dikenal.")}, status=400)
    return JsonResponse(
        {
            "results": [
                {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "kind": r.get_kind_display(),
                    "label": r.label,
                    "context": r.parent.name if r.parent else "",
                }
                for r in regions
            ]
        }
    )


@require_safe
def browse(request: HttpRequest) -> HttpResponse:
    regions, query = _search(request)
    provinces = Region.objects.filter(level=Region.Level.PROVINSI) if not query else None
    return render(
        request,
        "regions/browse.html",
        {
            "query": query,
            "results": regions or [],
            "provinces": provinces,
            "limit": SEARCH_LIMIT,
        },
    )


@require_safe
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.select_related("parent__parent__parent").filter(code=code).first()
    if region is None:
        raise Http404(_("Kode wilayah %(code)s tidak dikenal.") % {"code": code[:20]})
    ancestors = []
    node = region.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return render(
        request,
        "regions/detail.html",
        {"region": region, "ancestors": ancestors, "children": region.children.all()},
    )
