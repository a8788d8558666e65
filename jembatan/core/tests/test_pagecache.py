"""The anonymous page cache: served from cache, fresh after a change, safe with forms."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from jembatan.core.moderation import Visibility
from jembatan.sites.models import Comment
from jembatan.sites.services import post_create, post_transition, post_update


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(two_tenants):
    a = two_tenants.a
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Kerja bakti", "body": "x"})
    return post_transition(actor=a.owner, post=draft, action="publish")


def test_second_anonymous_request_is_a_hit(client, post):
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"


def test_publishing_invalidates_at_once(client, post, two_tenants):
    a = two_tenants.a
    client.get("/")
    second = post_create(actor=a.owner, kim=a.kim, data={"title": "Panen raya", "body": "x"})
    post_transition(actor=a.owner, post=second, action="publish")
    response = client.get("/")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Panen raya" in response.content.decode()


def test_editing_a_post_shows_the_new_title(client, post, two_tenants):
    client.get(post.get_absolute_url())
    post_update(actor=two_tenants.a.owner, post=post, data={"title": "Kerja bakti massal"})
    assert "Kerja bakti massal" in client.get(post.get_absolute_url()).content.decode()


def test_signed_in_users_are_never_served_from_cache(client, post, two_tenants):
    client.get("/")
    client.force_login(two_tenants.a.owner)
    response = client.get("/")
    assert "X-Page-Cache" not in response.headers
    assert "Keluar" in response.content.decode()


def test_each_visitor_gets_a_working_csrf_token_from_a_cached_page(post):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(post.get_absolute_url())
    response = second.get(post.get_absolute_url())
    assert response.headers["X-Page-Cache"] == "hit"
    html = response.content.decode()
    assert "__CSRF_TOKEN__" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    posted = second.post(
        f"{post.get_absolute_url()}komentar/",
        {"name": "Maria", "body": "Ikut!", "csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 302
    assert Comment.objects.filter(name="Maria").exists()


def test_a_pending_message_bypasses_the_cache(client, post):
    client.get(post.get_absolute_url())
    client.post(f"{post.get_absolute_url()}komentar/", {"name": "Budi", "body": "Setuju"})
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Terima kasih" in html


def test_languages_are_cached_apart(client, post):
    client.get("/")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert 'lang="en"' in response.content.decode()


def test_adding_photos_to_an_album_invalidates(client, two_tenants, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from jembatan.sites.models import Album
    from jembatan.sites.photo_services import photo_upload

    settings.MEDIA_ROOT = tmp_path
    a = two_tenants.a
    album = Album.objects.create(
        kim=a.kim, title="Lomba", slug="lomba", is_published=True, created_by=a.owner
    )
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "#333").save(buffer, "JPEG")
    photo = photo_upload(
        actor=a.owner, kim=a.kim, file=SimpleUploadedFile("x.jpg", buffer.getvalue())
    )
    assert client.get(album.get_absolute_url()).content.decode().count("<picture>") == 0
    album.photos.add(photo)
    assert client.get(album.get_absolute_url()).content.decode().count("<picture>") == 1


def test_a_comment_hidden_by_reports_leaves_cached_pages_at_once(client, post):
    from django.test import Client

    comment = Comment.objects.create(
        post=post, name="Penipu", body="Beli di sini", visibility=Visibility.PUBLISHED
    )
    assert "Beli di sini" in client.get(post.get_absolute_url()).content.decode()
    report = f"{post.get_absolute_url()}komentar/{comment.pk}/laporkan/"
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        Client(REMOTE_ADDR=address).post(report)
    assert "Beli di sini" not in Client().get(post.get_absolute_url()).content.decode()


def test_a_change_in_another_worker_reaches_this_workers_cached_pages(
    client, post, settings, tmp_path
):
    """Embedded setup: each gunicorn worker has its own local-memory cache. Another
    worker's change only touches the shared version file, never this worker's cache."""
    from jembatan.core import pagecache

    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "pagecache.version"
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    pagecache._bump_file_version()  # what content_changed does in the other process
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"


def test_each_bump_changes_the_version_where_file_times_are_whole_seconds(
    settings, tmp_path, monkeypatch
):
    """A file system that keeps times to the second (ext3, FAT) would keep the old time
    for a second bump within the same second: the version must change all the same."""
    import os

    from jembatan.core import pagecache

    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "pagecache.version"
    set_time = os.utime

    def whole_seconds(path, times=None, *, ns=None, **kwargs):
        if ns is None:
            return set_time(path, times, **kwargs)
        return set_time(path, ns=tuple(t - t % 1_000_000_000 for t in ns), **kwargs)

    monkeypatch.setattr(os, "utime", whole_seconds)
    versions = []
    for _ in range(3):
        pagecache._bump_file_version()
        versions.append(pagecache._file_version())
    assert len(set(versions)) == 3, versions


def test_without_a_version_file_the_cache_version_alone_decides(client, post, settings):
    settings.PAGE_CACHE_VERSION_FILE = None
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"


def test_a_page_that_queues_a_message_is_not_stored_for_the_next_visitor(rf):
    from django.contrib import messages
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse

    from jembatan.core.pagecache import cache_public_page

    rendered = []

    @cache_public_page
    def view(request):
        rendered.append(request)
        if len(rendered) == 1:
            messages.info(request, "Hanya untuk pengunjung pertama")
        return HttpResponse("halaman")

    def visit():
        request = rf.get("/halaman-uji/")
        request.user = AnonymousUser()
        request._messages = CookieStorage(request)
        return view(request)

    assert "X-Page-Cache" not in visit().headers  # queued a message: not stored
    assert visit().headers["X-Page-Cache"] == "miss"  # rendered again, now stored
    assert visit().headers["X-Page-Cache"] == "hit"
    assert len(rendered) == 2


def test_files_are_cached_whole_with_their_name(client, db):
    """A PDF (binary) and a calendar served from the cache keep their bytes and their
    Content-Disposition; a binary body used to fail the anonymous request with a 500."""
    for url in ("/ppid/laporan/2026.pdf", "/agenda.ics"):
        first = client.get(url)
        second = client.get(url)
        assert first.status_code == second.status_code == 200, url
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert second.content == first.content
        assert second["Content-Disposition"] == first["Content-Disposition"]
        assert second["Content-Type"] == first["Content-Type"]


def _og_url(response) -> str:
    html = response.content.decode()
    return re.search(r'<meta property="og:url" content="([^"]+)"', html).group(1)


@pytest.mark.parametrize("secure_first", [True, False])
def test_the_scheme_is_part_of_the_key(client, post, settings, secure_first):
    # As behind gunicorn/nginx: the scheme comes from X-Forwarded-Proto.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The same Host header both times, as curl sends it (without one, Django's test
    # client would add the port to the https request's host and hide the bug).
    plain = {"HTTP_HOST": "testserver"}
    https = {**plain, "HTTP_X_FORWARDED_PROTO": "https"}
    first, second = (https, plain) if secure_first else (plain, https)
    url = f"{post.get_absolute_url()}?c=1"
    assert client.get(url, **first).headers["X-Page-Cache"] == "miss"
    response = client.get(url, **second)
    assert response.headers["X-Page-Cache"] == "miss"
    expected = "https://" if second is https else "http://"
    assert _og_url(response).startswith(expected)
    assert client.get(url, **second).headers["X-Page-Cache"] == "hit"


def test_the_host_is_part_of_the_key(client, post, settings, served_tenant):
    settings.ALLOWED_HOSTS = ["*"]
    # A second host of the same tenant: same pages, each with its own absolute addresses.
    served_tenant.hosts.create(host="other.example")
    url = f"{post.get_absolute_url()}?c=2"
    client.get(url, HTTP_HOST="testserver")
    response = client.get(url, HTTP_HOST="other.example")
    assert response.headers["X-Page-Cache"] == "miss"
    assert _og_url(response).startswith("http://other.example/")
