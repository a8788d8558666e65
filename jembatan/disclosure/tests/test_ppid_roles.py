"""Who sees what of a PPID request (outsiders' findings): KIM pengurus are not the desa's
PPID, a decision recorded for the atasan says so, the refusal mail carries the law, the
requester's processing record lists only real looks at their data, the CSV is for
machines."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from jembatan.accounts.models import AccessRecord, Role
from jembatan.disclosure import access, services
from jembatan.disclosure.tests.conftest import MONDAY, request_data
from jembatan.testing.factories import (
    KimMembershipFactory,
    MembershipFactory,
    PublicBodyFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _manage_url(req) -> str:
    return reverse("disclosure:manage_request", kwargs={"number": req.number})


def test_kim_pengurus_never_see_requests_or_identity(ppid, two_tenants):
    kim = two_tenants.a.kim  # the KIM of the desa of ppid.desa
    bendahara = UserFactory()
    KimMembershipFactory(kim=kim, user=bendahara, position="bendahara")
    bpd = PublicBodyFactory(kind="bpd", region=ppid.desa.region)
    to_desa = services.information_request_submit(data=request_data(ppid.desa), now=MONDAY)
    to_bpd = services.information_request_submit(data=request_data(bpd), now=MONDAY)
    for pengurus in (two_tenants.a.owner, bendahara):
        client = _client(pengurus)
        for req in (to_desa, to_bpd):
            assert client.get(_manage_url(req)).status_code == 404
            identity = reverse("disclosure:manage_request_identity", kwargs={"number": req.number})
            assert client.get(identity).status_code == 404
        register = client.get(reverse("disclosure:manage")).content.decode()
        assert to_desa.number not in register and "6107045203900001" not in register
        # They may still help with the desa government's information list, and only its.
        assert (
            client.get(reverse("disclosure:manage_documents", args=[ppid.desa.pk])).status_code
            == 200
        )
        create = reverse("disclosure:manage_document_create", args=[ppid.desa.pk])
        assert client.get(create).status_code == 200
        assert client.get(reverse("disclosure:manage_documents", args=[bpd.pk])).status_code == 404
        assert (
            client.get(reverse("disclosure:manage_document_create", args=[bpd.pk])).status_code
            == 404
        )
    # Nobody at the KIM is told of the request: Diskominfo is, and reads the identity.
    assert two_tenants.a.owner not in access.body_managers(ppid.desa)
    assert ppid.admin in access.body_managers(ppid.desa)
    page = _client(ppid.admin).get(_manage_url(to_desa)).content.decode()
    assert "6107045203900001" in page
    # A camat of the kecamatan reads the request without the identity.
    camat = UserFactory()
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    page = _client(camat).get(_manage_url(to_desa)).content.decode()
    assert to_desa.number in page and "6107045203900001" not in page


def test_bodies_page_no_longer_hands_the_ppid_to_the_kim(ppid):
    page = _client(ppid.admin).get(reverse("disclosure:manage_bodies")).content.decode()
    assert "dikelola pengurus KIM" not in page
    assert "tanpa melihat permohonan atau identitas pemohon" in page


def _refused(body, *, answerer):
    request = services.information_request_submit(data=request_data(body), now=MONDAY)
    return services.information_request_answer(
        actor=answerer, request=request, outcome="ditolak", grounds=["h"], text="Data pribadi."
    )


def test_decision_recorded_by_diskominfo_says_so(ppid, django_capture_on_commit_callbacks):
    operator = UserFactory(is_superuser=True)
    request = _refused(ppid.opd, answerer=ppid.officer)
    objection = services.objection_submit(
        request=request, reasons=["a"], text="Bukan data pribadi.", now=MONDAY
    )
    # The platform operator is nobody's atasan PPID.
    assert not access.is_ppid_superior(operator, ppid.opd)
    url = reverse("disclosure:manage_objection", kwargs={"number": objection.number})
    response = _client(operator).post(url, {"decision": "ditolak", "text": "Menguatkan jawaban."})
    assert response.status_code == 403
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            actor=ppid.admin, objection=objection, decision="ditolak", text="Menguatkan jawaban."
        )
    body = mail.outbox[-1].body
    assert "dicatat oleh Diskominfo" in body
    assert "selaku atasan PPID sudah memutus" not in body


def test_decision_by_a_named_atasan_is_announced_as_theirs(
    ppid, django_capture_on_commit_callbacks
):
    sekda = UserFactory(full_name="Sekda")
    MembershipFactory(
        user=sekda, role=Role.OPD_OFFICER, region=ppid.kabupaten.kabupaten, office=ppid.office
    )
    ppid.opd.superiors.set([sekda])
    request = _refused(ppid.opd, answerer=ppid.admin)
    objection = services.objection_submit(
        request=request, reasons=["a"], text="Bukan data pribadi.", now=MONDAY
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            actor=sekda, objection=objection, decision="ditolak", text="Menguatkan jawaban."
        )
    body = mail.outbox[-1].body
    assert "selaku atasan PPID sudah memutus" in body
    assert "dicatat oleh Diskominfo" not in body


def test_refusal_mail_carries_the_ground_and_the_right_to_object(
    ppid, django_capture_on_commit_callbacks
):
    request = services.information_request_submit(data=request_data(ppid.opd), now=MONDAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.information_request_answer(
            actor=ppid.officer,
            request=request,
            outcome="ditolak",
            grounds=["h"],
            text="Memuat data pribadi warga.",
        )
    body = mail.outbox[-1].body
    assert "Pasal 17" in body
    assert answered.refusal_ground_labels[0] in body
    window = services.objection_window(answered)
    assert window is not None
    assert "keberatan" in body and str(window[1].year) in body
    assert f"{window[1].day} " in body  # the last day to object


def test_camat_read_is_not_recorded_as_a_look_at_personal_data(ppid):
    camat = UserFactory()
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    req = services.information_request_submit(data=request_data(ppid.desa), now=MONDAY)
    assert _client(camat).get(_manage_url(req)).status_code == 200
    assert not AccessRecord.objects.filter(actor=camat, target_id=str(req.pk)).exists()
    assert _client(ppid.admin).get(_manage_url(req)).status_code == 200
    assert AccessRecord.objects.filter(actor=ppid.admin, target_id=str(req.pk)).exists()


def test_privacy_notice_names_who_really_sees_the_identity(client):
    text = client.get("/privasi/").content.decode()
    assert "Diskominfo selaku PPID Utama" in text
    assert "Pengurus KIM tidak pernah melihatnya" in text
