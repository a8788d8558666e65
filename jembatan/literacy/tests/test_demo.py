import pytest
from django.utils import timezone

from jembatan.accounts.models import Role
from jembatan.dashboard.scoring import compute_kabupaten
from jembatan.demo.loader import DemoReport
from jembatan.literacy import demo
from jembatan.literacy.models import (
    Certificate,
    KimScore,
    Module,
    Question,
    Registration,
    Training,
)
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Training.objects.count(),
        Registration.objects.count(),
        Module.objects.count(),
        Certificate.objects.count(),
    )


def test_demo_has_trainings_a_module_and_scores(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    kim = KimFactory(name="KIM Sebalo", slug="sebalo", region=region_chain("61.07.04.1010"))
    for _ in range(5):
        KimMembershipFactory(kim=kim)
    demo.load(DemoReport(), kabupaten=kabupaten, admin=admin)
    compute_kabupaten(kabupaten.code, timezone.localdate().year)  # as the demo loader does
    counts = _counts()
    assert Training.objects.filter(kabupaten=kabupaten, status="dibuka").count() == 1
    assert Registration.objects.filter(training__status="dibuka").count() == 3
    assert Registration.objects.filter(attended_at__isnull=False).count() == 3
    module = Module.objects.get(kabupaten=kabupaten)
    assert sorted(module.lessons.values_list("kind", flat=True)) == ["artikel", "pdf"]
    assert Question.objects.filter(module=module).count() == 3
    assert module.lessons.get(kind="pdf").file.read().startswith(b"%PDF-")
    score = KimScore.objects.get(kim=kim)
    assert score.trainings_attended == 3 and score.rank == 1
    demo.load(DemoReport(), kabupaten=kabupaten, admin=admin)  # idempotent
    assert _counts() == counts
