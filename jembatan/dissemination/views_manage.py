"""Government staff: write, publish, correct and withdraw information; read its reach."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jembatan.core.params import get_page
from jembatan.core.service_calls import service_errors
from jembatan.dissemination import services
from jembatan.dissemination.access import (
    LOW_REACH_DAYS,
    get_item_for_user,
    get_items_for_user,
    get_low_reach_items_for_user,
    get_open_questions_for_user,
    get_publishing_areas_for_user,
)
from jembatan.dissemination.forms import AnswerForm, InfoItemForm, WithdrawForm
from jembatan.dissemination.models import Delivery, Feedback, InfoItem, ShareLink

PAGE_SIZE = 50


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    areas = get_publishing_areas_for_user(request.user)
    items = get_items_for_user(request.user)
    if not areas and not items.exists():
        raise PermissionDenied(_("Halaman ini untuk petugas pemerintah."))
    # ?jangkauan=rendah: the items few KIMs acted on (the workspace's today queue).
    low_reach = request.GET.get("jangkauan") == "rendah"
    if low_reach:
        items = get_low_reach_items_for_user(request.user)
    items = items.annotate(
        read=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)),
        republished=Count("deliveries", filter=Q(deliveries__republished_at__isnull=False)),
    ).order_by("-created_at")
    return render(
        request,
        "dissemination/manage/list.html",
        {
            "page": get_page(Paginator(items, PAGE_SIZE), request.GET.get("halaman")),
            "areas": areas,
            "low_reach": low_reach,
            "low_reach_days": LOW_REACH_DAYS,
            "page_query": "jangkauan=rendah" if low_reach else "",
        },
    )


@login_required
def questions(request: HttpRequest) -> HttpResponse:
    """One queue of the KIMs' unanswered questions across every item the user manages,
    each answerable in place (the form posts to feedback_answer, which comes back here)."""
    if not get_publishing_areas_for_user(request.user) and not (
        get_items_for_user(request.user).exists()
    ):
        raise PermissionDenied(_("Halaman ini untuk petugas pemerintah."))
    page = get_page(
        Paginator(get_open_questions_for_user(request.user), PAGE_SIZE),
        request.GET.get("halaman"),
    )
    return render(request, "dissemination/manage/questions.html", {"page": page})


@login_required
@require_POST
def item_nudge(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    with service_errors(request) as call:
        kims = services.infoitem_nudge(actor=request.user, item=item)
    if call.ok:
        messages.success(
            request,
            ngettext(
                "Pengurus %(n)s KIM yang belum bertindak sudah diingatkan.",
                "Pengurus %(n)s KIM yang belum bertindak sudah diingatkan.",
                kims,
            )
            % {"n": kims},
        )
    if request.POST.get("kembali") == "daftar":
        return redirect(reverse("dissemination:manage_list") + "?jangkauan=rendah")
    return redirect("dissemination:manage_reach", pk=item.pk)


def _form_kwargs(request: HttpRequest) -> dict:
    return {"data": request.POST or None, "files": request.FILES or None}


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    areas = get_publishing_areas_for_user(request.user)
    if not areas:
        raise PermissionDenied(_("Anda tidak berhak menerbitkan informasi."))
    form = InfoItemForm(areas=areas, **_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(
            request, form, success=_("Draf tersimpan. Periksa lalu terbitkan.")
        ) as call:
            item = services.item_create(
                actor=request.user,
                area_key=data["area"],
                data=data,
                kecamatan=list(data["target_kecamatan"]),
                kims=list(data["target_kims"]),
                files=data["files"],
            )
        if call.ok:
            return redirect("dissemination:manage_edit", pk=item.pk)
    return render(request, "dissemination/manage/form.html", {"form": form, "item": None})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    steps = services.ITEM_MACHINE.available(item.status)
    form = InfoItemForm(areas=[], item=item, **_form_kwargs(request))
    if request.method == "POST" and "update" in steps and form.is_valid():
        data = form.cleaned_data
        draft = item.status == InfoItem.Status.DRAFT
        with service_errors(request, form) as call:
            item = services.item_update(
                actor=request.user,
                item=item,
                data=data,
                kecamatan=list(data["target_kecamatan"]) if draft else None,
                kims=list(data["target_kims"]) if draft else None,
                files=data["files"],
                remove_attachments=request.POST.getlist("remove_attachment"),
                correction_note=data.get("correction_note", ""),
            )
        if call.ok:
            messages.success(
                request,
                _("Perbaikan tersimpan; KIM yang menerbitkan ulang ikut diperbarui.")
                if item.status == InfoItem.Status.PUBLISHED
                else _("Perubahan tersimpan."),
            )
            return redirect("dissemination:manage_edit", pk=item.pk)
    return render(
        request,
        "dissemination/manage/form.html",
        {
            "form": form,
            "item": item,
            "attachments": item.attachments.all(),
            "withdraw_form": WithdrawForm(),
            "steps": steps,
        },
    )


@login_required
@require_POST
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    with service_errors(
        request, success=_("Informasi terbit dan sedang dikirim ke kotak masuk KIM.")
    ):
        services.item_publish(actor=request.user, item=item)
    return redirect("dissemination:manage_reach", pk=pk)


@login_required
@require_POST
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasan penarikan."))
        return redirect("dissemination:manage_edit", pk=pk)
    with service_errors(request, success=_("Informasi ditarik dari semua situs.")):
        services.item_withdraw(actor=request.user, item=item, reason=form.cleaned_data["reason"])
    return redirect("dissemination:manage_edit", pk=pk)


def reach_totals(item: InfoItem) -> dict:
    deliveries = Delivery.objects.filter(item=item)
    totals = deliveries.aggregate(
        targeted=Count("id"),
        read=Count("id", filter=Q(read_at__isnull=False)),
        republished=Count("id", filter=Q(republished_at__isnull=False)),
        shared=Count("id", filter=Q(shared_at__isnull=False)),
        not_acted=Count("id", filter=Q(republished_at__isnull=True, shared_at__isnull=True)),
        kim_views=Coalesce(Sum("view_count"), 0),
    )
    channels = dict(
        ShareLink.objects.filter(delivery__item=item)
        .values("channel")
        .annotate(n=Sum("click_count"))
        .values_list("channel", "n")
    )
    totals["clicks"] = [
        (label, channels.get(value, 0)) for value, label in ShareLink.Channel.choices
    ]
    totals["click_total"] = sum(channels.values())
    totals["direct_views"] = item.view_count
    totals["views"] = item.view_count + totals["kim_views"]
    return totals


@login_required
def item_reach(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    rows = (
        Delivery.objects.filter(item=item)
        .select_related("kim", "kim__region")
        .annotate(clicks=Coalesce(Sum("links__click_count"), 0))
        .order_by("kim__name")
    )
    only_idle = request.GET.get("belum") == "1"
    if only_idle:
        rows = rows.filter(republished_at__isnull=True, shared_at__isnull=True)
    page = get_page(Paginator(rows, PAGE_SIZE), request.GET.get("halaman"))
    clicks_by_channel: dict[int, dict[str, int]] = {}
    for delivery_id, channel, n in ShareLink.objects.filter(
        delivery_id__in=[d.pk for d in page.object_list]
    ).values_list("delivery_id", "channel", "click_count"):
        clicks_by_channel.setdefault(delivery_id, {})[channel] = n
    for d in page.object_list:
        d.channel_clicks = clicks_by_channel.get(d.pk, {})
    return render(
        request,
        "dissemination/manage/reach.html",
        {
            "item": item,
            "totals": reach_totals(item),
            "page": page,
            "only_idle": only_idle,
            "channels": ShareLink.Channel.choices,
            "feedback": Feedback.objects.filter(delivery__item=item)
            .select_related("delivery__kim", "author", "answered_by")
            .order_by("-created_at"),
            "answer_form": AnswerForm(),
            "nudges": services.nudges_of(item),
            "steps": services.ITEM_MACHINE.available(item.status),
        },
    )


@login_required
@require_POST
def feedback_answer(request: HttpRequest, pk: int, feedback: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    entry = get_object_or_404(
        Feedback.objects.select_related("delivery__kim"), pk=feedback, delivery__item=item
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        with service_errors(request, success=_("Jawaban terkirim ke KIM.")):
            services.feedback_answer(
                actor=request.user, feedback=entry, answer=form.cleaned_data["answer"]
            )
    else:
        messages.error(request, _("Tuliskan jawaban."))
    if request.POST.get("kembali") == "pertanyaan":
        return redirect("dissemination:manage_questions")
    return redirect(reverse("dissemination:manage_reach", kwargs={"pk": item.pk}) + "#tanggapan")
