"""The staff desk's case list in /kelola/aspirasi/: search, filters, bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jembatan.accounts.access import (
    administered_kabupaten,
    administers_any_kabupaten,
    get_officer_office_ids_for_user,
    is_operator,
)
from jembatan.accounts.models import Membership, Office, Role
from jembatan.aspirations import desk, services
from jembatan.aspirations.access import (
    get_cases_for_user,
    get_open_flags_for_user,
    get_recording_kims_for_user,
)
from jembatan.aspirations.desk_list import (
    DeskList,
    case_link,
    clean_list_query,
    desk_scope,
    list_url,
    looks_like_code,
    officers_for,
)
from jembatan.aspirations.desk_rows import page_rows
from jembatan.aspirations.desk_shared import SharedPage, shared_page
from jembatan.communities.access import get_member_kims_for_user, whole_kabupaten_codes
from jembatan.core.params import parse_page_number

PAGE_SIZE = 30


def _bulk_offices(user, scope, offered: list[Office] | None = None) -> list[Office]:
    """The offices the user may refer cases to in bulk: those of the kabupaten they
    administer. ``offered``: the offices the list's filter offers, which hold them all
    when the scope is whole kabupaten (no second read of the same rows)."""
    if scope.operator or not scope.kabupaten:
        return []
    kabupaten = [r.code for r in administered_kabupaten(user) if r.code in scope.kabupaten]
    if offered is not None and scope.whole_kabupaten_offices:
        return [o for o in offered if o.kabupaten_id in kabupaten]
    return list(Office.objects.filter(kabupaten_id__in=kabupaten))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    listing = DeskList(request.user, request.GET)
    code = listing.code()
    if code:  # a tracking code in the search box opens the case
        return redirect(case_link(code))
    number = parse_page_number(request.GET.get("halaman"))
    select_all = request.GET.get("pilih") == "semua"
    offices = _bulk_offices(request.user, listing.scope, listing.form.offices)
    can_configure = administers_any_kabupaten(request.user)
    bulk_actions, bulk_officers = _bulk_choices(request.user, listing, offices, can_configure)
    tickable = bool(bulk_actions)

    def work_out() -> SharedPage:
        ids = listing.cases().values_list("pk", flat=True)
        page = Paginator(ids, PAGE_SIZE).get_page(number)
        rows = page_rows(
            list(page.object_list),
            kabupaten=None if listing.scope.operator else listing.scope.kabupaten,
            daftar=listing.query(page=page.number),
            tickable=tickable,
            ticked=select_all,
        )
        # KIM flags waiting for Diskominfo (none for the other roles).
        flags = get_open_flags_for_user(request.user).count() if can_configure else 0
        return SharedPage(
            count=page.paginator.count, number=page.number, rows=rows, flag_count=flags
        )

    # "Handled by me" names the user: that list is theirs alone.
    mine = listing.form.value("petugas") == "saya"
    shown = shared_page(
        None if mine else whole_kabupaten_codes(request.user),
        query=listing.query(),
        number=number,
        tickable=tickable,
        ticked=select_all,
        work_out=work_out,
    )
    # The page as Paginator.get_page gave it (a number past the end: the last page).
    page = Page(shown.rows, shown.number, Paginator(range(shown.count), PAGE_SIZE))
    return render(
        request,
        "aspirations/manage/queue.html",
        {
            "page": page,
            "form": listing.form,
            "filter_fields": listing.filter_fields(),
            "search_fields": listing.search_fields(),
            # The rows drawn whole (desk_rows), given to the page as one piece.
            "rows_html": mark_safe("".join(row.html for row in page.object_list)),  # noqa: S308
            "active_filters": listing.form.active,
            "page_query": listing.query(),
            "daftar": listing.query(page=page.number),
            "select_all": select_all,
            "bulk_actions": bulk_actions,
            "can_merge": any(name == "tutup-duplikat" for name, _label in bulk_actions),
            "bulk_offices": offices,
            "bulk_officers": bulk_officers,
            # Most staff record for no KIM: no queryset (even an empty one is compiled).
            "kims": (
                get_recording_kims_for_user(request.user)
                if get_member_kims_for_user(request.user)
                else []
            ),
            "can_configure": can_configure,
            "flag_count": shown.flag_count,
        },
    )


def _bulk_choices(user, listing: DeskList, offices, can_configure: bool):
    """The bulk actions this user may take, and whom they may name. Diskominfo (and
    operators): every action it has what it needs for (an office to refer to, an officer
    to name). An office's officer: naming a colleague of that office, nothing else. The
    camat and KIM pengurus take no bulk action (the services would refuse each case)."""
    if can_configure or is_operator(user):
        actions = [
            (name, label)
            for name, (label, steps) in desk.BULK_ACTIONS.items()
            if ("dispose" not in steps or offices)
            and ("assign" not in steps or listing.form.officers)
        ]
        return actions, listing.form.officers
    own = get_officer_office_ids_for_user(user)
    if not own:
        return [], []
    colleagues = set(
        Membership.objects.filter(
            role=Role.OPD_OFFICER, office_id__in=own, user__in=listing.form.officers
        ).values_list("user_id", flat=True)
    )
    officers = [u for u in listing.form.officers if u.pk in colleagues]
    if not officers:
        return [], []
    return [("tugaskan", desk.BULK_ACTIONS["tugaskan"][0])], officers


def _selected(request: HttpRequest) -> list[tuple[str, str]]:
    """The ticked cases as (code, version of the page): "CODE.VERSION" each."""
    chosen = []
    for value in request.POST.getlist("kasus")[: desk.MAX_BULK]:
        code, _dot, version = value.partition(".")
        code = services.normalize_code(code)
        if code and version.isdecimal() and len(version) <= 24:
            chosen.append((code, version))
    return list(dict.fromkeys(chosen))


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Bulk action on the ticked cases: a confirmation page listing them first (works
    without JavaScript), then each case through its service; the message says how many
    went through and which were skipped, and why."""
    daftar = clean_list_query(request.POST.get("daftar"))
    action = request.POST.get("tindakan", "")
    chosen = _selected(request)
    scope = desk_scope(request.user)
    offices = {str(o.pk): o for o in _bulk_offices(request.user, scope)}
    officers = {str(u.pk): u for u in officers_for(scope)}
    office = offices.get(request.POST.get("instansi", ""))
    officer = officers.get(request.POST.get("petugas", ""))
    typed = looks_like_code(request.POST.get("asli", ""))
    original = get_cases_for_user(request.user).filter(code=typed).first() if typed else None
    problems = []
    if not chosen:
        problems.append(_("Centang dulu aspirasi yang akan diproses."))
    if action not in desk.BULK_ACTIONS:
        problems.append(_("Pilih tindakan."))
    else:
        steps = desk.BULK_ACTIONS[action][1]
        if "dispose" in steps and office is None:
            problems.append(_("Pilih instansi tujuan."))
        if "assign" in steps and officer is None:
            problems.append(_("Pilih petugas."))
        if "merge" in steps and original is None:
            problems.append(_("Tulis kode aspirasi asli yang dapat Anda buka."))
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect(list_url(daftar))
    versions = dict(chosen)
    found = {
        c.code: c
        for c in get_cases_for_user(request.user).filter(code__in=versions).order_by("created_at")
    }
    missing = [code for code in versions if code not in found]
    label = desk.BULK_ACTIONS[action][0]
    if request.POST.get("konfirmasi") != "1":
        return render(
            request,
            "aspirations/manage/bulk_confirm.html",
            {
                "cases": list(found.values()),
                "missing": [services.display_code(c) for c in missing],
                "chosen": [f"{c}.{v}" for c, v in chosen if c in found],
                "action": action,
                "label": label,
                "office": office,
                "officer": officer,
                "original": original,
                "daftar": daftar,
                "back": list_url(daftar),
            },
        )
    result = desk.aspirations_bulk(
        actor=request.user,
        cases=[(case, versions[code]) for code, case in found.items()],
        action=action,
        office=office,
        officer=officer,
        original=original,
    )
    skipped = [(services.display_code(c), reason) for c, reason in result.skipped]
    skipped += [(services.display_code(c), _("tidak ditemukan")) for c in missing]
    text = _("%(action)s: %(done)s aspirasi berhasil, %(skipped)s dilewati.") % {
        "action": label,
        "done": len(result.done),
        "skipped": len(skipped),
    }
    if skipped:
        messages.warning(
            request, text + " " + "; ".join(f"{code}: {reason}" for code, reason in skipped)
        )
    else:
        messages.success(request, text)
    return redirect(list_url(daftar))
