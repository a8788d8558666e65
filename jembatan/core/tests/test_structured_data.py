"""Open Graph and JSON-LD on the public pages, read back the way a crawler reads them.

extruct parses the real HTML of the demo's pages (the og and json-ld syntaxes); each
schema.org type is checked for the properties search engines require of it.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlsplit

import extruct
import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jembatan.core.structured import ld_json
from jembatan.testing.db import built_once
from jembatan.testing.factories import build_demo

OG_REQUIRED = ("og:title", "og:type", "og:image", "og:url")
# schema.org / Google's required properties for the types the pages declare.
LD_REQUIRED = {
    "NewsArticle": ("headline", "datePublished", "image", "author", "publisher"),
    "Event": ("name", "startDate", "location"),
    "Organization": ("name", "url"),
    "GovernmentOrganization": ("name", "url"),
}


@pytest.fixture(scope="module")
def _module_demo(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_demo)


@pytest.fixture
def demo(db, _module_demo):
    """The demo, built once for the module; what a test changes goes with its savepoint."""


def public_pages() -> dict[str, str]:
    from jembatan.dialogue.models import Consultation, Poll
    from jembatan.dissemination.models import InfoItem
    from jembatan.sites.models import Event, Post

    post = Post.objects.filter(kim__slug="sebalo", status="published").order_by("pk").first()
    item = InfoItem.objects.filter(status="published").order_by("pk").first()
    event = Event.objects.filter(is_published=True).select_related("kim").order_by("pk").first()
    poll = Poll.objects.order_by("pk").first()
    consultation = Consultation.objects.order_by("pk").first()
    return {
        "hub": "/",
        "kim-directory": "/kim/",
        "kim-home": "/kim/sebalo/",
        "kim-profile": "/kim/sebalo/profil/",
        "kim-posts": "/kim/sebalo/berita/",
        "kim-agenda": "/kim/sebalo/agenda/",
        "post": post.get_absolute_url(),
        "agenda-item": event.get_absolute_url(),
        "information": "/informasi/",
        "news": "/berita/",
        "dialogue": "/dialog/",
        "information-item": item.get_absolute_url(),
        "poll": f"/dialog/jajak/{poll.slug}/",
        "consultation": f"/dialog/konsultasi/{consultation.slug}/",
    }


def extract(client: Client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content.decode()
    data = extruct.extract(
        html, base_url="http://testserver" + path, syntaxes=["opengraph", "json-ld"]
    )
    data["html"] = html
    return data


def og_of(data: dict) -> dict[str, str]:
    assert len(data["opengraph"]) == 1, data["opengraph"]
    return dict(data["opengraph"][0]["properties"])


def fetchable(url: str) -> bool:
    """The image is a file this site serves: a static file or a stored upload."""
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, url
    path = parts.path
    if path.startswith("/static/"):
        return finders.find(path.removeprefix("/static/")) is not None
    if path.startswith("/media/"):
        return default_storage.exists(path.removeprefix("/media/"))
    return False


def check_required(node: dict) -> None:
    kind = node["@type"]
    for prop in LD_REQUIRED[kind]:
        assert node.get(prop), (kind, prop, node)


@pytest.mark.django_db
def test_every_public_page_has_open_graph_with_an_absolute_fetchable_image(demo):
    client = Client()
    for name, path in public_pages().items():
        og = og_of(extract(client, path))
        for prop in OG_REQUIRED:
            assert og.get(prop), (name, prop, og)
        assert og["og:url"] == "http://testserver" + path, (name, og["og:url"])
        assert fetchable(og["og:image"]), (name, og["og:image"])
        assert og["og:title"] != "Jembatan", (name, "the page's own title, not the site's")


@pytest.mark.django_db
def test_json_ld_has_schema_org_required_properties(demo):
    client = Client()
    pages = public_pages()
    expected = {
        "hub": "GovernmentOrganization",
        "kim-home": "Organization",
        "kim-profile": "Organization",
        "post": "NewsArticle",
        "information-item": "NewsArticle",
        "agenda-item": "Event",
    }
    for name, kind in expected.items():
        data = extract(client, pages[name])
        nodes = data["json-ld"]
        assert [n["@type"] for n in nodes] == [kind], (name, nodes)
        node = nodes[0]
        assert node["@context"] == "https://schema.org"
        check_required(node)
        if kind == "NewsArticle":
            for image in node["image"]:
                assert fetchable(image), (name, image)
            check_required(node["publisher"])
            assert node["author"]["name"]
        if kind == "GovernmentOrganization":
            assert node["name"] == "Pemerintah Kabupaten Bengkayang"
            assert node["areaServed"]["name"] == "Kabupaten Bengkayang"
        if kind == "Event":
            assert node["location"]["@type"] == "Place" and node["location"]["name"]
            check_required(node["organizer"])
        # What extruct read is what the page meant: the script is plain JSON.
        start = data["html"].index('<script type="application/ld+json">')
        assert json.loads(data["html"][start:].split(">", 1)[1].split("</script>", 1)[0])


def jpeg_upload(name: str = "foto.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), "#2a7").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_a_photo_is_shared_else_the_kim_logo_else_the_share_card(demo, settings, tmp_path):
    from jembatan.communities.models import Kim
    from jembatan.sites.models import Photo, Post
    from jembatan.sites.photo_services import photo_upload

    settings.MEDIA_ROOT = tmp_path
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    kim = Kim.objects.get(slug="sebalo")
    post = Post.objects.filter(kim=kim, status="published").order_by("pk").first()
    kim_posts = "/kim/sebalo/berita/"
    # Without a logo: the platform's share card, on the KIM's pages and its news.
    assert og_of(extract(client, kim_posts))["og:image"].endswith("/static/img/share.png")
    assert extract(client, post.get_absolute_url())["json-ld"][0]["image"][0].endswith(
        "/static/img/share.png"
    )
    actor = post.author
    logo = photo_upload(
        actor=actor, kim=kim, file=jpeg_upload("logo.jpg"), purpose=Photo.Purpose.LOGO
    )
    logo_url = "http://testserver" + logo.default_url
    assert og_of(extract(client, kim_posts))["og:image"] == logo_url
    assert og_of(extract(client, "/kim/sebalo/"))["og:image"] == logo_url
    data = extract(client, post.get_absolute_url())
    assert og_of(data)["og:image"] == logo_url
    assert data["json-ld"][0]["publisher"]["logo"] == logo_url
    assert fetchable(logo_url)
    # A post with its own photo shares that photo.
    photo = photo_upload(actor=actor, kim=kim, file=jpeg_upload())
    Post.objects.filter(pk=post.pk).update(photo=photo)
    data = extract(client, post.get_absolute_url())
    assert og_of(data)["og:image"] == "http://testserver" + photo.default_url
    assert data["json-ld"][0]["image"] == ["http://testserver" + photo.default_url]


def test_json_ld_cannot_end_its_script_element():
    text = ld_json({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["headline"] == "</script><script>alert(1)</script> & <!--"


@pytest.mark.django_db
def test_a_title_with_markup_stays_inside_the_json_ld(demo):
    from jembatan.sites.models import Post

    post = Post.objects.filter(kim__slug="sebalo", status="published").order_by("pk").first()
    Post.objects.filter(pk=post.pk).update(title='Rapat </script><b>"RT 04"</b>')
    data = extract(Client(), post.get_absolute_url())
    assert data["json-ld"][0]["headline"] == 'Rapat </script><b>"RT 04"</b>'
    assert og_of(data)["og:title"] == 'Rapat </script><b>"RT 04"</b>'


@pytest.mark.django_db
def test_the_tenant_chooses_its_own_share_card(demo, settings):
    settings.SHARE_IMAGE = "img/icon-512.png"
    settings.PAGE_CACHE_SECONDS = 0
    data = extract(Client(), "/")
    assert og_of(data)["og:image"] == "http://testserver/static/img/icon-512.png"
    assert data["json-ld"][0]["logo"] == "http://testserver/static/img/icon-512.png"


def test_a_share_image_that_is_not_shipped_is_refused_at_start(settings):
    from jembatan.core.structured import check_share_image

    assert check_share_image() == []
    settings.SHARE_IMAGE = "img/no-such-card.png"
    assert [e.id for e in check_share_image()] == ["jembatan.E101"]


def more_detail_pages() -> dict[str, str]:
    """The other public detail pages: a discussion, a training, a module and a public
    body's list of public information (PPID). (A lesson needs signing in.)"""
    from jembatan.communities.models import Kim
    from jembatan.dialogue.models import Thread
    from jembatan.disclosure.models import PublicBody
    from jembatan.testing.factories import ModuleFactory, TrainingFactory, UserFactory

    kim = Kim.objects.get(slug="sebalo")
    thread = Thread.objects.create(
        kabupaten_id="61.07",
        kim=kim,
        title="Jalan rusak di Sebalo",
        slug="jalan-rusak",
        body="Mari bahas perbaikan jalan desa bersama.",
        opened_by=UserFactory(),
    )
    training = TrainingFactory(title="Pelatihan menulis berita", description="Menulis berita.")
    module = ModuleFactory(title="Cek fakta", summary="Mengenali hoaks.")
    body = PublicBody.objects.filter(kabupaten_id="61.07", is_active=True).order_by("pk").first()
    return {
        "thread": thread.get_absolute_url(),
        "training": training.get_absolute_url(),
        "module": module.get_absolute_url(),
        "ppid-body": f"/ppid/daftar/{body.pk}/",
    }


@pytest.mark.django_db
def test_every_public_detail_page_has_its_own_title_and_description(demo):
    client = Client()
    detail = {
        name: path
        for name, path in public_pages().items()
        if name in ("post", "agenda-item", "information-item", "poll", "consultation")
    }
    for name, path in {**detail, **more_detail_pages()}.items():
        og = og_of(extract(client, path))
        for prop in OG_REQUIRED:
            assert og.get(prop), (name, prop, og)
        assert og["og:title"] not in ("Jembatan", "", None), (name, og)
        assert og.get("og:description", "").strip(), (name, og)
        assert og["og:url"] == "http://testserver" + path, (name, og["og:url"])
        assert fetchable(og["og:image"]), (name, og["og:image"])
