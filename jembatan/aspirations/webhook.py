"""Inbound SMS and WhatsApp gateways: one signed JSON request per message.

The gateway signs ``<timestamp>.<body>`` with HMAC-SHA256 under the webhook secret of the
tenant whose host it calls (``Tenant.webhook_secret``: each kabupaten/kota its own gateway
and secret; a message signed for one tenant is refused on another's host) and sends it as
``X-Jembatan-Signature: sha256=<hex>`` with ``X-Jembatan-Timestamp``
(Unix seconds). Requests older or newer than five minutes are refused (replays). The
body (UTF-8 JSON)::

    {"id": "gateway-message-id", "channel": "sms" | "whatsapp", "from": "+62812...",
     "text": "Sebalo # Jalan di RT 04 berlubang", "desa": "61.07.04.1010", "kategori": 3}

``desa`` (a code or a name in the kabupaten of the host called) may instead start the
text, before a ``#``; ``kategori`` is optional (the kabupaten's "Lainnya" category, else
its first). The same ``id`` twice gives the same case (the gateway may retry). The answer
is JSON with ``reply``, the text to send back to the citizen (always Indonesian, whatever the site's
language, and never technical), and ``code``, the tracking code; a refusal has ``error``,
a stable code for the gateway's own logs, beside its ``reply``. docs/webhook.md is the
gateway's reference: keep it in step with the codes and limits here.
"""

from __future__ import annotations

import hmac
import json
import time

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jembatan.aspirations import services
from jembatan.aspirations.idempotency import tenant_scoped_id
from jembatan.aspirations.models import Aspiration, Category
from jembatan.aspirations.reporter import reporter_link
from jembatan.core.gateway import signature_for
from jembatan.regions.models import Region
from jembatan.regions.resolve import region_match
from jembatan.tenants.current import request_tenant, served_code

MAX_SKEW = 300  # seconds
MAX_BODY = 16 * 1024
MIN_TEXT = 10  # as aspiration_submit checks them (services._clean_intake)
MAX_TEXT = 4000
# The language of every reply: the citizen texts in Indonesian, whatever the site offers.
REPLY_LANGUAGE = "id"


def _verified(request: HttpRequest, secret: str) -> bool:
    timestamp = request.headers.get("X-Jembatan-Timestamp", "")
    given = request.headers.get("X-Jembatan-Signature", "")
    if not timestamp.isdecimal() or abs(time.time() - int(timestamp)) > MAX_SKEW:
        return False
    return hmac.compare_digest(given, signature_for(secret, timestamp, request.body))


def _village(value: str) -> tuple[Region | None, list[Region]]:
    """The desa a message names, or the desa it could mean (written as people write)."""
    value = (value or "").strip()
    villages = Region.objects.filter(
        level=Region.Level.DESA, code__startswith=f"{served_code()}."
    ).select_related("parent")
    by_code = villages.filter(code=value).first()
    if by_code is not None or not value:
        return by_code, []
    match = region_match(value, level=Region.Level.DESA, within=served_code())
    found = sorted(villages.filter(code__in=match.codes), key=lambda r: r.code)
    if match.sure and len(found) == 1:
        return found[0], []
    return None, found


def _text(payload: dict, key: str) -> str:
    """A value of the message as text: without NUL, which PostgreSQL refuses in text (an
    SMS gateway may pass one through; the message is still worth keeping)."""
    return str(payload.get(key) or "").replace("\x00", "").strip()


def _refuse(error: str, reply: str, status: int, **extra) -> JsonResponse:
    """A refusal: ``error`` for the gateway (a stable code), ``reply`` for the citizen."""
    return JsonResponse({"error": error, "reply": reply, **extra}, status=status)


def _technical(error: str, status: int, **extra) -> JsonResponse:
    """A fault of the gateway or of the set-up, not of the message: the citizen is told
    only that it did not go through (the gateway reads ``error``)."""
    return _refuse(
        error,
        _(
            "Maaf, pesan Anda belum dapat diproses karena gangguan teknis. "
            "Silakan kirim ulang nanti."
        ),
        status,
        **extra,
    )


def _too_long(error: str, status: int) -> JsonResponse:
    """Too long to be one aspiration: the citizen can shorten it."""
    return _refuse(
        error,
        _("Aspirasi belum diterima: pesan terlalu panjang. Kirim paling banyak %(limit)s huruf.")
        % {"limit": number_format(MAX_TEXT, force_grouping=True)},
        status,
    )


@csrf_exempt  # authenticated by its signature, not by a browser session
@require_POST
def inbound(request: HttpRequest) -> JsonResponse:
    with translation.override(REPLY_LANGUAGE):
        return _inbound(request)


def _inbound(request: HttpRequest) -> JsonResponse:
    # The secret of the tenant of the host called, never a global one: a case can only
    # land in the kabupaten whose gateway holds that tenant's secret.
    secret = request_tenant(request).webhook_secret
    if not secret:
        return _technical("not_configured", 503)
    if len(request.body) > MAX_BODY:
        return _too_long("body_too_large", 413)
    if not _verified(request, secret):
        return _technical("bad_signature", 403)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return _technical("invalid_json", 400)
    except RecursionError:  # nested thousands deep: Python's parser runs out of stack
        return _technical("invalid_json", 400)
    if not isinstance(payload, dict) or not _text(payload, "id"):
        return _technical("missing_id", 400)
    return _receive(request, payload)


def _receive(request: HttpRequest, payload: dict) -> JsonResponse:
    channel = payload.get("channel")
    if channel not in (Aspiration.Channel.SMS, Aspiration.Channel.WHATSAPP):
        return _technical("invalid_channel", 400)
    text = _text(payload, "text")
    desa = _text(payload, "desa")
    if not desa and "#" in text:
        desa, text = (part.strip() for part in text.split("#", 1))
    village, maybe = _village(desa)
    if village is None and maybe:
        # A text message cannot show radio buttons: name the places and how to choose.
        places = "; ".join(
            f"{r.name}, {r.parent.get_kind_display()} {r.parent.name}" for r in maybe
        )
        return _refuse(
            "ambiguous_desa",
            _(
                "Aspirasi belum diterima. Desa yang mana: %(places)s? Tulis: nama desa, "
                "kecamatan # isi aspirasi."
            )
            % {"places": places},
            422,
            choices=[r.code for r in maybe],
        )
    if village is None:
        return _refuse(
            "unknown_desa",
            _(
                "Aspirasi belum diterima. Tulis: nama desa # isi aspirasi. "
                "Contoh: Sebalo # jalan RT 04 rusak."
            ),
            422,
        )
    categories = Category.objects.filter(kabupaten_id=village.kabupaten_code, is_active=True)
    wanted = _text(payload, "kategori")
    category = (
        (
            categories.filter(pk=int(wanted)).first()
            if wanted.isdecimal() and len(wanted) < 10
            else None
        )
        or categories.filter(name__iexact="Lainnya").first()
        or categories.first()
    )
    phone = _text(payload, "from")
    data = {
        "region": village,
        "category": category,
        "description": text,
        "reporter_phone": phone,
        "visibility": Aspiration.Visibility.ANONYMOUS,
    }
    # A gateway's message id is unique only at that gateway: each tenant has its own, and
    # two of them numbering "gw-000123" must make two cases, never hand one's case back.
    client_id = tenant_scoped_id(channel, client="gateway", key=_text(payload, "id")[:200])
    try:
        case, created = services.aspiration_submit(data=data, channel=channel, client_id=client_id)
    except ValidationError as exc:
        if "reporter_phone" in getattr(exc, "error_dict", {}):
            data["reporter_phone"] = ""  # an odd sender id is no reason to lose the message
            try:
                case, created = services.aspiration_submit(
                    data=data, channel=channel, client_id=client_id
                )
            except ValidationError as again:
                return _invalid(again, text)
        else:
            return _invalid(exc, text)
    code = services.display_code(case.code)
    # The reply goes back to the sender's phone only: their private link, the same for
    # a retried message (aspirations.reporter), on the host the gateway called.
    link = reporter_link(case, request)
    reply = _("Aspirasi diterima. Kode lacak: %(code)s. Ikuti di %(link)s") % {
        "code": code,
        "link": link,
    }
    return JsonResponse(
        {"code": code, "created": created, "reply": reply}, status=201 if created else 200
    )


def _invalid(exc: ValidationError, text: str) -> JsonResponse:
    """The service refused the message. The citizen can fix the text; anything else
    (no category set up for the kabupaten) is the operators' to fix."""
    fields = sorted(getattr(exc, "error_dict", {}) or ["__all__"])
    if fields == ["description"]:
        if len(text) > MAX_TEXT:
            return _too_long("text_too_long", 422)
        return _refuse(
            "text_too_short",
            _(
                "Aspirasi belum diterima: ceritakan aspirasi Anda, paling sedikit "
                "%(limit)s huruf. Tulis: nama desa # isi aspirasi."
            )
            % {"limit": MIN_TEXT},
            422,
        )
    return _technical("invalid_message", 422, fields=fields)
