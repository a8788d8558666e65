"""Public pages of development information, the short links and the view beacon."""

from __future__ import annotations

import logging

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from jembatan.core.pagecache import cache_public_page
from jembatan.core.params import get_page
from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.dissemination.models import InfoItem, ShareLink
from jembatan.dissemination.reach import from_own_page, is_bot, visitor_digest
from jembatan.dissemination.tasks import record_hit, record_view
from jembatan.tenants.current import served_code

logger = logging.getLogger(__name__)
PAGE_SIZE = 10


def hub_items():
    """Items shown at this hub: its kabupaten's (incl. its kecamatan's) and national ones."""
    return InfoItem.objects.public().served().select_related("office", "area")


@require_safe
@cache_public_page
def info_list(request: HttpRequest) -> HttpResponse:
    items = hub_items()
    category = request.GET.get("kategori", "")
    if category in InfoItem.Category.values:
        items = items.filter(category=category)
    else:
        category = ""
    today = timezone.localdate()
    current = items.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    page = get_page(Paginator(current, PAGE_SIZE), request.GET.get("halaman"))
    return render(
        request,
        "dissemination/list.html",
        {
            "page": page,
            "categories": InfoItem.Category.choices,
            "category": category,
            "expired": items.filter(valid_until__lt=today)[:10],
        },
    )


@require_safe
@cache_public_page
def info_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(
        InfoItem.objects.served()
        .select_related("office", "area")
        .exclude(status=InfoItem.Status.DRAFT),
        slug=slug,
    )
    if item.status == InfoItem.Status.WITHDRAWN:
        return render(request, "dissemination/withdrawn.html", {"item": item}, status=410)
    if item.published_at > timezone.now():
        raise Http404(_("Informasi tidak ditemukan."))
    kim_slug = (request.GET.get("kim") or "")[:80]
    return render(
        request,
        "dissemination/detail.html",
        {"item": item, "attachments": item.attachments.all(), "via_kim": kim_slug},
    )


def _enqueue_safely(task, *args) -> None:
    """Counting must never break or delay the page: a queue failure only loses a count."""
    try:
        task(*args)
    except Exception:
        logger.warning("reach: could not enqueue a count", exc_info=True)


@require_safe
@never_cache
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    link = (
        ShareLink.objects.select_related("delivery__item", "delivery__kim", "delivery__post")
        .filter(code=code, delivery__item__in=InfoItem.objects.served())
        .filter(delivery__kim__kabupaten_id=served_code())
        .first()
    )
    if link is None or link.delivery.item.status == InfoItem.Status.DRAFT:
        raise Http404(
            _("Tautan “%(code)s” tidak dikenal. Periksa lagi tautannya.") % {"code": code}
        )
    delivery = link.delivery
    post = delivery.post
    if (
        post is not None
        and post.status == post.Status.PUBLISHED
        and post.published_at <= timezone.now()
        and delivery.item.status == InfoItem.Status.PUBLISHED
    ):
        target = post.get_absolute_url()
    else:
        target = f"{delivery.item.get_absolute_url()}?kim={delivery.kim.slug}"
    if not is_bot(request) and not rate_limit_exceeded(
        "reach-click", visitor_key(request), limit=60, window=60
    ):
        _enqueue_safely(record_hit, "link", link.pk, visitor_digest(request))
    return redirect(target)


@csrf_exempt  # a beacon carries no session and changes nothing but a number
@require_POST
def view_beacon(request: HttpRequest) -> HttpResponse:
    """A page finished loading in a browser: count one view (in the background).

    Only this site's own pages count: a browser says where a request comes from
    (Sec-Fetch-Site, else Origin), so another site cannot make its visitors inflate the
    numbers; a request that says neither is not counted."""
    if not from_own_page(request):
        return HttpResponse(status=204)
    if is_bot(request) or rate_limit_exceeded(
        "reach-beacon", visitor_key(request), limit=120, window=60
    ):
        return HttpResponse(status=204)
    try:
        item = int(request.POST.get("item") or 0)
        post = int(request.POST.get("post") or 0)
    except ValueError:
        return HttpResponse(status=204)
    if not (0 <= item < 2**63 and 0 <= post < 2**63):
        return HttpResponse(status=204)
    kim = (request.POST.get("kim") or "")[:80]
    if item or post:
        _enqueue_safely(record_view, item, kim, post, visitor_digest(request))
    return HttpResponse(status=204)


def short_link_home(request: HttpRequest) -> HttpResponse:
    return redirect("dissemination:list")
