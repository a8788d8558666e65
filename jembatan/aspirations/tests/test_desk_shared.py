"""The desk's list page kept once for every Diskominfo of a kabupaten
(aspirations.desk_shared): a colleague is given the same page without the list's own
queries; any change to what the list shows is seen on the next view; nobody with another
access (another kabupaten, an office, a camat, "handled by me") is given it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jembatan.accounts.models import Membership
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, CaseFlag
from jembatan.aspirations.tests.case_world import build_desk_world
from jembatan.testing.factories import (
    serve_tenant,
)

pytestmark = pytest.mark.django_db

QUEUE = "/kelola/aspirasi/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    return build_desk_world()


def _view(client, params=None, host="testserver") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE, params or {}, HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _list_part(html: str) -> str:
    """The list itself, without the per-request form tokens around it."""
    start = html.index('<ul class="list desk-list">')
    return html[start : html.index("</ul>", start)]


def test_a_colleague_is_given_the_same_page_without_the_lists_queries(world):
    for n in range(3):
        world["case"](f"Jalan rusak nomor {n} di desa.")
    first, first_queries = _view(_client(world["admin"]))
    second, second_queries = _view(_client(world["colleague"]))
    assert _list_part(first) == _list_part(second)
    assert "3 aspirasi" in first and "3 aspirasi" in second
    # The count, the page's ids, its cases and the KIM flags: not read again.
    assert second_queries <= first_queries - 4, (first_queries, second_queries)


def test_a_new_or_changed_case_is_seen_on_the_next_view(world):
    case = world["case"]("Jalan berlubang pertama.")
    admin = _client(world["admin"])
    html, _ = _view(admin)
    assert "1 aspirasi" in html
    world["case"]("Lampu jalan padam di simpang.")
    html, _ = _view(_client(world["colleague"]))
    assert "2 aspirasi" in html and "Lampu jalan padam" in html
    services.aspiration_transition(actor=world["admin"], case=case, action="verify")
    html, _ = _view(admin, {"status": "diterima"})
    assert "Jalan berlubang pertama" not in html
    assert "Lampu jalan padam" in html


def test_names_shown_in_a_row_are_seen_at_once(world):
    case = world["case"]()
    Aspiration.objects.filter(pk=case.pk).update(assignee=world["officer"], office=world["pupr"])
    case.refresh_from_db()
    case.save()  # a save marks the kabupaten, as every service's does
    admin = _client(world["admin"])
    html, _ = _view(admin)
    assert "Budi PUPR" in html and "Jalan ·" in html and "Dinas PUPR" in html
    world["roads"].name = "Jalan dan jembatan"
    world["roads"].save()
    assert "Jalan dan jembatan" in _view(admin)[0]
    world["pupr"].short_name = "PUPR Bky"
    world["pupr"].save()
    assert "PUPR Bky" in _view(admin)[0]
    world["officer"].full_name = "Budi Santoso"
    world["officer"].save()
    html = _view(admin)[0]
    assert "Budi Santoso" in html and "Budi PUPR" not in html


@pytest.mark.parametrize("change", ["renamed", "deleted"])
def test_a_former_officers_name_leaves_the_rows_at_once(world, change):
    """An officer who lost the role still handles the cases taken: renaming or deleting
    them is seen on the next view of the kept page (an outside review's finding)."""
    case = world["case"]("Kasus milik petugas A di jalan.")
    Aspiration.objects.filter(pk=case.pk).update(assignee=world["officer"])
    case.refresh_from_db()
    case.save()
    assert "Budi PUPR" in _view(_client(world["admin"]))[0]
    Membership.objects.filter(user=world["officer"]).delete()
    if change == "renamed":
        world["officer"].full_name = "Nama Baru Petugas"
        world["officer"].save()
    else:
        world["officer"].delete()
    html = _view(_client(world["colleague"]))[0]
    assert "Budi PUPR" not in html
    assert ("Nama Baru Petugas" in html) == (change == "renamed")


def test_a_kim_flag_is_counted_at_once(world):
    case = world["case"]()
    admin = _client(world["admin"])
    assert "tanda dari KIM" not in _view(admin)[0]
    CaseFlag.objects.create(aspiration=case, reason=CaseFlag.Reason.SPAM)
    assert "1 tanda dari KIM" in _view(_client(world["colleague"]))[0]


def test_an_erased_reporters_text_leaves_the_list_at_once(world):
    case = world["case"]("Tolong hubungi 081234567890 soal jalan ini.")
    admin = _client(world["admin"])
    assert "081234567890" in _view(admin)[0]
    services.contact_erase(case=case, actor=world["admin"], reason="permintaan")
    assert "081234567890" not in _view(admin)[0]


def test_nobody_with_other_access_is_given_the_kept_page(world, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "landak.localhost"]
    world["case"]("Jalan Bengkayang rusak.")
    world["case"]("Jalan Landak rusak.", region=world["other_desa"], category=world["landak_roads"])
    assert "Jalan Bengkayang rusak" in _view(_client(world["admin"]))[0]
    serve_tenant("61.08", "Kabupaten Landak", hosts=("landak.localhost",))
    landak = _client(world["landak"])
    assert "Jalan Bengkayang rusak" not in _view(landak)[0]
    theirs = _view(landak, host="landak.localhost")[0]
    assert "Jalan Landak rusak" in theirs and "Jalan Bengkayang rusak" not in theirs
    # Not yet referred: neither the office nor the camat's (kecamatan) list shares it.
    officer = _view(_client(world["officer"]))[0]
    assert "Jalan Bengkayang rusak" not in officer and "Tidak ada aspirasi" in officer
    camat = _view(_client(world["camat"]))[0]
    assert "Jalan Bengkayang rusak" in camat
    assert "Centang" not in camat  # the camat's own page: no boxes for bulk actions


def test_handled_by_me_is_the_users_own_list(world):
    case = world["case"]("Kasus milik admin.")
    Aspiration.objects.filter(pk=case.pk).update(assignee=world["admin"])
    case.refresh_from_db()
    case.save()
    mine = _view(_client(world["admin"]), {"petugas": "saya"})[0]
    assert "Kasus milik admin" in mine
    theirs = _view(_client(world["colleague"]), {"petugas": "saya"})[0]
    assert "Kasus milik admin" not in theirs


def test_each_language_has_its_own_page(world, settings):
    world["case"]()
    admin = _client(world["admin"])
    indonesian = _list_part(_view(admin)[0])
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _list_part(_view(admin)[0])
    assert "Anonim" in indonesian and "Anonim" not in english
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert _list_part(_view(admin)[0]) == indonesian


def test_the_search_box_shows_each_search_its_own_text(world):
    admin = _client(world["admin"])
    first = _view(admin, {"cari": "jembatan putus"})[0]
    assert 'value="jembatan putus"' in first
    second = _view(_client(world["colleague"]), {"cari": '<b>"x"</b>'})[0]
    assert 'value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in second
    assert "jembatan putus" not in second
    assert 'value="jembatan putus"' in _view(admin, {"cari": "jembatan putus"})[0]
    assert 'name="cari"' in _view(admin)[0] and 'value="jembatan' not in _view(admin)[0]
