"""Public side of aspirations: send, track, follow a case, and the list of public cases."""

from __future__ import annotations

import datetime
import functools
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.base import UpdateError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jembatan.aspirations import deadlines, limits, personal_data, reporter, services
from jembatan.aspirations.forms import (
    AspirationForm,
    ContactCorrectForm,
    FollowUpForm,
    RespondForm,
    TrackForm,
)
from jembatan.aspirations.models import AnswerFile, Aspiration, CaseEvent, Category, Status
from jembatan.core.gateway import gateway_enabled
from jembatan.core.params import get_page
from jembatan.core.ratelimit import rate_limit_exceeded, rate_limit_reached, visitor_key
from jembatan.core.service_calls import service_errors
from jembatan.core.storage import private_file_response
from jembatan.regions.models import Region
from jembatan.tenants.current import served_code

LOOKUP_LIMIT, LOOKUP_WINDOW = 20, 600
PAGE_SIZE = 20
SIMILAR_DAYS = 60


def _public_cases():
    return (
        Aspiration.objects.filter(kabupaten_id=served_code())
        .exclude(visibility=Aspiration.Visibility.CONFIDENTIAL)
        .exclude(status=Status.CLOSED, close_reason=Aspiration.CloseReason.SPAM)
        .select_related("category", "region", "region__parent", "office", "merged_into")
    )


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    cases = _public_cases()
    kecamatan = Region.objects.filter(parent_id=served_code()).order_by("name")
    categories = Category.objects.filter(kabupaten_id=served_code())
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
    # A client id from the server too: without script a double tap on "Kirim" still makes
    # one case (the page's script keeps this id; never cached, so it is this visitor's).
    form = AspirationForm(
        request.POST or None, request.FILES or None, initial={"client_id": uuid.uuid4().hex}
    )
    if request.method == "POST":
        # Only stored aspirations use up the allowance (jembatan.aspirations.limits): counted
        # ahead with the check, given back unless a case was stored.
        allowance = limits.check(request, request.POST)
        try:
            return _submit_post(request, form, allowance)
        finally:
            limits.settle(allowance)
    return render(request, "aspirations/submit.html", {"form": form})


def _submit_post(
    request: HttpRequest, form: AspirationForm, allowance: limits.Allowance
) -> HttpResponse:
    if allowance.address_refused:
        form.is_valid()
        form.add_error(None, _("Terlalu banyak kiriman dari Anda. Coba lagi beberapa menit lagi."))
        response = render(request, "aspirations/submit.html", {"form": form}, status=429)
        response["Retry-After"] = str(limits.SUBMIT_WINDOW)
        return response
    if form.is_valid():
        if form.cleaned_data["website"]:
            allowance.keep(contacts=False)  # a bot is answered as if it was stored
            return redirect("aspirations:list")  # a bot: accept silently, keep nothing
        if allowance.contact_refused:
            form.add_error(
                None,
                _("Sudah banyak aspirasi dari nomor HP atau email ini. Coba lagi sejam lagi."),
            )
            response = render(request, "aspirations/submit.html", {"form": form}, status=429)
            response["Retry-After"] = str(limits.CONTACT_WINDOW)
            return response
        with service_errors(request, form) as call:
            case, created = _submit_web(request, form.cleaned_data)
        if call.ok:
            if created:  # a form sent again finds its case and is not counted twice
                allowance.keep()
            else:
                # A retry from the same browser (its own client_id) gets a fresh key:
                # the first answer may never have reached it.
                _remember(request, case, reporter.reporter_key_issue(case=case))
            return redirect("aspirations:submitted", code=case.code)
    had_photos = any(f.size for f in request.FILES.getlist("photos"))
    return render(
        request, "aspirations/submit.html", {"form": form, "had_photos": had_photos}, status=400
    )


def _submit_web(request: HttpRequest, data: dict) -> tuple[Aspiration, bool]:
    """Store the form as a case; (case, created). A form sent again with the page's
    client id finds the first case: from the browser that made it (the session remembers
    it), or with the same text (the outbox resending after the session was lost).
    Someone else sending that id with other text gets an id of their own, so a case of
    their own, never this one or a link to it.

    The id is not looked up first: a retry is rare, and the unique id finds it at the
    insert (aspiration_submit), which saves a query on every submission."""
    client_id = data.get("client_id")
    plain = f"web:{client_id}" if client_id else None

    def remember_new(case: Aspiration) -> None:
        # The reporter's session is written in the case's transaction: one commit (one
        # flush to disk) for both, and the session middleware finds nothing left to write.
        _remember(request, case, case.reporter_key)
        try:
            request.session.save()
        except UpdateError:  # its row was cleared meanwhile: the case gets a new session
            request.session.create()

    case, created = services.aspiration_submit(
        data=data, photos=data["photos"], client_id=plain, on_stored=remember_new
    )
    if created or plain is None or _same_form(request, case, data):
        return case, created
    for photo in data["photos"]:
        photo.seek(0)  # read by the first try
    return services.aspiration_submit(
        data=data,
        photos=data["photos"],
        client_id=services.client_scoped_id(
            "web", client=client_id, key=data.get("description", "")
        ),
        on_stored=remember_new,
    )


def _remember(request: HttpRequest, case: Aspiration, key: str) -> None:
    """This browser's session holds the case (it acts for the reporter) and, for the
    answer page, the private link's key: shown once, stored nowhere else."""
    reporter.remember(request, case)
    request.session[reporter.SESSION_NEW_KEY] = {"code": case.code, "key": key}


def _same_form(request: HttpRequest, existing: Aspiration, data: dict) -> bool:
    """Whether a case found by the form's client id is this visitor's own: remembered
    by the session, or sent with the same text, desa and category."""
    if reporter.remembered(request, existing):
        return True
    return (
        existing.description.strip() == (data.get("description") or "").strip()
        and existing.region_id == getattr(data.get("region"), "pk", None)
        and existing.category_id == getattr(data.get("category"), "pk", None)
    )


def count_code_guess(request: HttpRequest) -> bool:
    """Count one guess (an unknown code, a wrong key) in the visitor's lookup bucket."""
    return rate_limit_exceeded(
        "aspiration-lookup", visitor_key(request), limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW
    )


def _own_case(request: HttpRequest, code: str) -> bool:
    """The reporter's own case (remembered by this session, or opened with its key) or
    one the signed-in KIM member recorded: no guess, so not refused when neighbours' typos
    on a shared address have filled the lookup limit. A wrong key does not pass."""
    if code in request.session.get(reporter.SESSION_KEY, []):
        return True
    key = _key_from(request.GET.get("k", ""))
    if not key and not request.user.is_authenticated:
        return False
    case = Aspiration.objects.filter(code=code).first()
    if case is None:
        return False
    if key and reporter.key_matches(case, key):
        return True
    return request.user.is_authenticated and case.recorded_by_id == request.user.pk


def lookup_over_limit(request: HttpRequest) -> bool:
    """Whether the visitor's lookup bucket is full: shared by every route that looks a
    tracking code up, here and in Open311 and the API."""
    return rate_limit_reached("aspiration-lookup", visitor_key(request), limit=LOOKUP_LIMIT)


def _refused(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Terlalu banyak pencarian. Coba lagi beberapa menit lagi."))
    response = render(request, "aspirations/track.html", {"form": TrackForm()}, status=429)
    response["Retry-After"] = str(LOOKUP_WINDOW)
    return response


def code_lookup(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every page that looks a tracking code up shares one limit per visitor: once over
    it, each of them refuses every code alike, so that no route (a GET, a POST, the data
    page) can still tell real codes from invented ones."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The reporter's own case, remembered by this session, is no guess: a neighbour's
        # typos on a shared address must not hide a citizen's fresh private link.
        if lookup_over_limit(request) and not _own_case(request, kwargs.get("code", "")):
            return _refused(request)
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@require_safe
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    status = 200
    if request.GET and form.is_valid():
        if count_code_guess(request):
            form.add_error(None, _("Terlalu banyak pencarian. Coba lagi beberapa menit lagi."))
            status = 429
        else:
            code = services.normalize_code(form.cleaned_data["code"])
            if Aspiration.objects.filter(code=code, kabupaten_id=served_code()).exists():
                return redirect("aspirations:track_detail", code=code)
            form.add_error("code", _("Kode lacak ini tidak ditemukan. Periksa lagi hurufnya."))
            status = 404
    return render(request, "aspirations/track.html", {"form": form}, status=status)


def _case_by_code(request: HttpRequest, code: str) -> Aspiration:
    """The case of this tracking code in the tenant being served: another kabupaten's
    code is not found on this host (as an unknown one, and counted the same)."""
    case = (
        Aspiration.objects.select_related("category", "region", "office", "merged_into")
        .filter(code=code, kabupaten_id=served_code())
        .first()
    )
    if case is None:
        # Unknown codes count against the lookup limit: guessing codes by URL is no faster.
        count_code_guess(request)
        raise Http404(_("Kode lacak ini tidak ditemukan."))
    return case


def _key_from(value: str) -> str:
    """The key alone, from the key or from the whole private link pasted into the form."""
    value = (value or "").strip()
    if "k=" in value:
        value = value.split("k=", 1)[1].split("&", 1)[0].split("#", 1)[0]
    return value[: reporter.MAX_KEY_LENGTH]


def _acting_user(request: HttpRequest):
    """Who is on record for a reporter's action: a signed-in KIM member acting for a
    neighbour; nobody for the citizen themselves."""
    return request.user if request.user.is_authenticated else None


def _reporter_only(request: HttpRequest, case: Aspiration) -> HttpResponse:
    """What a visitor without the reporter's key gets from a reporter's page: 403. It
    counts as a lookup: holding a code and probing its reporter's pages is guessing."""
    count_code_guess(request)
    return render(
        request,
        "aspirations/reporter_only.html",
        {"case": case, "display_code": services.display_code(case.code)},
        status=403,
    )


@never_cache
@require_safe
@code_lookup
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    canonical = services.normalize_code(code)
    if canonical and canonical != code:  # 49XA-UPAZ, 49xaupaz: as printed, the case's address
        query = request.META.get("QUERY_STRING", "")
        url = reverse("aspirations:track_detail", kwargs={"code": canonical})
        return redirect(f"{url}?{query}" if query else url)
    # Opening a known case is not a guess: only unknown codes count (in _case_by_code),
    # but a visitor over the limit is refused for every code (code_lookup).
    case = _case_by_code(request, code)
    if "k" in request.GET:
        # The private link: remembered in the session, then out of the address bar (and
        # of the history and of any address shared from it).
        if reporter.key_matches(case, _key_from(request.GET["k"])):
            reporter.remember(request, case)
            messages.success(request, _("Anda membuka aspirasi ini sebagai pelapornya."))
        else:
            count_code_guess(request)  # a wrong key is a guess like a wrong code
            messages.error(
                request, _("Tautan pribadi atau kunci ini tidak berlaku untuk aspirasi ini.")
            )
        return redirect(case.get_absolute_url())
    is_reporter = reporter.acts_for_reporter(request, case)
    shown = Q(is_public=True)
    if is_reporter:
        shown |= Q(kind=CaseEvent.Kind.FOLLOW_UP)  # their own follow-ups
    events = list(case.events.filter(shown).select_related("office").prefetch_related("files"))
    answers = [
        e
        for e in events
        if e.body and (e.kind == CaseEvent.Kind.ANSWER or e.to_status == Status.DONE)
    ]
    return render(
        request,
        "aspirations/detail.html",
        {
            "case": case,
            "clocks": deadlines.running_clocks(case),
            "ppid_url": ppid_request_url(case),
            "events": events,
            "latest_answer": answers[-1] if answers else None,
            "display_code": services.display_code(case.code),
            "is_reporter": is_reporter,
            "follow_up_form": FollowUpForm(),
            "respond_form": RespondForm(),
            "can_respond": services.may_respond(case),
            # The reporter's photos are theirs: no public page has ever shown them.
            "photos": case.photos.filter(event=None) if is_reporter else [],
            "updates": _how_updates_reach(case) if is_reporter else "",
        },
    )


@never_cache
@require_safe
@code_lookup
def answer_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A file of a public answer, for the reporter (their key, or the KIM member who
    recorded the case): never a public /media/ URL. Staff use /kelola/."""
    case = _case_by_code(request, code)
    if not reporter.acts_for_reporter(request, case):
        return _reporter_only(request, case)
    row = AnswerFile.objects.filter(aspiration=case, pk=pk, event__is_public=True).first()
    if row is None:
        raise Http404(_("Berkas tidak tersedia."))
    return private_file_response(row.file, row.name)


def _how_updates_reach(case: Aspiration) -> str:
    if case.reporter_email:
        return _("Setiap perkembangan juga kami kirim ke email %(email)s.") % {
            "email": services.mask(case.reporter_email)
        }
    if case.reporter_phone and gateway_enabled(case.kabupaten_id):
        return _("Setiap perkembangan juga kami kirim lewat SMS ke nomor %(phone)s.") % {
            "phone": services.mask(case.reporter_phone)
        }
    if case.reporter_phone:
        return _(
            "Kami tidak mengirim SMS: petugas dapat menelepon nomor %(phone)s bila perlu. "
            "Untuk melihat perkembangan, buka lagi tautan pribadi Anda atau halaman ini di "
            "ponsel ini."
        ) % {"phone": services.mask(case.reporter_phone)}
    if case.kim_id:
        return _("KIM yang mencatat aspirasi ini akan mengabarkan perkembangannya kepada Anda.")
    return _("Untuk melihat perkembangan, buka lagi tautan pribadi Anda.")


def ppid_request_url(case: Aspiration) -> str:
    """For a request for information, the PPID's request form (UU 14/2008), when the
    disclosure app is installed: by its URL name, since aspirations may not import it
    (capabilities share a floor)."""
    if case.report_type != Aspiration.ReportType.INFORMATION:
        return ""
    try:
        return reverse("disclosure:request_submit")
    except NoReverseMatch:
        return ""


@never_cache
@require_safe
@code_lookup
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """The success page: the tracking code, and the private link while this browser's
    session holds it (it is stored nowhere else)."""
    case = _case_by_code(request, code)
    new = request.session.get(reporter.SESSION_NEW_KEY) or {}
    if new.get("code") != case.code:
        return redirect(case.get_absolute_url())
    return render(
        request,
        "aspirations/submitted.html",
        {
            "case": case,
            "ppid_url": ppid_request_url(case),
            "display_code": services.display_code(case.code),
            "private_link": request.build_absolute_uri(
                reporter.private_path(case, new.get("key", ""))
            ),
            "updates": _how_updates_reach(case),
        },
    )


@require_POST
@code_lookup
def follow_up(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_by_code(request, code)
    if not reporter.acts_for_reporter(request, case):
        return _reporter_only(request, case)
    form = FollowUpForm(request.POST)
    if rate_limit_exceeded("aspiration-follow-up", visitor_key(request), limit=10, window=600):
        messages.error(request, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
    elif form.is_valid():
        with service_errors(request, success=_("Keterangan tambahan terkirim ke petugas.")):
            services.citizen_follow_up(
                case=case, body=form.cleaned_data["body"], actor=_acting_user(request)
            )
    else:
        messages.error(request, _("Tuliskan keterangan tambahan."))
    return redirect(case.get_absolute_url())


@require_POST
@code_lookup
def respond(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_by_code(request, code)
    if not reporter.acts_for_reporter(request, case):
        return _reporter_only(request, case)
    form = RespondForm(request.POST)
    if form.is_valid():
        with service_errors(request) as call:
            case = services.citizen_respond(
                case=case,
                accept=form.cleaned_data["accept"],
                rating=form.cleaned_data["rating"],
                body=form.cleaned_data["body"],
                actor=_acting_user(request),
            )
        if call.ok:
            messages.success(
                request,
                _("Terima kasih atas penilaian Anda.")
                if case.citizen_confirmed
                else _("Aspirasi dibuka kembali; petugas akan menindaklanjuti."),
            )
    else:
        messages.error(request, _("Pilih apakah jawaban ini menyelesaikan aspirasi Anda."))
    return redirect(case.get_absolute_url())


@require_safe
def similar(request: HttpRequest) -> JsonResponse:
    """Recent public cases of the same category in the same desa: shown on the form
    before sending, so that a citizen can follow an existing case instead."""
    category = request.GET.get("kategori", "")
    text = (request.GET.get("desa") or "").strip()[:120]
    if not category.isdecimal() or len(category) > 9 or not text:
        return JsonResponse({"results": []})
    match = re.search(r"(\d{2}(?:\.\d+){3})", text)
    villages = Region.objects.filter(level=Region.Level.DESA, code__startswith=f"{served_code()}.")
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
@code_lookup
def my_data(request: HttpRequest, code: str) -> HttpResponse:
    """What is stored about the reporter of this case, who processed it, and correcting
    or erasing it (UU 27/2022; aspirations.personal_data).

    Only the reporter (their key) sees it; the contact is still shown masked, as a
    phone left unlocked on the private page should not hand it out either (the full copy
    is the JSON download)."""
    case = _case_by_code(request, code)
    if not reporter.acts_for_reporter(request, case):
        return _reporter_only(request, case)
    form = ContactCorrectForm()
    if request.method == "POST" and request.POST.get("action") == "correct":
        form = ContactCorrectForm(request.POST)
        if rate_limit_exceeded(
            "personal-data-correct",
            visitor_key(request),
            limit=settings.PERSONAL_DATA_CORRECT_LIMIT,
            window=600,
        ):
            messages.error(request, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
            return redirect("aspirations:my_data", code=case.code)
        if form.is_valid():
            with service_errors(request, form) as call:
                changed = personal_data.reporter_correct(
                    case=case, data=form.cleaned_data, actor=_acting_user(request)
                )
            if call.ok:
                if changed:
                    messages.success(request, _("Data Anda sudah diperbaiki."))
                else:
                    messages.info(request, _("Tidak ada yang berubah."))
                return redirect("aspirations:my_data", code=case.code)
    elif request.method == "POST":
        if request.POST.get("confirm") == "1":
            services.contact_erase(case=case, actor=_acting_user(request), reason="citizen request")
            messages.success(request, _("Nama dan kontak Anda sudah dihapus dari aspirasi ini."))
        else:
            messages.error(request, _("Centang persetujuan untuk menghapus data Anda."))
        return redirect("aspirations:my_data", code=case.code)
    case.refresh_from_db()
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
            "photo_count": case.photos.filter(event=None).count(),
            "follow_ups": case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP),
            "record": personal_data.record_of(case),
            "form": form,
            "retention": personal_data.retention_note(),
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_safe
@code_lookup
def my_data_json(request: HttpRequest, code: str) -> HttpResponse:
    """The reporter's copy of their data, whole, as a JSON download (UU 27/2022 Pasal 7
    and 13)."""
    case = _case_by_code(request, code)
    if not reporter.acts_for_reporter(request, case):
        return _reporter_only(request, case)
    response = JsonResponse(
        personal_data.reporter_copy(case), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="data-saya-{case.code}.json"'
    return response
