"""/kelola/api/: a user's own API tokens (list, create, revoke); /kelola/api/open311/: the
Open311 aggregator keys of the kabupaten an admin administers (list, create, revoke)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jembatan.accounts.access import administered_kabupaten
from jembatan.api import services
from jembatan.api.access import (
    can_manage_aggregator_keys,
    can_use_api,
    get_aggregator_key_for_user,
    get_aggregator_keys_for_user,
    get_api_token_for_user,
    get_api_tokens_for_user,
)
from jembatan.api.forms import AggregatorKeyForm, TokenForm
from jembatan.core.service_calls import service_errors

# The session slots of a new secret between its POST and its one display.
NEW_API_TOKEN = "api_new_token"  # noqa: S105 (a session key's name, not a secret)
NEW_AGGREGATOR_KEY = "api_new_aggregator_key"


def _secret_page(
    request: HttpRequest,
    *,
    form: Form,
    create: Callable[[dict[str, Any]], str],
    slot: str,
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The page that makes a secret (a token, a key) and lists its kind.

    Post/redirect/get: a valid POST calls ``create(cleaned_data)``, which returns the new
    secret; the secret waits in the session under ``slot`` and the answer redirects to
    this page, which shows it exactly once (a reload shows it no more and makes nothing).
    A refused POST answers on the spot (400). The views are never cached (no-store)."""
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(request, form) as call:
                new_secret = create(form.cleaned_data)
            if call.ok:
                request.session[slot] = new_secret
                return redirect(request.path)
        status = 400
    else:
        secret = request.session.pop(slot, None)
    return render(request, template, {**context(), "form": form, "secret": secret}, status=status)


def _revoked(request: HttpRequest, message: str, name: str, to: str) -> HttpResponse:
    messages.success(request, message % {"name": name})
    return redirect(to)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if not can_use_api(request.user):
        raise PermissionDenied(_("Token API hanya untuk pengurus KIM dan petugas pemerintah."))

    def create(data: dict[str, Any]) -> str:
        _token, secret = services.api_token_create(
            actor=request.user, name=data["name"], days=data["days"]
        )
        return secret

    return _secret_page(
        request,
        form=TokenForm(request.POST or None),
        create=create,
        slot=NEW_API_TOKEN,
        template="api/tokens.html",
        context=lambda: {"tokens": get_api_tokens_for_user(request.user)},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_api_token_for_user(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token)
    return _revoked(request, _("Token “%(name)s” dicabut."), token.name, "api:tokens")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def aggregator_keys(request: HttpRequest) -> HttpResponse:
    if not can_manage_aggregator_keys(request.user):
        raise PermissionDenied(_("Kunci Open311 hanya untuk admin kabupaten (Diskominfo)."))

    def create(data: dict[str, Any]) -> str:
        _key, secret = services.aggregator_key_create(
            actor=request.user,
            kabupaten=data["kabupaten"],
            name=data["name"],
            per_minute=data["per_minute"],
            per_hour=data["per_hour"],
        )
        return secret

    kabupaten = administered_kabupaten(request.user)
    keys = get_aggregator_keys_for_user(request.user).select_related("kabupaten", "created_by")
    return _secret_page(
        request,
        form=AggregatorKeyForm(request.POST or None, kabupaten=kabupaten),
        create=create,
        slot=NEW_AGGREGATOR_KEY,
        template="api/aggregator_keys.html",
        context=lambda: {"keys": keys},
    )


@login_required
@require_POST
def aggregator_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_aggregator_key_for_user(request.user, pk)
    services.aggregator_key_revoke(actor=request.user, key=key)
    return _revoked(request, _("Kunci “%(name)s” dicabut."), key.name, "api:aggregator_keys")
