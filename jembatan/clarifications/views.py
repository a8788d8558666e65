"""Public side of clarifications: report a rumour, follow it, read and share the answers."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from jembatan.clarifications import services
from jembatan.clarifications.access import published_clarifications
from jembatan.clarifications.forms import ReportForm
from jembatan.clarifications.models import Clarification, RumourReport, Verdict
from jembatan.clarifications.similarity import similar_clarifications
from jembatan.core import structured
from jembatan.core.pagecache import cache_public_page
from jembatan.core.params import get_page
from jembatan.core.ratelimit import (
    rate_limit_exceeded,
    rate_limit_full,
    rate_limit_reached,
    too_many_attempts,
    visitor_key,
)
from jembatan.core.service_calls import service_errors
from jembatan.tenants.current import served_code

PAGE_SIZE = 20
SUBMIT_WINDOW = 600
LOOKUP_LIMIT, LOOKUP_WINDOW = 20, 600
SIMILAR_LIMIT = 120  # checks per visitor in 10 minutes: the page asks as the citizen types
SESSION_KEY = "rumour_reports"


@require_safe
@cache_public_page
def clarification_list(request: HttpRequest) -> HttpResponse:
    rows = published_clarifications()
    q = " ".join(request.GET.get("q", "").split())[:100]
    verdict = request.GET.get("kesimpulan", "")
    for word in q.split()[:8]:
        rows = rows.filter(
            Q(title__icontains=word) | Q(claim__icontains=word) | Q(explanation__icontains=word)
        )
    if verdict in Verdict.values:
        rows = rows.filter(verdict=verdict)
    else:
        verdict = ""
    query = urlencode({k: v for k, v in (("q", q), ("kesimpulan", verdict)) if v})
    return render(
        request,
        "clarifications/list.html",
        {
            "page": get_page(Paginator(rows, PAGE_SIZE), request.GET.get("halaman")),
            "q": q,
            "verdict": verdict,
            "verdicts": Verdict.choices,
            "page_query": query,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        visitor, limit = visitor_key(request), settings.CLARIFICATION_SUBMIT_LIMIT
        if rate_limit_exceeded(
            "rumour-attempt", visitor, limit=5 * limit, window=SUBMIT_WINDOW
        ) or rate_limit_full("rumour", visitor, limit=limit):
            form.is_valid()
            form.add_error(
                None, _("Terlalu banyak kiriman dari Anda. Coba lagi beberapa menit lagi.")
            )
            response = render(request, "clarifications/submit.html", {"form": form}, status=429)
            response["Retry-After"] = str(SUBMIT_WINDOW)
            return response
        if form.is_valid():
            if form.cleaned_data["website"]:
                return redirect("clarifications:list")  # a bot: accept silently, keep nothing
            with service_errors(request, form) as call:
                report = services.report_submit(
                    kabupaten_code=served_code(),
                    data=form.cleaned_data,
                    screenshot=form.cleaned_data.get("screenshot"),
                )
            if call.ok:
                rate_limit_exceeded("rumour", visitor, limit=limit, window=SUBMIT_WINDOW)
                request.session[SESSION_KEY] = [
                    report.code,
                    *request.session.get(SESSION_KEY, [])[:19],
                ]
                return redirect("clarifications:submitted", code=report.code)
        had_file = bool(request.FILES.get("screenshot"))
        return render(
            request,
            "clarifications/submit.html",
            {"form": form, "had_file": had_file},
            status=400,
        )
    return render(request, "clarifications/submit.html", {"form": form})


@never_cache
@require_safe
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """The report's status by its tracking code: no text, no contact, only where it
    stands and the answer; for the submitter's own browser, answers of similar rumours."""
    visitor = visitor_key(request)
    own = code in request.session.get(SESSION_KEY, [])
    if not own and rate_limit_reached("rumour-lookup", visitor, limit=LOOKUP_LIMIT):
        return too_many_attempts(request, window=LOOKUP_WINDOW)
    report = (
        RumourReport.objects.select_related("clarification")
        .filter(kabupaten_id=served_code(), code=code.upper()[:12])
        .first()
    )
    if report is None:
        rate_limit_exceeded("rumour-lookup", visitor, limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW)
        raise Http404(_("Laporan isu tidak ditemukan."))
    answer = report.clarification if report.status == RumourReport.Status.ANSWERED else None
    similar = []
    if answer is None and report.status != RumourReport.Status.REJECTED:
        similar = similar_clarifications(
            kabupaten_code=report.kabupaten_id, text=report.text, link=report.link
        )
    return render(
        request,
        "clarifications/submitted.html",
        {"report": report, "answer": answer, "similar": similar, "own": own},
    )


@never_cache
@require_safe
def similar(request: HttpRequest) -> JsonResponse:
    """Published answers like the rumour being typed: shown on the form before sending."""
    text = (request.GET.get("teks") or "").strip()[:1000]
    link = (request.GET.get("tautan") or "").strip()[:500]
    if not (text or link) or rate_limit_exceeded(
        "rumour-similar", visitor_key(request), limit=SIMILAR_LIMIT, window=LOOKUP_WINDOW
    ):
        return JsonResponse({"results": []})
    rows = similar_clarifications(kabupaten_code=served_code(), text=text, link=link)
    return JsonResponse(
        {
            "results": [
                {
                    "url": row.get_absolute_url(),
                    "title": row.title,
                    "verdict": row.verdict,
                    "verdict_label": str(row.get_verdict_display()),
                }
                for row in rows
            ]
        }
    )


def claim_review_ld(request: HttpRequest, row: Clarification) -> dict:
    """schema.org ClaimReview: how fact-checks are marked up for search engines."""
    ratings = {Verdict.TRUE: 5, Verdict.UNVERIFIED: 3, Verdict.MISLEADING: 2, Verdict.FALSE: 1}
    # The author is the government body that answered (the office, else Diskominfo), part
    # of the kabupaten's government: never the product's name.
    government = structured.government_ld(request, row.kabupaten)
    author = {
        "@type": "GovernmentOrganization",
        "name": str(row.answered_by),
        "parentOrganization": government,
    }
    return {
        "@context": structured.SCHEMA,
        "@type": "ClaimReview",
        "url": structured.absolute(request, row.get_absolute_url()),
        "claimReviewed": row.claim[:500],
        # The claim itself. Where it appeared is known only from citizens' reports, whose
        # links are not checked for publication: no "appearance".
        "itemReviewed": {"@type": "Claim", "text": row.claim[:500]},
        "datePublished": structured.when(row.published_at),
        "author": author,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": ratings[Verdict(row.verdict)],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": row.get_verdict_display(),
        },
        "inLanguage": "id",
    }


@require_safe
@cache_public_page
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    row = published_clarifications().filter(slug=slug).first()
    if row is None:
        raise Http404(_("Klarifikasi tidak ditemukan."))
    ld = format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(structured.ld_json(claim_review_ld(request, row))),  # noqa: S308 (escaped)
    )
    return render(
        request,
        "clarifications/detail.html",
        {
            "row": row,
            "ld": ld,
            "description": f"{row.get_verdict_display()}: {row.claim}"[:300],
            # Shared text carries the verdict: a forwarded title alone can read as the hoax.
            "share_title": f"{row.get_verdict_display()}: {row.title}",
        },
    )
