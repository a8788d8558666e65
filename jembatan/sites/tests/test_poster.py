import re

from django.urls import reverse

from jembatan.sites.poster import qr_svg


def test_poster_has_a_qr_code_to_the_kim_site(client, two_tenants):
    kim = two_tenants.a.kim
    response = client.get(reverse("sites:kim_poster", kwargs={"kim": kim.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert kim.name in html
    assert f"http://testserver/kim/{kim.slug}/" in html
    assert re.search(r"<svg[^>]*viewBox=", html)
    assert "<script" not in html


def test_qr_svg_is_markup_only():
    svg = qr_svg("https://kim.example.id/kim/sebalo/")
    assert svg.startswith("<svg") and "<path" in svg
    assert "script" not in svg.lower() and "style=" not in svg


def test_poster_of_an_inactive_kim_is_404(client, two_tenants):
    kim = two_tenants.a.kim
    kim.is_active = False
    kim.save()
    assert client.get(reverse("sites:kim_poster", kwargs={"kim": kim.slug})).status_code == 404
