"""Fixtures of the API tests: a small world of public and private content."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jembatan.accounts.models import User
from jembatan.api.models import ApiToken
from jembatan.api.services import api_token_create
from jembatan.aspirations.models import Aspiration, Category, Status
from jembatan.dissemination.models import InfoItem
from jembatan.sites.models import Post
from jembatan.testing.factories import (
    AspirationFactory,
    InfoItemFactory,
    PostFactory,
    UserFactory,
    serve_tenant,
)

REPORTER_NAME = "Budi Santoso Rahasia"
REPORTER_PHONE = "+6281234567890"
REPORTER_EMAIL = "budi.rahasia@example.test"
REPORTER_STREET = "Gang Mawar nomor 7 rumah cat hijau"


@pytest.fixture
def client_api() -> APIClient:
    return APIClient()


def make_token(user: User, *, days: int = 30) -> tuple[ApiToken, str]:
    return api_token_create(actor=user, name="Aplikasi uji", days=days)


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def make_post(kim, author, title: str, *, status=Post.Status.PUBLISHED, days_ago: int = 1):
    published = timezone.now() - datetime.timedelta(days=days_ago)
    return PostFactory(
        kim=kim,
        author=author,
        title=title,
        slug=title.lower().replace(" ", "-")[:100],
        status=status,
        published_at=published if status == Post.Status.PUBLISHED else None,
    )


@dataclass
class World:
    tenants: object
    category: Category
    public_case: Aspiration
    confidential_case: Aspiration
    spam_case: Aspiration
    info: InfoItem
    withdrawn_info: InfoItem
    draft_info: InfoItem


def _case(category, region, visibility) -> Aspiration:
    return AspirationFactory(
        region=region,
        category=category,
        description=f"Jalan desa rusak parah sejak bulan lalu ({visibility}).",
        location=REPORTER_STREET,
        visibility=visibility,
        reporter_name=REPORTER_NAME,
        reporter_phone=REPORTER_PHONE,
        reporter_email=REPORTER_EMAIL,
    )


@pytest.fixture
def world(two_tenants, settings) -> World:
    a = two_tenants.a
    category = Category.objects.create(kabupaten_id="61.07", name="Jalan dan jembatan")
    village = a.kim.region
    public_case = _case(category, village, Aspiration.Visibility.PUBLIC)
    confidential_case = _case(category, village, Aspiration.Visibility.CONFIDENTIAL)
    spam_case = _case(category, village, Aspiration.Visibility.ANONYMOUS)
    Aspiration.objects.filter(pk=spam_case.pk).update(
        status=Status.CLOSED, close_reason=Aspiration.CloseReason.SPAM
    )
    author = UserFactory()
    now = timezone.now()

    def item(slug: str, status: str, **extra) -> InfoItem:
        return InfoItemFactory(
            title=f"Informasi {slug}",
            slug=slug,
            author=author,
            status=status,
            published_at=now - datetime.timedelta(hours=1)
            if status != InfoItem.Status.DRAFT
            else None,
            **extra,
        )

    return World(
        tenants=two_tenants,
        category=category,
        public_case=public_case,
        confidential_case=confidential_case,
        spam_case=spam_case,
        info=item("vaksinasi", InfoItem.Status.PUBLISHED),
        withdrawn_info=item(
            "ditarik", InfoItem.Status.WITHDRAWN, withdrawn_at=now, withdrawal_reason="Salah"
        ),
        draft_info=item("draf", InfoItem.Status.DRAFT),
    )


@pytest.fixture
def mempawah_host(settings) -> str:
    """Kabupaten Mempawah (61.04, the two_tenants' tenant B) served on its own host."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    return "mempawah.test"
