"""Open data of the hub kabupaten: datasets, their rows and the DCAT catalogue.

Every dataset is public already on the site; none carries personal data: KIMs without
their contact numbers, aspirations without reporter or text (and never the
confidential ones, nor spam), the PPID list without exempt documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from jembatan.aspirations.services import display_code
from jembatan.aspirations.views import _public_cases
from jembatan.communities.models import Kim
from jembatan.core.workdays import local_date, local_time
from jembatan.dashboard import rollup as R
from jembatan.dashboard.models import Level, MonthlyStat
from jembatan.disclosure.models import InfoDocument
from jembatan.disclosure.views import public_bodies
from jembatan.dissemination.models import InfoItem
from jembatan.regions.models import Region
from jembatan.tenants.current import served_code


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    columns: list[str]
    # rows(base): the rows, their links on `base` ("https://host", core.links)
    rows: Callable[[str], Iterator[dict[str, Any]]]
    keywords: tuple[str, ...] = ()


def _hub() -> str:
    return served_code()


def _iso(value, kabupaten_code: str | None = None) -> str | None:
    """A date as is; a moment in the zone of ``kabupaten_code`` (the rows stream after the
    request, and its tenant's zone, are over)."""
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        value = local_time(value, kabupaten_code)
    return value.isoformat()


def kim_rows(base: str) -> Iterator[dict[str, Any]]:
    kims = (
        Kim.objects.filter(kabupaten_id=_hub(), is_active=True)
        .select_related("region", "region__parent")
        .order_by("region_id", "name")
    )
    site = base.rstrip("/")
    for kim in kims.iterator(chunk_size=2000):
        kecamatan = kim.region if kim.region.level == 3 else kim.region.parent
        yield {
            "nama": kim.name,
            "tingkat": kim.level,
            "kode_wilayah": kim.region_id,
            "wilayah": kim.region.name,
            "kode_kecamatan": kecamatan.code,
            "kecamatan": kecamatan.name,
            "nomor_sk": kim.sk_number,
            "tanggal_sk": _iso(kim.sk_date),
            "diverifikasi": (
                _iso(local_date(kim.verified_at, kim.kabupaten_id)) if kim.verified_at else None
            ),
            "situs": site + kim.get_absolute_url(),
        }


def monthly_rows(_base: str) -> Iterator[dict[str, Any]]:  # no links in these rows
    names = dict(Region.objects.filter(parent_id=_hub()).values_list("code", "name"))
    rows = MonthlyStat.objects.filter(level=Level.KECAMATAN, parent_code=_hub()).exclude(
        metric__startswith=R.ANSWER_DAYS
    )
    # Like the public list, the public figures leave confidential cases out: their share
    # is taken off each aspiration figure and never published on its own.
    confidential = {
        (row.month, row.region_code, row.metric[len(R.CONFIDENTIAL) :]): row.value
        for row in rows.filter(metric__startswith=R.CONFIDENTIAL)
    }
    public = rows.exclude(metric__startswith=R.CONFIDENTIAL).order_by(
        "month", "region_code", "metric"
    )
    for row in public.iterator(chunk_size=5000):
        yield {
            "bulan": row.month.strftime("%Y-%m"),
            "kode_kecamatan": row.region_code,
            "kecamatan": names.get(row.region_code, ""),
            "ukuran": row.metric,
            "nilai": row.value - confidential.get((row.month, row.region_code, row.metric), 0),
        }


def aspiration_rows(base: str) -> Iterator[dict[str, Any]]:
    site = base.rstrip("/")
    for case in _public_cases().order_by("created_at", "id").iterator(chunk_size=2000):
        yield {
            "kode": display_code(case.code),
            # The kabupaten's date: rows stream after the request's zone is let go.
            "diterima": _iso(local_date(case.created_at, case.kabupaten_id)),
            "kategori": case.category.name,
            "kode_desa": case.region_id,
            "desa": case.region.name,
            "kecamatan": case.region.parent.name if case.region.parent_id else "",
            "status": case.status,
            "instansi": case.office.name if case.office_id else "",
            "tautan": site + case.get_absolute_url(),
        }


def information_rows(base: str) -> Iterator[dict[str, Any]]:
    hub = _hub()
    items = (
        InfoItem.objects.public()
        .filter(Q(area__isnull=True) | Q(area_id=hub) | Q(area__code__startswith=f"{hub}."))
        .select_related("area", "office")
        .annotate(
            republished=Count("deliveries", filter=Q(deliveries__republished_at__isnull=False))
        )
        .order_by("published_at", "id")
    )
    site = base.rstrip("/")
    for item in items.iterator(chunk_size=2000):
        yield {
            "judul": item.title,
            "ringkasan": item.summary,
            "kategori": item.category,
            "prioritas": item.priority,
            "penerbit": item.publisher_name,
            "terbit": _iso(item.published_at, hub),
            "berlaku_mulai": _iso(item.valid_from),
            "berlaku_sampai": _iso(item.valid_until),
            "diterbitkan_ulang_kim": item.republished,
            "tautan": site + item.get_absolute_url(),
        }


def dip_rows(base: str) -> Iterator[dict[str, Any]]:
    documents = (
        InfoDocument.objects.filter(body__in=public_bodies(), is_published=True)
        .exclude(category=InfoDocument.Category.EXEMPT)
        .select_related("body", "body__region", "body__office")
        .order_by("body_id", "category", "title")
    )
    site = base.rstrip("/")
    for doc in documents.iterator(chunk_size=2000):
        yield {
            "badan_publik": doc.body.name,
            "judul": doc.title,
            "ringkasan": doc.summary,
            "kategori": doc.category,
            "penanggung_jawab": doc.owner,
            "periode": doc.period,
            "format": doc.format,
            "tautan": site + doc.body.get_absolute_url(),
        }


DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in [
        Dataset(
            slug="kim",
            title=_("Direktori KIM"),
            description=_(
                "Kelompok Informasi Masyarakat yang aktif: wilayah, SK pengukuhan dan situs."
            ),
            columns=[
                "nama",
                "tingkat",
                "kode_wilayah",
                "wilayah",
                "kode_kecamatan",
                "kecamatan",
                "nomor_sk",
                "tanggal_sk",
                "diverifikasi",
                "situs",
            ],
            rows=kim_rows,
            keywords=("KIM", "komunitas"),
        ),
        Dataset(
            slug="statistik-bulanan",
            title=_("Statistik bulanan per kecamatan"),
            description=_(
                "Jumlah berita, informasi yang diterbitkan ulang, jangkauan, aspirasi dan "
                "kehadiran pelatihan per kecamatan dan bulan."
            ),
            columns=["bulan", "kode_kecamatan", "kecamatan", "ukuran", "nilai"],
            rows=monthly_rows,
            keywords=("statistik",),
        ),
        Dataset(
            slug="aspirasi",
            title=_("Aspirasi warga"),
            description=_(
                "Aspirasi yang tampil untuk umum: kode, tanggal, kategori, desa, status dan "
                "instansi. Tanpa identitas pelapor dan tanpa isi; aspirasi rahasia tidak ada."
            ),
            columns=[
                "kode",
                "diterima",
                "kategori",
                "kode_desa",
                "desa",
                "kecamatan",
                "status",
                "instansi",
                "tautan",
            ],
            rows=aspiration_rows,
            keywords=("aspirasi", "pengaduan"),
        ),
        Dataset(
            slug="informasi",
            title=_("Informasi pembangunan"),
            description=_("Informasi pembangunan yang terbit dan berapa KIM menerbitkannya ulang."),
            columns=[
                "judul",
                "ringkasan",
                "kategori",
                "prioritas",
                "penerbit",
                "terbit",
                "berlaku_mulai",
                "berlaku_sampai",
                "diterbitkan_ulang_kim",
                "tautan",
            ],
            rows=information_rows,
            keywords=("informasi", "diseminasi"),
        ),
        Dataset(
            slug="daftar-informasi-publik",
            title=_("Daftar Informasi Publik (PPID)"),
            description=_(
                "Daftar Informasi Publik badan publik kabupaten, tanpa informasi yang dikecualikan."
            ),
            columns=[
                "badan_publik",
                "judul",
                "ringkasan",
                "kategori",
                "penanggung_jawab",
                "periode",
                "format",
                "tautan",
            ],
            rows=dip_rows,
            keywords=("PPID", "keterbukaan informasi"),
        ),
    ]
}
