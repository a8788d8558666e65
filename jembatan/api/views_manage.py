"""/kelola/api/: a user's own API tokens (list, create, revoke)."""

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

from jembatan.api import services
from jembatan.api.access import can_use_api, get_api_token_for_user, get_api_tokens_for_user
from jembatan.api.forms import TokenForm
from jembatan.core.service_calls import service_errors


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
