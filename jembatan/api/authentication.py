"""Bearer tokens: the API's only authentication (no session, hence no CSRF surface)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from jembatan.api.models import ApiToken
from jembatan.api.services import api_token_touch, hash_token

KEYWORD = b"bearer"
MAX_TOKEN_LENGTH = 200


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``. No header: anonymous (read-only endpoints work);
    a header with a bad, expired or revoked token: 401, never silently anonymous."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2 or len(parts[1]) > MAX_TOKEN_LENGTH:
            raise exceptions.AuthenticationFailed(
                _("Header Authorization tidak valid: kirim “Bearer <token>”.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Token tidak valid.")) from exc
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Token tidak valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token sudah dicabut."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("Token kedaluwarsa. Buat token baru di ruang kerja (/kelola/api/).")
            )
        user = token.user
        # Demo accounts work only on a development server, as with their passwords.
        if not user.is_active or (user.is_demo and not settings.DEBUG):
            raise exceptions.AuthenticationFailed(_("Akun pemilik token ini tidak aktif."))
        api_token_touch(token=token)
        return user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) when a token is missing or refused.
        return 'Bearer realm="api"'
