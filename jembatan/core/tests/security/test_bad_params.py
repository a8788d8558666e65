"""No 500 on bad input, as a class: every parsed GET parameter fuzzed at its edges, form
bodies in other charsets, and JSON bodies nested deep or carrying NUL.

SWEEP lists every GET parameter that a view, API or feed parses as a date, moment, month,
year or number (found by grepping the views for request.GET, query_params, int(,
parse_date, strptime, "tahun", "halaman" and "page"). A new one is one more line.
"""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from jembatan.core.gateway import signature_for
from jembatan.core.params import BadParameter, parse_moment, parse_year

pytestmark = [pytest.mark.django_db]

# The edges: out of Python's date range, out of UTC's, out of every integer column, NUL,
# long text, a word, negative and enormous page numbers.
EDGES = [
    "0",
    "-1",
    "0000",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-12:00",
    str(10**30),
    "\x00",
    "1\x002",
    "9" * 5000,
    "abc",
    "-5",
    "99999999999999999999",
]

HTML, API, OPEN311 = "html", "api", "open311"

# (who, path, parameter, what answers): every date/year/number GET parameter of the site.
SWEEP = [
    # Public pages.
    ("anonymous", "/ppid/register/", "tahun", HTML),
    ("anonymous", "/ppid/register/", "badan", HTML),
    ("anonymous", "/ppid/register/", "halaman", HTML),
    ("anonymous", "/aspirasi/", "halaman", HTML),
    ("anonymous", "/berita/", "halaman", HTML),
    ("anonymous", "/informasi/", "halaman", HTML),
    ("anonymous", "/cari/?q=berita", "halaman", HTML),
    # Staff pages.
    ("kab_admin", "/kelola/ppid/", "tahun", HTML),
    ("kab_admin", "/kelola/ppid/", "badan", HTML),
    ("kab_admin", "/kelola/ppid/", "halaman", HTML),
    ("kab_admin", "/kelola/aspirasi/", "halaman", HTML),
    ("kab_admin", "/kelola/informasi/", "halaman", HTML),
    ("ketua", "/kelola/kim/kim-a/informasi/", "halaman", HTML),
    ("kab_admin", "/kelola/pemberitahuan/", "halaman", HTML),
    ("kab_admin", "/kelola/dasbor/", "bulan", HTML),
    ("kab_admin", "/kelola/dasbor/aspirasi/", "bulan", HTML),
    ("kab_admin", "/kelola/dasbor/aspirasi/", "instansi", HTML),
    ("ketua", "/kelola/dasbor/kim/kim-a/", "bulan", HTML),
    ("kab_admin", "/kelola/dasbor/daftar/berita/", "bulan", HTML),
    ("kab_admin", "/kelola/dasbor/daftar/berita/", "dari", HTML),
    ("kab_admin", "/kelola/dasbor/daftar/berita/", "sampai", HTML),
    ("kab_admin", "/kelola/dasbor/daftar/berita/", "halaman", HTML),
    # The JSON API.
    ("anonymous", "/api/v1/aspirasi/", "since", API),
    ("anonymous", "/api/v1/aspirasi/", "kategori", API),
    ("anonymous", "/api/v1/aspirasi/", "page", API),
    ("anonymous", "/api/v1/aspirasi/", "page_size", API),
    ("anonymous", "/api/v1/berita/", "since", API),
    ("anonymous", "/api/v1/berita/", "page", API),
    ("anonymous", "/api/v1/informasi/", "since", API),
    ("anonymous", "/api/v1/kim/", "page", API),
    # Open311, in both formats.
    ("anonymous", "/open311/v2/requests.json", "start_date", OPEN311),
    ("anonymous", "/open311/v2/requests.json", "end_date", OPEN311),
    ("anonymous", "/open311/v2/requests.xml", "start_date", OPEN311),
    ("anonymous", "/open311/v2/requests.xml", "end_date", OPEN311),
    ("anonymous", "/open311/v2/requests.json", "service_code", OPEN311),
]

# Numbers in the path: the URL converter takes only digits, the view must not overflow.
PATH_NUMBERS = [
    ("anonymous", "/literasi/skor/kim-a/{}/"),
    ("anonymous", "/literasi/peringkat/61.07/{}/"),
    ("kab_admin", "/kelola/dasbor/laporan/{}-01.pdf"),
]


@pytest.fixture
def clients(world):
    made: dict[str, Client] = {}

    def client_for(role: str) -> Client:
        if role not in made:
            made[role] = world.client(role)
            made[role].raise_request_exception = False
        return made[role]

    return client_for


def _check(response, kind: str, where: str) -> None:
    assert response.status_code == 400, (where, response.status_code)
    body = response.content.decode()
    if kind == HTML:
        assert response["Content-Type"].startswith("text/html"), where
        # The site's own page with the reason, not Django's bare "Bad Request (400)".
        assert "Bad Request (400)" not in body, where
        assert "tidak valid" in body or "tidak dikenal" in body, (where, body[-600:])
    elif kind == API:
        error = response.json()["error"]
        assert error["status"] == 400 and error["details"], where
    else:
        if where.split("?")[0].endswith(".xml"):
            assert body.startswith("<?xml") and "<errors><error><code>400</code>" in body, where
        else:
            assert response.json()[0]["code"] == 400, where


@pytest.mark.parametrize(("role", "path", "name", "kind"), SWEEP)
def test_every_parsed_parameter_answers_400_at_its_edges(clients, role, path, name, kind):
    client = clients(role)
    path, _sep, fixed = path.partition("?")
    base = dict(item.split("=") for item in fixed.split("&")) if fixed else {}
    assert client.get(path, base).status_code == 200, "the sweep must reach the view itself"
    for value in EDGES:
        response = client.get(path, {**base, name: value})
        _check(response, kind, f"{path}?{name}={value[:30]!r}")


@pytest.mark.parametrize(("role", "template"), PATH_NUMBERS)
def test_numbers_in_the_path_never_overflow(clients, role, template):
    for value in ["0", "0000", "1", "9999", str(10**30)]:
        if "laporan" in template and len(value) != 4:
            continue  # the pattern takes four digits
        response = clients(role).get(template.format(value))
        assert response.status_code in (400, 404), (template, value, response.status_code)


def test_the_reported_cases(clients):
    """The cases of the report, one by one, with the message a visitor reads."""
    anonymous = clients("anonymous")
    response = anonymous.get("/ppid/register/", {"tahun": "0000"})
    assert response.status_code == 400
    assert "<h1>Permintaan tidak valid</h1>" in response.content.decode()
    assert "tahun “0000” tidak valid" in response.content.decode()
    assert clients("kab_admin").get("/kelola/ppid/", {"tahun": "0000"}).status_code == 400
    for fmt in ("json", "xml"):
        url = f"/open311/v2/requests.{fmt}"
        response = anonymous.get(url, {"start_date": "0001-01-01"})
        assert response.status_code == 400
        assert "start_date harus antara tahun 1900 dan 2100" in response.content.decode()
        response = anonymous.get(url, {"end_date": "9999-12-31T23:59:59-12:00"})
        assert response.status_code == 400
        assert "end_date harus antara tahun 1900 dan 2100" in response.content.decode()
    response = anonymous.get("/api/v1/aspirasi/", {"since": "0001-01-01"})
    assert response.status_code == 400
    assert response.json()["error"]["details"]["since"] == [
        "since harus antara tahun 1900 dan 2100."
    ]


def test_good_values_still_filter(clients):
    anonymous = clients("anonymous")
    assert anonymous.get("/ppid/register/", {"tahun": "2026", "halaman": "1"}).status_code == 200
    assert anonymous.get("/api/v1/aspirasi/", {"since": "2026-01-01"}).status_code == 200
    response = anonymous.get(
        "/open311/v2/requests.json",
        {"start_date": "1900-01-01", "end_date": "2100-12-31T23:59:59-12:00"},
    )
    assert response.status_code == 200
    # A page past the end of an HTML list still shows its last page, as it always has.
    assert anonymous.get("/aspirasi/", {"halaman": "999"}).status_code == 200


def test_messages_follow_the_language(clients):
    with translation.override("en"):
        english = gettext("%(name)s harus antara tahun %(min)s dan %(max)s.")
    assert english == "%(name)s must be between the years %(min)s and %(max)s."
    client = clients("anonymous")
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/aspirasi/", {"since": "0001-01-01"})
    expected = english % {"name": "since", "min": 1900, "max": 2100}
    assert response.json()["error"]["details"]["since"] == [expected]


# Text parameters (and path parts) that reach a filter: NUL is refused by PostgreSQL.
TEXT_PARAMETERS = [
    ("anonymous", "/aspirasi/", ["kecamatan", "kategori", "status"]),
    ("anonymous", "/aspirasi/mirip/", ["kategori", "desa"]),
    ("anonymous", "/informasi/", ["kategori", "kim"]),
    ("anonymous", "/kim/", ["kecamatan"]),
    ("anonymous", "/cari/", ["q"]),
    ("anonymous", "/wilayah/cari/", ["q", "level", "within"]),
    ("anonymous", "/ppid/register/", ["tahun", "badan"]),
    (
        "kab_admin",
        "/kelola/aspirasi/",
        ["status", "terlambat", "cari", "kecamatan", "desa", "kategori", "petugas", "urut"],
    ),
    ("kab_admin", "/kelola/ppid/", ["status"]),
    ("kab_admin", "/kelola/dasbor/", ["wilayah", "kabupaten"]),
]


@pytest.mark.parametrize(("role", "path", "names"), TEXT_PARAMETERS)
def test_nul_in_any_query_parameter_is_400(clients, role, path, names):
    client = clients(role)
    for name in names:
        response = client.get(path, {name: "a\x00b"})
        assert response.status_code == 400, (path, name, response.status_code)
        assert "Parameter berisi karakter yang tidak sah." in response.content.decode()


@pytest.mark.parametrize("path", ["/wilayah/61%0007/", "/literasi/peringkat/61%0007/2026/"])
def test_nul_in_the_path_is_400(clients, path):
    assert clients("anonymous").get(path).status_code == 400


def test_nul_in_the_path_of_the_api_and_open311_is_not_a_500(clients):
    client = clients("anonymous")
    response = client.get("/api/v1/statistik/61.07%00/")
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    assert client.get("/open311/v2/requests/ASP%00X.json").status_code == 404


def test_nul_in_the_view_beacon_is_not_a_500(clients):
    response = clients("anonymous").post("/s/lihat", {"item": "1", "kim": "kim-a\x00"})
    assert response.status_code == 204


# --- The parsing helpers ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["1899", "2101", "0000", "٢٠٢٦", "20260", " ", "2026\n"])
def test_parse_year_bounds(value):
    if value.strip() in ("", "2026"):
        assert parse_year(value) in (None, 2026)
        return
    with pytest.raises(BadParameter):
        parse_year(value)


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "2026-01-01T25:00", "2026-01-01T10:00+25:00", "1899-06-01", "2101-01-01"],
)
def test_parse_moment_refuses_impossible_and_far_moments(value):
    with pytest.raises(BadParameter):
        parse_moment(value, name="x")


def test_parse_moment_keeps_the_first_and_last_day():
    assert parse_moment("1900-01-01", name="x").year == 1900
    assert parse_moment("2100-12-31", name="x", end=True).year == 2100


# --- Request bodies ---------------------------------------------------------------------

FORMS = ["/aspirasi/kirim/", "/ppid/permohonan/", "/akun/masuk/", "/literasi/sertifikat/"]


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "x-unknown-charset", "cp500"])
@pytest.mark.parametrize("path", FORMS)
def test_form_bodies_in_another_charset_answer_400(clients, path, charset):
    client = clients("anonymous")
    for content_type, body in [
        ("application/x-www-form-urlencoded", "a=b".encode("utf-16")),
        ("multipart/form-data; boundary=x", b"--x\r\n\r\n--x--\r\n"),
    ]:
        response = client.generic(
            "POST", path, body, content_type=f"{content_type}; charset={charset}"
        )
        assert response.status_code == 400, (path, content_type, charset)
        html = response.content.decode()
        assert "hanya menerima UTF-8" in html and "<h1>Permintaan tidak valid</h1>" in html


def test_a_staff_form_in_utf16_answers_400_and_changes_nothing(world, clients):
    from jembatan.aspirations.models import Category

    before = Category.objects.count()
    response = clients("kab_admin").generic(
        "POST",
        "/kelola/aspirasi/kategori/",
        "name=Baru".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert Category.objects.count() == before


def test_utf8_forms_are_untouched(clients):
    response = clients("anonymous").generic(
        "POST",
        "/aspirasi/lacak/",
        b"code=ABC",
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code != 400 or "hanya menerima UTF-8" not in response.content.decode()


def test_open311_post_in_utf16_answers_in_its_format(clients):
    response = clients("anonymous").generic(
        "POST",
        "/open311/v2/requests.json",
        "description=x".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert response.json()[0]["description"] == "Isi permintaan harus berupa UTF-8."


@pytest.mark.parametrize("value", ["1e30", "-1e999999", "181", "NaN", "Infinity"])
def test_open311_coordinates_out_of_range_answer_400(world, clients, value):
    # A service that exists (ids differ between databases: an unknown one is now a 404).
    service = world.args["a"]["code:case_category"]
    response = clients("anonymous").post(
        "/open311/v2/requests.json",
        {"service_code": service, "description": "Jalan rusak", "lat": value, "long": "109.5"},
    )
    assert response.status_code == 400
    assert any("lat harus berupa angka desimal" in e["description"] for e in response.json())


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


class TestWebhook:
    @pytest.fixture(autouse=True)
    def _secret(self, served_tenant):
        # The webhook checks the secret of the tenant of the host called.
        served_tenant.webhook_secret = "rahasia"
        served_tenant.save()

    def _post(self, client: Client, body: bytes):
        timestamp = str(int(time.time()))
        return client.post(
            "/aspirasi/webhook/",
            body,
            content_type="application/json",
            headers={
                "X-Jembatan-Timestamp": timestamp,
                "X-Jembatan-Signature": signature_for("rahasia", timestamp, body),
            },
        )

    def test_deep_json_is_400(self, clients):
        response = self._post(clients("anonymous"), _deep(5000))
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_json"
        nested = b'{"id": "x", "a": ' + _deep(5000) + b"}"
        assert self._post(clients("anonymous"), nested).status_code == 400

    def test_nul_in_text_is_stripped(self, world, clients):
        from jembatan.aspirations.models import Aspiration

        payload = {
            "id": "gw-\x001",
            "channel": "sms",
            "from": "+62812\x0034567890",
            "text": "Sebalo\x00 # Jalan\x00 di RT 04 berlubang",
            "kategori": "\x00",
        }
        response = self._post(clients("anonymous"), json.dumps(payload).encode())
        assert response.status_code == 201, response.content
        case = Aspiration.objects.get(code=response.json()["code"].replace("-", ""))
        assert "\x00" not in case.description and case.description == "Jalan di RT 04 berlubang"


def test_api_json_bodies_deep_or_with_nul_are_400(world, clients):
    from jembatan.api.services import api_token_create
    from jembatan.sites.models import Post

    _token, secret = api_token_create(actor=world.users["ketua"], name="Uji", days=30)
    client = clients("anonymous")
    auth = {"Authorization": f"Bearer {secret}"}
    url = "/api/v1/kim/kim-a/berita/"
    response = client.post(url, _deep(5000), content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Isi JSON bersarang terlalu dalam."
    nested = {"title": "Judul", "body": "Isi", "extra": json.loads(_deep(500))}
    response = client.post(url, nested, content_type="application/json", headers=auth)
    assert response.status_code in (201, 400)
    before = Post.objects.count()
    for field in ("title", "body"):
        data = {"title": "Kerja bakti", "body": "Warga bekerja.", field: "a\x00b"}
        response = client.post(url, data, content_type="application/json", headers=auth)
        assert response.status_code == 400, field
        assert field in response.json()["error"]["details"], field
    assert Post.objects.count() == before


# --- Date-times typed into forms --------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "0002-01-01T00:00", "9999-12-31T23:59"])
def test_schedules_out_of_range_are_form_errors(value):
    from jembatan.dialogue.forms import ScheduleForm as DialogueSchedule
    from jembatan.sites.forms import ScheduleForm as PostSchedule

    post = PostSchedule(data={"publish_at": value})
    assert not post.is_valid() and "publish_at" in post.errors
    dialogue = DialogueSchedule(
        data={"title": "t", "summary": "s", "opens_at": value, "closes_at": "2026-01-02T00:00"}
    )
    assert not dialogue.is_valid() and "opens_at" in dialogue.errors
    assert PostSchedule(data={"publish_at": "2026-12-31T10:00"}).is_valid()


def test_other_bad_requests_get_the_sites_400_page_without_their_internal_text(clients):
    # Django's own refusals (too many fields, a host not allowed) go through handler400 too;
    # their texts are for the log, the page gives the general reason.
    response = clients("anonymous").post("/aspirasi/kirim/", {f"f{i}": "x" for i in range(1200)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Permintaan tidak valid</h1>" in html
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" not in html and "Periksa isiannya" in html
    # A host this site does not serve: a plain answer (the site's page would ask for the
    # host again, which failed as a 500 behind gunicorn), still without Django's text.
    response = clients("anonymous").get("/", headers={"host": "evil.example"})
    text = response.content.decode()
    assert response.status_code == 400 and "Permintaan tidak dapat diproses" in text
    assert "ALLOWED_HOSTS" not in text and "evil.example" not in text
