"""Public statistics (/statistik/) and open data (/data/) of the hub kabupaten."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jembatan.core import exports
from jembatan.core.pagecache import cache_public_page
from jembatan.dashboard import charts
from jembatan.dashboard import rollup as R
from jembatan.dashboard.opendata import DATASETS
from jembatan.dashboard.stats import figures
from jembatan.regions.models import Region


@require_safe
@cache_public_page
def statistics(request: HttpRequest) -> HttpResponse:
    region = Region.objects.filter(code=settings.HUB_REGION_CODE).first()
    if region is None:
        raise Http404(_("Kabupaten belum disiapkan."))
    data = figures(code=region.code, confidential=False)  # as the public list: none
    series = data.series
    context = {
        "region": region,
        "data": data,
        "posts_chart": charts.bar_chart(
            [charts.Point(r["month"].strftime("%m/%y"), r.get(R.POSTS, 0)) for r in series],
            title=_("Berita terbit per bulan"),
            desc=_("Batang: berita terbit; garis: informasi diterbitkan ulang."),
            line=[r.get(R.REPUBLICATIONS, 0) for r in series],
        ),
        "cases_chart": charts.bar_chart(
            [charts.Point(r["month"].strftime("%m/%y"), r.get(R.ASPIRATIONS, 0)) for r in series],
            title=_("Aspirasi per bulan"),
            desc=_("Batang: aspirasi diterima; garis: aspirasi dijawab."),
            line=[r.get(R.ANSWERED, 0) for r in series],
        ),
        "tile_map": charts.tile_map(
            data.children,
            title=_("Peta cakupan KIM"),
            desc=_(
                "Setiap kotak satu kecamatan; warna menunjukkan persentase desa/kelurahan "
                "yang memiliki KIM."
            ),
        )
        if data.children
        else None,
        "legend": [(label, charts.swatch(colour)) for label, colour in charts.legend()],
        "series": series,
    }
    return render(request, "dashboard/statistics.html", context)


@require_safe
@cache_public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    region = Region.objects.filter(code=settings.HUB_REGION_CODE).first()
    return render(
        request,
        "dashboard/data.html",
        {"datasets": DATASETS.values(), "region": region},
    )


def _absolute(request: HttpRequest, path: str) -> str:
    return (
        settings.SITE_URL.rstrip("/") + path
        if settings.SITE_URL
        else request.build_absolute_uri(path)
    )


@require_safe
@cache_public_page
def catalogue_json(request: HttpRequest) -> JsonResponse:
    """A DCAT catalogue (JSON-LD): one dcat:Dataset per dataset, each with a CSV and a
    JSON distribution."""
    region = Region.objects.filter(code=settings.HUB_REGION_CODE).first()
    place = region.name if region else settings.HUB_REGION_CODE
    datasets = []
    for dataset in DATASETS.values():
        distributions = []
        for fmt, media in (("csv", "text/csv"), ("json", "application/json")):
            url = _absolute(
                request, reverse("dashboard:dataset", kwargs={"slug": dataset.slug, "fmt": fmt})
            )
            distributions.append(
                {
                    "@type": "dcat:Distribution",
                    "dct:title": f"{dataset.title} ({fmt.upper()})",
                    "dcat:downloadURL": url,
                    "dcat:accessURL": url,
                    "dcat:mediaType": media,
                    "dct:format": fmt.upper(),
                }
            )
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "@id": _absolute(request, reverse("dashboard:data") + f"#{dataset.slug}"),
                "dct:identifier": dataset.slug,
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dcat:keyword": list(dataset.keywords),
                "dct:spatial": {
                    "@type": "dct:Location",
                    "dct:identifier": settings.HUB_REGION_CODE,
                    "rdfs:label": place,
                },
                "dct:publisher": {
                    "@type": "foaf:Agent",
                    "foaf:name": f"{settings.SITE_NAME} {place}",
                },
                "dct:license": "https://creativecommons.org/licenses/by/4.0/",
                "dct:modified": timezone.localdate().isoformat(),
                "dcat:distribution": distributions,
            }
        )
    catalogue = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        },
        "@type": "dcat:Catalog",
        "@id": _absolute(request, reverse("dashboard:catalog")),
        "dct:title": _("Data terbuka %(place)s") % {"place": place},
        "dct:language": "id",
        "dcat:dataset": datasets,
    }
    return JsonResponse(
        catalogue,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/ld+json",
    )


def _json_lines(rows: Iterator[dict]) -> Iterator[str]:
    yield "["
    first = True
    for row in rows:
        yield (
            ("" if first else ",")
            + "\n"
            + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
        )
        first = False
    yield "\n]\n"


@require_safe
def dataset(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """One dataset, streamed (a big kabupaten's aspirations never sit in memory)."""
    found = DATASETS.get(slug)
    if found is None:
        raise Http404(_("Data tidak ditemukan."))
    name = f"{slug}-{settings.HUB_REGION_CODE}"
    if fmt == "csv":
        columns = found.columns
        return exports.csv_response(
            name, columns, ([row.get(c) for c in columns] for row in found.rows())
        )
    response = StreamingHttpResponse(_json_lines(found.rows()), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{name}.json"'
    return response
