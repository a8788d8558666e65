"""Two-factor pages: set up an authenticator, enter a code, backup codes, turn it off."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from jembatan.accounts import two_factor
from jembatan.accounts.http import AuthenticatedHttpRequest
from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key

_CODES_SESSION_KEY = "two_factor_new_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode verifikasi"),
        max_length=20,
        help_text=gettext_lazy(
            "6 angka dari aplikasi autentikator, atau salah satu kode cadangan Anda."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "autofocus": True,
            }
        ),
    )


def _qr_svg(data: str) -> str:
    # Imported by the first QR code, not with the views (it brings lxml).
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    # Its own size in millimetres (about 4 cm) suits phones and desktops alike.
    return image.to_string(encoding="unicode")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/kelola/"


def _throttled(request: HttpRequest) -> bool:
    """Code attempts per user and per address, on top of the lock after wrong codes."""
    return rate_limit_exceeded(
        "otp-attempt", f"{request.user.pk}:{visitor_key(request)}", limit=20, window=600
    )


def _locked_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context["form"].add_error(
        None,
        _(
            "Terlalu banyak kode yang salah. Demi keamanan, coba lagi dalam beberapa menit "
            "atau gunakan kode cadangan setelah itu."
        ),
    )
    return render(request, template, context, status=429)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator or a backup code."""
    user = request.user
    if not two_factor.has_confirmed_device(user):
        return redirect("accounts:two_factor_setup")
    if user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    context = {"form": form, "next": _next_url(request)}
    if request.method == "POST":
        if _throttled(request) or two_factor.is_locked(user):
            return _locked_response(request, "accounts/two_factor_verify.html", context)
        if form.is_valid():
            device = two_factor.verify_code(user=user, code=form.cleaned_data["code"])
            if device is not None:
                request.session.cycle_key()
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("code", _("Kode salah, kedaluwarsa, atau sudah dipakai."))
    return render(request, "accounts/two_factor_verify.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), confirm with one code, get backup codes."""
    user = request.user
    if two_factor.has_confirmed_device(user):
        if not user.is_verified():
            return redirect("accounts:two_factor_verify")
        return redirect("accounts:two_factor")
    device = two_factor.pending_totp_device(user=user)
    form = CodeForm(request.POST or None)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (generated here)
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": two_factor.requires_two_factor(user),
    }
    if request.method == "POST":
        if _throttled(request) or two_factor.is_locked(user):
            return _locked_response(request, "accounts/two_factor_setup.html", context)
        if form.is_valid():
            codes = two_factor.two_factor_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
            if codes is not None:
                request.session.cycle_key()
                otp_login(request, device)
                request.session[_CODES_SESSION_KEY] = codes
                messages.success(request, _("Verifikasi dua langkah aktif."))
                return redirect("accounts:two_factor_codes")
            form.add_error(
                "code", _("Kode tidak cocok. Periksa jam ponsel Anda lalu coba kode yang baru.")
            )
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET"])
def codes(request: HttpRequest) -> HttpResponse:
    """New backup codes, shown once."""
    new_codes = request.session.pop(_CODES_SESSION_KEY, None)
    if not new_codes:
        return redirect("accounts:two_factor")
    return render(request, "accounts/two_factor_codes.html", {"codes": new_codes})


@never_cache
@login_required
@require_http_methods(["GET"])
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "enabled": two_factor.has_confirmed_device(user),
            "required": two_factor.requires_two_factor(user),
            "remaining": two_factor.remaining_backup_codes(user),
        },
    )


@login_required
@require_POST
def regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not (request.user.is_verified() and two_factor.has_confirmed_device(request.user)):
        return redirect("accounts:two_factor")
    request.session[_CODES_SESSION_KEY] = two_factor.backup_codes_regenerate(user=request.user)
    messages.success(request, _("Kode cadangan baru dibuat; kode lama tidak berlaku lagi."))
    return redirect("accounts:two_factor_codes")


@login_required
@require_POST
def disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_verified():
        return redirect("accounts:two_factor")
    if two_factor.two_factor_disable(user=user):
        messages.success(request, _("Verifikasi dua langkah dimatikan."))
    else:
        messages.error(
            request,
            _("Peran Anda mewajibkan verifikasi dua langkah; fitur ini tidak dapat dimatikan."),
        )
    return redirect("accounts:two_factor")
