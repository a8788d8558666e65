"""Atom feeds: the hub's (/feed/) and one KIM's (/kim/<kim>/feed/)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from django.test import override_settings
from django.utils import timezone

from jembatan.communities.models import Kim, Position
from jembatan.sites.models import Post
from jembatan.sites.services import post_create, post_transition
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def publish(kim: Kim, author, owner, title: str, *, at=None, **data) -> Post:
    post = post_create(
        actor=author, kim=kim, data={"title": title, "body": f"<p>Isi {title}.</p>", **data}
    )
    return post_transition(actor=owner, post=post, action="publish", publish_at=at)


def draft(kim: Kim, author, title: str) -> Post:
    return post_create(actor=author, kim=kim, data={"title": title, "body": "<p>Draf.</p>"})


@dataclass
class Posts:
    tenants: object
    kim_c: Kim
    live_a: Post
    live_a_no_summary: Post
    live_c: Post
    draft_a: Post
    scheduled_a: Post
    live_b: Post


@pytest.fixture
def posts(two_tenants) -> Posts:
    a, b = two_tenants.a, two_tenants.b
    # A second KIM in the hub's kabupaten (61.07).
    kim_c = KimFactory(name="KIM Desa Dua", slug="kim-c", region=region_chain("61.07.04.2001"))
    c_owner = UserFactory(full_name="Ketua C")
    KimMembershipFactory(kim=kim_c, user=c_owner, position=Position.KETUA)
    hour = datetime.timedelta(hours=1)
    now = timezone.now()
    return Posts(
        tenants=two_tenants,
        kim_c=kim_c,
        live_a=publish(
            a.kim,
            a.member,
            a.owner,
            "Posyandu Balita",
            summary="Jadwal posyandu & imunisasi <bulan ini>.",
            at=now - 3 * hour,
        ),
        live_a_no_summary=publish(
            a.kim,
            a.owner,
            a.owner,
            "Gotong Royong",
            body="<p>Warga <strong>bergotong royong</strong> membersihkan jalan &amp; parit.</p>",
            at=now - 2 * hour,
        ),
        live_c=publish(kim_c, c_owner, c_owner, "Panen Lada", at=now - hour),
        draft_a=draft(a.kim, a.member, "Draf Rahasia"),
        scheduled_a=publish(a.kim, a.owner, a.owner, "Terjadwal Besok", at=now + 24 * hour),
        live_b=publish(b.kim, b.owner, b.owner, "Berita Mempawah", at=now - hour),
    )


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def entries(feed: ET.Element) -> dict[str, ET.Element]:
    return {e.findtext(f"{ATOM}title"): e for e in feed.findall(f"{ATOM}entry")}


def test_hub_feed_lists_live_posts_of_the_hub_kabupaten_only(client, posts):
    feed = parse(client.get("/feed/"))
    assert feed.tag == f"{ATOM}feed"
    assert list(entries(feed)) == ["Panen Lada", "Gotong Royong", "Posyandu Balita"]
    assert feed.findtext(f"{ATOM}title").startswith("Berita Terkini")
    assert "Kabupaten Bengkayang" in feed.findtext(f"{ATOM}subtitle")


@override_settings(
    ALLOWED_HOSTS=["testserver", "bengkayang.example"],
    SITE_URL="http://127.0.0.1:8000",
)
def test_hub_feed_links_are_on_the_host_asked(client, posts):
    serve_tenant(hosts=("bengkayang.example",))  # a second host of Bengkayang's
    feed = parse(client.get("/feed/", HTTP_HOST="bengkayang.example"))
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert len(hrefs) > 3
    assert all(href.startswith("http://bengkayang.example/") for href in hrefs), hrefs


@override_settings(ALLOWED_HOSTS=["testserver", "bengkayang.example"])
def test_entry_carries_link_dates_author_summary_and_a_stable_id(client, posts):
    # Ids carry the tenant's canonical (primary) host, whatever host is asked.
    serve_tenant(hosts=("bengkayang.example",), primary=True)
    entry = entries(parse(client.get("/feed/")))["Posyandu Balita"]
    post = posts.live_a
    link = entry.find(f"{ATOM}link")
    assert link.get("href") == f"http://testserver/kim/kim-a/berita/{post.slug}/"
    assert entry.findtext(f"{ATOM}published") == post.published_at.isoformat()
    assert entry.findtext(f"{ATOM}updated") == post.updated_at.isoformat()
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Anggota kim-a"
    # type="html": the plain-text summary is escaped once more for the reader.
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Jadwal posyandu &amp; imunisasi &lt;bulan ini&gt;."
    assert entry.findtext(f"{ATOM}id") == (
        f"tag:bengkayang.example,{post.created_at:%Y-%m-%d}:post/{post.pk}"
    )


@override_settings(
    ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost", "bengkayang.example"],
    SITE_URL="https://site-url.example",  # never used: the tenant's host names the ids
)
@pytest.mark.parametrize("path", ["/feed/", "/kim/kim-a/feed/"])
def test_ids_do_not_depend_on_the_host_asked(client, posts, path):
    serve_tenant(hosts=("bengkayang.example",), primary=True)

    def ids(host: str) -> list[str]:
        feed = parse(client.get(path, HTTP_HOST=host))
        return [feed.findtext(f"{ATOM}id")] + [
            e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")
        ]

    first = ids("127.0.0.1")
    assert len(first) > 1 and all(i.startswith("tag:bengkayang.example,") for i in first)
    assert ids("localhost") == first


def test_entry_without_summary_gets_a_plain_text_excerpt_of_the_body(client, posts):
    entry = entries(parse(client.get("/feed/")))["Gotong Royong"]
    assert entry.findtext(f"{ATOM}summary") == (
        "Warga bergotong royong membersihkan jalan &amp; parit."
    )


def test_entry_ids_are_unique(client, posts):
    ids = [e.findtext(f"{ATOM}id") for e in parse(client.get("/feed/")).findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == 3


@override_settings(ALLOWED_HOSTS=["testserver", "mempawah.test"])
def test_hub_feed_follows_the_host(client, posts):
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    feed = parse(client.get("/feed/", HTTP_HOST="mempawah.test"))
    assert list(entries(feed)) == ["Berita Mempawah"]
    assert "Kabupaten Mempawah" in feed.findtext(f"{ATOM}subtitle")
    assert list(entries(parse(client.get("/feed/")))) == [
        "Panen Lada",
        "Gotong Royong",
        "Posyandu Balita",
    ]


@override_settings(ALLOWED_HOSTS=["testserver", "landak.test"])
def test_hub_feed_of_a_kabupaten_without_kims_is_empty_but_valid(client, posts):
    serve_tenant("61.08", "Kabupaten Landak", hosts=("landak.test",))
    assert entries(parse(client.get("/feed/", HTTP_HOST="landak.test"))) == {}


def test_kim_feed_lists_that_kims_live_posts_only(client, posts, settings):
    feed = parse(client.get("/kim/kim-a/feed/"))
    assert list(entries(feed)) == ["Gotong Royong", "Posyandu Balita"]
    assert feed.findtext(f"{ATOM}title").startswith("KIM Sebalo")
    alternate = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate[0].get("href") == "http://testserver/kim/kim-a/"
    # Another kabupaten's KIM: its feed is on its own tenant's host, not on this one.
    assert client.get("/kim/kim-b/feed/").status_code == 404
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    feed_b = client.get("/kim/kim-b/feed/", HTTP_HOST="mempawah.test")
    assert list(entries(parse(feed_b))) == ["Berita Mempawah"]


def test_unpublished_post_leaves_the_feed(client, posts):
    a = posts.tenants.a
    post_transition(actor=a.owner, post=posts.live_a, action="unpublish")
    assert list(entries(parse(client.get("/kim/kim-a/feed/")))) == ["Gotong Royong"]


def test_unknown_or_inactive_kim_feed_is_404(client, posts):
    assert client.get("/kim/tidak-ada/feed/").status_code == 404
    posts.kim_c.is_active = False
    posts.kim_c.save()
    assert client.get("/kim/kim-c/feed/").status_code == 404


def test_posts_of_an_inactive_kim_leave_the_hub_feed(client, posts):
    posts.kim_c.is_active = False
    posts.kim_c.save()
    assert "Panen Lada" not in entries(parse(client.get("/feed/")))


def test_feeds_hold_the_latest_twenty(client, two_tenants):
    a = two_tenants.a
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            kim=a.kim,
            author=a.owner,
            title=f"Berita {n:02d}",
            slug=f"berita-{n:02d}",
            body="<p>Isi.</p>",
            status=Post.Status.PUBLISHED,
            published_at=now - datetime.timedelta(minutes=n),
        )
        for n in range(1, 23)
    )
    for url in ("/feed/", "/kim/kim-a/feed/"):
        titles = list(entries(parse(client.get(url))))
        assert titles == [f"Berita {n:02d}" for n in range(1, 21)], url


def test_pages_announce_their_feed(client, posts):
    hub = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in hub
    assert 'href="/feed/"' in hub
    home = client.get("/kim/kim-a/").content.decode()
    assert 'href="/kim/kim-a/feed/"' in home
    assert 'href="/feed/"' not in home
