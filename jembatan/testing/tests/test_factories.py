"""The factories make what the app itself would: rows through the services, audit rows."""

from __future__ import annotations

import pytest

from jembatan.accounts.models import AuditLog
from jembatan.aspirations.models import Aspiration, CaseEvent
from jembatan.dialogue.models import Consultation, Poll
from jembatan.disclosure.models import InformationRequest
from jembatan.dissemination.models import InfoItem
from jembatan.sites.models import Post
from jembatan.testing.factories import (
    AspirationFactory,
    ConsultationFactory,
    InfoItemFactory,
    InfoRequestFactory,
    PollFactory,
    PostFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def test_an_aspiration_is_submitted_through_the_service():
    case = AspirationFactory(description="Lampu jalan mati di RT 04.")
    assert case.code and case.kabupaten_id == "61.07"
    assert case.category.kabupaten_id == "61.07"
    assert case.verify_due is not None
    assert case.reporter_key  # the private link's key, shown once
    assert CaseEvent.objects.filter(aspiration=case).exists()
    assert AspirationFactory(channel=Aspiration.Channel.SMS).channel == "sms"


def test_an_aspiration_row_keeps_the_past_it_is_given():
    import datetime

    from django.utils import timezone

    then = timezone.now() - datetime.timedelta(days=40)
    case = AspirationFactory.row(created_at=then, status="selesai")
    case.refresh_from_db()
    assert (case.created_at, case.status) == (then, "selesai")
    assert not CaseEvent.objects.filter(aspiration=case).exists()


def test_posts_and_information_items_are_published_and_public():
    post = PostFactory()
    assert Post.objects.live().filter(pk=post.pk).exists()
    item = InfoItemFactory()
    assert InfoItem.objects.get(pk=item.pk).status == InfoItem.Status.PUBLISHED
    assert PostFactory().slug != post.slug


def test_a_consultation_is_split_into_sections_and_published():
    consultation = ConsultationFactory()
    assert consultation.is_published
    headings = list(consultation.sections.values_list("heading", flat=True))
    assert headings == ["Bab I Ketentuan Umum", "Bab II Partisipasi"]
    assert not ConsultationFactory(publish=False).is_published
    assert Consultation.objects.count() == 2


def test_a_poll_asks_one_question_of_each_kind():
    poll = PollFactory()
    assert poll.is_published
    assert sorted(poll.questions.values_list("kind", flat=True)) == sorted(
        ["tunggal", "ganda", "skala", "teks"]
    )
    assert poll.results == Poll.Results.AFTER_CLOSE
    assert AuditLog.objects.filter(target_id=str(poll.pk)).exists()


def test_an_information_request_gets_its_number_and_deadline():
    request = InfoRequestFactory()
    assert request.number.startswith("PPID-")
    assert request.due_date is not None
    assert InformationRequest.objects.get(pk=request.pk).requester_name == "Maria Goreti"


def test_a_training_is_open_next_week():
    training = TrainingFactory()
    assert training.status == "dibuka"
    assert training.ends_at > training.starts_at


def test_serve_tenant_is_a_handful_of_statements_and_keeps_its_hosts(db):
    """The root conftest serves Bengkayang for every database test: a new tenant costs a
    few statements (not one get_or_create, with its savepoints, per region and host), a
    second call reads three; the first host is the primary one and the tenant answers on
    each host at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jembatan.tenants import resolve
    from jembatan.tenants.models import TenantHost
    from jembatan.testing.factories import serve_tenant

    with CaptureQueriesContext(connection) as fresh:
        tenant = serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test", "m2.test"))
    assert len(fresh.captured_queries) <= 7, [q["sql"] for q in fresh.captured_queries]
    with CaptureQueriesContext(connection) as again:
        assert serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",)) == tenant
    assert len(again.captured_queries) == 3
    assert dict(TenantHost.objects.filter(tenant=tenant).values_list("host", "is_primary")) == {
        "mempawah.test": True,
        "m2.test": False,
    }
    assert resolve.tenant_for_host("m2.test") == tenant
    assert tenant.region.parent.code == "61"
