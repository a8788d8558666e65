"""/kelola/api/: a user's own API tokens (list, create, revoke); /kelola/api/open311/: the
Open311 aggregator keys of the kabupaten an admin administers (list, create, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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

# The session slot of a new aggregator key between its POST and its one display.
NEW_AGGREGATOR_KEY = "api_new_aggregator_key"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if not can_use_api(request.user):
        raise PermissionDenied(_("Token API hanya untuk pengurus KIM dan petugas pemerintah."))
    form = TokenForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(request, form) as call:
                _token, secret = services.api_token_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                )
            if call.ok:
                # Shown on this response only (never stored, never redirected with).
                form = TokenForm()
            else:
                status = 400
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": get_api_tokens_for_user(request.user),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_api_token_for_user(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” dicabut.") % {"name": token.name})
    return redirect("api:tokens")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def aggregator_keys(request: HttpRequest) -> HttpResponse:
    if not can_manage_aggregator_keys(request.user):
        raise PermissionDenied(_("Kunci Open311 hanya untuk admin kabupaten (Diskominfo)."))
    kabupaten = administered_kabupaten(request.user)
    form = AggregatorKeyForm(request.POST or None, kabupaten=kabupaten)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(request, form) as call:
                _key, secret = services.aggregator_key_create(
                    actor=request.user,
                    kabupaten=form.cleaned_data["kabupaten"],
                    name=form.cleaned_data["name"],
                    per_minute=form.cleaned_data["per_minute"],
                    per_hour=form.cleaned_data["per_hour"],
                )
            if not call.ok:
                status = 400
            else:
                # Post/redirect/get: a reload of the answer must not make a second key.
                # The secret waits in the session for exactly one display, then is gone.
                request.session[NEW_AGGREGATOR_KEY] = secret
                return redirect("api:aggregator_keys")
        else:
            status = 400
    else:
        secret = request.session.pop(NEW_AGGREGATOR_KEY, None)
    return render(
        request,
        "api/aggregator_keys.html",
        {
            "form": form,
            "secret": secret,
            "keys": get_aggregator_keys_for_user(request.user).select_related(
                "kabupaten", "created_by"
            ),
        },
        status=status,
    )


@login_required
@require_POST
def aggregator_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_aggregator_key_for_user(request.user, pk)
    services.aggregator_key_revoke(actor=request.user, key=key)
    messages.success(request, _("Kunci “%(name)s” dicabut.") % {"name": key.name})
    return redirect("api:aggregator_keys")
