"""Attachments are accepted by what they are, not by what their name or type claims."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from jembatan.accounts.models import Role
from jembatan.core.attachments import check_attachment
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Attachment
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

GPS_IFD = 0x8825


def _js_action() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )


def pdf_bytes(
    pages: int = 1,
    *,
    js: bool = False,
    password: str = "",
    open_action: bool = False,
    page_action: bool = False,
    embedded: bool = False,
) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    if js:
        # Document-level JavaScript (the old PdfWriter.add_js, removed in pypdf 7).
        writer.add_open_action(JavaScript("app.alert(1)"))
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = _js_action()
    if page_action:
        # A script run when the first page is opened (page additional-actions, /AA /O).
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js_action()})
    if embedded:
        writer.add_attachment("payload.exe", b"MZ\x90\x00")
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", *, gps: bool = False, size=(40, 30)) -> bytes:
    im = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraDesa"  # Make
        gps_ifd = exif.get_ifd(GPS_IFD)
        gps_ifd[1] = "N"
        gps_ifd[2] = (0.0, 52.0, 12.0)
        gps_ifd[3] = "E"
        gps_ifd[4] = (109.0, 28.0, 30.0)
        im.save(out, fmt, exif=exif)
    else:
        im.save(out, fmt)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type or "application/octet-stream")


def refused(file, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_attachment(file, **kwargs)
    return info.value


def test_real_pdf_is_accepted_with_its_page_count():
    data = pdf_bytes(pages=3)
    checked = check_attachment(upload("Laporan.pdf", data, "application/pdf"))
    assert checked.kind == "pdf"
    assert checked.pages == 3
    assert checked.size == len(data)
    assert checked.name == "Laporan.pdf"
    assert checked.content.read() == data


def test_pdf_with_javascript_is_refused():
    error = refused(upload("skrip.pdf", pdf_bytes(js=True), "application/pdf"))
    assert error.code == "active_pdf"
    assert "skrip" in error.messages[0]


@pytest.mark.parametrize(
    "kind", ["open_action", "embedded", "page_action"], ids=["open-action", "embedded", "page-aa"]
)
def test_pdf_with_other_active_content_is_refused(kind):
    error = refused(upload("aktif.pdf", pdf_bytes(**{kind: True}), "application/pdf"))
    assert error.code == "active_pdf"


def fpdf_bytes() -> bytes:
    """A PDF as fpdf2 (and most office exporters) writes it: /OpenAction is a destination."""
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.cell(text="Laporan tahunan")
    return bytes(document.output())


def test_a_pdf_that_opens_at_its_first_page_is_accepted():
    data = fpdf_bytes()
    assert b"/OpenAction" in data
    checked = check_attachment(upload("Laporan.pdf", data, "application/pdf"))
    assert (checked.kind, checked.pages) == ("pdf", 1)


@pytest.mark.parametrize("chained", [False, True], ids=["launch", "goto-then-js"])
def test_an_open_action_that_runs_something_is_refused(chained):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if chained:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/GoTo"),
                NameObject("/D"): ArrayObject([writer.pages[0].indirect_reference]),
                NameObject("/Next"): _js_action(),
            }
        )
    else:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x.exe")}
        )
    writer._root_object[NameObject("/OpenAction")] = action
    out = io.BytesIO()
    writer.write(out)
    error = refused(upload("buka.pdf", out.getvalue(), "application/pdf"))
    assert error.code == "active_pdf"


def test_encrypted_pdf_is_refused():
    error = refused(upload("rahasia.pdf", pdf_bytes(password="x"), "application/pdf"))
    assert error.code == "encrypted_pdf"
    assert "sandi" in error.messages[0]


def test_truncated_pdf_is_refused():
    data = pdf_bytes(pages=2)
    error = refused(upload("putus.pdf", data[: len(data) // 2], "application/pdf"))
    assert error.code == "broken_pdf"


def test_html_named_pdf_is_refused_as_not_what_it_claims():
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    error = refused(upload("surat.pdf", html, "application/pdf"))
    assert error.code == "not_what_it_claims"
    assert "mengaku PDF" in error.messages[0]


def test_pdf_named_jpg_is_refused_as_not_what_it_claims():
    error = refused(upload("foto.jpg", pdf_bytes(), "image/jpeg"))
    assert error.code == "not_what_it_claims"
    assert "mengaku gambar" in error.messages[0]


def test_jpeg_with_gps_is_accepted_and_comes_out_without_exif():
    data = image_bytes("JPEG", gps=True)
    # The fixture really carries a location.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    checked = check_attachment(upload("lokasi.jpg", data, "image/jpeg"))
    assert checked.kind == "image"
    assert checked.name == "lokasi.jpg"
    out = checked.content.read()
    assert out.startswith(b"\xff\xd8\xff")
    assert b"Exif" not in out
    assert b"KameraDesa" not in out
    cleaned = Image.open(io.BytesIO(out))
    assert cleaned.format == "JPEG"
    assert not cleaned.getexif()
    assert cleaned.size == (40, 30)


def test_stored_attachment_jpeg_has_no_exif(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = UserFactory()
    MembershipFactory(
        user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07", "Kabupaten Bengkayang")
    )
    item = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Peta", "summary": "Ringkas", "body": "<p>Isi</p>"},
        files=[upload("peta.jpg", image_bytes("JPEG", gps=True), "image/jpeg")],
    )
    attachment = Attachment.objects.get(item=item)
    assert attachment.kind == Attachment.Kind.IMAGE
    with attachment.file.open("rb") as fh:
        stored = fh.read()
    assert attachment.size == len(stored)
    assert b"Exif" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    # The stored name is fresh, never the uploaded one.
    assert "peta" not in attachment.file.name


def test_png_is_accepted_and_stored_as_jpeg():
    checked = check_attachment(upload("bagan.png", image_bytes("PNG"), "image/png"))
    assert checked.kind == "image"
    assert checked.name == "bagan.jpg"
    assert Image.open(checked.content).format == "JPEG"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("setup.exe", "application/x-msdownload"), ("data.bin", ""), ("tanpa-nama", "")],
)
def test_unknown_binary_is_refused(name, content_type):
    data = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 4
    error = refused(upload(name, data, content_type))
    assert error.code == "unsupported"


def test_executable_named_pdf_is_refused():
    data = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256))
    error = refused(upload("laporan.pdf", data, "application/pdf"))
    assert "mengaku PDF" in error.messages[0]


def test_too_large_file_is_refused(settings):
    data = pdf_bytes(pages=2)
    settings.MAX_ATTACHMENT_BYTES = len(data) - 1
    error = refused(upload("besar.pdf", data, "application/pdf"))
    assert error.code == "file_too_large"
    settings.MAX_ATTACHMENT_BYTES = len(data)
    assert check_attachment(upload("besar.pdf", data, "application/pdf")).pages == 2


@pytest.mark.parametrize(
    ("name", "maker", "expected"),
    [
        ("../../etc/Laporan Akhir.PDF", "pdf", "Laporan_Akhir.pdf"),
        ("/home/staf/unduhan/jadwal.txt", "pdf", "jadwal.pdf"),
        ("dokumen", "pdf", "dokumen.pdf"),
        ("foto desa.jpeg", "png", "foto_desa.jpg"),
        ("dir/sub/gambar.webp", "jpeg", "gambar.jpg"),
        ("", "pdf", "lampiran.pdf"),
        ("x" * 180 + ".pdf", "pdf", "x" * 100 + ".pdf"),
    ],
)
def test_display_name_is_cleaned(name, maker, expected):
    data = pdf_bytes() if maker == "pdf" else image_bytes(maker.upper())
    checked = check_attachment(io.BytesIO(data), name=name)
    assert checked.name == expected
    assert "/" not in checked.name and ".." not in checked.name
