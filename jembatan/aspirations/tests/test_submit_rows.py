"""The case's rows written in one message (core.compiled.insert_together) are the rows
Model.save() writes: the same columns and values, the same signals, the keys set."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict

from jembatan.accounts.models import AuditLog
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, ReporterKey
from jembatan.core import compiled
from jembatan.regions.models import Region
from jembatan.testing.factories import OfficeFactory, region_chain

# What differs between two cases by nature: keys, codes, secrets, times.
VOLATILE = {
    "id",
    "code",
    "key_hash",
    "salt",
    "client_id",
    "created_at",
    "updated_at",
    "verify_due",
    "aspiration",
    "target_id",
    "target_repr",
}


@pytest.fixture
def data(db):
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.1010", "Sebalo")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)
    return {
        "category": category,
        "region": Region.objects.get(code=desa.code),
        "description": "Lampu jalan di RT 04 mati 100% sejak seminggu; 'parah' %s.",
        "reporter_phone": "081234567890",
        "reporter_name": "Sari",
        "visibility": "anonim",
        "location": "RT 04",
    }


def _rows(case: Aspiration) -> dict[str, list[dict]]:
    def plain(row) -> dict:
        return {k: v for k, v in model_to_dict(row).items() if k not in VOLATILE}

    return {
        "case": [plain(case)],
        "key": [plain(r) for r in ReporterKey.objects.filter(aspiration=case)],
        "event": [plain(e) for e in CaseEvent.objects.filter(aspiration=case)],
        "audit": [
            plain(a)
            for a in AuditLog.objects.filter(target_id=str(case.pk), action="aspiration.submit")
        ],
    }


def test_the_rows_are_those_save_writes(data, monkeypatch):
    saved: list[tuple[str, type, bool]] = []

    def seen(signal: str):
        def receiver(sender, instance, **kwargs):
            if sender in (Aspiration, ReporterKey, CaseEvent, AuditLog):
                assert instance.pk is not None or signal == "pre"
                saved.append((signal, sender, kwargs.get("created", False)))

        return receiver

    pre, post = seen("pre"), seen("post")
    pre_save.connect(pre)
    post_save.connect(post)
    try:
        together, _ = services.aspiration_submit(data=dict(data), client_id="web:together-1")
        signals_together = list(saved)
        saved.clear()
        monkeypatch.setattr(compiled, "ClientCursor", None)  # each row saved in turn
        one_by_one, _ = services.aspiration_submit(data=dict(data), client_id="web:together-2")
    finally:
        pre_save.disconnect(pre)
        post_save.disconnect(post)
    # Each row's pre_save before its post_save, both with the same arguments; in one
    # message every pre_save comes before the statements are sent.
    for kind in ("pre", "post"):
        assert [s for s in signals_together if s[0] == kind] == [s for s in saved if s[0] == kind]
    assert [s for s in saved if s[0] == "post"] == [
        ("post", model, True) for model in (Aspiration, ReporterKey, CaseEvent, AuditLog)
    ]
    assert _rows(together) == _rows(one_by_one)
    for case in (together, one_by_one):
        stored = Aspiration.objects.get(pk=case.pk)
        assert stored.code == case.code and stored.client_id == case.client_id
        assert stored.description == data["description"]  # quotes, % and ; kept as sent
        assert stored.verify_due == case.verify_due and stored.updated_at is not None
        event = CaseEvent.objects.get(aspiration=case)
        assert event.created_at == case.created_at
        audit = AuditLog.objects.get(target_id=str(case.pk), action="aspiration.submit")
        assert audit.target_repr == case.code
        assert ReporterKey.objects.get(aspiration=case).key_hash


def test_a_reference_to_a_row_not_last_of_its_model_is_refused_in_one_message(data):
    first = Aspiration(code="AAAA1111", kabupaten_id="61.07", **_values(data))
    second = Aspiration(code="AAAA2222", kabupaten_id="61.07", **_values(data))
    event = CaseEvent(aspiration=first, kind=CaseEvent.Kind.STATUS, to_status="diterima")
    rows = [(first, {}), (second, {}), (event, {"aspiration_id": first})]
    if connection.vendor == "postgresql":  # currval would name the second case
        with pytest.raises(ValueError, match="not the last"):
            compiled.insert_together(rows)
        assert not Aspiration.objects.filter(code__in=["AAAA1111", "AAAA2222"]).exists()
    else:  # saved one by one, in order: each key is known when the next row is saved
        compiled.insert_together(rows)
        assert CaseEvent.objects.get(pk=event.pk).aspiration_id == first.pk


def _values(data: dict) -> dict:
    return {
        "category": data["category"],
        "region": data["region"],
        "description": data["description"],
        "reporter_phone": data["reporter_phone"],
    }
