"""Security headers on public and signed-in pages, and CSRF protection of every form."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def _executable(attributes: dict) -> bool:
    """A script a browser runs. A data block (JSON-LD, application/json) is never run, so
    the CSP has nothing to block in it (HTML's "prepare the script element" stops first)."""
    kind = (attributes.get("type") or "").strip().lower()
    return kind in ("", "module", "text/javascript", "application/javascript")


class PageParser(HTMLParser):
    """Collects forms (method, inputs) and inline code that a strict CSP would block."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.event_handlers: list[str] = []
        self.javascript_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.event_handlers.append(f"{tag} {name}")
            if name == "style":
                self.style_attributes.append(tag)
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.javascript_urls.append(value)
        if tag == "script" and not attributes.get("src") and _executable(attributes):
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if tag == "form":
            self._form = {
                "method": (attributes.get("method") or "get").lower(),
                "action": attributes.get("action"),
                "inputs": {},
            }
            self.forms.append(self._form)
        if tag == "input" and self._form is not None and attributes.get("name"):
            self._form["inputs"][attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def parse_page(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def public_paths(two_tenants) -> list[str]:
    return [
        "/",
        "/kim/",
        "/kim/?kecamatan=61.07.04",
        f"/kim/{two_tenants.a.kim.slug}/",
        "/akun/masuk/",
        "/akun/lupa-sandi/",
    ]


def assert_security_headers(response, path: str) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{path}: no Content-Security-Policy"
    directives = parse_csp(csp)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, f"{path}: no script-src or default-src"
    assert "'unsafe-inline'" not in script_src, path
    assert "'unsafe-eval'" not in script_src, path
    assert "*" not in script_src, path
    assert directives.get("default-src") == ["'self'"], path
    assert directives.get("object-src") == ["'none'"], path
    assert directives.get("frame-ancestors") == ["'none'"], path
    assert "'unsafe-inline'" not in directives.get("style-src", []), path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert "microphone=()" in response.headers.get("Permissions-Policy", ""), path
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", path


class TestHeaders:
    def test_public_pages(self, client, two_tenants):
        for path in public_paths(two_tenants):
            response = client.get(path)
            assert response.status_code == 200, path
            assert_security_headers(response, path)

    def test_signed_in_workspace(self, client, two_tenants):
        client.force_login(two_tenants.a.owner)
        response = client.get("/kelola/")
        assert response.status_code == 200
        assert_security_headers(response, "/kelola/")

    def test_not_found_page(self, client, two_tenants):
        response = client.get("/kim/tidak-ada/")
        assert response.status_code == 404
        assert_security_headers(response, "404")

    def test_healthz(self, client):
        response = client.get("/healthz")
        assert_security_headers(response, "/healthz")

    def test_pages_have_no_inline_code_the_csp_would_block(self, client, two_tenants):
        client.force_login(two_tenants.a.owner)
        for path in [*public_paths(two_tenants), "/kelola/"]:
            page = parse_page(client.get(path))
            assert page.inline_scripts == 0, path
            assert page.style_elements == 0, path
            assert page.style_attributes == [], path
            assert page.event_handlers == [], path
            assert page.javascript_urls == [], path


class TestCsrf:
    def test_every_post_form_has_a_token(self, client, two_tenants):
        checked = 0
        for signed_in in (False, True):
            if signed_in:
                client.force_login(two_tenants.a.owner)
            paths = public_paths(two_tenants) + (["/kelola/"] if signed_in else [])
            for path in paths:
                # Signed in, the login page redirects to the workspace: check where it lands.
                response = client.get(path, follow=True)
                assert response.status_code == 200, path
                for form in parse_page(response).forms:
                    if form["method"] != "post":
                        continue
                    token = form["inputs"].get("csrfmiddlewaretoken")
                    assert token, f"{path}: POST form to {form['action']} has no CSRF token"
                    assert len(token) >= 32, path
                    checked += 1
        # The language switcher on each page, the login form and the logout form when signed in.
        assert checked >= 2 * len(public_paths(two_tenants)) + 2

    def test_login_page_has_post_form_with_token(self, client):
        page = parse_page(client.get("/akun/masuk/"))
        post_forms = [f for f in page.forms if f["method"] == "post" and "username" in f["inputs"]]
        assert len(post_forms) == 1
        assert post_forms[0]["inputs"]["csrfmiddlewaretoken"]

    def test_login_post_without_token_is_403(self, two_tenants, password):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            "/akun/masuk/", {"username": two_tenants.a.owner.email, "password": password}
        )
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session

    def test_login_post_with_wrong_token_is_403(self, two_tenants, password):
        client = Client(enforce_csrf_checks=True)
        client.get("/akun/masuk/")
        response = client.post(
            "/akun/masuk/",
            {
                "username": two_tenants.a.owner.email,
                "password": password,
                "csrfmiddlewaretoken": "x" * 64,
            },
        )
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session

    def test_login_post_with_token_succeeds(self, two_tenants, password):
        # The control: the same client and data with the page's token logs in.
        client = Client(enforce_csrf_checks=True)
        page = parse_page(client.get("/akun/masuk/"))
        form = next(f for f in page.forms if "username" in f["inputs"])
        response = client.post(
            "/akun/masuk/",
            {
                "username": two_tenants.a.owner.email,
                "password": password,
                "csrfmiddlewaretoken": form["inputs"]["csrfmiddlewaretoken"],
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/kelola/"
        assert int(client.session["_auth_user_id"]) == two_tenants.a.owner.pk

    def test_logout_requires_token(self, two_tenants):
        client = Client(enforce_csrf_checks=True)
        client.force_login(two_tenants.a.owner)
        assert client.post("/akun/keluar/").status_code == 403
        assert int(client.session["_auth_user_id"]) == two_tenants.a.owner.pk

    def test_csrf_cookie_is_http_only(self, client):
        response = client.get("/akun/masuk/")
        assert response.cookies["csrftoken"]["httponly"]
        assert response.cookies["csrftoken"]["samesite"] == "Lax"
