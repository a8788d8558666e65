"""Rich text as stored: clean paragraphs, whatever a browser or a clipboard produced.

Browsers' contenteditable writes ``<div>`` lines (Chromium), ``<br>`` runs and nested
``<span>``s; text pasted from Word, Google Docs or WhatsApp Web brings its own wrappers.
``normalize_html`` turns all of it into ``<p>``, ``<h2>``/``<h3>``, lists, quotes and
figures holding only inline formatting, so that a line break typed on a phone survives the
allow-list instead of being unwrapped into the previous sentence. The editor
(core/static/js/editor.js) does the same walk in the browser; this is the one that counts.
``repair_html`` also splits text that an earlier sanitiser had already glued together
(used by the data migrations).
"""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

import nh3

# Elements whose content is never text for the reader.
SKIP = {
    "script",
    "style",
    "head",
    "title",
    "xml",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "select",
    "textarea",
    "button",
    "audio",
    "video",
    "canvas",
}
VOID = {"br", "img", "hr", "meta", "link", "input", "col", "wbr", "area", "base", "source"}
# Block boundaries that become (or end) a paragraph.
BOUNDARY = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "address",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "dl",
    "dt",
    "dd",
    "hr",
    "center",
    "body",
    "html",
}
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
INLINE_KEEP = {"strong", "b", "em", "i", "u", "s", "a"}
LISTS = {"ul", "ol"}

_WS = re.compile(r"[ \t\n\r\f\xa0\u200b\ufeff]+")
_HAS_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_BOLD = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
_NOT_BOLD = re.compile(r"font-weight\s*:\s*(normal|[1-4]00)", re.I)
_ITALIC = re.compile(r"font-style\s*:\s*italic", re.I)
# A sentence end glued to the next sentence ("bibit pohon.Kegiatan"): what an earlier
# sanitiser left of two <div> lines. Only after a word or a number, so that "S.Pd",
# "Kab.Bengkayang" and URLs stay whole.
_GLUED = re.compile(r"(?<=[a-z0-9])([.!?]+[\"\u201d\u2019)]?)(?=[A-Z][a-z])")
_WORD_BEFORE = re.compile(r"(?:^|\s)([A-Z]?[a-z0-9][a-z0-9-]+)$")


class _Node:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _TreeBuilder(HTMLParser):
    """A forgiving tree: stray end tags are ignored, unclosed ones close at the end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: (v or "") for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {k: (v or "") for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _attrs_html(tag: str, attrs: dict[str, str]) -> str:
    if tag == "a":
        keep = [(k, attrs[k]) for k in ("href", "title") if attrs.get(k)]
    elif tag == "img":
        keep = [(k, attrs[k]) for k in ("src", "alt", "width", "height") if attrs.get(k)]
    else:
        keep = []
    return "".join(f' {k}="{htmllib.escape(v, quote=True)}"' for k, v in keep)


def _usable_src(src: str) -> bool:
    src = src.strip().lower()
    return src.startswith(("https://", "http://", "/")) or not re.match(r"^[a-z][a-z0-9+.-]*:", src)


class _Writer:
    """Collects finished blocks; the open paragraph's inline content is written lazily so
    that wrappers around nothing ("<b></b>", "<p><br></p>") never reach the output."""

    def __init__(self, *, repair: bool, image_link: str | None = None) -> None:
        self.repair = repair
        self.image_link = image_link
        self.out: list[str] = []
        self.inline: list[str] = []
        self.has_content = False
        self.pending_space = False
        self.pending_br = 0
        self.fmt: list[tuple[str, str]] = []  # open inline elements (tag, attributes)
        self.emitted = 0  # how many of self.fmt are open in the current paragraph
        self.leaf: list[str] = []  # li/h2/h3/figcaption being written (their own block)
        self.containers: list[str] = []  # blockquote / figure / ul / ol
        self.in_block = 0  # inside a <p>/<div>: text there was never bare, glued or not

    # --- paragraphs -------------------------------------------------------------------

    def _wrapper(self) -> str:
        if self.leaf:
            return self.leaf[-1]
        if self.containers and self.containers[-1] == "figure":
            return ""
        if self.containers and self.containers[-1] in LISTS:
            return "li"
        return "p"

    def flush(self) -> None:
        if self.has_content:
            for tag, _attrs in reversed(self.fmt[: self.emitted]):
                self.inline.append(f"</{tag}>")
            tag = self._wrapper()
            body = "".join(self.inline)
            self.out.append(f"<{tag}>{body}</{tag}>" if tag else body)
        self.inline = []
        self.has_content = False
        self.pending_space = False
        self.pending_br = 0
        self.emitted = 0

    def boundary(self) -> None:
        """A block starts or ends: inside li/h2/h3 a line break, elsewhere a paragraph."""
        if self.leaf:
            if self.has_content:
                self.pending_br = max(self.pending_br, 1)
        else:
            self.flush()

    def _before_content(self) -> None:
        if self.pending_br and self.has_content:
            if self.pending_br >= 2 and not self.leaf:
                self.flush()
            else:
                self.inline.append("<br>")
                self.pending_space = False
        self.pending_br = 0
        if self.pending_space and self.has_content:
            self.inline.append(" ")
        self.pending_space = False
        for tag, attrs in self.fmt[self.emitted :]:
            self.inline.append(f"<{tag}{attrs}>")
        self.emitted = len(self.fmt)
        self.has_content = True

    def _bare(self) -> bool:
        return self.repair and not self.in_block and not self.leaf and not self.containers

    # --- content ----------------------------------------------------------------------

    def text(self, data: str) -> None:
        pieces = [data]
        if self._bare():
            pieces = _split_glued(data)
        for index, piece in enumerate(pieces):
            if index:
                self.flush()
            self._text(piece)

    def _text(self, data: str) -> None:
        collapsed = _WS.sub(" ", data)
        if not collapsed.strip():
            if collapsed and self.has_content:
                self.pending_space = True
            return
        if collapsed[0] == " " and self.has_content:
            self.pending_space = True
        self._before_content()
        self.inline.append(htmllib.escape(collapsed.strip(), quote=False))
        if collapsed[-1] == " ":
            self.pending_space = True

    def br(self) -> None:
        if self.has_content:
            self.pending_br += 1
            # Old stored bodies: a <br> between bare lines was a Chromium "<div><br></div>".
            if self._bare():
                self.pending_br = 2

    def img(self, attrs: dict[str, str], *, in_link: bool = False) -> None:
        if not attrs.get("src") or not _usable_src(attrs["src"]):
            return
        if self.image_link is not None:
            self._image_as_link(attrs, in_link=in_link)
            return
        self._before_content()
        self.inline.append(f"<img{_attrs_html('img', attrs)}>")

    def _image_as_link(self, attrs: dict[str, str], *, in_link: bool) -> None:
        """An image kept on another site, which this site's CSP does not load: a link to
        it (its alt text after the label), or only its alt text inside a link or when
        its address is relative to a page elsewhere."""
        src, alt = attrs["src"].strip(), _WS.sub(" ", attrs.get("alt", "")).strip()
        if in_link or not src.lower().startswith(("https://", "http://")):
            if alt:
                self.text(f" {alt} ")
            return
        label = f"{self.image_link}: {alt}" if alt else str(self.image_link)
        href = htmllib.escape(src, quote=True)
        self._before_content()
        self.inline.append(f'<a href="{href}">{htmllib.escape(label, quote=False)}</a>')

    def open_inline(self, tag: str, attrs: str) -> None:
        self.fmt.append((tag, attrs))

    def close_inline(self) -> None:
        if self.emitted == len(self.fmt) and self.has_content:
            self.inline.append(f"</{self.fmt[-1][0]}>")
        self.fmt.pop()
        self.emitted = min(self.emitted, len(self.fmt))

    def raw(self, markup: str) -> None:
        self.flush()
        self.out.append(markup)

    def result(self) -> str:
        self.flush()
        html = "".join(self.out)
        # Containers left without content.
        previous = None
        while previous != html:
            previous = html
            html = re.sub(r"<(ul|ol|blockquote|figure)></\1>", "", html)
        return html


def _split_glued(text: str) -> list[str]:
    pieces, start = [], 0
    for match in _GLUED.finditer(text):
        word = _WORD_BEFORE.search(text[start : match.start()])
        # A capitalised word ends a sentence only when longer than abbreviations
        # ("Kab.", "Prof.") are: "Sabtu.Bawa" splits, "Kab.Bengkayang" does not.
        if word is None or (word.group(1)[0].isupper() and len(word.group(1)) < 5):
            continue
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _inline_tag(node: _Node) -> str | None:
    """The inline element to keep for this node, or None to keep only its content."""
    style = node.attrs.get("style", "")
    tag = node.tag
    if tag in {"b", "strong"}:
        # Google Docs wraps everything copied in <b style="font-weight:normal" id="docs-...">.
        if _NOT_BOLD.search(style) or node.attrs.get("id", "").startswith("docs-internal-guid"):
            return None
        return tag
    if tag in INLINE_KEEP:
        return tag
    if tag == "span":
        if _BOLD.search(style):
            return "strong"
        if _ITALIC.search(style):
            return "em"
    return None


def _walk(node: _Node, w: _Writer, *, in_link: bool = False) -> None:
    for child in node.children:
        if isinstance(child, str):
            w.text(child)
            continue
        tag = child.tag
        if tag in SKIP:
            continue
        if tag == "br":
            w.br()
        elif tag == "img":
            w.img(child.attrs, in_link=in_link)
        elif tag in HEADINGS and not w.leaf and not w.containers:
            w.flush()
            w.leaf.append(HEADINGS[tag])
            _walk(child, w, in_link=in_link)
            w.flush()
            w.leaf.pop()
        elif tag == "li" and not w.leaf and w.containers and w.containers[-1] in LISTS:
            w.flush()
            w.leaf.append("li")
            _walk(child, w, in_link=in_link)
            w.flush()
            w.leaf.pop()
        elif tag == "figcaption" and not w.leaf and w.containers and w.containers[-1] == "figure":
            w.flush()
            w.leaf.append("figcaption")
            _walk(child, w, in_link=in_link)
            w.flush()
            w.leaf.pop()
        elif tag in LISTS | {"blockquote", "figure"} and not w.leaf:
            w.raw(f"<{tag}>")
            w.containers.append(tag)
            _walk(child, w, in_link=in_link)
            w.flush()
            w.containers.pop()
            w.out.append(f"</{tag}>")
        elif tag in BOUNDARY or tag in HEADINGS or tag in LISTS | {"li", "blockquote", "figure"}:
            w.boundary()
            counted = tag in {"p", "div"}
            w.in_block += counted
            _walk(child, w, in_link=in_link)
            w.in_block -= counted
            w.boundary()
        else:
            keep = _inline_tag(child)
            if keep == "a" and (in_link or not child.attrs.get("href")):
                keep = None
            if keep is None:
                _walk(child, w, in_link=in_link)
                continue
            w.open_inline(keep, _attrs_html(keep, child.attrs))
            _walk(child, w, in_link=in_link or keep == "a")
            w.close_inline()


def plain_text_to_html(text: str) -> str:
    """Text typed without the editor: blank lines separate paragraphs, a newline is a <br>."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>"
        + "<br>".join(htmllib.escape(line.strip(), quote=False) for line in p.split("\n"))
        + "</p>"
        for p in paragraphs
    )


def _normalize(html: str, *, repair: bool, image_link: str | None = None) -> str:
    html = (html or "").replace("\r\n", "\n").strip()
    if not html:
        return ""
    # Stored bodies were always HTML: bare text there is what the old sanitiser left of
    # unwrapped <div>s, to be split, not plain text to be wrapped whole.
    if not repair and not _HAS_TAG.search(html):
        html = plain_text_to_html(html)
    parser = _TreeBuilder()
    parser.feed(html)
    parser.close()
    writer = _Writer(repair=repair, image_link=image_link)
    _walk(parser.root, writer)
    return writer.result()


def normalize_html(html: str, *, image_link: str | None = None) -> str:
    """Browser or clipboard HTML (or plain text) as clean blocks of inline content.
    With ``image_link`` (a label), images become links to them (see _image_as_link)."""
    return _normalize(html, repair=False, image_link=image_link)


def repair_html(html: str) -> str:
    """Like normalize_html, and also splits bare text glued by the old sanitiser
    ("bibit pohon.Kegiatan ini ...", "baris<br>baris" outside any paragraph)."""
    return _normalize(html, repair=True)


_SIMPLE = re.compile(r"(?:<p>|</p>|<br>|[^<])*")


def html_to_plain_text(html: str) -> str | None:
    """The text a writer without the editor typed, back from its stored paragraphs; None
    when the HTML holds more than paragraphs and line breaks (it is then shown as is)."""
    html = (html or "").strip()
    if not _SIMPLE.fullmatch(html):
        return None
    text = re.sub(r"</p>\s*<p>", "\n\n", html)
    text = text.replace("<br>", "\n").replace("<p>", "").replace("</p>", "")
    text = htmllib.unescape(text).strip()
    if _HAS_TAG.search(text):  # text that would read as markup when sent back
        return None
    return text


ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "blockquote",
    "figure",
    "figcaption",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


def _allow_list(html: str) -> str:
    # The walk above already keeps only these; nh3 is the guarantee (URL schemes, rel).
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def sanitize_html(html: str, *, image_link: str | None = None) -> str:
    """Clean paragraphs (normalize_html) of an allow-list of tags; plain text (a phone
    without the editor) becomes paragraphs. ``image_link``: content from another site,
    whose images the CSP (img-src 'self') would block, gets a link labelled so instead."""
    return _allow_list(normalize_html(html or "", image_link=image_link))


def repair_stored_html(html: str) -> str:
    """sanitize_html for bodies stored by the old sanitiser (see repair_html)."""
    return _allow_list(repair_html(html or ""))
