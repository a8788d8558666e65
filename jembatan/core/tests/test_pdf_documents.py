"""Every PDF the product makes — certificate, the Bupati's monthly report, the PPID annual
report, the consultation and poll exports — embeds its fonts, carries a Title, and keeps
every character of a name, as poppler's own tools read it."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest

from jembatan.dashboard.access import Scope
from jembatan.dashboard.report import monthly_report
from jembatan.dialogue.exports import _Pdf
from jembatan.disclosure.report import BodyRow, report_pdf
from jembatan.literacy import services as literacy
from jembatan.literacy.documents import certificate_pdf
from jembatan.literacy.models import Certificate
from jembatan.testing.factories import (
    OfficeFactory,
    PublicBodyFactory,
    TrainingFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

NAME = "Bong Siu Lan 黄秀兰 — Ngô Thị Đào, Ŋaju ꦗꦮ"


def certificate() -> bytes:
    cert = literacy.certificate_issue(
        actor=None,
        user=UserFactory(full_name=NAME),
        kind=Certificate.Kind.ATTENDANCE,
        training=TrainingFactory(),
    )
    return certificate_pdf(cert)


def bupati_report() -> bytes:
    scope = Scope(code="61.07", name=NAME)
    return monthly_report(scope=scope, month=datetime.date(2026, 11, 1), confidential=True)


def ppid_report() -> bytes:
    office = OfficeFactory(kabupaten=region_chain("61.07"), name=NAME)
    row = BodyRow(body=PublicBodyFactory(kind="opd", region=None, office=office))
    return report_pdf([row], year=2026, title="Laporan Layanan Informasi Publik 2026")


def dialogue_export() -> bytes:
    pdf = _Pdf("Konsultasi Ranperda Desa ≥ 2027", NAME)
    pdf.heading("Bagian 1")
    pdf.text(f"{NAME}: setuju, Rp1.500.000,50 € 🙂")
    return pdf.response("konsultasi").content


def poppler(tool: str, path) -> str:
    executable = shutil.which(tool)
    assert executable, f"{tool} is installed by make test's set-up (Debian poppler-utils)"
    args = [executable, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("make", [certificate, bupati_report, ppid_report, dialogue_export])
def test_fonts_embedded_title_set_and_names_kept(make, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(make())
    fonts = poppler("pdffonts", path).splitlines()[2:]
    assert fonts and all(" yes yes " in line for line in fonts), fonts
    title = next(
        line for line in poppler("pdfinfo", path).splitlines() if line.startswith("Title:")
    )
    assert title.removeprefix("Title:").strip()
    text = " ".join(poppler("pdftotext", path).split())
    assert NAME in text
