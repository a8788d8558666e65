"""A KIM's own posts imported from its kim.id feed (issue 20, item 4): once per entry, no
duplicates on re-import, updated when the entry changed, errors recorded for staff. The
feed is served by a real HTTP server on localhost, never fetched from the internet."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Role
from jembatan.sites import services
from jembatan.sites.models import KimFeed, Post
from jembatan.testing import httpd
from jembatan.testing.factories import MembershipFactory

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>KIM Sebalo</title><link>{base}/</link>
<item>
  <title>Gotong royong bersihkan parit</title>
  <link>{base}/berita/gotong-royong</link>
  <guid isPermaLink="false">kimid-101</guid>
  <pubDate>Mon, 02 Nov 2026 08:00:00 +0700</pubDate>
  <description>&lt;p&gt;Warga dusun membersihkan parit.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Warga dusun <strong>membersihkan</strong> parit.</p>
    <script>alert(1)</script><p onclick="x()">Selesai siang.</p>]]></content:encoded>
</item>
<item>
  <title>Posyandu balita bulan November</title>
  <link>{base}/berita/posyandu</link>
  <guid>{base}/berita/posyandu</guid>
  <pubDate>Tue, 03 Nov 2026 09:30:00 +0700</pubDate>
  <description>Jadwal posyandu di balai desa.</description>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>KIM Sebalo</title><id>urn:kim:sebalo</id><updated>2026-11-05T10:00:00Z</updated>
  <entry>
    <title>Pelatihan jurnalistik warga</title>
    <id>urn:kim:sebalo:7</id>
    <link rel="alternate" href="{base}/berita/pelatihan"/>
    <published>2026-11-05T10:00:00Z</published>
    <summary>Dua puluh warga ikut.</summary>
    <content type="html">&lt;p&gt;Dua puluh warga ikut pelatihan.&lt;/p&gt;</content>
  </entry>
</feed>
"""


class FeedServer:
    """Serves whatever ``body`` holds at /feed (status ``status``), and counts requests."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.url = f"{self.base}/feed"
        httpd.start(self.server)

    def serve(self, template: str) -> None:
        self.body = template.format(base=self.base).encode()


@pytest.fixture
def feed(settings, two_tenants):
    # The local server stands in for kim.id: only that domain is ever fetched. It listens
    # on the loopback address and a port of its own, which only tests allow.
    settings.KIMID_DOMAIN = "127.0.0.1"
    settings.KIMID_ALLOW_PRIVATE_ADDRESSES = True
    server = FeedServer()
    settings.KIMID_FEED_PORTS = [80, 443, server.server.server_port]
    kim = two_tenants.a.kim
    kim.kimid_feed_url = server.url
    kim.save(update_fields=["kimid_feed_url"])
    yield server
    httpd.stop(server.server)


def _imported(kim):
    return Post.objects.filter(kim=kim).exclude(kimid_guid="").order_by("published_at")


def test_a_feed_is_imported_once_as_published_sanitised_posts(feed, two_tenants, client):
    kim = two_tenants.a.kim
    feed.serve(RSS)
    result = services.kim_feed_import(actor=None, kim=kim)
    assert (result.created, result.updated, result.error) == (2, 0, "")
    first, second = _imported(kim)
    assert first.title == "Gotong royong bersihkan parit"
    assert first.status == Post.Status.PUBLISHED and first.author == two_tenants.a.owner
    assert first.kimid_guid == "kimid-101"
    assert first.kimid_link == f"{feed.base}/berita/gotong-royong"
    assert "<strong>membersihkan</strong>" in first.body
    assert "script" not in first.body and "onclick" not in first.body
    assert first.summary == "Warga dusun membersihkan parit."
    assert second.kimid_guid == f"{feed.base}/berita/posyandu"  # the guid, else the link
    assert audit_for(first).get().action == "post.import"
    # The public post says where it first appeared and links there.
    html = client.get(first.get_absolute_url()).content.decode()
    assert "Dari kim.id" in html and f'href="{first.kimid_link}"' in html
    listing = client.get(reverse("sites:kim_posts", kwargs={"kim": kim.slug})).content.decode()
    assert "dari kim.id" in listing
    state = KimFeed.objects.get(kim=kim)
    assert state.created == 2 and state.error == "" and state.succeeded_at is not None


def test_re_importing_the_same_feed_makes_no_duplicates(feed, two_tenants):
    kim = two_tenants.a.kim
    feed.serve(RSS)
    services.kim_feed_import(actor=None, kim=kim)
    again = services.kim_feed_import(actor=None, kim=kim)
    assert (again.created, again.updated) == (0, 0)
    assert _imported(kim).count() == 2
    assert feed.hits == 2


def test_a_changed_entry_updates_its_post(feed, two_tenants):
    kim = two_tenants.a.kim
    feed.serve(RSS)
    services.kim_feed_import(actor=None, kim=kim)
    post = _imported(kim).get(kimid_guid="kimid-101")
    feed.serve(RSS.replace("Gotong royong bersihkan parit", "Gotong royong bersihkan parit desa"))
    result = services.kim_feed_import(actor=None, kim=kim)
    assert (result.created, result.updated) == (0, 1)
    post.refresh_from_db()
    assert post.title == "Gotong royong bersihkan parit desa"
    assert _imported(kim).count() == 2
    assert post.revisions.count() == 2  # the text as imported, then as updated
    assert [a.action for a in audit_for(post)] == ["post.import_update", "post.import"]


def test_an_atom_feed_is_imported_too(feed, two_tenants):
    kim = two_tenants.a.kim
    feed.serve(ATOM)
    result = services.kim_feed_import(actor=None, kim=kim)
    assert result.created == 1
    post = _imported(kim).get()
    assert post.kimid_guid == "urn:kim:sebalo:7"
    assert post.body == "<p>Dua puluh warga ikut pelatihan.</p>"
    assert post.published_at.isoformat().startswith("2026-11-05T10:00")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("<rss><channel><item><title>terpotong", 200, "bukan RSS atau Atom"),
        ("<html><body>Bukan feed</body></html>", 200, "bukan RSS atau Atom"),
        ("", 404, "tidak ditemukan"),
        ("", 503, "tidak dapat diambil"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>',
            200,
            "bukan RSS atau Atom",
        ),
    ],
)
def test_a_broken_feed_is_recorded_for_staff_and_writes_nothing(
    feed, two_tenants, body, status, message
):
    kim = two_tenants.a.kim
    feed.body, feed.status = body.encode(), status
    result = services.kim_feed_import(actor=None, kim=kim)
    assert message in result.error
    assert not _imported(kim).exists()
    state = KimFeed.objects.get(kim=kim)
    assert message in state.error and state.succeeded_at is None


def test_an_unreachable_feed_gets_a_plain_message(feed, two_tenants, settings):
    # A port nobody listens on: connection refused.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    settings.KIMID_FEED_PORTS = [*settings.KIMID_FEED_PORTS, port]
    kim = two_tenants.a.kim
    kim.kimid_feed_url = f"http://127.0.0.1:{port}/feed"
    kim.save(update_fields=["kimid_feed_url"])
    result = services.kim_feed_import(actor=None, kim=kim)
    assert result.error == "Feed tidak dapat diambil dari situs kim.id; coba lagi nanti."
    assert "Errno" not in KimFeed.objects.get(kim=kim).error


def test_a_silent_feed_times_out_with_a_plain_message(feed, two_tenants, settings):
    settings.KIMID_FEED_TIMEOUT = 0.2
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    settings.KIMID_FEED_PORTS = [*settings.KIMID_FEED_PORTS, silent.getsockname()[1]]
    try:
        kim = two_tenants.a.kim
        kim.kimid_feed_url = f"http://127.0.0.1:{silent.getsockname()[1]}/feed"
        kim.save(update_fields=["kimid_feed_url"])
        result = services.kim_feed_import(actor=None, kim=kim)
    finally:
        silent.close()
    assert result.error == "Situs kim.id terlalu lama menjawab; coba lagi nanti."


def test_a_feed_bigger_than_the_limit_is_not_read(feed, two_tenants, settings):
    settings.KIMID_FEED_MAX_BYTES = 100
    feed.serve(RSS)
    result = services.kim_feed_import(actor=None, kim=two_tenants.a.kim)
    assert "lebih besar" in result.error and not _imported(two_tenants.a.kim).exists()


def test_nothing_is_fetched_outside_the_kimid_domain(feed, two_tenants, settings):
    settings.KIMID_DOMAIN = "kim.id"  # the local server is no longer on the allowed domain
    feed.serve(RSS)
    result = services.kim_feed_import(actor=None, kim=two_tenants.a.kim)
    assert "kim.id" in result.error and feed.hits == 0


def test_staff_button_imports_and_the_periodic_run_covers_every_kim(feed, two_tenants, client):
    kim = two_tenants.a.kim
    feed.serve(RSS)
    url = reverse("sites:manage_kimid_import", kwargs={"kim": kim.slug})
    # An anggota may not; a KIM of another kabupaten's ketua does not even see it.
    client.force_login(two_tenants.a.member)
    assert client.post(url).status_code == 403
    client.force_login(two_tenants.b.owner)
    assert client.post(url).status_code == 404
    assert not _imported(kim).exists()
    client.force_login(two_tenants.a.owner)
    response = client.post(url, follow=True)
    assert "2 baru" in response.content.decode()
    assert _imported(kim).count() == 2
    manage = client.get(reverse("communities:manage", kwargs={"kim": kim.slug})).content.decode()
    assert "Terakhir diperiksa" in manage
    # Diskominfo may press it too; the hourly task reads the same feed, still no duplicates.
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=kim.kabupaten).user
    client.force_login(admin)
    assert client.post(url).status_code == 302
    assert services.kim_feeds_import_all() == 1
    assert _imported(kim).count() == 2


WITH_IMAGES = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>KIM Sebalo</title>
<item>
  <title>Parit bersih</title>
  <guid>kimid-img</guid>
  <content:encoded><![CDATA[<p>Warga bekerja.<img src="http://sebalo.kim.id/foto/1.jpg"
    alt="Warga mengangkat lumpur"></p><p><img src="/foto/2.jpg" alt="Parit"></p>
    <p><a href="https://sebalo.kim.id/galeri"><img src="https://sebalo.kim.id/3.jpg"
    alt="Galeri"></a></p><figure><img src="https://sebalo.kim.id/4.jpg"></figure>]]>
  </content:encoded>
</item>
</channel></rss>
"""


def test_imported_images_become_links_to_the_original(feed, two_tenants, client):
    # The site's CSP loads only its own images: a remote <img> would show broken (o2 M5).
    kim = two_tenants.a.kim
    feed.serve(WITH_IMAGES)
    assert services.kim_feed_import(actor=None, kim=kim).created == 1
    post = _imported(kim).get()
    assert "<img" not in post.body
    assert 'href="http://sebalo.kim.id/foto/1.jpg"' in post.body
    assert "Lihat gambar di situs asli: Warga mengangkat lumpur</a>" in post.body
    assert 'href="https://sebalo.kim.id/4.jpg"' in post.body
    # A relative address (of a page elsewhere) and an image already inside a link: its text.
    assert "Parit" in post.body and "/foto/2.jpg" not in post.body
    assert 'href="https://sebalo.kim.id/galeri"' in post.body and "Galeri" in post.body
    assert "3.jpg" not in post.body
    html = client.get(post.get_absolute_url()).content.decode()
    assert "sebalo.kim.id/foto/1.jpg" in html and '<img src="http' not in html
