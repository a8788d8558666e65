"""The requester's own data page (UU 27/2022), behind the request's private link: a copy
of what is kept about them, who processed it, and the correction of their contact
(disclosure.personal_data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.core.service_calls import service_errors
from jembatan.disclosure import personal_data
from jembatan.disclosure.forms import RequesterCorrectForm
from jembatan.disclosure.views import _request_by_token, token_lookup


def _mask(value: str) -> str:
    """Enough to recognise, not enough to use (the page may be left open on a phone)."""
    if not value:
        return ""
    if "@" in value:
        name, _at, domain = value.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"{value[:4]}{'*' * max(len(value) - 8, 2)}{value[-4:]}" if len(value) > 8 else "****"


@never_cache
@require_http_methods(["GET", "POST"])
@token_lookup
def my_data(request: HttpRequest, number: str, token: str) -> HttpResponse:
    info_request = _request_by_token(request, number, token)
    form = RequesterCorrectForm()
    if request.method == "POST" and request.POST.get("action") == "erase":
        if request.POST.get("confirm") != "1":
            messages.error(request, _("Centang persetujuan untuk menghapus data Anda."))
        elif not personal_data.may_erase_now(info_request):
            messages.error(
                request,
                _(
                    "Identitas Anda masih diperlukan PPID sampai permohonan dan "
                    "keberatannya selesai."
                ),
            )
        else:
            personal_data.requester_erase(request=info_request, reason="citizen request")
            messages.success(request, _("Identitas dan kontak Anda sudah dihapus."))
        return redirect("disclosure:my_data", number=number, token=token)
    if request.method == "POST":
        form = RequesterCorrectForm(request.POST)
        if rate_limit_exceeded(
            "personal-data-correct",
            visitor_key(request),
            limit=settings.PERSONAL_DATA_CORRECT_LIMIT,
            window=600,
        ):
            messages.error(request, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
            return redirect("disclosure:my_data", number=number, token=token)
        if form.is_valid():
            with service_errors(request, form) as call:
                changed = personal_data.requester_correct(
                    request=info_request, data=form.cleaned_data
                )
            if call.ok:
                if changed:
                    messages.success(request, _("Data Anda sudah diperbaiki."))
                else:
                    messages.info(request, _("Tidak ada yang berubah."))
                return redirect("disclosure:my_data", number=number, token=token)
    info_request.refresh_from_db()
    return render(
        request,
        "disclosure/my_data.html",
        {
            "req": info_request,
            "masked": {
                "nik": personal_data.mask_nik(info_request.requester_nik),
                "phone": _mask(info_request.requester_phone),
                "email": _mask(info_request.requester_email),
            },
            "record": personal_data.record_of(info_request),
            "form": form,
            "retention_days": personal_data.retention_days(),
            "may_erase": personal_data.may_erase_now(info_request),
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_safe
@token_lookup
def my_data_json(request: HttpRequest, number: str, token: str) -> HttpResponse:
    info_request = _request_by_token(request, number, token)
    response = JsonResponse(
        personal_data.requester_copy(info_request),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="data-saya-{number}.json"'
    return response
