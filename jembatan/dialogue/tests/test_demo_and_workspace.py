"""The demo's dialogue part, and the workspace button."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from jembatan.dialogue.models import Comment, Consultation, Paragraph, Poll, Section, Thread
from jembatan.dialogue.tests.conftest import client_for
from jembatan.regions.importer import region_import


@pytest.mark.django_db
def test_demo_has_a_consultation_a_poll_and_a_thread_and_loads_twice():
    region_import(province="61")
    call_command("load_demo", stdout=None)
    consultation = Consultation.objects.get(kabupaten_id="61.07")
    assert consultation.is_open
    assert Section.objects.filter(consultation=consultation).count() == 2
    assert Paragraph.objects.filter(section__consultation=consultation).count() == 4
    assert Comment.objects.filter(paragraph__section__consultation=consultation).count() == 2
    poll = Poll.objects.get(kabupaten_id="61.07")
    assert poll.is_open and poll.questions.count() == 3
    assert Thread.objects.filter(kabupaten_id="61.07").count() == 1
    call_command("load_demo", stdout=None)
    assert Consultation.objects.count() == 1 and Poll.objects.count() == 1
    assert Comment.objects.count() == 2 and Thread.objects.count() == 1


@pytest.mark.django_db
def test_workspace_links_to_the_dialogue(world):
    for user in (world.admin, world.tenants.a.member):
        assert "/kelola/dialog/" in client_for(user).get("/kelola/").content.decode()
    assert "/kelola/dialog/" not in client_for(world.citizen).get("/kelola/").content.decode()
    assert 'href="/dialog/"' in client_for(None).get("/dialog/").content.decode()
