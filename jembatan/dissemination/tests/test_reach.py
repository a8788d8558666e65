"""Short links, click and view counting, privacy of visitors, and the reach page."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client

from jembatan.accounts.models import AuditLog, Role
from jembatan.communities.models import Position
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Delivery, InfoItem, ShareLink
from jembatan.sites.models import Post
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 10; SM-A107F) AppleWebKit/537.36 Chrome/120 Mobile"
OTHER_BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"
BEACON = "/s/lihat"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(two_tenants):
    user = UserFactory()
    MembershipFactory(
        user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07", "Kabupaten Bengkayang")
    )
    return user


@pytest.fixture
def item(admin, django_capture_on_commit_callbacks):
    draft = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Posyandu balita", "summary": "Timbang balita", "body": "<p>Isi</p>"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.item_publish(actor=admin, item=draft)


def delivery_of(item, kim) -> Delivery:
    delivery = Delivery.objects.select_related("kim", "item").get(item=item, kim=kim)
    return delivery


def share(user, item, kim, channel) -> ShareLink:
    return services.delivery_share(actor=user, delivery=delivery_of(item, kim), channel=channel)


def click(client, link, *, ua=BROWSER, addr="198.51.100.1", **extra):
    return client.get(f"/s/{link.code}", HTTP_USER_AGENT=ua, REMOTE_ADDR=addr, **extra)


def clicks(link) -> int:
    link.refresh_from_db()
    return link.click_count


def beacon(client, data, *, ua=BROWSER, addr="198.51.100.1", **extra):
    # What a browser sends with navigator.sendBeacon from one of the site's pages.
    headers = {"HTTP_SEC_FETCH_SITE": "same-origin", **extra}
    return client.post(BEACON, data, HTTP_USER_AGENT=ua, REMOTE_ADDR=addr, **headers)


# --- Short links --------------------------------------------------------------------


def test_short_link_goes_to_the_item_page_with_the_kim_until_republished(client, item, two_tenants):
    kim = two_tenants.a.kim
    link = share(two_tenants.a.member, item, kim, "whatsapp")

    response = click(client, link)
    assert response.status_code == 302
    assert response["Location"] == f"{item.get_absolute_url()}?kim=kim-a"

    post = services.delivery_republish(actor=two_tenants.a.owner, kim=kim, item=item)
    assert post.status == Post.Status.PUBLISHED
    response = click(client, link)
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()


def test_short_link_to_a_post_awaiting_approval_goes_to_the_item_page(client, item, two_tenants):
    kim = two_tenants.a.kim
    post = services.delivery_republish(actor=two_tenants.a.member, kim=kim, item=item)
    assert post.status != Post.Status.PUBLISHED  # an anggota's post waits for approval
    link = share(two_tenants.a.member, item, kim, "telegram")
    assert click(client, link)["Location"] == f"{item.get_absolute_url()}?kim=kim-a"


def test_short_link_of_a_withdrawn_item_leads_to_its_410_page(client, admin, item, two_tenants):
    kim = two_tenants.a.kim
    services.delivery_republish(actor=two_tenants.a.owner, kim=kim, item=item)
    link = share(two_tenants.a.owner, item, kim, "facebook")
    services.item_withdraw(actor=admin, item=item, reason="Jadwal batal")

    response = click(client, link)
    assert response["Location"] == f"{item.get_absolute_url()}?kim=kim-a"
    landing = client.get(response["Location"])
    assert landing.status_code == 410
    assert "Jadwal batal" in landing.content.decode()


def test_browser_click_is_counted_once_per_visitor(client, item, two_tenants):
    link = share(two_tenants.a.member, item, two_tenants.a.kim, "whatsapp")

    click(client, link)
    assert clicks(link) == 1
    click(client, link)  # a reload within the window
    click(client, link)
    assert clicks(link) == 1
    click(client, link, addr="198.51.100.2")  # a second visitor
    assert clicks(link) == 2
    click(client, link, ua=OTHER_BROWSER)  # another browser string, the same address
    assert clicks(link) == 2
    click(client, link, addr="198.51.100.2")
    assert clicks(link) == 2


@pytest.mark.parametrize(
    "ua",
    [
        "WhatsApp/2.23.20.0 A",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "",
    ],
    ids=["whatsapp", "facebook", "telegram", "googlebot", "curl", "empty"],
)
def test_bots_and_link_previews_are_not_counted_but_redirected(client, item, two_tenants, ua):
    link = share(two_tenants.a.member, item, two_tenants.a.kim, "whatsapp")
    response = click(client, link, ua=ua)
    assert response.status_code == 302
    assert response["Location"].startswith(item.get_absolute_url())
    assert clicks(link) == 0
    # The same address with a real browser still counts: nothing was claimed by the bot.
    click(client, link)
    assert clicks(link) == 1


def test_missing_user_agent_is_not_counted(item, two_tenants):
    link = share(two_tenants.a.member, item, two_tenants.a.kim, "tautan")
    response = Client().get(f"/s/{link.code}")  # the test client sends no User-Agent
    assert response.status_code == 302
    assert clicks(link) == 0


def test_head_and_prefetch_are_not_counted(client, item, two_tenants):
    link = share(two_tenants.a.member, item, two_tenants.a.kim, "whatsapp")
    url = f"/s/{link.code}"

    head = client.head(url, HTTP_USER_AGENT=BROWSER)
    assert head.status_code == 302
    prefetch = client.get(url, HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch;prerender")
    assert prefetch.status_code == 302
    old_prefetch = client.get(url, HTTP_USER_AGENT=BROWSER, HTTP_PURPOSE="prefetch")
    assert old_prefetch.status_code == 302
    assert clicks(link) == 0

    client.get(url, HTTP_USER_AGENT=BROWSER)
    assert clicks(link) == 1


def test_unknown_short_code_is_404_with_a_link_home(client, item):
    response = client.get("/s/zzzzzzz", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/"' in html
    assert "zzzzzzz" in html
    assert client.get("/s/", HTTP_USER_AGENT=BROWSER)["Location"] == "/informasi/"
    # A POST to a short link is not a way in either.
    assert client.post("/s/zzzzzzz").status_code == 405


def test_short_link_of_a_draft_item_is_404(client, admin, two_tenants):
    draft = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Draf", "summary": "s", "body": "<p>b</p>"},
    )
    delivery = Delivery.objects.create(item=draft, kim=two_tenants.a.kim)
    link = services.share_link_for(delivery, "whatsapp")
    assert click(Client(), link).status_code == 404
    assert clicks(link) == 0


# --- View beacon --------------------------------------------------------------------


def test_beacon_counts_item_views_and_kim_attributed_views(client, item, two_tenants):
    kim = two_tenants.a.kim
    post = services.delivery_republish(actor=two_tenants.a.owner, kim=kim, item=item)
    delivery = delivery_of(item, kim)

    assert beacon(client, {"item": item.pk}).status_code == 204
    item.refresh_from_db()
    delivery.refresh_from_db()
    assert (item.view_count, delivery.view_count) == (1, 0)

    # Reached through the KIM's link: the KIM's view, not a direct one.
    assert beacon(client, {"item": item.pk, "kim": "kim-a"}).status_code == 204
    item.refresh_from_db()
    delivery.refresh_from_db()
    assert (item.view_count, delivery.view_count) == (1, 1)

    # The re-published post, by another visitor; then a reload by the same one.
    beacon(client, {"post": post.pk}, addr="198.51.100.9")
    beacon(client, {"post": post.pk}, addr="198.51.100.9")
    item.refresh_from_db()
    delivery.refresh_from_db()
    assert (item.view_count, delivery.view_count) == (1, 2)

    # A KIM that was not sent the item gets nothing: the view is the item's own.
    beacon(client, {"item": item.pk, "kim": "kim-b"}, addr="198.51.100.10")
    item.refresh_from_db()
    assert item.view_count == 2
    assert not Delivery.objects.filter(item=item, kim=two_tenants.b.kim).exists()


def test_beacon_ignores_bots_and_repeats(client, item):
    beacon(client, {"item": item.pk}, ua="facebookexternalhit/1.1")
    beacon(client, {"item": item.pk}, ua="")
    item.refresh_from_db()
    assert item.view_count == 0
    beacon(client, {"item": item.pk})
    beacon(client, {"item": item.pk})
    item.refresh_from_db()
    assert item.view_count == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"item": "abc"},
        {"item": "1 OR 1=1"},
        {"post": "-"},
        {"item": "9" * 40},
        {"item": "0", "post": "0", "kim": "kim-a"},
        {"item": "999999", "kim": "x" * 500},
        {"post": "999999"},
    ],
)
def test_beacon_answers_204_to_garbage_and_counts_nothing(client, item, data):
    response = beacon(client, data)
    assert response.status_code == 204
    assert response.content == b""
    assert InfoItem.objects.filter(view_count__gt=0).count() == 0
    assert Delivery.objects.filter(view_count__gt=0).count() == 0


def test_beacon_needs_no_csrf_token_and_refuses_get(item):
    csrf_client = Client(enforce_csrf_checks=True)
    response = beacon(csrf_client, {"item": item.pk})
    assert response.status_code == 204
    item.refresh_from_db()
    assert item.view_count == 1
    assert csrf_client.get(BEACON, HTTP_USER_AGENT=BROWSER).status_code == 405


def test_beacon_rate_limit_still_answers_204(client, item):
    flooder = "198.51.100.66"
    for n in range(120):
        # Views of an item that does not exist, each from a "different" browser.
        assert beacon(client, {"item": 10**9}, ua=f"{BROWSER} {n}", addr=flooder).status_code == 204
    response = beacon(client, {"item": item.pk}, addr=flooder)
    assert response.status_code == 204
    item.refresh_from_db()
    assert item.view_count == 0  # over the limit: not counted
    beacon(client, {"item": item.pk}, addr="198.51.100.67")
    item.refresh_from_db()
    assert item.view_count == 1  # another address is not limited


def test_beacon_from_another_site_is_not_counted(client, item):
    for site in ("cross-site", "same-site", "none"):
        response = client.post(
            BEACON, {"item": item.pk}, HTTP_USER_AGENT=BROWSER, HTTP_SEC_FETCH_SITE=site
        )
        assert response.status_code == 204
    item.refresh_from_db()
    assert item.view_count == 0
    client.post(
        BEACON, {"item": item.pk}, HTTP_USER_AGENT=BROWSER, HTTP_SEC_FETCH_SITE="same-origin"
    )
    item.refresh_from_db()
    assert item.view_count == 1


def test_click_flood_still_redirects_but_counts_once(client, item, two_tenants):
    link = share(two_tenants.a.member, item, two_tenants.a.kim, "whatsapp")
    flooder = "198.51.100.88"
    for n in range(61):
        response = click(client, link, ua=f"{BROWSER} {n}", addr=flooder)
        assert response.status_code == 302
        assert response["Location"] == f"{item.get_absolute_url()}?kim=kim-a"
    assert clicks(link) == 1
    click(client, link, addr="198.51.100.89")
    assert clicks(link) == 2


# --- Counts that cannot be inflated -------------------------------------------------


def test_rotating_the_user_agent_from_one_address_counts_one_view(client, item, two_tenants):
    """The report: one machine raised a delivery's views by 100 in seconds this way."""
    kim = two_tenants.a.kim
    post = services.delivery_republish(actor=two_tenants.a.owner, kim=kim, item=item)
    link = share(two_tenants.a.owner, item, kim, "whatsapp")
    for n in range(100):
        agent = f"Mozilla/5.0 (Linux; Android {n % 14}; HP-{n}) Chrome/{100 + n} Mobile"
        beacon(client, {"post": post.pk}, ua=agent, addr="198.51.100.20")
        beacon(client, {"item": item.pk}, ua=agent, addr="198.51.100.20")
        click(client, link, ua=agent, addr="198.51.100.20")
    item.refresh_from_db()
    assert (delivery_of(item, kim).view_count, item.view_count, clicks(link)) == (1, 1, 1)

    beacon(client, {"post": post.pk}, addr="198.51.100.21")  # a second address
    click(client, link, addr="198.51.100.21")
    assert (delivery_of(item, kim).view_count, clicks(link)) == (2, 2)


def test_one_ipv6_network_counts_as_one_address(client, item):
    for host in ("1", "2", "dead:beef", "a:b:c"):
        beacon(client, {"item": item.pk}, addr=f"2001:db8:1:2::{host}")
    beacon(client, {"item": item.pk}, addr="::ffff:198.51.100.30")
    beacon(client, {"item": item.pk}, addr="198.51.100.30")  # the same, written as IPv4
    item.refresh_from_db()
    assert item.view_count == 2
    beacon(client, {"item": item.pk}, addr="2001:db8:1:3::1")  # another /64
    item.refresh_from_db()
    assert item.view_count == 3


def test_visitors_behind_our_proxy_are_told_apart_by_the_trusted_address(client, item, settings):
    settings.PROXY_COUNT = 1
    for visitor in ("203.0.113.5", "203.0.113.6", "203.0.113.6"):
        # A forged hop in front changes nothing: only the one our proxy added counts.
        forwarded = f"10.9.9.{len(visitor)}, {visitor}"
        beacon(client, {"item": item.pk}, addr="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    item.refresh_from_db()
    assert item.view_count == 2


def test_a_beacon_without_sec_fetch_site_is_of_unknown_origin(client, item):
    def send(addr: str, **headers):
        client.post(BEACON, {"item": item.pk}, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=addr, **headers)
        item.refresh_from_db()
        return item.view_count

    # No Sec-Fetch-Site and no Origin: a script, not a page of ours. Not counted.
    assert send("198.51.100.40") == 0
    assert send("198.51.100.41", HTTP_ORIGIN="https://contoh-lain.id") == 0
    assert send("198.51.100.42", HTTP_ORIGIN="null") == 0
    # An older browser without Sec-Fetch-Site still says where the beacon came from.
    assert send("198.51.100.43", HTTP_ORIGIN="http://testserver") == 1
    # Sec-Fetch-Site, when there, decides: a same-host Origin does not override it.
    assert (
        send("198.51.100.44", HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="http://testserver")
        == 1
    )


def test_the_visitor_digest_holds_neither_address_nor_browser(rf):
    from jembatan.dissemination.reach import visitor_digest

    one = rf.post(BEACON, REMOTE_ADDR="198.51.100.50", HTTP_USER_AGENT=BROWSER)
    same = rf.post(BEACON, REMOTE_ADDR="198.51.100.50", HTTP_USER_AGENT=OTHER_BROWSER)
    other = rf.post(BEACON, REMOTE_ADDR="198.51.100.51", HTTP_USER_AGENT=BROWSER)
    digest = visitor_digest(one)
    assert digest == visitor_digest(same) != visitor_digest(other)
    assert "198.51.100" not in digest and len(digest) == 32


# --- Privacy ------------------------------------------------------------------------


def test_no_visitor_address_or_browser_string_is_stored(client, item, two_tenants):
    address = "203.0.113.77"
    agent = "Mozilla/5.0 (Linux; Android 9; JembatanPrivasiUji-7Q3) Chrome/99 Mobile"
    kim = two_tenants.a.kim
    post = services.delivery_republish(actor=two_tenants.a.owner, kim=kim, item=item)
    link = share(two_tenants.a.owner, item, kim, "whatsapp")
    audit_before = set(AuditLog.objects.values_list("pk", flat=True))

    visitor = Client()
    click(visitor, link, ua=agent, addr=address)
    visitor.get(post.get_absolute_url(), HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    beacon(visitor, {"post": post.pk}, ua=agent, addr=address)
    visitor.get(f"{item.get_absolute_url()}?kim=kim-a", HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    beacon(visitor, {"item": item.pk, "kim": "kim-a"}, ua=agent, addr=address)
    beacon(visitor, {"item": item.pk}, ua=agent, addr="203.0.113.78")

    # The visits were counted ...
    assert clicks(link) == 1
    delivery = delivery_of(item, kim)
    item.refresh_from_db()
    assert delivery.view_count == 1  # the post view and the ?kim= view: one visitor
    assert item.view_count == 1
    # ... and nothing about the visitor was written anywhere.
    found = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*fields):
            for name, value in zip(fields, row, strict=True):
                text = str(value)
                if address in text or "203.0.113.78" in text or "JembatanPrivasiUji" in text:
                    found.append((model._meta.label, name))
    assert found == []
    new_audit = AuditLog.objects.exclude(pk__in=audit_before)
    assert list(new_audit.values_list("action", flat=True)) == []


# --- The reach page -----------------------------------------------------------------


def test_reach_page_totals_and_not_acted_list(admin, item, two_tenants):
    region = region_chain("61.07.04.2003", "Tirta Kencana")
    kim_c = KimFactory(name="KIM Cahaya", slug="kim-c", region=region)
    kim_d = KimFactory(name="KIM Damai", slug="kim-d", region=region)
    KimFactory(name="KIM Embun", slug="kim-e", region=region)
    member_c = KimMembershipFactory(kim=kim_c, position=Position.KETUA).user
    member_d = KimMembershipFactory(kim=kim_d, position=Position.ANGGOTA).user
    # The item was published before these KIMs existed: deliver again (idempotent).
    services.item_fan_out(item.pk)
    services.item_fan_out(item.pk)
    assert Delivery.objects.filter(item=item).count() == 4  # kim-a, c, d, e; not kim-b

    kim_a = two_tenants.a.kim
    post = services.delivery_republish(actor=two_tenants.a.owner, kim=kim_a, item=item)
    wa = share(member_c, item, kim_c, "whatsapp")
    tg = share(member_c, item, kim_c, "telegram")
    visitor = Client()
    click(visitor, wa, addr="198.51.100.1")
    click(visitor, wa, addr="198.51.100.2")
    click(visitor, wa, addr="198.51.100.2")  # repeat
    click(visitor, wa, ua="WhatsApp/2.23")  # preview
    click(visitor, tg, addr="198.51.100.3")
    services.delivery_mark_read(actor=member_d, delivery=delivery_of(item, kim_d))
    beacon(visitor, {"item": item.pk}, addr="198.51.100.4")
    beacon(visitor, {"post": post.pk}, addr="198.51.100.5")
    beacon(visitor, {"item": item.pk, "kim": "kim-c"}, addr="198.51.100.6")
    beacon(visitor, {"item": item.pk, "kim": "kim-c"}, addr="198.51.100.7")

    staff = Client()
    staff.force_login(admin)
    response = staff.get(f"/kelola/informasi/{item.pk}/jangkauan/")

    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals["targeted"] == 4
    assert totals["read"] == 3  # a (re-published), c (shared), d (opened)
    assert totals["republished"] == 1
    assert totals["shared"] == 1
    assert totals["not_acted"] == 2  # d read but did nothing; e never opened it
    assert dict(totals["clicks"]) == {
        "WhatsApp": 2,
        "Facebook": 0,
        "Telegram": 1,
        "X": 0,
        "Tautan (salin)": 0,
    }
    assert totals["click_total"] == 3
    assert totals["direct_views"] == 1
    assert totals["kim_views"] == 3
    assert totals["views"] == 4
    html = response.content.decode()
    assert "<strong>4</strong> KIM sasaran" in html
    assert "<strong>3</strong> klik tautan" in html
    assert "<strong>2</strong>" in html and "belum bertindak" in html
    rows = {d.kim.slug: d for d in response.context["page"].object_list}
    assert set(rows) == {"kim-a", "kim-c", "kim-d", "kim-e"}
    assert rows["kim-c"].clicks == 3
    assert rows["kim-c"].channel_clicks == {"whatsapp": 2, "telegram": 1}
    assert rows["kim-c"].view_count == 2
    assert rows["kim-a"].view_count == 1
    assert rows["kim-a"].clicks == 0

    idle = staff.get(f"/kelola/informasi/{item.pk}/jangkauan/", {"belum": "1"})
    assert idle.status_code == 200
    assert [d.kim.slug for d in idle.context["page"].object_list] == ["kim-d", "kim-e"]
    idle_html = idle.content.decode()
    table = idle_html.split('id="kims-title"', 1)[1].split('id="tanggapan"', 1)[0]
    assert "KIM Damai" in table and "KIM Embun" in table
    assert "KIM Sebalo" not in table and "KIM Cahaya" not in table
    # Totals stay those of the whole item.
    assert idle.context["totals"]["targeted"] == 4


def test_reach_page_before_any_kim_acted(admin, item, two_tenants):
    staff = Client()
    staff.force_login(admin)
    response = staff.get(f"/kelola/informasi/{item.pk}/jangkauan/")
    totals = response.context["totals"]
    assert (totals["targeted"], totals["read"], totals["not_acted"]) == (1, 0, 1)
    assert (totals["click_total"], totals["views"]) == (0, 0)
    idle = staff.get(f"/kelola/informasi/{item.pk}/jangkauan/?belum=1")
    assert [d.kim.slug for d in idle.context["page"].object_list] == ["kim-a"]


def test_an_address_is_remembered_only_as_a_keyed_hash_for_half_an_hour(client, item):
    """The cache of the test settings is the shared SQLite cache (core/sqlitecache.py): its
    rows are read directly to see what is kept and for how long."""
    import time

    from django.core.cache import caches

    from jembatan.dissemination.reach import REPEAT_WINDOW

    db = caches["default"]._db()

    def seen() -> dict[str, float]:
        rows = db.execute("SELECT key, expires FROM cache WHERE key LIKE '%reach:seen%'")
        return dict(rows.fetchall())

    beacon(client, {"item": item.pk}, addr="198.51.100.60")
    ((key, expires),) = seen().items()
    assert "198.51.100.60" not in key
    assert REPEAT_WINDOW - 5 < expires - time.time() <= REPEAT_WINDOW
    beacon(client, {"item": item.pk}, addr="198.51.100.60", ua=OTHER_BROWSER)
    item.refresh_from_db()
    assert item.view_count == 1
    # Once the half hour is over, the same address counts again.
    db.execute("UPDATE cache SET expires = ? WHERE key = ?", (time.time() - 1, key))
    beacon(client, {"item": item.pk}, addr="198.51.100.60")
    item.refresh_from_db()
    assert item.view_count == 2
