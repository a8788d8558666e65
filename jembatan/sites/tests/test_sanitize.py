"""sanitize_html: an allow-list for editor HTML, paragraphs for plain text."""

from __future__ import annotations

import pytest

from jembatan.core.richtext import sanitize_html

REL = 'rel="noopener noreferrer nofollow"'


def test_script_is_removed_with_its_content():
    out = sanitize_html("<p>Halo</p><script>alert('x')</script>")
    assert out == "<p>Halo</p>"
    assert "alert" not in out


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="steal()">Klik</p>',
        '<img src="https://kim.example/foto.jpg" onerror="steal()">',
        '<a href="https://kim.example" onmouseover="steal()">tautan</a>',
    ],
)
def test_event_handler_attributes_are_removed(html):
    out = sanitize_html(html)
    assert "steal" not in out
    assert "on" not in out.replace("noopener", "")  # no on* attribute survives


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_dangerous_link_schemes_are_dropped(href):
    out = sanitize_html(f'<a href="{href}">tautan</a>')
    assert "href" not in out
    assert "alert" not in out and "data:" not in out
    assert out == f"<p><a {REL}>tautan</a></p>"


def test_image_without_a_usable_source_is_dropped():
    # A data: URI (or Word's file:///C:/...) would show as a broken image.
    out = sanitize_html('<p>Teks<img src="data:image/png;base64,AAAA" alt="foto"></p>')
    assert "data:" not in out
    assert out == "<p>Teks</p>"
    assert sanitize_html('<img src="file:///C:/Users/x/foto.jpg" alt="foto">') == ""


def test_iframe_is_removed():
    out = sanitize_html('<iframe src="https://evil.example/"></iframe><p>Isi</p>')
    assert "iframe" not in out
    assert "evil.example" not in out
    assert out.endswith("<p>Isi</p>")


def test_style_element_and_style_attribute_are_removed():
    out = sanitize_html('<style>body{display:none}</style><p style="color:red">Teks</p>')
    assert out == "<p>Teks</p>"
    assert "display" not in out and "color" not in out


def test_disallowed_tag_is_unwrapped_keeping_text_as_a_paragraph():
    assert sanitize_html("<div><span>Teks</span></div>") == "<p>Teks</p>"


def test_allowed_tags_and_attributes_are_kept():
    html = (
        "<h2>Judul</h2><h3>Sub</h3>"
        "<p><strong>Tebal</strong> dan <em>miring</em></p>"
        "<ul><li>satu</li><li>dua</li></ul>"
        "<blockquote><p>kutipan</p></blockquote>"
        '<p><img src="https://kim.example/foto.jpg" alt="Foto kegiatan"></p>'
        '<figure><img src="/media/foto.jpg" alt="Foto"><figcaption>Kerja bakti</figcaption>'
        "</figure>"
    )
    assert sanitize_html(html) == html


def test_https_link_is_kept_with_safe_rel():
    out = sanitize_html('<p><a href="https://kominfo.go.id/berita">Baca</a></p>')
    assert out == f'<p><a href="https://kominfo.go.id/berita" {REL}>Baca</a></p>'


def test_existing_rel_and_target_are_replaced():
    out = sanitize_html('<a href="https://x.example" rel="opener" target="_blank">x</a>')
    assert "opener" not in out.replace("noopener", "")
    assert "target" not in out
    assert REL in out


def test_plain_text_becomes_paragraphs_with_line_breaks():
    text = "Baris satu\nbaris dua\n\nParagraf kedua"
    assert sanitize_html(text) == "<p>Baris satu<br>baris dua</p><p>Paragraf kedua</p>"


def test_blank_lines_with_spaces_still_separate_paragraphs():
    text = "  Satu  \n   \n\n  Dua  "
    assert sanitize_html(text) == "<p>Satu</p><p>Dua</p>"


def test_plain_text_special_characters_are_escaped():
    assert sanitize_html("a < b & c") == "<p>a &lt; b &amp; c</p>"
    # Quotes are harmless in text content; the serialiser writes them back literally.
    assert sanitize_html('harga "naik" > 5%') == '<p>harga "naik" &gt; 5%</p>'
    # Text that only looks like markup is shown, not interpreted.
    assert sanitize_html("pakai tag &lt;b&gt;") == "<p>pakai tag &amp;lt;b&amp;gt;</p>"


@pytest.mark.parametrize("value", ["", "   ", "\n\n \t\n", None])
def test_empty_or_whitespace_gives_empty_string(value):
    assert sanitize_html(value) == ""


def test_only_forbidden_content_gives_empty_string():
    assert sanitize_html("<script>x</script>") == ""
    assert sanitize_html("<style>p{}</style>") == ""


def test_sanitising_is_idempotent():
    once = sanitize_html('<p>a <a href="https://x.example">b</a></p>\n<p>c &amp; d</p>')
    assert sanitize_html(once) == once
