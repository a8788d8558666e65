"""In real Chromium at 360x740: typed lines stay paragraphs, pasted Word / Google Docs /
WhatsApp Web text becomes the same paragraphs the server keeps, a photo is taken in the
post form, and a re-published information item keeps its paragraphs and its image."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import include, path
from django.views.static import serve
from PIL import Image

from jembatan.accounts.models import Role
from jembatan.core.richtext import sanitize_html
from jembatan.dissemination.models import Delivery, InfoItem
from jembatan.sites.models import Post
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    severe_console_entries,
    sign_in_by_cookie,
    wait_for_new_page,
)
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

PASTE = Path(__file__).parent / "fixtures" / "paste"


def _media(request, path):
    # The project serves uploads only with DEBUG on; these tests look at the photos.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [path("media/<path:path>", _media), path("", include("jembatan.urls"))]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db"),
    pytest.mark.urls(__name__),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def camera_jpeg(folder: Path, name: str = "IMG_20261206_0801.jpg") -> str:
    image = Image.new("RGB", (1200, 900), (30, 110, 50))
    for x in range(0, 1200, 40):  # something to encode, as a photo would
        image.paste((200, 180, 40), (x, 0, x + 20, 900))
    target = folder / name
    image.save(target, "JPEG", quality=85)
    return str(target)


def _submit(browser, selector: str) -> None:
    from selenium.webdriver.common.by import By

    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, selector).click()
    wait_for_new_page(browser, old)


def _type_two_lines(browser, first: str, second: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    area = browser.find_element(By.CSS_SELECTOR, ".editor-area")
    area.click()
    area.send_keys(first)
    area.send_keys(Keys.ENTER)
    area.send_keys(second)


def _images_loaded(browser, selector: str) -> list[int]:
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])]"
        ".map(img => img.complete ? img.naturalWidth : -1);",
        selector,
    )


def test_ketua_writes_two_paragraphs_with_a_camera_photo(
    browser, live_server, two_tenants, shots, media, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = two_tenants.a
    sign_in_by_cookie(browser, live_server.url, a.owner)
    browser.get(f"{live_server.url}/kelola/kim/{a.kim.slug}/berita/baru/")
    assert_fits_phone_width(browser)
    # The "without the editor" help is for the plain textarea only.
    help_texts = browser.find_elements(By.CSS_SELECTOR, "#id_body ~ .help, .editor ~ .help")
    assert help_texts and all(not h.is_displayed() for h in help_texts)

    browser.find_element(By.NAME, "title").send_keys("Tanam pohon di tepi sungai")
    _type_two_lines(
        browser, "Kemarin warga menanam 200 bibit pohon.", "Kegiatan ini didukung kelurahan."
    )
    browser.save_screenshot(str(shots / "post-form-editor.png"))
    browser.find_element(By.NAME, "new_photo").send_keys(camera_jpeg(tmp_path))
    WebDriverWait(browser, 5).until(
        lambda d: (_images_loaded(d, ".photo-preview img") or [0])[0] > 0
    )
    assert _images_loaded(browser, ".photo-preview img")[0] > 0
    browser.find_element(By.NAME, "new_photo_caption").send_keys("Bibit di tepi sungai")
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "post-form-photo.png"))
    _submit(browser, "main form.wide-form button[type=submit]")

    post = Post.objects.get(kim=a.kim)
    assert post.body == (
        "<p>Kemarin warga menanam 200 bibit pohon.</p><p>Kegiatan ini didukung kelurahan.</p>"
    )
    assert post.photo is not None and post.photo.caption == "Bibit di tepi sungai"
    assert post.photo in a.kim.photos.all()
    _submit(browser, "button[name=then][value=publish]")
    assert Post.objects.get(pk=post.pk).status == "published"
    # Reopened, the editor shows the two paragraphs again.
    browser.get(f"{live_server.url}/kelola/kim/{a.kim.slug}/berita/{post.pk}/")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".editor-area > p")) == 2
    browser.save_screenshot(str(shots / "post-form-reopened.png"))
    # The library picker: the photo as a thumbnail with its caption, chosen.
    chosen = browser.find_element(By.CSS_SELECTOR, ".photo-picker input:checked")
    label = chosen.find_element(By.XPATH, "..")
    assert label.text == "Bibit di tepi sungai"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
    assert _images_loaded(browser, ".photo-picker img")[0] > 0
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "post-form-picker.png"))

    browser.delete_all_cookies()
    browser.get(live_server.url + post.get_absolute_url())
    paragraphs = browser.find_elements(By.CSS_SELECTOR, ".post-body p")
    assert [p.text for p in paragraphs] == [
        "Kemarin warga menanam 200 bibit pohon.",
        "Kegiatan ini didukung kelurahan.",
    ]
    assert _images_loaded(browser, "figure.cover img")[0] > 0
    assert_fits_phone_width(browser)
    assert severe_console_entries(browser) == []
    browser.save_screenshot(str(shots / "post-two-paragraphs.png"))


@pytest.mark.parametrize(
    "name", ["word.html", "google_docs.html", "whatsapp_web.html", "chromium_divs.html"]
)
def test_pasted_html_becomes_the_paragraphs_the_server_keeps(
    browser, live_server, two_tenants, name
):
    from selenium.webdriver.common.by import By

    a = two_tenants.a
    sign_in_by_cookie(browser, live_server.url, a.member)
    browser.get(f"{live_server.url}/kelola/kim/{a.kim.slug}/berita/baru/")
    assert browser.current_url.endswith("/berita/baru/")  # signed in, not sent to sign in
    sample = (PASTE / name).read_text(encoding="utf-8")
    browser.find_element(By.CSS_SELECTOR, ".editor-area").click()
    browser.execute_script(
        """
        const data = new DataTransfer();
        data.setData('text/html', arguments[0]);
        data.setData('text/plain', 'teks biasa');
        document.querySelector('.editor-area').dispatchEvent(
          new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        """,
        sample,
    )
    value = browser.find_element(By.ID, "id_body").get_property("value")
    expected = sanitize_html(sample)
    assert value == expected, json.dumps({"browser": value, "server": expected}, indent=1)
    # Nothing of the clipboard's wrappers is left in the editor either.
    area_html = browser.find_element(By.CSS_SELECTOR, ".editor-area").get_property("innerHTML")
    assert "style=" not in area_html and "o:p" not in area_html and "<div" not in area_html


def test_republished_information_keeps_paragraphs_and_shows_its_image(
    browser, live_server, two_tenants, shots, media, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = two_tenants.a
    staff = UserFactory(email="diskominfo.foto@example.test", full_name="Agustina Rosa")
    MembershipFactory(user=staff, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    sign_in_by_cookie(browser, live_server.url, staff)
    browser.get(f"{live_server.url}/kelola/informasi/baru/")
    browser.find_element(By.NAME, "title").send_keys("Penanaman bibit pohon")
    browser.find_element(By.NAME, "summary").send_keys("Bibit gratis untuk warga.")
    _type_two_lines(browser, "Bibit dibagikan Sabtu di kantor desa.", "Bawa KTP dan KK.")
    browser.find_element(By.NAME, "files").send_keys(camera_jpeg(tmp_path, "kegiatan.jpg"))
    WebDriverWait(browser, 5).until(
        lambda d: (_images_loaded(d, ".photo-preview img") or [0])[0] > 0
    )
    _submit(browser, "main form.wide-form button[type=submit]")
    item = InfoItem.objects.get()
    assert item.body.count("<p>") == 2
    _submit(browser, f"form[action$='/informasi/{item.pk}/terbitkan/'] button")
    WebDriverWait(browser, 10).until(
        lambda d: Delivery.objects.filter(item=item, kim=a.kim).exists()
    )

    browser.delete_all_cookies()
    sign_in_by_cookie(browser, live_server.url, a.owner)
    browser.get(f"{live_server.url}/kelola/kim/{a.kim.slug}/informasi/{item.pk}/")
    _submit(browser, "form[action$='/terbitkan-ulang/'] button")
    post = Delivery.objects.select_related("post").get(item=item, kim=a.kim).post
    assert post is not None and post.status == "published"

    browser.delete_all_cookies()
    browser.get(live_server.url + post.get_absolute_url())
    paragraphs = browser.find_elements(By.CSS_SELECTOR, ".post-body > p")
    assert [p.text for p in paragraphs] == [
        "Bibit dibagikan Sabtu di kantor desa.",
        "Bawa KTP dan KK.",
    ]
    assert _images_loaded(browser, ".post-body img")[0] > 0
    assert not browser.find_elements(By.XPATH, "//a[normalize-space()='kegiatan.jpg']")
    assert_fits_phone_width(browser)
    assert severe_console_entries(browser) == []
    browser.save_screenshot(str(shots / "republished-with-image.png"))
