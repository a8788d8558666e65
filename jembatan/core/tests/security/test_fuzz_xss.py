"""Public forms and list parameters fuzzed (no server error), and payloads escaped."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db]

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
]

# Public POST forms (no account) and the fields they read; the sweep fills every field.
PUBLIC_FORMS = {
    "aspiration": (
        "/aspirasi/kirim/",
        [
            "description",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "region",
            "category",
            "website",
        ],
    ),
    "aspiration_track": ("/aspirasi/lacak/", ["code"]),
    "ppid_request": (
        "/ppid/permohonan/",
        [
            "requester_name",
            "requester_nik",
            "requester_address",
            "requester_phone",
            "information",
            "purpose",
            "body",
        ],
    ),
    "ppid_track": ("/ppid/permohonan/lacak/", ["number", "contact"]),
    "comment": ("/kim/kim-a/berita/berita-kim-a/komentar/", ["name", "body", "website"]),
    "certificate": ("/literasi/sertifikat/", ["code"]),
    "dialogue_verify": ("/dialog/verifikasi/", ["step", "name", "contact", "code", "next"]),
    "login": ("/akun/masuk/", ["username", "password"]),
    "password_reset": ("/akun/lupa-sandi/", ["email"]),
}
PUBLIC_LISTS = [
    "/cari/",
    "/berita/",
    "/kim/",
    "/informasi/",
    "/aspirasi/",
    "/wilayah/cari/",
    "/ppid/register/",
    "/dialog/",
    "/literasi/",
    "/statistik/",
]
TRIED: dict[str, int] = {}

text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            *XSS,
            "",
            " ",
            "\x00",
            "'; DROP TABLE x;--",
            "%00",
            "9" * 5000,
            "\uff16\uff11.\uff10\uff17",
            "ꦗꦮ",
            "\u202e",
            "../../etc/passwd",
        ]
    ),
)


@pytest.mark.parametrize("form", sorted(PUBLIC_FORMS))
def test_public_forms_never_answer_a_server_error(world, form):
    url, fields = PUBLIC_FORMS[form]
    client = Client(raise_request_exception=False)

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({f: text for f in fields}))
    def post(data):
        cache.clear()
        response = client.post(url, data)
        TRIED[form] = TRIED.get(form, 0) + 1
        assert response.status_code < 500, (url, data)

    post()


# Public POST forms on one object's page (a case, a request, a consultation, a poll, a
# thread) and Open311's POST: the path is filled with tenant A's objects.
OBJECT_FORMS = {
    "aspiration_follow_up": ("/aspirasi/{code:aspiration}/tambahan/", ["body", "website"]),
    "aspiration_respond": ("/aspirasi/{code:aspiration}/tanggapan/", ["accept", "rating", "body"]),
    "aspiration_my_data": (
        "/aspirasi/{code:aspiration}/data-saya/",
        ["contact", "action", "reporter_name", "reporter_phone", "reporter_email"],
    ),
    "ppid_my_data": (
        "/ppid/permohonan/{number}/{token}/data-saya/",
        ["requester_name", "requester_address", "requester_phone", "requester_email"],
    ),
    "ppid_objection": (
        "/ppid/permohonan/{number}/{token}/keberatan/",
        ["reasons", "text", "website"],
    ),
    "dialogue_paragraph_comment": (
        "/dialog/konsultasi/{slug:consultation}/p/{pk:paragraph}/",
        ["body", "name", "website"],
    ),
    "dialogue_vote": (
        "/dialog/konsultasi/{slug:consultation}/tanggapan/{pk:dialogue_comment}/suara/",
        ["value"],
    ),
    "dialogue_report": ("/dialog/lapor/tanggapan/{pk:dialogue_comment}/", ["reason", "note"]),
    "poll_response": (
        "/dialog/jajak/{slug:poll}/",
        ["region", "q{question}", "website", "serial"],
    ),
    "thread_reply": ("/dialog/diskusi/{slug:thread}/", ["body", "website"]),
    "open311_post": (
        "/open311/v2/requests.json",
        [
            "service_code",
            "description",
            "address_string",
            "address_id",
            "lat",
            "long",
            "email",
            "phone",
            "first_name",
            "device_id",
        ],
    ),
}


def _filled(template: str, args: dict) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: str(args[m.group(1)]), template)


@pytest.mark.parametrize("form", sorted(OBJECT_FORMS))
def test_public_forms_on_an_object_never_answer_a_server_error(world, form):
    template, fields = OBJECT_FORMS[form]
    args = world.args["a"]
    url = _filled(template, args)
    fields = [_filled(f, args) for f in fields]
    client = Client(raise_request_exception=False)

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({f: text for f in fields}))
    def post(data):
        cache.clear()
        response = client.post(url, data)
        TRIED[form] = TRIED.get(form, 0) + 1
        assert response.status_code < 500, (url, data)
        if form == "open311_post" and response.status_code == 404:
            # GeoReport v2: a service_code not offered is a 404; the address exists.
            assert "service_code" in response.content.decode(), url
            return
        assert response.status_code != 404, (url, "the object must exist: fix the path")

    post()


def test_open311_post_with_a_known_service_never_answers_a_server_error(world):
    """The fuzz above mostly stops at an unknown service_code (a 404): here the code is
    the hub's own, so the desa, point, contact and idempotency paths get the odd input."""
    _template, fields = OBJECT_FORMS["open311_post"]
    args = world.args["a"]
    client = Client(raise_request_exception=False)
    fuzzed = [f for f in fields if f != "service_code"] + ["api_key"]

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({f: text for f in fuzzed}), text)
    def post(data, idempotency_key):
        cache.clear()
        data["service_code"] = args["code:case_category"]
        response = client.post(
            "/open311/v2/requests.json",
            data,
            headers={"Idempotency-Key": idempotency_key} if idempotency_key.isprintable() else {},
        )
        assert response.status_code < 500, data
        assert response.status_code != 404, (data, response.content)

    post()


@pytest.mark.parametrize("path", PUBLIC_LISTS)
def test_public_list_parameters_never_answer_a_server_error(world, path):
    client = Client(raise_request_exception=False)

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.dictionaries(
            st.sampled_from(
                ["q", "page", "kecamatan", "kategori", "tahun", "status", "sort", "kim", "level"]
            ),
            text,
            max_size=4,
        )
    )
    def get(params):
        response = client.get(path, params)
        assert response.status_code < 500, (path, params)

    get()


def test_payloads_in_comments_and_aspirations_are_escaped(world):
    from jembatan.aspirations.models import Aspiration
    from jembatan.sites.models import Comment

    post_url = "/kim/kim-a/berita/berita-kim-a/"
    for payload in XSS:
        Comment.objects.filter(post__slug="berita-kim-a").update(body=payload, name=payload)
        Aspiration.objects.filter(code="ASPA2345").update(description=payload)
        for client, url in [
            (Client(), post_url),
            (Client(), "/aspirasi/ASPA2345/"),
            (world.client("kab_admin"), "/kelola/aspirasi/ASPA2345/"),
            (world.client("ketua"), "/kelola/kim/kim-a/komentar/"),
        ]:
            html = client.get(url).content.decode()
            assert "<script>alert(1)" not in html, url
            assert "onerror=alert(1)>" not in html, url
            assert 'href="javascript:' not in html, url


def test_rich_text_is_sanitised():
    from jembatan.core.richtext import sanitize_html

    clean = sanitize_html(
        "<p>ok</p><script>alert(1)</script><img src=x onerror=alert(1)>"
        '<a href="javascript:alert(1)">x</a>'
    )
    assert "<script" not in clean and "onerror" not in clean and "javascript:" not in clean
    assert "<p>ok</p>" in clean
