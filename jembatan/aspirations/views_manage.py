"""Staff and KIM side of aspirations in /kelola/: the queue, a case, its workflow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jembatan.accounts.access import (
    get_administered_kabupaten_for_user,
    is_operator,
)
from jembatan.accounts.audit import audit_record
from jembatan.accounts.notifications import notification_mark_read
from jembatan.accounts.processing import access_record
from jembatan.aspirations import deadlines, desk, lapor, merge, services
from jembatan.aspirations.access import (
    can_see_reporter,
    get_answer_file_for_user,
    get_case_for_user,
    get_cases_for_user,
    get_open_flags_for_user,
    get_recording_kims_for_user,
    handles,
    is_camat_for,
    regions_for_kim,
    serves_as_kim,
)
from jembatan.aspirations.audit_actions import AuditAction
from jembatan.aspirations.desk_list import (
    case_link,
    clean_list_query,
    list_url,
    looks_like_code,
    next_case,
)
from jembatan.aspirations.forms import (
    STAFF_VISIBILITY,
    ActionForm,
    AspirationForm,
    CategoryForm,
    CommentForm,
    ExtendForm,
    FlagForm,
    FlagResolveForm,
    MergeForm,
    NoteForm,
    NudgeForm,
)
from jembatan.aspirations.models import Aspiration, Category
from jembatan.core.params import get_page
from jembatan.core.service_calls import service_errors
from jembatan.core.storage import private_file_response

PAGE_SIZE = 30


def desk_nav(request: HttpRequest, case: Aspiration) -> dict | None:
    """The way back to the list the case was opened from (its filters kept) and to the
    next case of that list; None when the case was not opened from a list."""
    daftar = clean_list_query(request.GET.get("daftar"))
    if "daftar" not in request.GET:
        return None
    given = looks_like_code(request.GET.get("berikutnya", ""))
    following = None
    if given and given != case.code:
        following = get_cases_for_user(request.user).filter(code=given).first()
    if following is None:
        following = next_case(request.user, daftar, case)
    return {
        "daftar": daftar,
        "back": list_url(daftar),
        "next_code": following.code if following else "",
        "next": case_link(following.code, daftar=daftar) if following else "",
        "next_display": services.display_code(following.code) if following else "",
    }


def _events_for(user, case: Aspiration, *, camat: bool):
    """The case's timeline for this reader. Internal notes and steps are for government
    staff (Diskominfo, the offices, the camat, operators); a KIM's pengurus and members
    read the public steps and their own notes, never the officers' internal ones."""
    events = case.events.select_related("actor", "office").prefetch_related("photos", "files")
    if camat or services._staff(user, case) or handles(user, case):
        return events
    return events.filter(Q(is_public=True) | Q(actor=user))


def back_to_case(request: HttpRequest, code: str, *, acted: bool = False) -> HttpResponse:
    """After a step on a case: back to it, or (asked for, and it went through) straight
    to the next case of the list it was opened from; the list travels along. A step that
    took the case out of the user's sight (an office sending it back) leads to the list."""
    if not get_cases_for_user(request.user).filter(code=code).exists():
        daftar = clean_list_query(request.POST.get("daftar"))
        return redirect(list_url(daftar))
    if "daftar" not in request.POST:
        return redirect("aspirations:manage_detail", code=code)
    daftar = clean_list_query(request.POST.get("daftar"))
    following = looks_like_code(request.POST.get("berikutnya", ""))
    if acted and following and request.POST.get("lanjut") == "1":
        return redirect(case_link(following, daftar=daftar))
    return redirect(case_link(code, daftar=daftar, next_code=following))


@login_required
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    canonical = services.normalize_code(code)
    if canonical and canonical != code:  # FZPU-3KRP, fzpu3krp: the case's own address
        query = request.META.get("QUERY_STRING", "")
        url = reverse("aspirations:manage_detail", kwargs={"code": canonical})
        return redirect(f"{url}?{query}" if query else url)
    case = get_case_for_user(request.user, code)
    # Opening the case reads what the workspace said about it.
    notification_mark_read(user=request.user, url=services.case_url(case))
    # The record of processing the reporter sees (accounts.processing).
    access_record(actor=request.user, target=case)
    return _render_detail(request, case)


def _render_detail(
    request: HttpRequest, case: Aspiration, *, comment_form=None, status: int = 200
) -> HttpResponse:
    """The case page; ``comment_form``: a bound form sent back with its errors, so that
    the text written (an answer typed on a phone) is not lost."""
    user = request.user
    actions = services.actions_for_user(user, case)
    version = services.case_version(case)
    may_answer = services.may_answer(user, case)
    if comment_form is None:
        comment_form = CommentForm(initial={"version": version}) if may_answer else NoteForm()
    open_flag = case.flags.filter(outcome="").select_related("flagged_by").first()
    # The same rules as services.may_note / may_nudge / may_flag, each asked once.
    camat = is_camat_for(user, case)
    pengurus = serves_as_kim(user, case)
    return render(
        request,
        "aspirations/manage/detail.html",
        {
            "case": case,
            "display_code": services.display_code(case.code),
            "staff_visibility": STAFF_VISIBILITY[case.visibility],
            "clocks": deadlines.running_clocks(case),
            "events": _events_for(user, case, camat=camat),
            "photos": case.photos.filter(event=None),
            "show_reporter": can_see_reporter(user, case),
            # Closing is apart from the workflow steps: a different form, further down.
            "actions": [(a, services.ASPIRATION_MACHINE[a].label) for a in actions if a != "close"],
            "may_close": "close" in actions,
            # The help texts name only the steps this page shows now.
            "may_dispose": "dispose" in actions,
            "may_finish": "finish" in actions,
            "action_form": ActionForm(kabupaten_code=case.kabupaten_id),
            "version": version,
            "may_take": desk.may_take(user, case),
            "may_extend": desk.may_extend(user, case),
            "extend_form": ExtendForm(initial={"version": version}, auto_id="perpanjang-%s"),
            # The office chosen before, else the category's; none when the category has
            # none: a preselected office sends cases there by a single click.
            "preselected_office_id": case.office_id or case.category.office_id,
            "comment_form": comment_form,
            "may_answer": may_answer,
            "may_comment": may_answer or camat or pengurus,
            "may_nudge": camat and services.CASE_STEPS["nudge"].starts_from(case.status),
            "nudge_form": NudgeForm(prefix="dorong"),
            "may_flag": pengurus
            and services.CASE_STEPS["flag"].starts_from(case.status)
            and open_flag is None,
            "flag_form": FlagForm(prefix="tanda"),
            "open_flag": open_flag,
            "may_resolve_flag": open_flag is not None and services.may_verify(user, case),
            # Duplicates (aspirations.merge): the likely ones, and those merged here.
            "candidates": merge.duplicate_candidates(request.user, case),
            "merged_here": get_cases_for_user(request.user).filter(merged_into=case),
            "may_unmerge": merge.may_unmerge(request.user, case),
            "desk_nav": desk_nav(request, case),
        },
        status=status,
    )


@login_required
@require_POST
def case_merge(request: HttpRequest, code: str) -> HttpResponse:
    """Merge a likely duplicate into this case, or this case into it."""
    case = get_case_for_user(request.user, code)
    form = MergeForm(request.POST)
    if not form.is_valid() or code not in (
        form.cleaned_data["duplicate"],
        form.cleaned_data["original"],
    ):
        messages.error(request, _("Periksa pilihan penggabungan."))
        return back_to_case(request, code)
    data = form.cleaned_data
    duplicate = (
        case if data["duplicate"] == code else get_case_for_user(request.user, data["duplicate"])
    )
    original = (
        case if data["original"] == code else get_case_for_user(request.user, data["original"])
    )
    with service_errors(request) as call:
        merge.aspiration_merge(
            actor=request.user,
            duplicate=duplicate,
            original=original,
            version=data["version"] or None,
        )
    if call.ok:
        messages.success(
            request,
            _("Aspirasi %(duplicate)s digabung dengan %(original)s; pelapornya sudah diberi tahu.")
            % {
                "duplicate": services.display_code(duplicate.code),
                "original": services.display_code(original.code),
            },
        )
    return back_to_case(request, code)


@login_required
@require_POST
def case_action(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    form = ActionForm(request.POST, kabupaten_code=case.kabupaten_id)
    if not form.is_valid():
        messages.error(request, _("Periksa isian tindakan."))
        return back_to_case(request, code)
    data = form.cleaned_data
    with service_errors(request) as call:
        case = services.aspiration_transition(
            actor=request.user,
            case=case,
            action=data["action"],
            office=data.get("office"),
            reason=data.get("reason") or "",
            body=data.get("body") or "",
            referred_to=data.get("referred_to") or "",
            version=data.get("version") or None,
        )
    if not call.ok:
        return back_to_case(request, code)
    messages.success(
        request, _("Status aspirasi: %(status)s.") % {"status": case.get_status_display()}
    )
    return back_to_case(request, code, acted=True)


@login_required
@require_POST
def case_take(request: HttpRequest, code: str) -> HttpResponse:
    """The officer takes the case ("Ditangani oleh …")."""
    case = get_case_for_user(request.user, code)
    version = (request.POST.get("version") or "")[:24] or None
    with service_errors(request) as call:
        desk.aspiration_take(actor=request.user, case=case, version=version)
    if not call.ok:
        return back_to_case(request, code)
    messages.success(request, _("Aspirasi ini kini Anda tangani."))
    return back_to_case(request, code, acted=True)


@login_required
@require_POST
def case_extend(request: HttpRequest, code: str) -> HttpResponse:
    """The office asks for more time; the citizen is told the new date and why."""
    case = get_case_for_user(request.user, code)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back_to_case(request, code)
    with service_errors(request) as call:
        desk.aspiration_extend(
            actor=request.user,
            case=case,
            new_due=form.cleaned_data["new_due"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"] or None,
        )
    if not call.ok:
        return back_to_case(request, code)
    messages.success(request, _("Batas waktu diperpanjang; warga sudah diberi tahu."))
    return back_to_case(request, code, acted=True)


@login_required
@require_POST
def case_unmerge(request: HttpRequest, code: str) -> HttpResponse:
    """Diskominfo undoes a merge: the case is worked on its own again."""
    case = get_case_for_user(request.user, code)
    version = (request.POST.get("version") or "")[:24] or None
    with service_errors(
        request, success=_("Penggabungan dibatalkan; pelapornya sudah diberi tahu.")
    ):
        merge.aspiration_unmerge(actor=request.user, duplicate=case, version=version)
    return back_to_case(request, code)


@login_required
def case_export(request: HttpRequest, code: str) -> JsonResponse:
    """The case as an SP4N-LAPOR! report (JSON download). The reporter's identity is in
    it only for those who may see it, and never for a confidential or anonymous case."""
    case = get_case_for_user(request.user, code)
    with_reporter = (
        can_see_reporter(request.user, case) and case.visibility == Aspiration.Visibility.PUBLIC
    )
    data = lapor.lapor_export(case, with_reporter=with_reporter)
    audit_record(actor=request.user, action=AuditAction.EXPORT, target=case)
    access_record(actor=request.user, target=case)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="aspirasi-{case.code}.json"'
    return response


@login_required
@require_POST
def case_comment(request: HttpRequest, code: str) -> HttpResponse:
    """An answer or a note; a KIM pengurus or the camat sends a note (NoteForm). A
    refused one (a bad file, a stale page) comes back with what was written."""
    case = get_case_for_user(request.user, code)
    if services.may_answer(request.user, case):
        form = CommentForm(request.POST, request.FILES)
    else:
        form = NoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(request, form) as call:
            services.aspiration_comment(
                actor=request.user,
                case=case,
                body=data["body"],
                public=data.get("public", False),
                version=data.get("version") or None,
                photos=data.get("photos", []),
                files=data.get("files", []),
            )
        if call.ok:
            messages.success(request, _("Tersimpan."))
            return back_to_case(request, code, acted=True)
        if "stale" in call.codes:
            # Refused because a colleague acted first: the form now carries the
            # case as it is, so sending it again (after reading the timeline) works.
            data = request.POST.copy()
            data["version"] = services.case_version(case)
            form = type(form)(data, request.FILES)
            form.is_valid()
            form.add_error(None, call.messages)
    return _render_detail(request, case, comment_form=form, status=400)


@login_required
@require_POST
def case_nudge(request: HttpRequest, code: str) -> HttpResponse:
    """The camat asks whoever works the case to act on it (once a day per case)."""
    case = get_case_for_user(request.user, code)
    form = NudgeForm(request.POST, prefix="dorong")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back_to_case(request, code)
    with service_errors(request, success=_("Instansi yang menangani sudah diberi tahu.")):
        services.aspiration_nudge(actor=request.user, case=case, body=form.cleaned_data["body"])
    return back_to_case(request, code)


@login_required
@require_POST
def case_flag(request: HttpRequest, code: str) -> HttpResponse:
    """A KIM pengurus marks a likely duplicate or spam for Diskominfo."""
    case = get_case_for_user(request.user, code)
    form = FlagForm(request.POST, prefix="tanda")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back_to_case(request, code)
    with service_errors(request, success=_("Tanda terkirim; Diskominfo akan memeriksanya.")):
        services.aspiration_flag(
            actor=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    return back_to_case(request, code)


@login_required
@require_POST
def case_flag_resolve(request: HttpRequest, code: str) -> HttpResponse:
    """Diskominfo confirms a KIM's flag (the case is closed) or dismisses it."""
    case = get_case_for_user(request.user, code)
    form = FlagResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Periksa isian tindakan."))
        return back_to_case(request, code)
    confirm = form.cleaned_data["decision"] == "konfirmasi"
    with service_errors(request) as call:
        services.aspiration_flag_resolve(
            actor=request.user,
            case=case,
            confirm=confirm,
            body=form.cleaned_data["body"],
            version=form.cleaned_data["version"] or None,
        )
    if call.ok:
        messages.success(
            request,
            _("Tanda dikonfirmasi; aspirasi ditutup.") if confirm else _("Tanda ditolak."),
        )
    return back_to_case(request, code)


@login_required
def flags(request: HttpRequest) -> HttpResponse:
    """Diskominfo's list of KIM flags waiting for a decision."""
    user = request.user
    if not (is_operator(user) or get_administered_kabupaten_for_user(user).exists()):
        raise PermissionDenied(_("Hanya Diskominfo yang memutuskan tanda dari KIM."))
    rows = get_open_flags_for_user(request.user).select_related("aspiration__region")
    page = get_page(Paginator(rows, PAGE_SIZE), request.GET.get("halaman"))
    for flag in page.object_list:
        flag.display_code = services.display_code(flag.aspiration.code)
    return render(request, "aspirations/manage/flags.html", {"page": page})


@login_required
def answer_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A file of an answer, for staff who may see the case (never a public /media/ URL)."""
    case = get_case_for_user(request.user, code)
    row = get_answer_file_for_user(request.user, case, pk)
    if row is None:
        raise Http404(_("Berkas tidak tersedia."))
    return private_file_response(row.file, row.name)


@login_required
def record_for_neighbour(request: HttpRequest, kim: str) -> HttpResponse:
    """A KIM member records the aspiration of a neighbour who is offline."""
    obj = get_recording_kims_for_user(request.user).filter(slug=kim).first()
    if obj is None:
        raise PermissionDenied(_("Hanya anggota KIM yang dapat mencatat aspirasi warga."))
    form = AspirationForm(
        request.POST or None,
        request.FILES or None,
        kabupaten_code=obj.kabupaten_id,
        regions=regions_for_kim(obj),
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as call:
            case, _created = services.aspiration_submit(
                data=form.cleaned_data,
                photos=form.cleaned_data["photos"],
                channel=Aspiration.Channel.KIM,
                kim=obj,
                actor=request.user,
            )
        if call.ok:
            messages.success(
                request,
                _("Aspirasi tercatat. Berikan kode lacak ini kepada warga: %(code)s")
                % {"code": services.display_code(case.code)},
            )
            return redirect("aspirations:manage_detail", code=case.code)
    return render(request, "aspirations/manage/record.html", {"form": form, "kim": obj})


@login_required
def categories(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Diskominfo sets its kabupaten's categories: routing office and deadlines."""
    kabupaten = get_administered_kabupaten_for_user(request.user).order_by("code").first()
    if kabupaten is None:
        raise PermissionDenied(_("Hanya Diskominfo yang mengatur kategori aspirasi."))
    rows = Category.objects.filter(kabupaten=kabupaten).select_related("office")
    instance = get_object_or_404(rows, pk=pk) if pk is not None else None
    form = CategoryForm(request.POST or None, instance=instance, kabupaten_code=kabupaten.code)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Kategori tersimpan.")) as call:
            if instance is None:
                services.category_create(
                    actor=request.user, kabupaten=kabupaten, data=form.cleaned_data
                )
            else:
                services.category_update(
                    actor=request.user, category=instance, data=form.cleaned_data
                )
        if call.ok:
            return redirect("aspirations:manage_categories")
    return render(
        request,
        "aspirations/manage/categories.html",
        {"kabupaten": kabupaten, "categories": rows, "form": form, "editing": instance},
    )
