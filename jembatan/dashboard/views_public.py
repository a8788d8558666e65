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
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jembatan.core import exports
from jembatan.core.links import absolute_url, request_base
from jembatan.core.pagecache import cache_public_page
from jembatan.core.sitename import site_name
from jembatan.dashboard import charts
from jembatan.dashboard import rollup as R
from jembatan.dashboard.opendata import DATASETS
from jembatan.dashboard.stats import figures
from jembatan.regions.models import Region
from jembatan.tenants.current import served_code


@require_safe
@cache_public_page
def statistics(request: HttpRequest) -> HttpResponse:
    region = Region.objects.filter(code=served_code()).first()
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
    region = Region.objects.filter(code=served_code()).first()
    return render(
        request,
        "dashboard/data.html",
        {"datasets": DATASETS.values(), "region": region},
    )


# The EU Publications Office's authority tables (DCAT-AP's controlled vocabularies).
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
LANGUAGE = {"@id": EU_AUTHORITY + "language/IND", "@type": "dct:LinguisticSystem"}
LICENSE = {"@id": "https://creativecommons.org/licenses/by/4.0/", "@type": "dct:LicenseDocument"}
# Each download: its file type (the EU file-type table) and its IANA media type.
FORMATS = {
    "csv": (EU_AUTHORITY + "file-type/CSV", "text/csv"),
    "json": (EU_AUTHORITY + "file-type/JSON", "application/json"),
}
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _text(value) -> dict:
    """A literal in the language of the page (the catalogue follows the visitor's)."""
    return {"@value": str(value), "@language": get_language() or settings.LANGUAGE_CODE}


@require_safe
@cache_public_page
def catalogue_json(request: HttpRequest) -> JsonResponse:
    """A DCAT-AP catalogue (JSON-LD, valid against the DCAT-AP 2.1.1 and 3.0.0 SHACL
    shapes): one dcat:Dataset per dataset, each with a CSV and a JSON distribution. Every
    address is on the host the catalogue was asked on (core.links); links, licence,
    formats, media types and the language are IRIs, dates typed xsd:date."""
    region = Region.objects.filter(code=served_code()).first()
    place = region.name if region else served_code()
    landing = absolute_url(reverse("dashboard:data"), request)
    today = {"@value": timezone.localdate().isoformat(), "@type": "xsd:date"}
    datasets = []
    for dataset in DATASETS.values():
        distributions = []
        for fmt, (file_type, media) in FORMATS.items():
            url = absolute_url(
                reverse("dashboard:dataset", kwargs={"slug": dataset.slug, "fmt": fmt}), request
            )
            distributions.append(
                {
                    "@id": f"{landing}#{dataset.slug}-{fmt}",
                    "@type": "dcat:Distribution",
                    "dct:title": _text(f"{dataset.title} ({fmt.upper()})"),
                    # Typed rdfs:Resource, the range DCAT-AP 3.0.0 states (sh:class), so the
                    # catalogue conforms without a validator having to infer it.
                    "dcat:downloadURL": {"@id": url, "@type": "rdfs:Resource"},
                    "dcat:accessURL": {"@id": url, "@type": "rdfs:Resource"},
                    "dcat:mediaType": {"@id": IANA_MEDIA_TYPES + media, "@type": "dct:MediaType"},
                    "dct:format": {"@id": file_type, "@type": "dct:MediaTypeOrExtent"},
                    "dct:license": LICENSE,
                    "dct:language": LANGUAGE,
                }
            )
        datasets.append(
            {
                "@id": f"{landing}#{dataset.slug}",
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.slug,
                "dct:title": _text(dataset.title),
                "dct:description": _text(dataset.description),
                "dcat:keyword": list(dataset.keywords),
                "dct:spatial": {"@id": "_:spatial"},
                "dct:publisher": {"@id": "_:publisher"},
                "dct:language": LANGUAGE,
                "dct:modified": today,
                "dcat:landingPage": {"@id": landing, "@type": "foaf:Document"},
                "dcat:distribution": distributions,
            }
        )
    catalogue = {
        "@context": DCAT_CONTEXT,
        "@id": absolute_url(reverse("dashboard:catalog"), request),
        "@type": "dcat:Catalog",
        "dct:title": _text(_("Data terbuka %(place)s") % {"place": place}),
        "dct:description": _text(
            _(
                "Data terbuka %(place)s dari %(site)s: KIM, statistik bulanan, aspirasi "
                "warga, informasi pembangunan dan Daftar Informasi Publik, tanpa data pribadi."
            )
            % {"place": place, "site": site_name(request)}
        ),
        "dct:publisher": {
            "@id": "_:publisher",
            "@type": "foaf:Agent",
            # The tenant publishes its own catalogue, under its display name.
            "foaf:name": site_name(request),
        },
        "dct:spatial": {
            "@id": "_:spatial",
            "@type": "dct:Location",
            "dct:identifier": served_code(),
            "rdfs:label": place,
        },
        "dct:language": LANGUAGE,
        "dct:license": LICENSE,
        "dct:modified": today,
        "foaf:homepage": {"@id": landing, "@type": "foaf:Document"},
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
    name = f"{slug}-{served_code()}"
    # Read now: the rows are streamed after the request has been let go (core.links).
    base = request_base(request)
    # Streamed after the request too: TenantMiddleware makes each chunk as its tenant.
    rows = found.rows(base)
    if fmt == "csv":
        columns = found.columns
        return exports.csv_response(name, columns, ([row.get(c) for c in columns] for row in rows))
    response = StreamingHttpResponse(_json_lines(rows), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{name}.json"'
    return response
