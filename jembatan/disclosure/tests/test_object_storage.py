"""PPID files on object storage (jembatan.testing.s3): identity documents and listed files
are private objects, and a submission that fails after writing its file leaves no object."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jembatan.disclosure import services
from jembatan.disclosure.models import InfoDocument, InformationRequest
from jembatan.disclosure.tests.conftest import MONDAY, pdf_bytes, request_data

pytestmark = pytest.mark.django_db


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (test server)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def identity() -> SimpleUploadedFile:
    return SimpleUploadedFile("ktp.pdf", pdf_bytes(), content_type="application/pdf")


def refuse(*args, **kwargs):
    raise RuntimeError("refused")


def test_an_identity_document_is_a_private_object(s3_buckets, ppid):
    request = services.information_request_submit(
        data=request_data(ppid.opd, identity_file=identity()), now=MONDAY
    )
    key = request.identity_file.name
    assert s3_buckets.keys(s3_buckets.private) == [key]
    assert s3_buckets.keys(s3_buckets.public) == []
    assert status_of(f"{s3_buckets.endpoint}/{s3_buckets.private}/{key}") == 403


def test_a_request_whose_transaction_fails_leaves_no_identity_object(s3_buckets, ppid, monkeypatch):
    monkeypatch.setattr(services, "notify", refuse)
    with pytest.raises(RuntimeError):
        services.information_request_submit(
            data=request_data(ppid.opd, identity_file=identity()), now=MONDAY
        )
    assert InformationRequest.objects.count() == 0
    assert s3_buckets.keys(s3_buckets.private) == []


def test_a_listed_document_whose_audit_fails_leaves_no_object(s3_buckets, ppid, monkeypatch):
    monkeypatch.setattr(services, "audit_record", refuse)
    data = {"title": "APBDes", "category": "berkala", "owner": "Sekdes", "period": "2026"}
    upload = SimpleUploadedFile("apbdes.pdf", pdf_bytes(), content_type="application/pdf")
    with pytest.raises(RuntimeError):
        services.info_document_save(
            actor=ppid.admin, body=ppid.desa, data=data | {"format": "PDF"}, file=upload
        )
    assert InfoDocument.objects.count() == 0
    assert s3_buckets.keys(s3_buckets.private) == []
