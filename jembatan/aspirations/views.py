"""Public side of aspirations: send, track, follow a case, and the list of public cases."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jembatan.aspirations import limits, services
from jembatan.aspirations.forms import AspirationForm, FollowUpForm, RespondForm, TrackForm
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, Status
from jembatan.core.forms import add_service_errors
from jembatan.core.params import get_page
from jembatan.core.ratelimit import rate_limit_exceeded, rate_limit_reached, visitor_key
from jembatan.regions.models import Region

LOOKUP_LIMIT, LOOKUP_WINDOW = 20, 600
PAGE_SIZE = 20
SIMILAR_DAYS = 60


def _public_cases():
    return (
        Aspiration.objects.filter(kabupaten_id=settings.HUB_REGION_CODE)
        .exclude(visibility=Aspiration.Visibility.CONFIDENTIAL)
        .exclude(status=Status.CLOSED, close_reason=Aspiration.CloseReason.SPAM)
        .select_related("category", "region", "region__parent", "office")
    )


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = _public_cases()
    kecamatan = Region.objects.filter(parent_id=settings.HUB_REGION_CODE).order_by("name")
    categories = Category.objects.filter(kabupaten_id=settings.HUB_REGION_CODE)
    chosen = {
        "kecamatan": request.GET.get("kecamatan", ""),
        "kategori": request.GET.get("kategori", ""),
        "status": request.GET.get("status", ""),
    }
    if any(k.code == chosen["kecamatan"] for k in kecamatan):
        cases = cases.filter(region__parent_id=chosen["kecamatan"])
    if chosen["kategori"].isdecimal() and len(chosen["kategori"]) < 10:
        cases = cases.filter(category_id=int(chosen["kategori"]))
    if chosen["status"] in Status.values:
        cases = cases.filter(status=chosen["status"])
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(
        request,
        "aspirations/list.html",
        {
            "page": get_page(Paginator(cases, PAGE_SIZE), request.GET.get("halaman")),
            "kecamatan": kecamatan,
            "categories": categories,
            "statuses": Status.choices,
            "chosen": chosen,
            "page_query": query,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = AspirationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        # Only stored aspirations use up the allowance (jembatan.aspirations.limits).
        if limits.attempts_exceeded(request) or limits.address_full(request):
            form.is_valid()
            form.add_error(
                None, _("Terlalu banyak kiriman dari Anda. Coba lagi beberapa menit lagi.")
            )
            return render(request, "aspirations/submit.html", {"form": form}, status=429)
        if form.is_valid():
            if form.cleaned_data["website"]:
                limits.count_accepted(request, {})  # a bot is answered as if it was stored
                return redirect("aspirations:list")  # a bot: accept silently, keep nothing
            if limits.contact_full(form.cleaned_data):
                form.add_error(
                    None,
                    _("Sudah banyak aspirasi dari nomor HP atau email ini. Coba lagi sejam lagi."),
                )
                return render(request, "aspirations/submit.html", {"form": form}, status=429)
            try:
                client_id = form.cleaned_data.get("client_id")
                case, created = services.aspiration_submit(
                    data=form.cleaned_data,
                    photos=form.cleaned_data["photos"],
                    client_id=f"web:{client_id}" if client_id else None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:  # a form sent again finds its case and is not counted twice
                    limits.count_accepted(request, form.cleaned_data)
                messages.success(
                    request,
                    _("Aspirasi Anda diterima. Simpan kode lacak ini: %(code)s")
                    % {"code": services.display_code(case.code)},
                )
                return redirect(case.get_absolute_url())
        return render(request, "aspirations/submit.html", {"form": form}, status=400)
    return render(request, "aspirations/submit.html", {"form": form})


def _lookup_blocked(request: HttpRequest) -> bool:
    return rate_limit_exceeded(
        "aspiration-lookup", visitor_key(request), limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW
    )


@never_cache
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    status = 200
    if request.GET and form.is_valid():
        if _lookup_blocked(request):
            form.add_error(None, _("Terlalu banyak pencarian. Coba lagi beberapa menit lagi."))
            status = 429
        else:
            code = services.normalize_code(form.cleaned_data["code"])
            if Aspiration.objects.filter(code=code).exists():
                return redirect("aspirations:track_detail", code=code)
            form.add_error("code", _("Kode lacak ini tidak ditemukan. Periksa lagi hurufnya."))
            status = 404
    return render(request, "aspirations/track.html", {"form": form}, status=status)


def _case_by_code(request: HttpRequest, code: str) -> Aspiration:
    case = (
        Aspiration.objects.select_related("category", "region", "office").filter(code=code).first()
    )
    if case is None:
        # Unknown codes count against the lookup limit: guessing codes by URL is no faster.
        _lookup_blocked(request)
        raise Http404(_("Kode lacak ini tidak ditemukan."))
    return case


@never_cache
@require_GET
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    # Opening a known case is not a guess: only unknown codes count (in _case_by_code),
    # but a visitor over the limit is refused for every code, so that the address cannot
    # tell real codes from invented ones.
    if rate_limit_reached("aspiration-lookup", visitor_key(request), limit=LOOKUP_LIMIT):
        return render(request, "aspirations/track.html", {"form": TrackForm()}, status=429)
    case = _case_by_code(request, code)
    events = case.events.filter(is_public=True).select_related("office")
    return render(
        request,
        "aspirations/detail.html",
        {
            "case": case,
            "events": events,
            "display_code": services.display_code(case.code),
            "follow_up_form": FollowUpForm(),
            "respond_form": RespondForm(),
            "can_respond": case.status == Status.DONE and case.citizen_confirmed is None,
            "photos": case.photos.all(),
            "follow_ups": case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).count(),
        },
    )


@require_POST
def follow_up(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_by_code(request, code)
    form = FollowUpForm(request.POST)
    if rate_limit_exceeded("aspiration-follow-up", visitor_key(request), limit=10, window=600):
        messages.error(request, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
    elif form.is_valid():
        try:
            services.citizen_follow_up(case=case, body=form.cleaned_data["body"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Keterangan tambahan terkirim ke petugas."))
    else:
        messages.error(request, _("Tuliskan keterangan tambahan."))
    return redirect(case.get_absolute_url())


@require_POST
def respond(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_by_code(request, code)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            case = services.citizen_respond(
                case=case,
                accept=form.cleaned_data["accept"],
                rating=form.cleaned_data["rating"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Terima kasih atas penilaian Anda.")
                if case.citizen_confirmed
                else _("Aspirasi dibuka kembali; petugas akan menindaklanjuti."),
            )
    else:
        messages.error(request, _("Pilih apakah jawaban ini menyelesaikan aspirasi Anda."))
    return redirect(case.get_absolute_url())


@require_GET
def similar(request: HttpRequest) -> JsonResponse:
    """Recent public cases of the same category in the same desa: shown on the form
    before sending, so that a citizen can follow an existing case instead."""
    category = request.GET.get("kategori", "")
    text = (request.GET.get("desa") or "").strip()[:120]
    if not category.isdecimal() or len(category) > 9 or not text:
        return JsonResponse({"results": []})
    match = re.search(r"(\d{2}(?:\.\d+){3})", text)
    villages = Region.objects.filter(
        level=Region.Level.DESA, code__startswith=f"{settings.HUB_REGION_CODE}."
    )
    village = (
        villages.filter(code=match.group(1)).first()
        if match
        else villages.filter(name__iexact=text).first()
    )
    if village is None:
        return JsonResponse({"results": []})
    since = timezone.now() - datetime.timedelta(days=SIMILAR_DAYS)
    cases = (
        _public_cases()
        .filter(category_id=int(category), region=village, created_at__gte=since)
        .exclude(status=Status.CLOSED)[:5]
    )
    return JsonResponse(
        {
            "results": [
                {
                    "code": services.display_code(c.code),
                    "url": c.get_absolute_url(),
                    "status": str(c.get_status_display()),
                    "text": Truncator(c.description).chars(120),
                }
                for c in cases
            ]
        }
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest, code: str) -> HttpResponse:
    """What is stored about the reporter of this case, and erasing it (UU 27/2022).

    Holding the tracking code is all that proves who is asking, so the contact data is
    shown masked, never in full; erasing needs no more than the code."""
    if rate_limit_reached("aspiration-lookup", visitor_key(request), limit=LOOKUP_LIMIT):
        return render(request, "aspirations/track.html", {"form": TrackForm()}, status=429)
    case = _case_by_code(request, code)
    if request.method == "POST":
        if request.POST.get("confirm") == "1":
            services.contact_erase(case=case, reason="citizen request")
            messages.success(request, _("Nama dan kontak Anda sudah dihapus dari aspirasi ini."))
        else:
            messages.error(request, _("Centang persetujuan untuk menghapus data Anda."))
        return redirect("aspirations:my_data", code=case.code)
    return render(
        request,
        "aspirations/my_data.html",
        {
            "case": case,
            "display_code": services.display_code(case.code),
            "masked": {
                "name": services.mask_name(case.reporter_name),
                "phone": services.mask(case.reporter_phone),
                "email": services.mask(case.reporter_email),
            },
            "photo_count": case.photos.count(),
            "retention_days": services.contact_retention_days(),
        },
    )
