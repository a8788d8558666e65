"""Who may hold API tokens, and which tokens a user sees (only their own); which Open311
aggregator keys an admin sees (those of the kabupaten they administer)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    administered_kabupaten,
    administers_any_kabupaten,
    get_memberships_for_user,
)
from jembatan.api.models import AggregatorKey, ApiToken
from jembatan.communities.access import get_kims_for_user


def can_use_api(user: AnyUser) -> bool:
    """Tokens act as their user, so only users with a role (a KIM or a government
    membership) have anything to do with one."""
    if not user.is_authenticated:
        return False
    return bool(get_memberships_for_user(user)) or get_kims_for_user(user).exists()


def get_api_tokens_for_user(user: AnyUser) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def get_api_token_for_user(user: AnyUser, pk: int) -> ApiToken:
    token = get_api_tokens_for_user(user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("Token tidak ditemukan."))
    return token


def can_manage_aggregator_keys(user: AnyUser) -> bool:
    """Aggregator keys are the Diskominfo's (kabupaten admins; operators everywhere)."""
    return administers_any_kabupaten(user)


def get_aggregator_keys_for_user(user: AnyUser) -> QuerySet[AggregatorKey]:
    codes = [region.code for region in administered_kabupaten(user)]
    return AggregatorKey.objects.filter(kabupaten_id__in=codes)


def get_aggregator_key_for_user(user: AnyUser, pk: int) -> AggregatorKey:
    key = get_aggregator_keys_for_user(user).filter(pk=pk).first()
    if key is None:
        raise Http404(_("Kunci tidak ditemukan."))
    return key
