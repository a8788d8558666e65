import pytest
from django.core.management import call_command

from jembatan.disclosure.models import InfoDocument, InformationRequest, PublicBody
from jembatan.testing.factories import build_demo


@pytest.mark.django_db
def test_demo_has_a_body_per_level_with_lists_and_a_request():
    build_demo()
    bodies = PublicBody.objects.filter(kabupaten_id="61.07")
    assert {b.kind for b in bodies} == {"kabupaten", "opd", "desa"}
    for body in bodies:
        assert set(body.documents.values_list("category", flat=True)) == set(
            InfoDocument.Category.values
        )
    assert InformationRequest.objects.filter(body__in=bodies).count() == 1
    call_command("load_demo", verbosity=0)  # idempotent
    assert PublicBody.objects.count() == 3 and InformationRequest.objects.count() == 1
