"""Writing, approving and reading posts through the pages a volunteer uses."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jembatan.sites.models import Post
from jembatan.sites.services import post_create, post_transition


def manage(name, kim, **kw):
    return reverse(f"sites:{name}", kwargs={"kim": kim.slug, **kw})


@pytest.fixture
def published(two_tenants):
    a = two_tenants.a
    post = post_create(
        actor=a.member,
        kim=a.kim,
        data={
            "title": "Posyandu Balita Bulan Desember",
            "summary": "Jadwal posyandu.",
            "body": "<p>Posyandu dibuka pukul 08.00 di balai desa.</p>",
            "tags": "posyandu, kesehatan",
        },
    )
    return post_transition(actor=a.owner, post=post, action="publish")


def test_member_writes_a_draft_from_the_form(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    response = client.post(
        manage("manage_post_create", a.kim),
        {
            "title": "Gotong royong jalan desa",
            "body": "Warga bergotong royong.\n\nKerja bakti hari Minggu.<script>alert(1)</script>",
            "summary": "",
            "tags": "",
            "slug": "",
        },
    )
    post = Post.objects.get(kim=a.kim)
    assert response.status_code == 302
    assert post.status == Post.Status.DRAFT
    assert post.slug == "gotong-royong-jalan-desa"
    assert "<script" not in post.body
    assert post.author == a.member


def test_empty_title_keeps_what_was_typed(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    response = client.post(
        manage("manage_post_create", a.kim), {"title": "", "body": "Isi yang panjang sekali."}
    )
    assert response.status_code == 200
    assert "Isi yang panjang sekali." in response.content.decode()
    assert not Post.objects.exists()


def test_review_flow_through_the_pages(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    client.post(manage("manage_post_create", a.kim), {"title": "Berita", "body": "Isi."})
    post = Post.objects.get()
    edit = manage("manage_post_edit", a.kim, pk=post.pk)
    page = client.get(edit).content.decode()
    assert 'value="submit"' in page and 'value="publish"' not in page
    client.post(manage("manage_post_action", a.kim, pk=post.pk), {"action": "publish"})
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT  # an anggota cannot publish
    client.post(manage("manage_post_action", a.kim, pk=post.pk), {"action": "submit"})
    post.refresh_from_db()
    assert post.status == Post.Status.REVIEW

    client.force_login(a.owner)
    assert 'value="publish"' in client.get(edit).content.decode()
    client.post(manage("manage_post_action", a.kim, pk=post.pk), {"action": "publish"})
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert client.get(post.get_absolute_url()).status_code == 200


def test_scheduled_post_appears_by_itself(client, two_tenants):
    a = two_tenants.a
    post = post_create(actor=a.owner, kim=a.kim, data={"title": "Nanti", "body": "Isi."})
    client.force_login(a.owner)
    later = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        manage("manage_post_action", a.kim, pk=post.pk), {"action": "publish", "publish_at": later}
    )
    post.refresh_from_db()
    assert post.is_scheduled
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404
    Post.objects.filter(pk=post.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(post.get_absolute_url()).status_code == 200


def test_bad_schedule_changes_nothing(client, two_tenants):
    a = two_tenants.a
    post = post_create(actor=a.owner, kim=a.kim, data={"title": "X", "body": "Isi."})
    client.force_login(a.owner)
    response = client.post(
        manage("manage_post_action", a.kim, pk=post.pk),
        {"action": "publish", "publish_at": "besok pagi"},
        follow=True,
    )
    assert "Jadwal terbit tidak valid" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_another_kims_post_cannot_be_opened_or_changed_by_url(client, two_tenants, published):
    b = two_tenants.b
    client.force_login(b.owner)
    a_kim = two_tenants.a.kim
    assert client.get(manage("manage_post_edit", a_kim, pk=published.pk)).status_code == 404
    # Through their own KIM's URL with the other KIM's post id:
    assert client.get(manage("manage_post_edit", b.kim, pk=published.pk)).status_code == 404
    client.post(manage("manage_post_action", b.kim, pk=published.pk), {"action": "unpublish"})
    client.post(
        manage("manage_post_edit", b.kim, pk=published.pk), {"title": "Dibajak", "body": "x"}
    )
    published.refresh_from_db()
    assert published.title == "Posyandu Balita Bulan Desember"
    assert published.status == Post.Status.PUBLISHED


def test_outsider_has_no_newsroom(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.outsider)
    assert client.get(manage("manage_posts", a.kim)).status_code == 404
    client.logout()
    response = client.get(manage("manage_posts", a.kim))
    assert response.status_code == 302


def test_published_author_edit_is_refused_when_review_is_needed(client, two_tenants, published):
    a = two_tenants.a
    client.force_login(a.member)
    page = client.get(manage("manage_post_edit", a.kim, pk=published.pk)).content.decode()
    assert "hanya ketua atau sekretaris" in page
    response = client.post(
        manage("manage_post_edit", a.kim, pk=published.pk), {"title": "Ganti", "body": "x"}
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Posyandu Balita Bulan Desember"


def test_restore_a_revision(client, two_tenants, published):
    a = two_tenants.a
    client.force_login(a.owner)
    edit = manage("manage_post_edit", a.kim, pk=published.pk)
    client.post(edit, {"title": "Judul baru", "body": "<p>Isi baru.</p>", "slug": published.slug})
    first = published.revisions.order_by("created_at", "id").first()
    client.post(manage("manage_post_restore", a.kim, pk=published.pk, revision=first.pk))
    published.refresh_from_db()
    assert published.title == "Posyandu Balita Bulan Desember"
    assert published.revisions.count() == 3


def test_public_pages_show_live_posts_only(client, two_tenants, published):
    a, b = two_tenants.a, two_tenants.b
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Rahasia draf", "body": "x"})
    other = post_transition(
        actor=b.owner,
        post=post_create(actor=b.owner, kim=b.kim, data={"title": "Berita Mempawah", "body": "x"}),
        action="publish",
    )
    for url in [
        "/",
        reverse("sites:news"),
        a.kim.get_absolute_url(),
        reverse("sites:kim_posts", kwargs={"kim": a.kim.slug}),
    ]:
        html = client.get(url).content.decode()
        assert published.title in html, url
        assert draft.title not in html, url
        assert other.title not in html, url  # another kabupaten / another KIM
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_article_reads_the_indonesian_way(client, two_tenants, published):
    Post.objects.filter(pk=published.pk).update(
        published_at=datetime.datetime(2024, 12, 4, 23, 30, tzinfo=datetime.UTC)
    )
    html = client.get(published.get_absolute_url()).content.decode()
    assert "Kamis, 5 Desember 2024" in html  # 06:30 WIB on the 5th
    assert f"Oleh {two_tenants.a.member.full_name}" in html
    assert 'rel="canonical"' in html
    assert "#posyandu" in html


def test_hub_news_is_paginated_and_a_page_past_the_end_shows_the_last(client, two_tenants):
    a = two_tenants.a
    for i in range(12):
        post = post_create(actor=a.owner, kim=a.kim, data={"title": f"Berita {i:02d}", "body": "x"})
        post_transition(
            actor=a.owner,
            post=post,
            action="publish",
            publish_at=timezone.now() - datetime.timedelta(hours=i + 1),
        )
    first = client.get("/").content.decode()
    assert "Berita 00" in first and "Berita 11" not in first
    last = client.get("/?halaman=99").content.decode()
    assert "Berita 11" in last and "Berita 00" not in last


def test_list_pages_do_not_grow_queries_with_posts(
    client, two_tenants, django_assert_max_num_queries
):
    a = two_tenants.a
    for i in range(8):
        post = post_create(actor=a.owner, kim=a.kim, data={"title": f"B{i}", "body": "x"})
        post_transition(actor=a.owner, post=post, action="publish")
    with django_assert_max_num_queries(8):
        client.get(reverse("sites:kim_posts", kwargs={"kim": a.kim.slug}))
