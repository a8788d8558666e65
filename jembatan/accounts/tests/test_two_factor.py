"""Two-factor sign-in: who must, set-up, the second step, backup codes, locks, /admin/."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Role
from jembatan.accounts.two_factor import requires_two_factor
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
MANAGE = reverse("accounts:two_factor")

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _required_and_fresh_cache():
    cache.clear()
    with override_settings(TWO_FACTOR_REQUIRED=True):
        yield
    cache.clear()


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def admin_user(email="admin@example.test"):
    region = region_chain("61.07", "Kabupaten Bengkayang")
    return MembershipFactory(
        user=UserFactory(email=email), role=Role.KABUPATEN_ADMIN, region=region
    ).user


def sign_in(client, user, password):
    return client.post(LOGIN, {"username": user.email, "password": password})


def enrol(client, user, password) -> tuple[TOTPDevice, list[str]]:
    """Sign in, set up the authenticator, return its device and the backup codes shown."""
    sign_in(client, user, password)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": code_for(device)}, follow=True)
    codes = re.findall(r"<code>([a-z0-9]{8})</code>", response.content.decode())
    device.refresh_from_db()
    return device, codes


@pytest.mark.parametrize("role", [Role.KABUPATEN_ADMIN, Role.OPERATOR])
def test_roles_that_must_use_two_factor(role):
    region = None if role == Role.OPERATOR else region_chain("61.07")
    assert requires_two_factor(MembershipFactory(role=role, region=region).user)


def test_superusers_and_staff_must_and_others_need_not():
    assert requires_two_factor(UserFactory(is_superuser=True))
    assert requires_two_factor(UserFactory(is_staff=True))
    assert not requires_two_factor(UserFactory())
    camat = MembershipFactory(role=Role.CAMAT, region=region_chain("61.07.04")).user
    assert not requires_two_factor(camat)


def test_demo_accounts_are_exempt_only_with_debug_on():
    demo = admin_user()
    demo.is_demo = True
    demo.save(update_fields=["is_demo"])
    with override_settings(DEBUG=True):
        assert not requires_two_factor(demo)
    with override_settings(DEBUG=False):
        assert requires_two_factor(demo)


def test_admin_without_device_is_sent_to_setup_and_cannot_open_workspace_or_admin(client, password):
    user = admin_user()
    response = sign_in(client, user, password)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    for path in ["/kelola/", "/kelola/aspirasi/", "/kelola/informasi/", "/admin/", "/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(SETUP), path
    response = client.post("/kelola/informasi/baru/", {"title": "x"})
    assert response.status_code == 302 and response.url == SETUP


def test_a_half_signed_in_session_reaches_the_static_files_of_the_setting(client, password):
    # The open paths are reversed once per process: a changed STATIC_URL is seen.
    sign_in(client, admin_user(), password)
    assert client.get("/static/tidak-ada.css").status_code == 404
    with override_settings(STATIC_URL="/aset/"):
        assert client.get("/aset/tidak-ada.css").status_code == 404
        response = client.get("/static/tidak-ada.css")
        assert response.status_code == 302 and response.url.startswith(SETUP)
    assert client.get("/static/tidak-ada.css").status_code == 404


def test_setup_page_shows_inline_qr_and_secret_and_no_outside_service(client, password):
    user = admin_user()
    sign_in(client, user, password)
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<path" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "otpauth://" in device.config_url
    assert "http" not in html.split('class="otp-qr"')[1].split("</div>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", html).group(1)
    assert len(secret.replace(" ", "")) >= 32
    # Reloading keeps the same secret (the phone has already scanned it).
    assert client.get(SETUP).content.decode().count(secret) == 1
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_setup_confirms_with_a_code_shows_ten_backup_codes_once_and_audits(client, password):
    user = admin_user()
    device, codes = enrol(client, user, password)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # Verified now: the workspace opens.
    assert client.get("/kelola/").status_code == 200
    # The codes page shows them only once.
    assert client.get(reverse("accounts:two_factor_codes")).status_code == 302
    assert audit_for(user).filter(action="two_factor.device_added").exists()


def test_setup_with_a_wrong_code_confirms_nothing(client, password):
    user = admin_user()
    sign_in(client, user, password)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "Kode tidak cocok" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/kelola/").url.startswith(SETUP)


def test_login_with_device_asks_for_code_then_verifies(client, password):
    user = admin_user()
    device, _ = enrol(client, user, password)
    client.post(reverse("accounts:logout"))
    response = sign_in(client, user, password)
    assert response.url.startswith(VERIFY)
    assert client.get("/kelola/").url.startswith(VERIFY)
    page = client.get(VERIFY)
    assert "Kode verifikasi" in page.content.decode()
    response = client.post(VERIFY, {"code": code_for(device, offset=30), "next": "/kelola/"})
    assert response.status_code == 302 and response.url == "/kelola/"
    assert client.get("/kelola/").status_code == 200


def test_wrong_code_is_refused_with_a_clear_message(client, password):
    user = admin_user()
    enrol(client, user, password)
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 200
    assert "Kode salah, kedaluwarsa, atau sudah dipakai." in response.content.decode()
    assert client.get("/kelola/").status_code == 302


@pytest.mark.parametrize(
    "bad", ["", "abc", "9" * 20, "<script>", "\uff11\uff12\uff13\uff14\uff15\uff16"]
)
def test_malformed_codes_are_refused(client, password, bad):
    user = admin_user()
    enrol(client, user, password)
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    response = client.post(VERIFY, {"code": bad})
    assert response.status_code == 200
    assert client.get("/kelola/").status_code == 302


def test_a_totp_code_cannot_be_used_twice(client, password):
    user = admin_user()
    device, _ = enrol(client, user, password)
    used = code_for(device, offset=30)
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    assert client.post(VERIFY, {"code": used}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    response = client.post(VERIFY, {"code": used})
    assert response.status_code == 200
    assert "sudah dipakai" in response.content.decode()


def test_a_backup_code_works_once(client, password):
    user = admin_user()
    _, codes = enrol(client, user, password)
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert client.get("/kelola/").status_code == 200
    assert audit_for(user).filter(action="two_factor.backup_code_used").exists()
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9


@override_settings(TWO_FACTOR_FAILURE_LIMIT=3)
def test_repeated_wrong_codes_lock_even_the_right_code(client, password):
    user = admin_user()
    device, _ = enrol(client, user, password)
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": code_for(device, offset=30)})
    assert response.status_code == 429
    assert "Terlalu banyak kode yang salah" in response.content.decode()
    assert client.get("/kelola/").status_code == 302
    cache.clear()  # the lock lifts after a while
    assert client.post(VERIFY, {"code": code_for(device, offset=30)}).status_code == 302


def test_admin_site_requires_a_verified_session_for_staff(client, password):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(SETUP)
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_opt_in_user_with_device_must_verify_too(client, password):
    member = UserFactory()
    client.force_login(member)
    assert client.get("/kelola/").status_code == 200
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=member)
    client.post(SETUP, {"code": code_for(device)})
    client.post(reverse("accounts:logout"))
    response = sign_in(client, member, password)
    assert response.url.startswith(VERIFY)


def test_regenerating_backup_codes_invalidates_the_old_ones_and_audits(client, password):
    user = admin_user()
    _, old = enrol(client, user, password)
    response = client.post(reverse("accounts:two_factor_regenerate"), follow=True)
    new = re.findall(r"<code>([a-z0-9]{8})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert audit_for(user).filter(action="two_factor.backup_regenerated").exists()
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    assert client.post(VERIFY, {"code": old[1]}).status_code == 200
    assert client.post(VERIFY, {"code": new[1]}).status_code == 302


def test_required_users_cannot_turn_it_off(client, password):
    user = admin_user()
    enrol(client, user, password)
    response = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "tidak dapat dimatikan" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_others_can_turn_it_off_and_it_is_audited(client, password):
    member = UserFactory()
    _device, _ = enrol(client, member, password)
    assert client.get(MANAGE).status_code == 200
    client.post(reverse("accounts:two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticToken.objects.filter(device__user=member).exists()
    assert audit_for(member).filter(action="two_factor.device_removed").exists()
    assert client.get("/kelola/").status_code == 200


def test_unverified_session_cannot_disable_or_regenerate(client, password):
    member = UserFactory()
    enrol(client, member, password)
    client.post(reverse("accounts:logout"))
    sign_in(client, member, password)
    client.post(reverse("accounts:two_factor_disable"))
    client.post(reverse("accounts:two_factor_regenerate"))
    assert TOTPDevice.objects.filter(user=member, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=member).count() == 10


def test_verify_refuses_an_outside_next_url(client, password):
    user = admin_user()
    device, _ = enrol(client, user, password)
    client.post(reverse("accounts:logout"))
    sign_in(client, user, password)
    response = client.post(
        VERIFY, {"code": code_for(device, offset=30), "next": "https://evil.example/"}
    )
    assert response.url == "/kelola/"


def test_a_verified_session_reads_its_device_and_loses_it_when_it_goes(client, password):
    user = admin_user()
    device, _ = enrol(client, user, password)
    response = client.get("/kelola/")
    assert response.status_code == 200
    # The request's user is the user itself (not a lazy object), with django-otp's fields.
    request_user = response.wsgi_request.user
    assert type(request_user) is type(user) and request_user.pk == user.pk
    assert request_user.is_verified() and request_user.otp_device == device
    # The device deleted (the authenticator reset elsewhere): the session is no longer
    # verified on its next request.
    TOTPDevice.objects.filter(pk=device.pk).delete()
    assert client.get("/kelola/").url.startswith(SETUP)


def test_device_from_persistent_id_is_django_otps_lookup(client, password):
    from django_otp.models import Device

    from jembatan.accounts.two_factor import device_from_persistent_id

    user = admin_user()
    device, _ = enrol(client, user, password)
    backup = user.staticdevice_set.get()
    for known in (device, backup):
        found = device_from_persistent_id(known.persistent_id)
        assert found == known == Device.from_persistent_id(known.persistent_id)
        assert type(found) is type(known) and found.confirmed and found.user_id == user.pk
    for unknown in (
        f"otp_totp.totpdevice/{device.pk + 1000}",
        "otp_totp.totpdevice/x",
        "otp_totp.nosuchdevice/1",
        "accounts.user/1",
        "nonsense",
    ):
        assert device_from_persistent_id(unknown) is None


def test_an_anonymous_request_has_an_anonymous_user_without_a_query(
    client, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    client.get("/akun/masuk/")
    with django_assert_num_queries(0):
        response = client.get("/akun/masuk/")
    assert isinstance(response.wsgi_request.user, AnonymousUser)
    assert not response.wsgi_request.user.is_verified()
