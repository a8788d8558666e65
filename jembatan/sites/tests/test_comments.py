import pytest
from django.core.cache import cache
from django.urls import reverse

from jembatan.accounts.audit import audit_for
from jembatan.core.moderation import Visibility
from jembatan.sites.models import Comment
from jembatan.sites.services import post_create, post_transition


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(two_tenants):
    a = two_tenants.a
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Musyawarah desa", "body": "x"})
    return post_transition(actor=a.owner, post=draft, action="publish")


def submit(client, post, **data):
    url = reverse("sites:comment_submit", kwargs={"kim": post.kim.slug, "slug": post.slug})
    return client.post(url, {"name": "Yohanes", "body": "Setuju, mari hadir.", **data})


def test_comment_waits_for_moderation_by_default(client, post):
    response = submit(client, post)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD
    assert "Setuju, mari hadir." not in client.get(post.get_absolute_url()).content.decode()


def test_comment_shows_at_once_when_the_kim_does_not_moderate(client, post):
    post.kim.comments_need_moderation = False
    post.kim.save(update_fields=["comments_need_moderation"])
    submit(client, post)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Setuju, mari hadir." in html


@pytest.mark.parametrize(
    "body", ["Lihat https://spam.example", "kunjungi www.judi.xyz", "promo murah.com"]
)
def test_links_are_refused_with_a_clear_message(client, post, body):
    response = submit(client, post, body=body)
    assert response.status_code == 400
    assert "tidak boleh berisi tautan" in response.content.decode()
    assert body in response.content.decode()  # what was typed is kept
    assert not Comment.objects.exists()


def test_name_is_required(client, post):
    response = submit(client, post, name="   ")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_script_is_shown_as_text(client, post):
    post.kim.comments_need_moderation = False
    post.kim.save(update_fields=["comments_need_moderation"])
    submit(client, post, body="<script>alert('x')</script>")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_honeypot_stores_nothing_but_looks_fine(client, post):
    response = submit(client, post, website="http://bot.example")
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_rate_limit_per_visitor(client, post):
    for _ in range(5):
        assert submit(client, post).status_code == 302
    response = submit(client, post)
    assert response.status_code == 429
    assert "Terlalu banyak kiriman" in response.content.decode()
    assert Comment.objects.count() == 5
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert submit(other, post).status_code == 302


def test_comments_on_drafts_are_refused(client, two_tenants):
    a = two_tenants.a
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Draf", "body": "x"})
    assert submit(client, draft).status_code == 404
    assert not Comment.objects.exists()


def test_reports_hide_a_comment_until_a_moderator_decides(client, post, two_tenants):
    comment = Comment.objects.create(post=post, name="A", body="b", visibility=Visibility.PUBLISHED)
    url = reverse(
        "sites:comment_report", kwargs={"kim": post.kim.slug, "slug": post.slug, "pk": comment.pk}
    )
    client.post(url)
    client.post(url)  # the same visitor again does not count twice
    comment.refresh_from_db()
    assert comment.report_count == 1
    for address in ("10.0.0.2", "10.0.0.3"):
        client.__class__(REMOTE_ADDR=address).post(url)
    comment.refresh_from_db()
    assert comment.report_count == 3
    assert comment.visibility == Visibility.HELD
    assert comment.held_reason == "Dilaporkan 3 orang"

    owner = two_tenants.a.owner
    client.force_login(owner)
    queue = client.get(reverse("sites:manage_comments", kwargs={"kim": post.kim.slug}))
    assert "A" in queue.content.decode()
    client.post(
        reverse("sites:manage_comment_action", kwargs={"kim": post.kim.slug, "pk": comment.pk}),
        {"action": "hide"},
    )
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    row = audit_for(comment).get()
    assert row.action == "comment.moderate"
    assert row.actor == owner and row.after["visibility"] == Visibility.HIDDEN


def test_only_approvers_moderate_and_only_their_kim(client, post, two_tenants):
    comment = Comment.objects.create(post=post, name="A", body="b")
    a, b = two_tenants.a, two_tenants.b
    action = reverse("sites:manage_comment_action", kwargs={"kim": a.kim.slug, "pk": comment.pk})
    client.force_login(a.member)
    assert (
        client.get(reverse("sites:manage_comments", kwargs={"kim": a.kim.slug})).status_code == 404
    )
    assert client.post(action, {"action": "restore"}).status_code == 403
    client.force_login(b.owner)
    assert client.post(action, {"action": "restore"}).status_code == 404
    other = reverse("sites:manage_comment_action", kwargs={"kim": b.kim.slug, "pk": comment.pk})
    assert client.post(other, {"action": "restore"}).status_code == 404
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HELD


def test_share_links_and_open_graph(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    for needle in [
        "https://wa.me/?text=Musyawarah%20desa%20http%3A%2F%2Ftestserver%2Fkim%2F",
        "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver",
        "https://twitter.com/intent/tweet?text=Musyawarah%20desa",
        "https://t.me/share/url?url=http%3A%2F%2Ftestserver",
        'property="og:title" content="Musyawarah desa"',
        'property="og:image" content="http://testserver/static/img/share.png"',
        'name="twitter:card" content="summary_large_image"',
        f'id="share-url" type="url" value="http://testserver{post.get_absolute_url()}"',
    ]:
        assert needle in html, needle


# --- One moderation system (core.moderation) ----------------------------------------------


def test_the_kabupatens_word_filter_holds_a_site_comment_too(client, post, two_tenants):
    """One word list per kabupaten: Diskominfo's filter holds site comments as well, even
    where the KIM publishes comments at once; the pengurus then decides."""
    from jembatan.dialogue.models import WordFilter

    kim = post.kim
    kim.comments_need_moderation = False
    kim.save(update_fields=["comments_need_moderation"])
    WordFilter.objects.create(kabupaten_id=kim.kabupaten_id, word="bodoh")
    assert submit(client, post, body="Pengumuman ini BODOH sekali.").status_code == 302
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD
    assert comment.held_reason == "Memuat kata tersaring"
    assert "BODOH sekali" not in client.get(post.get_absolute_url()).content.decode()
    # A word of another kabupaten's list holds nothing here.
    WordFilter.objects.all().delete()
    WordFilter.objects.create(kabupaten_id=two_tenants.b.kim.kabupaten_id, word="mantap")
    submit(client, post, body="Mantap, mari hadir.")
    assert Comment.objects.get(body="Mantap, mari hadir.").visibility == Visibility.PUBLISHED


def test_queue_offers_the_decisions_the_state_allows(client, post, two_tenants):
    held = Comment.objects.create(post=post, name="Baru", body="Menunggu")
    reported = Comment.objects.create(
        post=post,
        name="Dilapor",
        body="Masih tampil",
        visibility=Visibility.PUBLISHED,
        report_count=1,
    )
    Comment.objects.create(
        post=post, name="Biasa", body="Tidak dilaporkan", visibility=Visibility.PUBLISHED
    )
    owner = two_tenants.a.owner
    client.force_login(owner)
    page = client.get(reverse("sites:manage_comments", kwargs={"kim": post.kim.slug}))
    html = page.content.decode()
    assert "Menunggu" in html and "Masih tampil" in html
    assert "Tidak dilaporkan" not in html  # nothing to decide
    assert html.count('value="restore"') == 1 and html.count('value="keep"') == 1
    assert html.count('value="hide"') == 2
    action = "sites:manage_comment_action"
    client.post(
        reverse(action, kwargs={"kim": post.kim.slug, "pk": reported.pk}), {"action": "keep"}
    )
    client.post(
        reverse(action, kwargs={"kim": post.kim.slug, "pk": held.pk}), {"action": "restore"}
    )
    reported.refresh_from_db()
    held.refresh_from_db()
    assert reported.visibility == Visibility.PUBLISHED and reported.report_count == 0
    assert held.visibility == Visibility.PUBLISHED
    assert "Menunggu" in client.get(post.get_absolute_url()).content.decode()
    assert [r.before["visibility"] for r in audit_for(held)] == [Visibility.HELD]


def test_a_decision_the_state_does_not_allow_changes_nothing(client, post, two_tenants):
    comment = Comment.objects.create(post=post, name="A", body="b", visibility=Visibility.HIDDEN)
    client.force_login(two_tenants.a.owner)
    url = reverse("sites:manage_comment_action", kwargs={"kim": post.kim.slug, "pk": comment.pk})
    for action in ("hide", "keep", "delete"):
        response = client.post(url, {"action": action}, follow=True)
        assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    assert not audit_for(comment).exists()
    assert "tidak berlaku" in response.content.decode() or "tidak dikenal" in (
        response.content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_every_old_status_both_ways():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("kimsites", "0011_repair_glued_paragraphs")],
        [("kimsites", "0012_comment_moderation_states")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Kim = apps.get_model("communities", "Kim")
    User = apps.get_model("accounts", "User")
    Region = apps.get_model("regions", "Region")
    Post = apps.get_model("kimsites", "Post")
    OldComment = apps.get_model("kimsites", "Comment")
    provinsi = Region.objects.create(code="99", name="Prov Uji", level=1, kind="provinsi")
    kabupaten = Region.objects.create(
        code="99.01", name="Kab Uji", level=2, kind="kabupaten", parent=provinsi
    )
    region = Region.objects.create(
        code="99.01.01", name="Kec Uji", level=3, kind="kecamatan", parent=kabupaten
    )
    kim = Kim.objects.create(
        name="KIM Uji", slug="kim-uji", region=region, kabupaten=kabupaten, level="kecamatan"
    )
    author = User.objects.create(email="uji@example.test", full_name="Uji")
    post = Post.objects.create(kim=kim, title="T", slug="t", body="x", author=author)
    for status in ("pending", "approved", "hidden"):
        OldComment.objects.create(post=post, name=status, body="b", status=status)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    Comment = executor.loader.project_state(after).apps.get_model("kimsites", "Comment")
    assert dict(Comment.objects.values_list("name", "visibility")) == {
        "pending": "ditahan",
        "approved": "tampil",
        "hidden": "disembunyikan",
    }
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    Old = executor.loader.project_state(before).apps.get_model("kimsites", "Comment")
    assert dict(Old.objects.values_list("name", "status")) == {
        "pending": "pending",
        "approved": "approved",
        "hidden": "hidden",
    }
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
