"""A citizen on a phone comments on an article that nginx served from its shared cache:
the page carries no form token, the script fetches one on submit, the comment is sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from jembatan.core.tests.nginx_proxy import fetch, live_upstream, running_nginx
from jembatan.sites.models import Comment
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page
from jembatan.testing.factories import PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_comment_on_a_page_from_the_shared_cache(browser, live_server, settings, tmp_path):
    from selenium.webdriver.common.by import By

    settings.PAGE_CACHE_SECONDS = 60
    settings.SHARED_CACHE_SECONDS = 5
    # nginx serves /static/ from STATIC_ROOT: the script is in core's static files.
    settings.STATIC_ROOT = Path(django_settings.BASE_DIR) / "jembatan" / "core" / "static"
    post = PostFactory(title="Posyandu balita di Sebalo")
    with running_nginx([live_upstream(live_server)], tmp_path) as base:
        url = base + post.get_absolute_url()
        fetch(url)
        assert fetch(url)[1]["X-Cache-Status"] == "HIT"
        browser.get(url)
        token = browser.find_element(By.CSS_SELECTOR, "form.narrow [name=csrfmiddlewaretoken]")
        assert token.get_attribute("value") == ""  # the shared copy holds no one's token
        browser.find_element(By.NAME, "name").send_keys("Rina")
        browser.find_element(By.NAME, "body").send_keys("Jadwal berikutnya kapan?")
        old = page_token(browser)
        browser.find_element(By.CSS_SELECTOR, "form.narrow button[type=submit]").click()
        wait_for_new_page(browser, old)
        assert "CSRF" not in browser.page_source
        assert Comment.objects.get(post=post).body == "Jadwal berikutnya kapan?"
        assert_fits_phone_width(browser)
