"""A ketua writes a post with the phone editor, publishes it, and a reader shares it."""

import pytest

from jembatan.sites.models import Post
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    severe_console_entries,
    sign_in_by_cookie,
    wait_for_new_page,
)
from jembatan.testing.factories import KimMembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_write_with_the_editor_then_publish(browser, live_server, two_tenants, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    a = two_tenants.a
    ketua = UserFactory(email="ketua.editor@example.test", full_name="Yohanes Atong")
    a.kim.memberships.filter(position="ketua").update(is_active=False)
    KimMembershipFactory(kim=a.kim, user=ketua, position="ketua")
    sign_in_by_cookie(browser, live_server.url, ketua)

    browser.get(f"{live_server.url}/kelola/kim/{a.kim.slug}/berita/baru/")
    assert_fits_phone_width(browser)
    browser.find_element(By.NAME, "title").send_keys("Jadwal posyandu Desember")
    area = browser.find_element(By.CSS_SELECTOR, ".editor-area")
    area.click()
    browser.find_element(By.CSS_SELECTOR, ".editor-bar button[aria-label]").click()  # bold
    area.send_keys("Penting")
    browser.save_screenshot(str(shots / "editor.png"))
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_new_page(browser, old)
    WebDriverWait(browser, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "button[name=then][value=publish]"))
    )
    post = Post.objects.get(kim=a.kim)
    assert "<b>Penting</b>" in post.body or "<strong>Penting</strong>" in post.body

    old = page_token(browser)
    # "Simpan dan terbitkan": whatever is in the form is saved with it.
    browser.find_element(By.CSS_SELECTOR, "button[name=then][value=publish]").click()
    wait_for_new_page(browser, old)
    WebDriverWait(browser, 10).until(lambda d: Post.objects.get(pk=post.pk).status == "published")

    browser.delete_all_cookies()
    browser.get(live_server.url + Post.objects.get(pk=post.pk).get_absolute_url())
    assert "Jadwal posyandu Desember" in browser.find_element(By.TAG_NAME, "h1").text
    share = browser.find_element(By.CSS_SELECTOR, ".share-whatsapp")
    assert share.get_attribute("href").startswith("https://wa.me/?text=Jadwal%20posyandu")
    assert_fits_phone_width(browser)
    assert severe_console_entries(browser) == []
    browser.save_screenshot(str(shots / "article.png"))
