"""The citizen is mailed at each public step of their case, once per step."""

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import CaseEvent, Category
from jembatan.aspirations.tasks import mail_citizen
from jembatan.core.links import CurrentRequestMiddleware
from jembatan.testing.factories import (
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    return category, admin


def _submit(category, **extra):
    data = {
        "region": region_chain("61.07.04.1010", "Sebalo"),
        "category": category,
        "description": "Jalan berlubang di RT 03",
        "visibility": "anonim",
    } | extra
    case, _ = services.aspiration_submit(data=data)
    return case


def test_receipt_and_each_public_step_are_mailed_once(setup, django_capture_on_commit_callbacks):
    category, admin = setup
    with django_capture_on_commit_callbacks(execute=True):
        case = _submit(category, reporter_email="warga@example.test")
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["warga@example.test"]
    assert services.display_code(case.code) in receipt.body
    assert case.get_absolute_url() in receipt.body
    with django_capture_on_commit_callbacks(execute=True):
        services.aspiration_transition(actor=admin, case=case, action="verify")
        services.aspiration_comment(actor=admin, case=case, body="Catatan dalam", public=False)
    assert len(mail.outbox) == 2  # the internal note is not mailed
    assert "Diverifikasi" in mail.outbox[1].subject
    # A retried or duplicated task never mails the same step again.
    for event in CaseEvent.objects.filter(aspiration=case):
        assert mail_citizen.call_local(event.pk) is False
    assert len(mail.outbox) == 2


def test_mail_a_request_queued_links_to_that_requests_host(
    setup, settings, django_capture_on_commit_callbacks
):
    """The receipt is sent by a task after the request is over (as the consumer does):
    its link is on the host the citizen used, not on a SITE_URL on another port."""
    category, _admin = setup
    settings.ALLOWED_HOSTS = ["testserver", "bengkayang.example"]
    settings.SITE_URL = "http://127.0.0.1:8000"

    def view(request):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            view.case = _submit(category, reporter_email="warga@example.test")
        view.callbacks = callbacks
        return HttpResponse()

    request = RequestFactory().post("/aspirasi/kirim/", HTTP_HOST="bengkayang.example")
    CurrentRequestMiddleware(view)(request)
    assert mail.outbox == []
    for callback in view.callbacks:
        callback()
    (receipt,) = mail.outbox
    assert f"http://bengkayang.example{view.case.get_absolute_url()}" in receipt.body
    assert "127.0.0.1" not in receipt.body


def test_no_email_no_mail(setup, django_capture_on_commit_callbacks):
    category, _admin = setup
    with django_capture_on_commit_callbacks(execute=True):
        _submit(category, reporter_phone="081234567890")
    assert mail.outbox == []


def test_overdue_cases_are_escalated_once_per_stage(setup, django_capture_on_commit_callbacks):
    import datetime

    from jembatan.accounts.models import Notification

    category, admin = setup
    case = _submit(category, reporter_phone="081234567890")
    assert services.escalate_overdue(today=case.verify_due) == 0  # due today: not late
    later = case.verify_due + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue(today=later) == 1
    assert services.escalate_overdue(today=later) == 0  # never twice
    note = Notification.objects.get(recipient=admin, kind="aspiration.overdue")
    assert note.url.endswith(f"/kelola/aspirasi/{case.code}/")
    assert len(mail.outbox) == 1 and services.display_code(case.code) in mail.outbox[0].subject


@pytest.mark.parametrize("with_head", [True, False])
def test_an_overdue_answer_escalates_to_the_office_head_and_diskominfo(setup, with_head):
    import datetime

    from jembatan.accounts.models import Notification

    category, admin = setup
    officer, head = UserFactory(), UserFactory()
    MembershipFactory(
        user=officer, role=Role.OPD_OFFICER, region=category.kabupaten, office=category.office
    )
    MembershipFactory(
        user=head,
        role=Role.OPD_OFFICER,
        region=category.kabupaten,
        office=category.office,
        is_head=with_head,
    )
    case = _submit(category, reporter_phone="081234567890")
    services.aspiration_transition(actor=admin, case=case, action="verify")
    services.aspiration_transition(actor=admin, case=case, action="dispose", office=category.office)
    case.refresh_from_db()
    assert services.escalate_overdue(today=case.answer_due + datetime.timedelta(days=1)) == 1
    told = set(
        Notification.objects.filter(kind="aspiration.overdue").values_list("recipient", flat=True)
    )
    if with_head:
        assert told == {admin.pk, head.pk}  # the officers already have the case
    else:
        assert told == {admin.pk, head.pk, officer.pk}  # no head on record: all officers


def test_only_an_opd_officer_can_be_an_office_head(setup):
    from django.db import IntegrityError

    _category, _admin = setup
    with pytest.raises(IntegrityError):
        MembershipFactory(
            user=UserFactory(), role=Role.KABUPATEN_ADMIN, region=_category.kabupaten, is_head=True
        )


def test_similar_cases_before_sending(client, setup, settings):
    category, _admin = setup
    case = _submit(category, reporter_phone="081234567890")
    secret = _submit(category, reporter_phone="081234567890", visibility="rahasia")
    found = client.get(
        "/aspirasi/mirip/", {"kategori": category.pk, "desa": "Sebalo (61.07.04.1010)"}
    ).json()["results"]
    assert [r["code"] for r in found] == [services.display_code(case.code)]
    assert services.display_code(secret.code) not in str(found)
    assert "081234567890" not in str(found) and "+62" not in str(found)
    by_name = client.get("/aspirasi/mirip/", {"kategori": category.pk, "desa": "sebalo"})
    assert len(by_name.json()["results"]) == 1
    for bad in [{"kategori": "x", "desa": "Sebalo"}, {"kategori": "99999999999", "desa": "a"}]:
        assert client.get("/aspirasi/mirip/", bad).json() == {"results": []}


def test_a_follow_up_reaches_the_officers_working_the_case(setup):
    from jembatan.accounts.models import Notification

    category, admin = setup
    officer = UserFactory()
    MembershipFactory(
        user=officer, role=Role.OPD_OFFICER, region=category.kabupaten, office=category.office
    )
    case = _submit(category, reporter_phone="081234567890")
    services.citizen_follow_up(case=case, body="Lubangnya makin besar")
    assert Notification.objects.filter(recipient=admin, kind="aspiration.follow_up").count() == 1
    services.aspiration_transition(actor=admin, case=case, action="verify")
    services.aspiration_transition(actor=admin, case=case, action="dispose", office=category.office)
    services.citizen_follow_up(case=case, body="Sudah ada korban jatuh")
    assert Notification.objects.filter(recipient=officer, kind="aspiration.follow_up").count() == 1
    assert Notification.objects.filter(recipient=admin, kind="aspiration.follow_up").count() == 1


def test_a_case_is_mailed_in_its_own_tenants_name(setup, django_capture_on_commit_callbacks):
    """A case of Mempawah is mailed as Mempawah's service even when no request of its host
    sends it (the receipt here is written by a task with no host at all)."""
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    kabupaten = region_chain("61.04", "Kabupaten Mempawah")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR Mempawah")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)
    with django_capture_on_commit_callbacks(execute=True):
        services.aspiration_submit(
            data={
                "region": region_chain("61.04.05.2001", "Sungai Pinyuh"),
                "category": category,
                "description": "Jembatan kayu rusak",
                "visibility": "anonim",
                "reporter_email": "warga@example.test",
            }
        )
    assert mail.outbox[-1].subject.startswith("[Jembatan Kabupaten Mempawah]")
    assert "Jembatan Kabupaten Mempawah" in mail.outbox[-1].body
    # And Bengkayang's case under Bengkayang's name.
    with django_capture_on_commit_callbacks(execute=True):
        _submit(setup[0], reporter_email="warga@example.test")
    assert mail.outbox[-1].subject.startswith("[Jembatan Kabupaten Bengkayang]")
