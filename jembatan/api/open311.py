"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): one jurisdiction per tenant.

Other apps read the public cases of the kabupaten/kota whose host they call (the tenant
the host serves: its jurisdiction_id is its region code or any of its host names) and send
new aspirations, in JSON or XML. Nothing of another tenant is listed, found or accepted.
The same privacy rules as the public list apply: confidential cases and cases closed as
spam are never shown, and nothing that identifies the reporter (name, phone, email, the free-text
location) ever leaves through this API.

Cases are routed by desa/kelurahan, so a new request names its desa (``address_id``
with its Kemendagri code, or ``address_string``: its code, its name, or a free address
with the name among its parts), or only ``lat``/``long``: the desa whose centre is
nearest (regions.points; the centres ship with the region list and import_regions
loads them), which also settles an address naming no desa, or a name two desa
share. The point is kept as the case's map point. A listed case's point is rounded to
three decimals (about 100 m): enough to find the broken bridge, not enough to pin the
reporter's house; a point sent with a desa must lie within 12 km of its centre.
``Idempotency-Key`` makes a retried POST from the same client (its aggregator key, else
its device_id, else its address) return the first attempt's answer instead of a second
case; another client's same key makes its own case, and the same client's same key with
another body is refused (422). An aggregator key (made by the
hub kabupaten's Diskominfo in /kelola/api/open311/, sent as ``api_key``) has its own
limits per minute and per hour instead of the citizen's.
"""

from __future__ import annotations

import datetime
import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from jembatan.api.models import AggregatorKey
from jembatan.api.services import (
    AGGREGATOR_PREFIX,
    TOKEN_PREFIX,
    aggregator_key_touch,
    hash_token,
)
from jembatan.aspirations import services
from jembatan.aspirations.idempotency import tenant_scoped_id
from jembatan.aspirations.lapor import referral_note
from jembatan.aspirations.merge import merged_note
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, Status
from jembatan.aspirations.reporter import private_path, reporter_link
from jembatan.aspirations.views import (
    LOOKUP_WINDOW,
    _public_cases,
    count_code_guess,
    lookup_over_limit,
)
from jembatan.core.params import (
    BadParameter,
    has_control_characters,
    parse_moment,
    urlencoded_is_utf8,
)
from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.regions.models import Region
from jembatan.regions.points import MAX_DISTANCE_KM, distance_km, nearest_village
from jembatan.regions.resolve import region_match
from jembatan.tenants.current import request_tenant, served_code

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed (GeoReport's "changeset"): bump it with every change.
CHANGESET = "2026-12-07T10:00:00+07:00"
# The charset is named: GeoReport clients (and some HTTP libraries) otherwise guess
# Latin-1 for desa names such as "Saba'u" or quotes in the notes.
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DEFAULT_DAYS = 90
MAX_RESULTS = 1000
# Parts of a free address_string tried as the desa's name (each is a lookup in memory).
MAX_READINGS = 24
POST_WINDOW = 600
CLOSED = (Status.DONE, Status.CLOSED)
# XML names of the items of nested lists (the JSON has plain arrays there).
XML_ITEMS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute"}
# Open311 parameter names of the intake service's fields, for error messages.
PARAMETERS = {
    "region": "address_id",
    "category": "service_code",
    "description": "description",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "reporter_name": "first_name",
    "photos": "media",
    "latitude": "lat",
    "location": "address_string",
}
# Characters XML 1.0 cannot carry at all, even escaped.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REGION_CODE = re.compile(r"\d{2}(?:\.\d{1,4}){3}")
# A '+' of an unencoded offset arrives as a space: "...T10:00:00 07:00".
SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


# --- Output -----------------------------------------------------------------------------


def _xml_value(element: ET.Element, key: str, value: Any) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _xml_value(ET.SubElement(element, name), name, item)
    elif isinstance(value, list):
        for item in value:
            name = XML_ITEMS.get(key, "item")
            _xml_value(ET.SubElement(element, name), name, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = XML_INVALID.sub("", str(value))


def _render(
    fmt: str, data: dict | list, *, root: str, item: str = "", status: int = 200
) -> HttpResponse:
    """JSON as the data is; XML under ``root``, a list's members each as ``item``."""
    if fmt != "xml":
        return JsonResponse(
            data,
            safe=False,
            status=status,
            content_type=CONTENT_TYPES["json"],
            json_dumps_params={"ensure_ascii": False},
        )
    element = ET.Element(root)
    if isinstance(data, list):
        for member in data:
            _xml_value(ET.SubElement(element, item), item, member)
    else:
        _xml_value(element, root, data)
    body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES["xml"])


def _errors(fmt: str, status: int, messages: list[str], *, retry_after: int = 0) -> HttpResponse:
    data = [{"code": status, "description": str(message)} for message in messages]
    response = _render(fmt, data, root="errors", item="error", status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _methods(*allowed: str) -> Callable:
    """Refuse other HTTP methods in the error format (Django's 405 has no body).

    Every view here is CSRF exempt: this is an API for other apps, which send no cookies
    and so carry nothing a cross-site request could forge; exempt, a POST to a read-only
    address gets this 405 rather than the CSRF failure page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = _errors(fmt, 405, [_("Metode ini tidak didukung di alamat ini.")])
                response["Allow"] = ", ".join(allowed)
                return response
            # No form stands between these parameters and the database, and PostgreSQL
            # refuses NUL in text: answer a clear 400 instead of a server error. Control
            # characters are refused too (core.params), and a body too large or of too
            # many fields gets this format, not Django's HTML page.
            try:
                if request.content_type == "application/x-www-form-urlencoded" and not (
                    urlencoded_is_utf8(request.body)
                ):
                    return _errors(fmt, 400, [_("Isi permintaan harus berupa UTF-8.")])
                posted = request.POST
            except (RequestDataTooBig, TooManyFieldsSent):
                return _errors(fmt, 400, [_("Permintaan ini terlalu besar.")])
            except BadRequest:  # a body in another charset than UTF-8
                return _errors(fmt, 400, [_("Isi permintaan harus berupa UTF-8.")])
            for values in (request.GET, posted):
                if any(
                    has_control_characters(name) or has_control_characters(item)
                    for name, items in values.lists()
                    for item in items
                ):
                    return _errors(fmt, 400, [_("Parameter berisi karakter yang tidak sah.")])
            jurisdiction = posted.get("jurisdiction_id") or request.GET.get("jurisdiction_id", "")
            if jurisdiction.strip() and jurisdiction.strip().lower() not in jurisdictions(request):
                # The spec: a jurisdiction this endpoint does not serve is not found.
                return _errors(fmt, 404, [_("jurisdiction_id tidak dikenal.")])
            return view(request, *args, fmt=fmt, **kwargs)

        return csrf_exempt(wrapped)

    return decorate


def jurisdictions(request: HttpRequest) -> set[str]:
    """The jurisdiction_id values this endpoint answers to: the tenant's region code, each
    of its host names, and the host the client called (a KIM's own host belongs to its
    kabupaten's tenant; GeoReport clients usually send the domain). Another tenant's code
    or host is not found here."""
    tenant = request_tenant(request)
    hosts = {row.host.lower() for row in tenant.hosts.all()}
    return {tenant.code.lower(), request.get_host().rsplit(":", 1)[0].lower(), *hosts}


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


# --- Discovery and services -------------------------------------------------------------


def _hub_name() -> str:
    hub = Region.objects.filter(pk=served_code()).first()
    return hub.name if hub is not None else served_code()


@_methods("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": CHANGESET,
        "contact": _("Diskominfo %(kabupaten)s melalui %(site)s")
        % {"kabupaten": _hub_name(), "site": request.build_absolute_uri("/")},
        "key_service": _(
            "Warga tidak perlu kunci API. Aplikasi pengumpul (aplikasi kota, jembatan ke "
            "LAPOR!) meminta kunci Open311 kepada Diskominfo kabupaten, yang membuatnya di "
            "ruang kerja, dan mengirimnya sebagai api_key: kunci itu punya batas kiriman "
            "sendiri per menit dan per jam."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _render(fmt, data, root="discovery")


def _hub_categories() -> QuerySet[Category]:
    return Category.objects.filter(kabupaten_id=served_code(), is_active=True)


def _category(code: str) -> Category | None:
    code = (code or "").strip()
    if not code.isdecimal() or len(code) > 9:
        return None
    return _hub_categories().filter(pk=int(code)).first()


@_methods("GET", "HEAD")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    kabupaten = _hub_name()
    data = [
        {
            "service_code": str(category.pk),
            "service_name": category.name,
            "description": _(
                "Aspirasi tentang %(name)s di %(kabupaten)s: diverifikasi dalam %(verify)s "
                "hari kerja, dijawab dalam %(answer)s hari kerja setelah diteruskan ke "
                "instansi."
            )
            % {
                "name": category.name,
                "kabupaten": kabupaten,
                "verify": category.verify_days,
                "answer": category.answer_days,
            },
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": category.office.name if category.office else "",
        }
        for category in _hub_categories().select_related("office").order_by("name", "pk")
    ]
    return _render(fmt, data, root="services", item="service")


@_methods("GET", "HEAD")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = _category(code)
    if category is None:
        return _errors(fmt, 404, [_("service_code tidak dikenal.")])
    return _render(
        fmt, {"service_code": str(category.pk), "attributes": []}, root="service_definition"
    )


# --- Reading requests -------------------------------------------------------------------


def _cases() -> QuerySet[Aspiration]:
    """Public cases of the hub with what a request shows: the latest public text written
    by staff (an answer, or a note with a status step), and the latest public step."""
    public_events = CaseEvent.objects.filter(aspiration=OuterRef("pk"), is_public=True).order_by(
        "-created_at", "-id"
    )
    # Steps that start from "selesai" are the citizen's own response, not an answer.
    answers = public_events.exclude(body="").filter(
        Q(kind=CaseEvent.Kind.ANSWER)
        | (Q(kind=CaseEvent.Kind.STATUS) & ~Q(from_status=Status.DONE))
    )
    return _public_cases().annotate(
        latest_answer=Subquery(answers.values("body")[:1]),
        latest_step_at=Subquery(public_events.values("created_at")[:1]),
    )


def _address(region: Region) -> str:
    kecamatan = region.parent
    if kecamatan is None:
        return region.name
    return _("%(desa)s, Kecamatan %(kecamatan)s") % {
        "desa": region.name,
        "kecamatan": kecamatan.name,
    }


def _as_request(request: HttpRequest, case: Aspiration) -> dict[str, Any]:
    # Never the reporter's name, phone, email or free-text location: personal data.
    if case.status == Status.CLOSED:
        # A merged duplicate names the case it joined (aspirations.merge); one that is
        # not this government's authority, where it was referred (aspirations.lapor).
        closed_note = merged_note(case) or referral_note(case)
        notes = closed_note or str(case.get_close_reason_display()) or None
    else:
        notes = case.latest_answer or None
    updated = max(filter(None, [case.updated_at, case.latest_step_at]))
    return {
        "service_request_id": services.display_code(case.code),
        "status": "closed" if case.status in CLOSED else "open",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": str(case.category_id),
        "description": case.description,
        "agency_responsible": case.office.name if case.office else None,
        "service_notice": None,
        "requested_datetime": _iso(case.created_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": None,
        "address": _address(case.region),
        "address_id": case.region_id,
        "zipcode": None,
        "lat": _rounded(case.latitude),
        "long": _rounded(case.longitude),
        # A citizen's photos are theirs and the staff's (the reporter's key shows them):
        # never handed to every reader of the public list.
        "media_url": None,
    }


def _rounded(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 3))


def _coordinate(params: Any, name: str, errors: list[str]) -> Decimal | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    # Past 180 no coordinate is meant, and rounding 1e30 to six places overflows.
    if value is None or not value.is_finite() or abs(value) > 180:
        errors.append(_("%(name)s harus berupa angka desimal.") % {"name": name})
        return None
    return round(value, 6)


def _moment(value: str, *, name: str) -> datetime.datetime | None:
    """An ISO 8601 datetime or date (a date means its whole day); BadParameter if neither,
    or if it is too far from today for the database (year 1, 9999 with a -12:00 offset)."""
    value = SPACED_OFFSET.sub(r"\1+\2", value.strip())
    return parse_moment(value, name=name, end=name == "end_date")


def _listed(params: Any, name: str) -> list[str]:
    """A list parameter's parts: ``a,b`` and a repeated key (``name=a&name=b``) alike."""
    return [part.strip() for value in params.getlist(name) for part in value.split(",")]


def _filtered(cases: QuerySet[Aspiration], params: Any) -> tuple[QuerySet[Aspiration], list[str]]:
    errors: list[str] = []
    ids = [part for part in _listed(params, "service_request_id") if part]
    if ids:
        # The spec: a list of ids overrides every other parameter.
        codes = [services.normalize_code(part) for part in ids[:MAX_RESULTS]]
        return cases.filter(code__in=[code for code in codes if code]), errors
    wanted = [part for part in _listed(params, "service_code") if part]
    if wanted:
        if all(
            code.isascii() and code.isdecimal() and 1 <= len(code) <= 9 and int(code) >= 1
            for code in wanted
        ):
            cases = cases.filter(category_id__in=[int(code) for code in wanted])
        else:
            errors.append(_("service_code tidak valid."))
    bounds: dict[str, datetime.datetime | None] = {"start_date": None, "end_date": None}
    for name in bounds:
        try:
            bounds[name] = _moment(params.get(name, ""), name=name)
        except BadParameter as exc:
            errors.append(exc.message)
    start, end = bounds["start_date"], bounds["end_date"]
    if start is None:
        start = (end or timezone.now()) - datetime.timedelta(days=DEFAULT_DAYS)
    cases = cases.filter(created_at__gte=start)
    if end is not None:
        cases = cases.filter(created_at__lte=end)
    states = {part.lower() for part in _listed(params, "status") if part}
    if states - {"open", "closed"}:
        errors.append(_("status tidak valid: pilih open atau closed."))
    elif states == {"open"}:
        cases = cases.exclude(status__in=CLOSED)
    elif states == {"closed"}:
        cases = cases.filter(status__in=CLOSED)
    return cases, errors


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    cases, errors = _filtered(_cases(), request.GET)
    if errors:
        return _errors(fmt, 400, errors)
    found = cases.order_by("-created_at", "-id")[:MAX_RESULTS]
    data = [_as_request(request, case) for case in found]
    return _render(fmt, data, root="service_requests", item="request")


@never_cache
@_methods("GET", "HEAD")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    # The tracking-code lookup limit of the web pages: one bucket per visitor.
    if lookup_over_limit(request):
        return _errors(
            fmt,
            429,
            [_("Terlalu banyak pencarian. Coba lagi beberapa menit lagi.")],
            retry_after=LOOKUP_WINDOW,
        )
    code = services.normalize_code(request_id)
    case = _cases().filter(code=code).first() if code else None
    if case is None:  # confidential cases too: they are not to be told from unknown codes
        count_code_guess(request)
        return _errors(fmt, 404, [_("Permintaan layanan tidak ditemukan.")])
    return _render(fmt, [_as_request(request, case)], root="service_requests", item="request")


# --- Creating requests ------------------------------------------------------------------


def _readings(text: str) -> list[str]:
    """The parts of a free address that may name the desa, the fullest first.

    "Jl. Raya Sebalo No. 4, Sebalo, Bengkayang": the whole text, then what follows each
    comma ("Sebalo, Bengkayang", "Bengkayang"), then what follows each word. In an
    Indonesian address the desa comes after the street and before the kecamatan and
    kabupaten, and region_match takes words after a name only when they are the names of
    its own kecamatan or kabupaten, so a street named after another desa is not taken."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    readings = [", ".join(parts[i:]) for i in range(len(parts))]
    tokens = text.replace(",", " ").split()
    readings += [" ".join(tokens[i:]) for i in range(1, len(tokens))]
    return list(dict.fromkeys(readings))[:MAX_READINGS]


def _village_at(point: tuple[Decimal, Decimal] | None) -> Region | None:
    """The desa of the hub whose centre is nearest to the point (regions.points), if any
    lies near enough; None without a point or without loaded centres."""
    if point is None:
        return None
    return nearest_village(*point, within=served_code())


def _village(params: Any, point: tuple[Decimal, Decimal] | None) -> tuple[Region | None, str, bool]:
    """The desa/kelurahan a new request names, or why none could be found, and whether
    address_string said more than the desa (a street address worth keeping for staff).

    address_id first; then the desa named in address_string; then the point, whose
    nearest desa centre also settles an address that names no desa of the kabupaten or
    a name two desa share."""
    villages = Region.objects.filter(level=Region.Level.DESA, code__startswith=f"{served_code()}.")
    address_id = params.get("address_id", "").strip()
    if address_id:
        village = villages.filter(code=address_id).first()
        if village is None:
            return (
                None,
                _(
                    "address_id tidak dikenal: kirim kode Kemendagri desa/kelurahan di "
                    "kabupaten ini."
                ),
                False,
            )
        return village, "", False
    text = " ".join(params.get("address_string", "").split())
    if not text:
        village = _village_at(point)
        if village is not None:
            return village, "", False
        if point is not None:
            return (
                None,
                _(
                    "Titik lat/long tidak dekat dengan desa/kelurahan mana pun yang letaknya "
                    "dikenal di kabupaten ini. Kirim juga address_string (alamat dengan nama "
                    "desa) atau address_id."
                ),
                False,
            )
        return None, _("address_string (nama desa) atau lat/long wajib"), False
    if REGION_CODE.fullmatch(text):
        return villages.filter(code=text).first(), "", False
    village, detailed, problem = None, False, ""
    for number, reading in enumerate(_readings(text)):
        # Written as people write it ("Desa Sebalo, Kec. Bengkayang", one typo forgiven).
        match = region_match(reading, level=Region.Level.DESA, within=served_code())
        if len(match.codes) > 1:
            problem = _(
                "Ada lebih dari satu desa/kelurahan bernama “%(name)s”: kirim kodenya "
                "sebagai address_id."
            ) % {"name": reading[:120]}
            break
        if match.sure:
            village, detailed = villages.filter(code=match.codes[0]).first(), number > 0
            break
    if village is None:
        # The address names no one desa: the point, if it lies in one, says which; the
        # whole address is kept for staff.
        village = _village_at(point)
        if village is not None:
            return village, "", True
        return (
            None,
            problem
            or _("Desa/kelurahan “%(name)s” tidak ditemukan di kabupaten ini.")
            % {"name": text[:120]},
            False,
        )
    return village, "", detailed


def _far_from(village: Region | None, point: tuple[Decimal, Decimal] | None) -> bool:
    """Whether the point lies too far from the named desa's centre to be in it.

    The limit is the nearest-desa radius of regions.points (MAX_DISTANCE_KM, 12 km): a
    desa of Bengkayang covers about 45 km² on average and the widest ten times that, whose
    edge lies about 12 km from its centre; a point farther out is in another desa (or
    another kabupaten), and a case published with it would show the wrong place. Without
    a centre for the desa nothing is checked."""
    if village is None or point is None:
        return False
    if village.latitude is None or village.longitude is None:
        return False
    km = distance_km(
        float(point[0]), float(point[1]), float(village.latitude), float(village.longitude)
    )
    return km > MAX_DISTANCE_KM


def _messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    messages = []
    for field, texts in exc.message_dict.items():
        name = PARAMETERS.get(field, "") if field != NON_FIELD_ERRORS else ""
        messages += [f"{name}: {text}" if name else text for text in texts]
    return messages


def _aggregator(key: str) -> tuple[AggregatorKey | None, str]:
    """The aggregator whose key this is, or why the key is refused.

    An aggregator key is made by the hub kabupaten's Diskominfo in the workspace
    (/kelola/api/open311/). Any other api_key text is what it always was here, a name
    the client gives itself (GeoReport clients send one whether asked or not): the
    citizen's limit."""
    if key.startswith(TOKEN_PREFIX):
        return None, _(
            "api_key ini token API pribadi, bukan kunci aplikasi pengumpul: minta kunci "
            "Open311 kepada admin kabupaten."
        )
    if not key.startswith(AGGREGATOR_PREFIX):
        return None, ""
    found = AggregatorKey.objects.filter(key_hash=hash_token(key)).first()
    if found is None:
        return None, _("api_key tidak dikenal.")
    if not found.is_active:
        return None, _("api_key ini sudah dicabut: minta kunci baru.")
    if found.kabupaten_id != served_code():
        return None, _("api_key ini bukan kunci aplikasi pengumpul kabupaten ini.")
    aggregator_key_touch(key=found)
    return found, ""


def _over_limit(request: HttpRequest, aggregator: AggregatorKey | None) -> int:
    """An aggregator counts against its own limits, per minute and per hour; anyone else
    against the citizen's, per address. The seconds to wait when over a limit (the
    window's length: the fixed windows of core.ratelimit free at the latest then), else 0."""
    if aggregator is None:
        over = rate_limit_exceeded(
            "open311-post",
            visitor_key(request),
            limit=settings.ASPIRATION_SUBMIT_LIMIT,
            window=POST_WINDOW,
        )
        return POST_WINDOW if over else 0
    # Both windows count every request, so a burst refused by the minute still uses up
    # the hour.
    minute = rate_limit_exceeded(
        "open311-agg-m", str(aggregator.pk), limit=aggregator.per_minute, window=60
    )
    hour = rate_limit_exceeded(
        "open311-agg-h", str(aggregator.pk), limit=aggregator.per_hour, window=3600
    )
    return 3600 if hour else 60 if minute else 0


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    aggregator, refused = _aggregator(params.get("api_key", "").strip())
    if refused:
        # Guessing keys costs the guesser's own (citizen) budget.
        _over_limit(request, None)
        return _errors(fmt, 403, [refused])
    wait = _over_limit(request, aggregator)
    if wait:
        return _errors(
            fmt,
            429,
            [_("Terlalu banyak kiriman dari Anda. Coba lagi beberapa menit lagi.")],
            retry_after=wait,
        )
    errors = []
    if len(params.getlist("service_code")) > 1:
        return _errors(fmt, 400, [_("Kirim satu service_code untuk satu laporan.")])
    service_code = params.get("service_code", "").strip()
    category = _category(service_code)
    if not service_code:
        errors.append(_("service_code wajib diisi."))
    elif category is None:
        # The spec: a service_code this server does not offer is not found.
        return _errors(fmt, 404, [_("service_code tidak dikenal.")])
    latitude = _coordinate(params, "lat", errors)
    longitude = _coordinate(params, "long", errors)
    point = (latitude, longitude) if latitude is not None and longitude is not None else None
    village, problem, detailed = _village(params, point)
    if problem:
        errors.append(problem)
    elif _far_from(village, point):
        errors.append(
            _(
                "Titik lat/long berjarak lebih dari %(km)s km dari pusat desa/kelurahan "
                "%(desa)s: periksa titiknya, atau desa yang dikirim."
            )
            % {"km": f"{MAX_DISTANCE_KM:g}", "desa": village.name if village else ""}
        )
    if errors:
        return _errors(fmt, 400, errors)
    address_string = " ".join(params.get("address_string", "").split())
    data = {
        "region": village,
        "category": category,
        "description": params.get("description", ""),
        # A street address (next to address_id, or around the desa's name): kept for
        # staff, never shown publicly. A bare desa name is not an address.
        "location": address_string if params.get("address_id", "").strip() or detailed else "",
        "latitude": latitude,
        "longitude": longitude,
        "visibility": Aspiration.Visibility.ANONYMOUS,
        "reporter_name": f"{params.get('first_name', '')} {params.get('last_name', '')}",
        "reporter_phone": params.get("phone", ""),
        "reporter_email": params.get("email", ""),
    }
    key = request.headers.get("Idempotency-Key", "").strip()
    device = params.get("device_id", "").strip()
    # A key counts only for the client that sent it: an aggregator (its secret, which
    # only it holds, so no device_id is needed), else the api_key and device_id the client
    # names, else the address it sends from (core.ratelimit, hashed) and its api_key.
    # Its ids have their own source, so no text a keyless client makes up can fall into
    # an aggregator's scope.
    # Each tenant's requests are their own (tenant_scoped_id): the same key on another
    # host is another case.
    if aggregator is not None:
        source, client = "open311-agg", f"{aggregator.pk}\n{device}"
    elif device:
        source, client = "open311", f"{params.get('api_key', '').strip()}\n{device}"
    else:
        api_key = params.get("api_key", "").strip()
        source, client = "open311", f"{api_key}\n@{visitor_key(request)}"
    body = "\n".join(f"{name}={data[name]}" for name in sorted(data) if data[name] is not None)
    scope, client_id = _idempotency_ids(source, client=client, key=key, body=body)
    if scope:
        earlier = Aspiration.objects.filter(client_id__startswith=scope).first()
        if earlier is not None and earlier.client_id != client_id:
            # The IETF idempotency-key draft: a key reused for another request is refused,
            # and the first request's case is not shown to whoever reused it.
            return _errors(
                fmt,
                422,
                [_("Idempotency-Key ini sudah dipakai untuk permintaan lain: pakai kunci baru.")],
            )
        if earlier is not None:
            return _created_reply(request, fmt, earlier, created=False)
    try:
        case, created = services.aspiration_submit(
            data=data, channel=Aspiration.Channel.OPEN311, client_id=client_id
        )
    except ValidationError as exc:
        return _errors(fmt, 400, _messages(exc))
    return _created_reply(request, fmt, case, created=created)


def _idempotency_ids(source: str, *, client: str, key: str, body: str) -> tuple[str, str | None]:
    """The stored client_id of a request with an Idempotency-Key, and its first part,
    which names the client and key alone: a stored case whose id shares that part but not
    the rest was made by another body under the same key. ("", None) without a key."""
    if not key:
        return "", None
    scope = tenant_scoped_id(source, client=client, key=key)[: len(source) + 25]
    whole = tenant_scoped_id(source, client=client, key=f"{key}\n{body}")
    return scope, scope + whole[len(source) + 1 :][:24]


def _created_reply(
    request: HttpRequest, fmt: str, case: Aspiration, *, created: bool
) -> HttpResponse:
    """The answer to a new request: its tracking code and the reporter's private link.

    A retry with the same Idempotency-Key gets the first attempt's answer again, as 200:
    the link of the case's first key (derived again, aspirations.reporter), never a new
    key, so retries do not add live links."""
    code = services.display_code(case.code)
    notice = _(
        "Aspirasi diterima. Simpan kode lacak %(code)s dan ikuti tindak lanjutnya di %(link)s"
    )
    if created:
        link = request.build_absolute_uri(private_path(case, case.reporter_key))
    else:
        link = reporter_link(case, request)
    data = [
        {
            "service_request_id": code,
            "service_notice": notice % {"code": code, "link": link},
            "account_id": None,
        }
    ]
    return _render(
        fmt, data, root="service_requests", item="request", status=201 if created else 200
    )


@never_cache
@_methods("GET", "HEAD", "POST")
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


@csrf_exempt  # so that a POST to a wrong address gets this 404, not a CSRF page
def not_found(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return _errors(fmt, 404, [_("Alamat ini tidak ada di API Open311 ini.")])
