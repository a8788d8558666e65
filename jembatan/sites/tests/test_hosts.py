"""A KIM on its own host name (settings.KIM_HOSTS): its site at the host's root."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import override_settings

from jembatan.env import ConfigError, env_host_map
from jembatan.sites.models import Comment
from jembatan.sites.tests.test_feeds import ATOM, posts  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HOST = "sebalo.kim.example.id"
MAPPED = override_settings(
    KIM_HOSTS={HOST: "kim-a", "bubar.example.id": "kim-c"},
    ALLOWED_HOSTS=["testserver", HOST, "bubar.example.id"],
)


@pytest.fixture(autouse=True)
def _mapped_hosts():
    cache.clear()  # comment rate limits
    with MAPPED:
        yield
    cache.clear()


def get(client, path, host=HOST, **extra):
    return client.get(path, HTTP_HOST=host, **extra)


def templates(response) -> list[str]:
    return [t.name for t in response.templates]


def test_root_of_a_mapped_host_is_the_kim_home(client, posts):  # noqa: F811
    response = get(client, "/")
    assert response.status_code == 200
    assert "sites/kim_home.html" in templates(response)
    assert response.context["kim"] == posts.tenants.a.kim
    assert 'href="/kim/kim-a/feed/"' in response.content.decode()


def test_post_at_the_short_address(client, posts):  # noqa: F811
    response = get(client, f"/berita/{posts.live_a.slug}/")
    assert response.status_code == 200
    assert response.context["post"] == posts.live_a


def test_news_list_is_the_kims_own(client, posts):  # noqa: F811
    response = get(client, "/berita/")
    assert response.status_code == 200
    assert "sites/kim_posts.html" in templates(response)
    page = response.content.decode()
    assert "Posyandu Balita" in page
    assert "Panen Lada" not in page  # another KIM of the same kabupaten


def test_posts_of_another_kim_are_not_found_at_the_short_address(client, posts):  # noqa: F811
    assert get(client, f"/berita/{posts.live_c.slug}/").status_code == 404
    assert get(client, f"/berita/{posts.draft_a.slug}/").status_code == 404


def test_feed_is_the_kims_own_with_links_on_that_host(client, posts):  # noqa: F811
    response = get(client, "/feed/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 (our own output)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Gotong Royong", "Posyandu Balita"]
    href = entries[1].find(f"{ATOM}link").get("href")
    assert href == f"http://{HOST}/kim/kim-a/berita/{posts.live_a.slug}/"
    assert entries[1].findtext(f"{ATOM}id").startswith(f"tag:{HOST},")


def test_long_content_addresses_keep_working_on_the_mapped_host(client, posts):  # noqa: F811
    assert get(client, "/kim/kim-a/").context["kim"] == posts.tenants.a.kim
    response = get(client, f"/kim/kim-a/berita/{posts.live_a.slug}/")
    assert response.status_code == 200
    assert response.context["post"] == posts.live_a
    assert get(client, "/kim/kim-a/feed/").status_code == 200


def test_every_link_on_the_kim_home_works_on_the_mapped_host(client, posts):  # noqa: F811
    page = get(client, "/").content.decode()
    links = set(re.findall(r'<a[^>]+href="(/[^"#]*)', page))
    assert f"/kim/kim-a/berita/{posts.live_a.slug}/" in links
    assert len(links) > 5
    for link in sorted(links):
        assert get(client, link, follow=True).status_code == 200, link


def test_other_kim_sections_are_reachable_at_the_short_address(client, posts):  # noqa: F811
    # Every route under /kim/<kim>/ works without the prefix, e.g. the profile.
    response = get(client, "/profil/")
    assert response.status_code == 200
    assert response.context["kim"] == posts.tenants.a.kim


def test_site_wide_pages_are_not_rewritten(client, posts):  # noqa: F811
    response = get(client, "/kelola/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")
    assert "sites/kim_directory.html" in templates(get(client, "/kim/"))


def test_host_is_matched_without_case_and_port(client, posts):  # noqa: F811
    response = get(client, "/", host="SEBALO.kim.example.id:8443")
    assert response.status_code == 200
    assert response.context["kim"] == posts.tenants.a.kim


def test_missing_slash_redirects_to_the_long_address(client, posts):  # noqa: F811
    response = get(client, f"/berita/{posts.live_a.slug}")
    assert response.status_code == 301
    assert response["Location"] == f"/kim/kim-a/berita/{posts.live_a.slug}/"


def test_comment_form_posts_on_the_mapped_host(client, posts):  # noqa: F811
    post = posts.live_a
    response = client.post(
        f"/berita/{post.slug}/komentar/",
        {"name": "Yohanes", "body": "Setuju, mari hadir."},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert Comment.objects.get().post == post


def test_host_of_an_inactive_kim_is_not_found(client, posts):  # noqa: F811
    posts.kim_c.is_active = False
    posts.kim_c.save()
    assert get(client, "/", host="bubar.example.id").status_code == 404


def test_unmapped_host_still_gets_the_hub(client, posts):  # noqa: F811
    response = client.get("/")
    assert response.status_code == 200
    assert "sites/hub.html" in templates(response)
    assert "sites/news.html" in templates(client.get("/berita/"))
    assert client.get(f"/berita/{posts.live_a.slug}/").status_code == 404


def test_sitemap_and_robots_on_a_mapped_host_describe_that_kim_only(client, posts):  # noqa: F811
    root = ET.fromstring(get(client, "/sitemap.xml").content)  # noqa: S314 (our own output)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {url.findtext(f"{ns}loc") for url in root.findall(f"{ns}url")}
    base = f"http://{HOST}"
    assert locations == {
        f"{base}/kim/kim-a/",
        f"{base}{posts.live_a.get_absolute_url()}",
        f"{base}{posts.live_a_no_summary.get_absolute_url()}",
    }
    robots = get(client, "/robots.txt").content.decode().splitlines()
    assert f"Sitemap: {base}/sitemap.xml" in robots


class TestEnvHostMap:
    def test_pairs_with_lowercased_hosts(self):
        environ = {"KIM_HOSTS": " Sebalo.KIM.example.id = sebalo , kim-sebalo.id=sebalo,"}
        assert env_host_map("KIM_HOSTS", environ=environ) == {
            "sebalo.kim.example.id": "sebalo",
            "kim-sebalo.id": "sebalo",
        }

    @pytest.mark.parametrize("value", ["sebalo.example.id", "=sebalo", "host=", "a b=c"])
    def test_malformed_pair_names_the_variable(self, value):
        with pytest.raises(ConfigError, match="KIM_HOSTS"):
            env_host_map("KIM_HOSTS", environ={"KIM_HOSTS": value})
