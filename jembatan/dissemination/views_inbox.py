"""A KIM's inbox of development information (/kelola/kim/<kim>/informasi/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jembatan.communities.access import get_position
from jembatan.core.params import get_page
from jembatan.core.service_calls import service_errors
from jembatan.dissemination import services
from jembatan.dissemination.access import (
    get_delivery_for_user,
    get_inbox_for_kim,
    get_inbox_kim_for_user,
)
from jembatan.dissemination.forms import FeedbackForm, RepublishForm
from jembatan.dissemination.models import ShareLink
from jembatan.sites.templatetags.share import share_targets

PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_inbox_kim_for_user(request.user, kim)
    deliveries = get_inbox_for_kim(obj)
    page = get_page(Paginator(deliveries, PAGE_SIZE), request.GET.get("halaman"))
    return render(
        request,
        "dissemination/inbox/list.html",
        {"kim": obj, "page": page, "unread": deliveries.filter(read_at__isnull=True).count()},
    )


@login_required
def inbox_item(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, kim, pk)
    # Read by the KIM means read by one of its members, not by Diskominfo looking in.
    if delivery.read_at is None and get_position(request.user, delivery.kim) is not None:
        services.delivery_mark_read(actor=request.user, delivery=delivery)
    links = {link.channel: link for link in delivery.links.all()}
    copy_link = links.get(ShareLink.Channel.LINK)
    return render(
        request,
        "dissemination/inbox/item.html",
        {
            "kim": delivery.kim,
            "delivery": delivery,
            "item": delivery.item,
            "attachments": delivery.item.attachments.all(),
            "republish_form": RepublishForm(initial={"note": delivery.local_note}),
            "feedback_form": FeedbackForm(),
            "feedback": delivery.feedback.select_related("author", "answered_by"),
            "channels": [
                (value, label)
                for value, label in ShareLink.Channel.choices
                if value != ShareLink.Channel.LINK
            ],
            "links": links,
            "copy_url": request.build_absolute_uri(copy_link.get_absolute_url())
            if copy_link
            else "",
        },
    )


@login_required
@require_POST
def republish(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, kim, pk)
    form = RepublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("dissemination:inbox_item", kim=kim, pk=pk)
    had_post = delivery.post_id is not None
    with service_errors(request) as call:
        post = services.delivery_republish(
            actor=request.user,
            kim=delivery.kim,
            item=delivery.item,
            note=form.cleaned_data["note"],
        )
    if call.ok:
        if had_post:
            messages.success(request, _("Catatan setempat diperbarui."))
        elif post.status == post.Status.PUBLISHED:
            messages.success(request, _("Diterbitkan ulang di situs KIM Anda."))
        else:
            messages.success(
                request, _("Terbitan ulang menunggu persetujuan ketua atau sekretaris.")
            )
    return redirect("dissemination:inbox_item", kim=kim, pk=pk)


@login_required
@require_POST
def share(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    """Make (or reuse) the KIM's short link for the channel and open the network's share
    page with it; the KIM counts as having shared the item."""
    return _share(request, kim, pk, request.POST.get("channel", ""))


@login_required
@require_safe
def share_to(request: HttpRequest, kim: str, pk: int, channel: str) -> HttpResponse:
    """The same as a link: browsers refuse to follow a form's redirect to another site
    (CSP form-action 'self'), but a link may lead there. Sharing is idempotent: it only
    makes the KIM's short link once and notes when the KIM first shared."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        # A link on another site must not record a share for a signed-in member (a GET
        # that changes the reach figures): only the inbox's own buttons do.
        return redirect("dissemination:inbox_item", kim=kim, pk=pk)
    return _share(request, kim, pk, channel)


def _share(request: HttpRequest, kim: str, pk: int, channel: str) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, kim, pk)
    with service_errors(request) as call:
        link = services.delivery_share(actor=request.user, delivery=delivery, channel=channel)
    if not call.ok:
        return redirect("dissemination:inbox_item", kim=kim, pk=pk)
    url = request.build_absolute_uri(link.get_absolute_url())
    if channel == ShareLink.Channel.LINK:
        messages.success(request, _("Tautan siap disalin: %(url)s") % {"url": url})
        return redirect("dissemination:inbox_item", kim=kim, pk=pk)
    target = next(
        href for key, _label, href in share_targets(url, delivery.item.title) if key == channel
    )
    return HttpResponseRedirect(target)


@login_required
@require_POST
def feedback(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, kim, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        with service_errors(request, success=_("Tanggapan terkirim ke penerbit.")):
            services.feedback_send(
                actor=request.user, delivery=delivery, body=form.cleaned_data["body"]
            )
    else:
        messages.error(request, _("Tuliskan tanggapan atau pertanyaan Anda."))
    return redirect("dissemination:inbox_item", kim=kim, pk=pk)
