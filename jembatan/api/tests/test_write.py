"""Token-authenticated writes: posts for a KIM, aspirations; tokens' failures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jembatan.accounts.models import AuditLog
from jembatan.api.models import ApiToken
from jembatan.api.tests.conftest import bearer, make_token
from jembatan.aspirations.models import Aspiration
from jembatan.communities.models import Kim
from jembatan.sites.models import Category as PostCategory
from jembatan.sites.models import Post
from jembatan.testing.factories import CategoryFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

POST = {"title": "Kerja bakti di balai desa", "body": "Warga membersihkan balai desa."}


def _post(client_api, secret, slug="kim-a", HTTP_HOST="testserver", **data):
    return client_api.post(
        f"/api/v1/kim/{slug}/berita/",
        {**POST, **data},
        format="json",
        HTTP_HOST=HTTP_HOST,
        **bearer(secret),
    )


# --- Tokens -------------------------------------------------------------------------------


def test_write_without_token_is_401(client_api, two_tenants):
    response = client_api.post("/api/v1/kim/kim-a/berita/", POST, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "Authorization: Bearer" in response.json()["error"]["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Post.objects.exists()


def test_expired_token_is_401_with_a_clear_message(client_api, two_tenants):
    token, secret = make_token(two_tenants.a.owner)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    response = _post(client_api, secret)
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("Token kedaluwarsa")
    assert not Post.objects.exists()
    # A bad token is refused on reads too, never silently anonymous.
    assert client_api.get("/api/v1/kim/", **bearer(secret)).status_code == 401


def test_revoked_and_unknown_tokens_are_401(client_api, two_tenants):
    token, secret = make_token(two_tenants.a.owner)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = _post(client_api, secret)
    assert (response.status_code, response.json()["error"]["message"]) == (
        401,
        "Token sudah dicabut.",
    )
    unknown = _post(client_api, "jbt_bukan-token-yang-ada")
    assert (unknown.status_code, unknown.json()["error"]["message"]) == (401, "Token tidak valid.")
    malformed = client_api.post(
        "/api/v1/aspirasi/", {}, format="json", HTTP_AUTHORIZATION="Bearer a b"
    )
    assert malformed.status_code == 401
    assert not Post.objects.exists()


def test_token_of_inactive_or_demo_user_is_refused(client_api, two_tenants, settings):
    settings.DEBUG = False
    owner = two_tenants.a.owner
    _token, secret = make_token(owner)
    type(owner).objects.filter(pk=owner.pk).update(is_demo=True)
    assert _post(client_api, secret).status_code == 401
    type(owner).objects.filter(pk=owner.pk).update(is_demo=False, is_active=False)
    assert _post(client_api, secret).status_code == 401
    assert not Post.objects.exists()


def test_only_the_hash_is_stored_and_use_is_noted(client_api, two_tenants):
    token, secret = make_token(two_tenants.a.owner)
    assert secret.startswith("jbt_")
    assert secret not in token.key_hash
    assert token.key_prefix == secret[:12]
    assert token.last_used_at is None
    assert client_api.get("/api/v1/kim/", **bearer(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- Posts --------------------------------------------------------------------------------


def test_member_creates_a_draft_sanitised_and_audited(client_api, two_tenants):
    _token, secret = make_token(two_tenants.a.member)
    response = _post(
        client_api, secret, body='<p>Halo</p><script>alert(1)</script><a href="javascript:x">a</a>'
    )
    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert (post.kim, post.author, post.status) == (
        two_tenants.a.kim,
        two_tenants.a.member,
        Post.Status.DRAFT,
    )
    assert "<script" not in post.body and "javascript:" not in post.body
    assert response.json()["status"] == "draft"
    assert AuditLog.objects.filter(action="post.create", actor=two_tenants.a.member).exists()


def test_member_may_submit_for_review(client_api, two_tenants):
    _token, secret = make_token(two_tenants.a.member)
    response = _post(client_api, secret, status="review")
    assert response.status_code == 201
    assert Post.objects.get().status == Post.Status.REVIEW


def test_member_may_not_publish_when_posts_need_review(client_api, two_tenants):
    _token, secret = make_token(two_tenants.a.member)
    response = _post(client_api, secret, status="published")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Post.objects.exists()  # not even the draft
    assert not AuditLog.objects.filter(action="post.create").exists()


def test_member_may_publish_when_the_kim_needs_no_review(client_api, two_tenants):
    Kim.objects.filter(pk=two_tenants.a.kim.pk).update(posts_need_review=False)
    _token, secret = make_token(two_tenants.a.member)
    response = _post(client_api, secret, status="published")
    assert response.status_code == 201
    assert Post.objects.get().status == Post.Status.PUBLISHED


def test_ketua_publishes_and_the_post_is_public(client_api, two_tenants):
    _token, secret = make_token(two_tenants.a.owner)
    PostCategory.objects.create(kim=two_tenants.a.kim, name="Kegiatan", slug="kegiatan")
    response = _post(client_api, secret, status="published", category="kegiatan", tags="desa")
    assert response.status_code == 201
    assert response.json()["category"] == "Kegiatan"
    listed = client_api.get("/api/v1/berita/").json()["results"]
    assert [p["title"] for p in listed] == [POST["title"]]


def test_kabupaten_admin_may_publish_for_a_kim_of_their_kabupaten(
    client_api, two_tenants, mempawah_host
):
    admin = MembershipFactory().user  # Diskominfo of 61.07
    _token, secret = make_token(admin)
    assert _post(client_api, secret, status="published").status_code == 201
    # Another kabupaten's KIM: not found on this host, refused on its own.
    assert _post(client_api, secret, slug="kim-b").status_code == 404
    assert _post(client_api, secret, slug="kim-b", HTTP_HOST=mempawah_host).status_code == 403


def test_cross_tenant_write_is_refused(client_api, two_tenants, mempawah_host):
    _token, secret = make_token(two_tenants.a.owner)
    assert _post(client_api, secret, slug="kim-b").status_code == 404
    response = _post(client_api, secret, slug="kim-b", HTTP_HOST=mempawah_host)
    assert response.status_code == 403
    assert not Post.objects.exists()
    outsider = UserFactory()
    _token, secret = make_token(outsider)
    assert _post(client_api, secret).status_code == 403
    assert not Post.objects.exists()


def test_post_validation_errors(client_api, two_tenants):
    _token, secret = make_token(two_tenants.a.owner)
    response = client_api.post(
        "/api/v1/kim/kim-a/berita/", {"title": "  "}, format="json", **bearer(secret)
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"title", "body"}
    unknown_category = _post(client_api, secret, category="tidak-ada")
    assert unknown_category.status_code == 400
    assert "category" in unknown_category.json()["error"]["details"]
    empty_body = _post(client_api, secret, body="<script>x</script>")
    assert empty_body.status_code == 400
    assert empty_body.json()["error"]["details"]["body"] == ["Isi berita tidak boleh kosong."]
    assert not Post.objects.exists()


def test_post_for_unknown_or_inactive_kim_is_404(client_api, two_tenants):
    _token, secret = make_token(two_tenants.a.owner)
    assert _post(client_api, secret, slug="tidak-ada").status_code == 404
    Kim.objects.filter(pk=two_tenants.a.kim.pk).update(is_active=False)
    assert _post(client_api, secret).status_code == 404
    assert not Post.objects.exists()


# --- Aspirations --------------------------------------------------------------------------


def _aspiration(world, **extra):
    return {
        "region": world.tenants.a.kim.region_id,
        "category": world.category.pk,
        "description": "Lampu jalan di depan sekolah mati sejak seminggu.",
        "reporter_phone": "081298765432",
        **extra,
    }


def test_create_aspiration_with_token_and_idempotency(client_api, world):
    _token, secret = make_token(world.tenants.a.member)
    before = Aspiration.objects.count()
    response = client_api.post(
        "/api/v1/aspirasi/",
        _aspiration(world),
        format="json",
        HTTP_IDEMPOTENCY_KEY="sms-123",
        **bearer(secret),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    case = Aspiration.objects.get(code=data["code"].replace("-", ""))
    assert (case.channel, case.recorded_by) == (Aspiration.Channel.WEB, world.tenants.a.member)
    assert case.reporter_phone == "+6281298765432"
    assert "081298765432" not in response.content.decode()
    again = client_api.post(
        "/api/v1/aspirasi/",
        _aspiration(world),
        format="json",
        HTTP_IDEMPOTENCY_KEY="sms-123",
        **bearer(secret),
    )
    assert again.status_code == 200
    assert again.json()["code"] == data["code"]
    assert Aspiration.objects.count() == before + 1


def test_idempotency_keys_count_per_token_never_across_clients(client_api, world):
    _a, secret_a = make_token(world.tenants.a.member)
    _b, secret_b = make_token(world.tenants.a.member)  # another app of the same member
    _c, secret_c = make_token(world.tenants.b.member)
    codes = []
    for secret in (secret_a, secret_b, secret_c, secret_a):
        response = client_api.post(
            "/api/v1/aspirasi/",
            _aspiration(world),
            format="json",
            HTTP_IDEMPOTENCY_KEY="sms-1",
            **bearer(secret),
        )
        assert response.status_code in (200, 201), response.content
        codes.append(response.json()["code"])
    # A, B and C each made their own case; A's retry got A's.
    assert len(set(codes[:3])) == 3
    assert codes[3] == codes[0]


def test_aspiration_needs_contact_and_valid_data(client_api, world):
    _token, secret = make_token(world.tenants.a.member)
    before = Aspiration.objects.count()
    no_contact = client_api.post(
        "/api/v1/aspirasi/", _aspiration(world, reporter_phone=""), format="json", **bearer(secret)
    )
    assert no_contact.status_code == 400
    assert "reporter_phone" in no_contact.json()["error"]["details"]
    bad = client_api.post(
        "/api/v1/aspirasi/",
        _aspiration(world, region="61.07.04", category=999999, description="pendek"),
        format="json",
        **bearer(secret),
    )
    assert bad.status_code == 400
    assert "region" in bad.json()["error"]["details"]
    unknown = client_api.post(
        "/api/v1/aspirasi/",
        _aspiration(world, region="61.07.99.2999", category=999999),
        format="json",
        **bearer(secret),
    )
    assert unknown.status_code == 400
    assert {"region", "category"} <= set(unknown.json()["error"]["details"])
    bad_key = client_api.post(
        "/api/v1/aspirasi/",
        _aspiration(world),
        format="json",
        HTTP_IDEMPOTENCY_KEY="spasi tidak boleh",
        **bearer(secret),
    )
    assert bad_key.status_code == 400
    assert Aspiration.objects.count() == before


def test_aspiration_without_token_is_401(client_api, world):
    before = Aspiration.objects.count()
    response = client_api.post("/api/v1/aspirasi/", _aspiration(world), format="json")
    assert response.status_code == 401
    assert Aspiration.objects.count() == before


def test_an_aspiration_for_another_kabupaten_is_refused_on_this_host(client_api, world):
    """A desa and a category of Mempawah (61.04), sent to Bengkayang's host: both unknown
    here (the case would otherwise be made in a tenant the host does not serve)."""
    other = CategoryFactory(kabupaten_id=world.tenants.b.kim.kabupaten_id, name="Jalan")
    _token, secret = make_token(world.tenants.a.member)
    before = Aspiration.objects.count()
    response = client_api.post(
        "/api/v1/aspirasi/",
        _aspiration(world, region=world.tenants.b.kim.region_id, category=other.pk),
        format="json",
        **bearer(secret),
    )
    assert response.status_code == 400, response.content
    assert Aspiration.objects.count() == before
    mine = client_api.post("/api/v1/aspirasi/", _aspiration(world), format="json", **bearer(secret))
    assert mine.status_code == 201, mine.content
