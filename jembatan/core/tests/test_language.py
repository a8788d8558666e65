import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_indonesian_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"
    assert "Kata sandi" in response.content.decode()


@pytest.mark.django_db
def test_the_switcher_choice_sticks(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "en"
    assert "Password" in response.content.decode()
    assert "Cookie" in response.headers["Vary"]


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies["django_language"] = "xx"
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "id"
