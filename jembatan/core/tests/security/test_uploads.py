"""Upload attacks against every upload field: files that claim to be images or PDFs but
are HTML, SVG with script, ZIP bombs, polyglots, or too large. Each is refused with an
error on the form, and nothing is stored (no row, no file on disk)."""

from __future__ import annotations

import functools
import io
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from pypdf.generic import DictionaryObject

pytestmark = [pytest.mark.django_db]


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


def attacks() -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, content, claimed type)."""
    return {
        "html as jpeg": ("foto.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        "html as pdf": ("surat.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        "svg with script": (
            "gambar.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        "svg as png": (
            "gambar.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/png",
        ),
        "zip bomb as pdf": ("laporan.pdf", _zip_bomb(), "application/pdf"),
        "gif/js polyglot": ("x.gif", b"GIF89a/*\x00\x00*/=alert(1);//", "image/gif"),
        "pdf/html polyglot": (
            "x.pdf",
            b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF",
            "application/pdf",
        ),
        "oversized": ("besar.pdf", b"%PDF-1.4\n" + b"0" * 4096, "application/pdf"),
    }


def _files_on_disk() -> set[str]:
    found = set()
    for root in {Path(settings.MEDIA_ROOT), Path(settings.PPID_PRIVATE_ROOT)}:
        if root.exists():
            for dirpath, _dirs, names in os.walk(root):
                found.update(os.path.join(dirpath, n) for n in names)
    return found


def targets(world) -> list[tuple[str, str, str, str, dict, str]]:
    """(name, role, url, file field, other fields, model label whose rows must not grow)."""
    a = world.args["a"]
    return [
        (
            "tenant logo photo",
            "operator",
            f"/kelola/platform/tenant/{a['pk:tenant']}/",
            "logo",
            {
                "name": "Jembatan Kabupaten Bengkayang",
                "hosts": "testserver\nlocalhost\n127.0.0.1",
                "palette": "hijau",
                "time_zone": "Asia/Jakarta",
                "verify_days": "3",
                "answer_days": "5",
                "complete_days": "60",
            },
            "tenants.Tenant",
        ),
        (
            "post photo",
            "ketua",
            "/kelola/kim/kim-a/foto/",
            "file",
            {"caption": "Foto"},
            "kimsites.Photo",
        ),
        (
            "aspiration photo",
            "anonymous",
            "/aspirasi/kirim/",
            "photos",
            {
                "description": "Jalan rusak di depan sekolah dasar.",
                "location": "RT 3",
                "region": "61.07.04.1010",
                "category": a["pk:case_category"],
                "visibility": "publik",
                "reporter_name": "Budi",
                "reporter_phone": "081234567890",
            },
            "aspirations.Aspiration",
        ),
        (
            "information attachment",
            "kab_admin",
            "/kelola/informasi/baru/",
            "files",
            {
                "title": "Vaksinasi",
                "summary": "Ringkas",
                "body": "Isi",
                "area": "61.07|",
                "scope": "area",
                "category": "kesehatan",
                "priority": "normal",
                "valid_from": "2026-01-01",
            },
            "dissemination.InfoItem",
        ),
        (
            "lesson file",
            "kab_admin",
            f"/kelola/literasi/modul/{a['module']}/materi/baru/",
            "file",
            {"title": "Materi", "kind": "pdf", "order": "1"},
            "literacy.Lesson",
        ),
        (
            "PPID document",
            "kab_admin",
            f"/kelola/ppid/badan/{a['pk:body']}/tambah/",
            "file",
            {
                "title": "APBD 2026",
                "category": "berkala",
                "owner": "Setda",
                "period": "2026",
                "format": "PDF",
                "is_published": "on",
            },
            "disclosure.InfoDocument",
        ),
    ]


@override_settings(MAX_UPLOAD_BYTES=2048, MAX_ATTACHMENT_BYTES=2048, LITERACY_MAX_VIDEO_BYTES=2048)
def test_every_upload_field_refuses_every_attack(world):
    from django.apps import apps

    clients = {role: world.client(role) for role in ("ketua", "kab_admin", "operator")}
    clients["anonymous"] = Client()
    failures = []
    for name, role, url, field, data, label in targets(world):
        model = apps.get_model(label)
        for attack, (filename, content, claimed) in attacks().items():
            cache.clear()
            rows, files = model.objects.count(), _files_on_disk()
            upload = SimpleUploadedFile(filename, content, content_type=claimed)
            response = clients[role].post(url, {**data, field: upload})
            html = response.content.decode(errors="ignore")
            shown = re.search(r'class="(field-error|form-errors)', html) or "errorlist" in html
            if response.status_code >= 500 or response.status_code == 302 or not shown:
                failures.append(f"{name} / {attack}: {response.status_code}")
            if model.objects.count() != rows or _files_on_disk() != files:
                failures.append(f"{name} / {attack}: stored")
    assert not failures, "\n".join(failures)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_same_forms_accept_a_real_file(world):
    """The control: with a genuine file the same data is stored, so the refusals above
    come from the file checks and not from the other fields."""
    from django.apps import apps

    clients = {role: world.client(role) for role in ("ketua", "kab_admin", "operator")}
    clients["anonymous"] = Client()
    stored = []
    for name, role, url, field, data, label in targets(world):
        model = apps.get_model(label)
        rows = model.objects.count()
        good = (
            SimpleUploadedFile("foto.png", _png(), content_type="image/png")
            if "photo" in name
            else SimpleUploadedFile("surat.pdf", _pdf(), content_type="application/pdf")
        )
        cache.clear()
        response = clients[role].post(url, {**data, field: good})
        edited = label == "tenants.Tenant" and response.status_code == 302  # (an edit form)
        if model.objects.count() == rows + 1 or (
            edited and model.objects.get(pk=world.args["a"]["pk:tenant"]).logo
        ):
            stored.append(name)
        else:
            print(
                name,
                response.status_code,
                re.findall(r'field-error"[^>]*>([^<]*)', response.content.decode()),
            )
    assert stored == [t[0] for t in targets(world)]


# --- PDFs with active content ---------------------------------------------------------


def _action(kind: str, **extra) -> DictionaryObject:
    from pypdf.generic import NameObject, TextStringObject

    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    if kind == "/JavaScript":
        action[NameObject("/JS")] = TextStringObject("app.alert(1)")
    for key, value in extra.items():
        action[NameObject(f"/{key}")] = value
    return action


def _annotation(writer, annotation: DictionaryObject) -> None:
    from pypdf.generic import ArrayObject, NameObject, NumberObject

    annotation.update(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 90, 40)]),
        }
    )
    writer.add_annotation(0, annotation)


def active_pdfs() -> dict[str, bytes]:
    """name -> a one-page PDF (built with pypdf) carrying one kind of active content."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        NameObject,
        TextStringObject,
    )

    def build(change) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(200, 200)
        change(writer)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def xfa(writer):
        template = DecodedStreamObject()
        template.set_data(
            b'<template><script contentType="application/x-javascript">'
            b"app.alert(1)</script></template>"
        )
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
            {
                NameObject("/Fields"): ArrayObject(),
                NameObject("/XFA"): ArrayObject(
                    [TextStringObject("template"), writer._add_object(template)]
                ),
            }
        )

    def field_script(writer):
        field = DictionaryObject(
            {
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("nama"),
                # Keystroke script of a text field (AcroForm field additional-actions).
                NameObject("/AA"): DictionaryObject({NameObject("/K"): _action("/JavaScript")}),
            }
        )
        _annotation(writer, field)
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject(writer.pages[0]["/Annots"])}
        )

    def link_script(writer):
        _annotation(
            writer,
            DictionaryObject(
                {
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/A"): _action("/JavaScript"),
                }
            ),
        )

    def names_script(writer):
        tree = DictionaryObject(
            {
                NameObject("/Names"): ArrayObject(
                    [TextStringObject("mulai"), writer._add_object(_action("/JavaScript"))]
                )
            }
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )

    def open_script(writer):
        writer._root_object[NameObject("/OpenAction")] = _action("/JavaScript")

    def launch(writer):
        _annotation(
            writer,
            DictionaryObject(
                {
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/A"): _action("/Launch", F=TextStringObject("cmd.exe")),
                }
            ),
        )

    def launch_by_reference(writer):
        # The action's type written as a reference to the name, not the name itself.
        action = DictionaryObject(
            {
                NameObject("/S"): writer._add_object(NameObject("/Launch")),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
        _annotation(
            writer,
            DictionaryObject(
                {NameObject("/Subtype"): NameObject("/Link"), NameObject("/A"): action}
            ),
        )

    def goto_then_script(writer):
        # "Open at page 1" on the surface, a script chained behind it.
        writer._root_object[NameObject("/OpenAction")] = _action(
            "/GoTo",
            D=ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]),
            JS=TextStringObject("app.alert(1)"),
        )

    return {
        "XFA form": build(xfa),
        "form field keystroke script": build(field_script),
        "link annotation script": build(link_script),
        "document-level script (Names)": build(names_script),
        "open action script": build(open_script),
        "launch action": build(launch),
        "launch action by reference": build(launch_by_reference),
        "go-to open action with a script": build(goto_then_script),
    }


@pytest.mark.parametrize("attack", list(active_pdfs()))
def test_active_pdf_is_refused_by_the_check(attack):
    from django.core.exceptions import ValidationError

    from jembatan.core.attachments import check_attachment

    data = active_pdfs()[attack]
    with pytest.raises(ValidationError) as refused:
        check_attachment(io.BytesIO(data), name="surat.pdf")
    assert refused.value.code == "active_pdf"


def test_a_plain_pdf_and_a_plain_open_at_page_one_are_accepted():
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    from jembatan.core.attachments import check_attachment

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer._root_object[NameObject("/OpenAction")] = _action(
        "/GoTo", D=ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    )
    out = io.BytesIO()
    writer.write(out)
    for data in (_pdf(), out.getvalue()):
        assert check_attachment(io.BytesIO(data), name="surat.pdf").kind == "pdf"


def test_every_pdf_upload_field_refuses_active_pdfs(world):
    """Information attachments, lesson files and PPID documents: each refuses each."""
    from django.apps import apps

    clients = {role: world.client(role) for role in ("ketua", "kab_admin", "operator")}
    pdf_targets = [t for t in targets(world) if "photo" not in t[0]]
    assert len(pdf_targets) == 3
    failures = []
    for name, role, url, field, data, label in pdf_targets:
        model = apps.get_model(label)
        for attack, content in active_pdfs().items():
            cache.clear()
            rows, files = model.objects.count(), _files_on_disk()
            upload = SimpleUploadedFile("surat.pdf", content, content_type="application/pdf")
            response = clients[role].post(url, {**data, field: upload})
            html = response.content.decode(errors="ignore")
            shown = "errorlist" in html or "field-error" in html
            if response.status_code not in (200, 400) or not shown:
                failures.append(f"{name} / {attack}: {response.status_code}")
            if model.objects.count() != rows or _files_on_disk() != files:
                failures.append(f"{name} / {attack}: stored")
    assert not failures, "\n".join(failures)


# --- Images that cost too much to decode ----------------------------------------------


@functools.cache
def _png_16bit_rgba(width: int, height: int) -> bytes:
    """A valid 16-bit RGBA PNG of transparent black, written chunk by chunk: a 6300x6300
    one is 300 KB on disk and 318 MB decoded (its pixel count is under the 40 MP limit)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    left = height * (1 + width * 8)  # a filter byte, then 8 bytes a pixel, on each row
    block = bytes(1 << 20)
    idat = []
    while left > 0:
        idat.append(compressor.compress(block[: min(left, len(block))]))
        left -= len(block)
    idat.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(idat))
        + chunk(b"IEND", b"")
    )


def _rgba_png(side: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (side, side), (200, 10, 10, 128)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def decodes(monkeypatch) -> list[tuple[int, int]]:
    """The sizes of the images Pillow decoded during the test."""
    from PIL import ImageFile

    seen = []
    load = ImageFile.ImageFile.load

    def recording_load(self):
        if self.tile:  # pixels still to decode (later calls on a loaded image do nothing)
            seen.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return seen


IMAGE_TARGETS = ("post photo", "aspiration photo", "information attachment", "tenant logo photo")


def test_a_16_bit_rgba_bomb_is_refused_from_its_header(decodes):
    from django.core.exceptions import ValidationError

    from jembatan.core.images import validate_image

    data = _png_16bit_rgba(6300, 6300)
    assert len(data) < 400 * 1024
    with pytest.raises(ValidationError) as refused:
        validate_image(io.BytesIO(data))
    assert refused.value.code == "too_heavy"
    assert decodes == []


def test_every_image_field_refuses_16_bit_bombs_without_decoding_them(world, decodes):
    """The report: four such PNGs in one anonymous request took 7 s and 800 MB."""
    from django.apps import apps

    clients = {role: world.client(role) for role in ("ketua", "kab_admin", "operator")}
    clients["anonymous"] = Client()
    bomb = _png_16bit_rgba(6300, 6300)
    failures = []
    for name, role, url, field, data, label in targets(world):
        if name not in IMAGE_TARGETS:
            continue
        model = apps.get_model(label)
        cache.clear()
        rows, files = model.objects.count(), _files_on_disk()
        uploads = [
            SimpleUploadedFile(f"bom{i}.png", bomb, content_type="image/png") for i in range(4)
        ]
        response = clients[role].post(url, {**data, field: uploads})
        html = response.content.decode(errors="ignore")
        if response.status_code not in (200, 400) or "terlalu berat untuk diolah" not in html:
            failures.append(f"{name}: {response.status_code}")
        if model.objects.count() != rows or _files_on_disk() != files:
            failures.append(f"{name}: stored")
    assert not failures, "\n".join(failures)
    assert [size for size in decodes if size == (6300, 6300)] == []


@override_settings(MAX_DECODED_IMAGE_BYTES=1024 * 1024, MAX_DECODED_REQUEST_BYTES=3 * 1024 * 1024)
def test_images_of_one_request_share_one_decoding_budget(world, decodes):
    """Four photos each just under the per-file cap exceed the per-request total; three
    fit, and the next request starts with a full budget again."""
    from jembatan.aspirations.models import Aspiration

    _name, _role, url, field, data, _label = next(
        t for t in targets(world) if t[0] == "aspiration photo"
    )
    photo = _rgba_png(480)  # 480 x 480 x 4 bytes = 900 KB decoded, the cap is 1 MB
    client = Client()

    def send(count: int):
        cache.clear()
        uploads = [
            SimpleUploadedFile(f"foto{i}.png", photo, content_type="image/png")
            for i in range(count)
        ]
        return client.post(url, {**data, field: uploads})

    rows, files = Aspiration.objects.count(), _files_on_disk()
    response = send(4)
    assert response.status_code in (200, 400)
    assert "terlalu berat untuk diolah bersama" in response.content.decode()
    assert Aspiration.objects.count() == rows and _files_on_disk() == files
    assert len(decodes) == 3  # the fourth was refused before it was decoded

    send(3)
    assert Aspiration.objects.count() == rows + 1
    send(3)
    assert Aspiration.objects.count() == rows + 2


def test_the_budget_applies_outside_requests_only_when_asked():
    from django.core.exceptions import ValidationError

    from jembatan.core.images import decoded_image_budget, validate_image

    photo = _rgba_png(100)  # 100 x 100 x 4 = 40,000 bytes decoded
    for _ in range(3):
        validate_image(io.BytesIO(photo))  # a management command, a task: per file only
    with decoded_image_budget(100_000):
        validate_image(io.BytesIO(photo))
        validate_image(io.BytesIO(photo))
        with pytest.raises(ValidationError) as refused:
            validate_image(io.BytesIO(photo))
    assert refused.value.code == "too_heavy_together"
