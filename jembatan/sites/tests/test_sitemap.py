"""/sitemap.xml (the kabupaten the host serves) and /robots.txt."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from jembatan.dissemination.models import InfoItem
from jembatan.literacy.models import Training
from jembatan.sites.models import Event
from jembatan.sites.tests.test_feeds import posts  # noqa: F401 (fixture)
from jembatan.testing.factories import (
    ConsultationFactory,
    InfoItemFactory,
    ModuleFactory,
    PollFactory,
    PublicBodyFactory,
    TrainingFactory,
    serve_tenant,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HUB_SECTIONS = ("/informasi/", "/dialog/", "/literasi/", "/ppid/", "/data/", "/statistik/")


def sitemap_urls(response) -> dict[str, str | None]:
    """{location: lastmod} of a sitemap response."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_pages_kims_and_live_posts_of_the_served_kabupaten(
    client,
    posts,  # noqa: F811
    settings,
):
    urls = sitemap_urls(client.get("/sitemap.xml"))
    base = "http://testserver"
    for page in ("/", "/berita/", "/kim/", "/kim/kim-a/", "/kim/kim-c/"):
        assert f"{base}{page}" in urls, page
    for post in (posts.live_a, posts.live_a_no_summary, posts.live_c):
        location = f"{base}{post.get_absolute_url()}"
        # The date in the site's time zone, as Django's sitemap template writes it.
        assert urls[location] == f"{timezone.localtime(post.updated_at):%Y-%m-%d}", location
    # Mempawah's KIM and post are in Mempawah's sitemap, on its own host, not here.
    assert not [url for url in urls if "kim-b" in url]
    # 3 hub pages, 2 KIMs, 3 posts, the capabilities' index pages (HUB_SECTIONS) and the
    # list of hoax clarifications (no answer published here yet).
    assert f"{base}/klarifikasi/" in urls
    assert len(urls) == 8 + len(HUB_SECTIONS) + 1
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    theirs = sitemap_urls(client.get("/sitemap.xml", HTTP_HOST="mempawah.test"))
    assert "http://mempawah.test/kim/kim-b/" in theirs
    assert f"http://mempawah.test{posts.live_b.get_absolute_url()}" in theirs
    assert not [url for url in theirs if "kim-a" in url or "kim-c" in url]


def test_sitemap_leaves_out_drafts_scheduled_posts_and_inactive_kims(client, posts):  # noqa: F811
    posts.kim_c.is_active = False
    posts.kim_c.save()
    urls = sitemap_urls(client.get("/sitemap.xml"))
    text = " ".join(urls)
    assert posts.draft_a.slug not in text
    assert posts.scheduled_a.slug not in text
    assert "/kim/kim-c/" not in text


def test_sitemap_is_cacheable(client, posts):  # noqa: F811
    response = client.get("/sitemap.xml")
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "max-age=" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/kelola/", "/akun/", "/admin/", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_builds_the_sitemap_address_from_the_request(client):
    response = client.get("/robots.txt", HTTP_HOST="localhost", secure=True)
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode().splitlines()


def test_robots_and_sitemap_answer_get_only(client):
    assert client.post("/robots.txt").status_code == 405
    assert client.post("/sitemap.xml").status_code == 405


def test_sitemap_lists_the_public_published_things_of_every_capability(client, posts):  # noqa: F811
    item = InfoItemFactory(title="Jalan baru")
    draft_item = InfoItemFactory(title="Draf informasi", status=InfoItem.Status.DRAFT)
    due_later = InfoItemFactory(
        title="Belum waktunya", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    consultation = ConsultationFactory()
    hidden_consultation = ConsultationFactory(publish=False)
    poll = PollFactory()
    hidden_poll = PollFactory(publish=False)
    training = TrainingFactory()
    draft_training = TrainingFactory(status=Training.Status.DRAFT)
    module = ModuleFactory()
    hidden_module = ModuleFactory(is_published=False)
    body = PublicBodyFactory()
    agenda = Event.objects.create(
        kim=posts.tenants.a.kim,
        title="Rapat",
        slug="rapat",
        starts_at=timezone.now(),
        is_published=True,
        created_by=posts.tenants.a.owner,
    )
    hidden_agenda = Event.objects.create(
        kim=posts.tenants.a.kim,
        title="Draf",
        slug="draf",
        starts_at=timezone.now(),
        created_by=posts.tenants.a.owner,
    )
    urls = sitemap_urls(client.get("/sitemap.xml"))
    base = "http://testserver"
    for page in HUB_SECTIONS:
        assert f"{base}{page}" in urls, page
    for shown in (item, consultation, poll, training, module, agenda):
        assert f"{base}{shown.get_absolute_url()}" in urls, shown
    assert f"{base}/ppid/daftar/{body.pk}/" in urls
    assert urls[f"{base}{item.get_absolute_url()}"]  # lastmod
    for hidden in (
        draft_item,
        due_later,
        hidden_consultation,
        hidden_poll,
        draft_training,
        hidden_module,
        hidden_agenda,
    ):
        assert f"{base}{hidden.get_absolute_url()}" not in urls, hidden


def test_a_kims_own_host_lists_its_pages_only(client, posts, settings):  # noqa: F811
    settings.ALLOWED_HOSTS = ["*"]
    settings.KIM_HOSTS = {"kim-a.example": "kim-a"}
    InfoItemFactory(title="Jalan baru")
    urls = sitemap_urls(client.get("/sitemap.xml", HTTP_HOST="kim-a.example"))
    assert urls and not any("/informasi/" in u or "/kim/kim-b/" in u for u in urls)
