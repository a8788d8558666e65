"""Lesson videos on object storage (jembatan.testing.s3): stored in the public bucket,
streamed by the lesson view, and no object left when the lesson is not saved."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from jembatan.accounts.models import Role
from jembatan.literacy import services
from jembatan.literacy.files import check_video
from jembatan.literacy.models import Lesson
from jembatan.testing.factories import MembershipFactory, ModuleFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def video():
    file = io.BytesIO(MP4)
    file.name = "panduan.mp4"
    return check_video(file)


@pytest.fixture
def admin():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    return user


def test_a_video_goes_to_the_bucket_and_is_streamed_by_the_lesson_view(s3_buckets, admin):
    module = ModuleFactory(title="Video desa")
    lesson = services.lesson_save(
        actor=admin, module=module, title="Rekam", kind=Lesson.Kind.VIDEO, file=video()
    )
    assert s3_buckets.keys(s3_buckets.public) == [lesson.file.name]
    client = Client()
    client.force_login(admin)
    response = client.get(f"/literasi/modul/{module.pk}/materi/{lesson.pk}/berkas/?lihat=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MP4


def test_a_lesson_whose_audit_fails_leaves_no_object(s3_buckets, admin, monkeypatch):
    module = ModuleFactory(title="Video desa")

    def refuse(**kwargs):
        raise RuntimeError("refused")

    monkeypatch.setattr(services, "audit_record", refuse)
    with pytest.raises(RuntimeError):
        services.lesson_save(
            actor=admin, module=module, title="Rekam", kind=Lesson.Kind.VIDEO, file=video()
        )
    assert Lesson.objects.count() == 0
    assert s3_buckets.keys(s3_buckets.public) == []
