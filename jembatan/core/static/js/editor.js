// A small rich-text editor for phones: a toolbar over a contenteditable area that
// writes HTML back into the textarea. Without JavaScript the textarea is used as is.
// What browsers type (Chromium: a <div> per line) and what people paste (Word, Google
// Docs, WhatsApp Web) is turned into clean paragraphs here, and again on the server
// (jembatan/core/richtext.py, the same walk: keep both in step).
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var BUTTONS = [
    ["bold", "B", gettext("Tebal")], ["italic", "I", gettext("Miring")], ["h2", "H", gettext("Subjudul")],
    ["insertUnorderedList", "•", gettext("Daftar")], ["createLink", "↗", gettext("Tautan")],
    ["removeFormat", "⌫", gettext("Hapus format")]
  ];
  var SKIP = /^(SCRIPT|STYLE|HEAD|TITLE|XML|TEMPLATE|NOSCRIPT|IFRAME|OBJECT|EMBED|SVG|MATH|SELECT|TEXTAREA|BUTTON|AUDIO|VIDEO|CANVAS|META|LINK)$/;
  var BOUNDARY = /^(P|DIV|SECTION|ARTICLE|HEADER|FOOTER|MAIN|ASIDE|NAV|ADDRESS|PRE|TABLE|THEAD|TBODY|TFOOT|TR|TD|TH|CAPTION|DL|DT|DD|HR|CENTER|BODY|HTML)$/;
  var HEADINGS = { H1: "h2", H2: "h2", H3: "h3", H4: "h3", H5: "h3", H6: "h3" };
  var INLINE = { STRONG: "strong", B: "b", EM: "em", I: "i", U: "u", S: "s", A: "a" };
  var WS = /[ \t\n\r\f\u00a0\u200b\ufeff]+/g;

  function escapeText(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function escapeAttr(s) { return escapeText(s).replace(/"/g, "&quot;"); }
  function usableSrc(src) {
    src = src.trim().toLowerCase();
    return /^(https?:\/\/|\/)/.test(src) || !/^[a-z][a-z0-9+.-]*:/.test(src);
  }
  function attrs(tag, el) {
    var names = tag === "a" ? ["href", "title"] : tag === "img" ? ["src", "alt", "width", "height"] : [];
    return names.filter(function (n) { return el.getAttribute(n); }).map(function (n) {
      return " " + n + '="' + escapeAttr(el.getAttribute(n)) + '"';
    }).join("");
  }

  function Writer() {
    this.out = []; this.inline = []; this.has = false; this.space = false; this.br = 0;
    this.fmt = []; this.emitted = 0; this.leaf = []; this.containers = [];
  }
  Writer.prototype.wrapper = function () {
    if (this.leaf.length) { return this.leaf[this.leaf.length - 1]; }
    var c = this.containers[this.containers.length - 1];
    return c === "figure" ? "" : (c === "ul" || c === "ol") ? "li" : "p";
  };
  Writer.prototype.flush = function () {
    if (this.has) {
      for (var i = this.emitted - 1; i >= 0; i--) { this.inline.push("</" + this.fmt[i][0] + ">"); }
      var tag = this.wrapper(), body = this.inline.join("");
      this.out.push(tag ? "<" + tag + ">" + body + "</" + tag + ">" : body);
    }
    this.inline = []; this.has = false; this.space = false; this.br = 0; this.emitted = 0;
  };
  Writer.prototype.boundary = function () {
    if (this.leaf.length) { if (this.has) { this.br = Math.max(this.br, 1); } } else { this.flush(); }
  };
  Writer.prototype.before = function () {
    if (this.br && this.has) {
      if (this.br >= 2 && !this.leaf.length) { this.flush(); } else { this.inline.push("<br>"); this.space = false; }
    }
    this.br = 0;
    if (this.space && this.has) { this.inline.push(" "); }
    this.space = false;
    for (var i = this.emitted; i < this.fmt.length; i++) {
      this.inline.push("<" + this.fmt[i][0] + this.fmt[i][1] + ">");
    }
    this.emitted = this.fmt.length;
    this.has = true;
  };
  Writer.prototype.text = function (data) {
    var collapsed = data.replace(WS, " ");
    if (!collapsed.trim()) { if (collapsed && this.has) { this.space = true; } return; }
    if (collapsed.charAt(0) === " " && this.has) { this.space = true; }
    this.before();
    this.inline.push(escapeText(collapsed.trim()));
    if (collapsed.charAt(collapsed.length - 1) === " ") { this.space = true; }
  };
  Writer.prototype.closeInline = function () {
    if (this.emitted === this.fmt.length && this.has) { this.inline.push("</" + this.fmt[this.fmt.length - 1][0] + ">"); }
    this.fmt.pop();
    this.emitted = Math.min(this.emitted, this.fmt.length);
  };

  function inlineTag(el) {
    var tag = INLINE[el.tagName], style = el.getAttribute("style") || "";
    if (tag === "b" || tag === "strong") {
      if (/font-weight\s*:\s*(normal|[1-4]00)/i.test(style) || (el.id || "").indexOf("docs-internal-guid") === 0) { return null; }
      return tag;
    }
    if (tag) { return tag; }
    if (el.tagName === "SPAN") {
      if (/font-weight\s*:\s*(bold|[6-9]00)/i.test(style)) { return "strong"; }
      if (/font-style\s*:\s*italic/i.test(style)) { return "em"; }
    }
    return null;
  }
  function last(list) { return list[list.length - 1]; }
  function leafInto(w, el, tag, inLink) {
    w.flush(); w.leaf.push(tag); walk(el, w, inLink); w.flush(); w.leaf.pop();
  }

  function walk(node, w, inLink) {
    for (var child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) { w.text(child.data); continue; }
      if (child.nodeType !== 1) { continue; }
      var name = child.tagName.toUpperCase();
      if (SKIP.test(name)) { continue; }
      var container = last(w.containers);
      if (name === "BR") {
        if (w.has) { w.br += 1; }
      } else if (name === "IMG") {
        var src = child.getAttribute("src") || "";
        if (src && usableSrc(src)) { w.before(); w.inline.push("<img" + attrs("img", child) + ">"); }
      } else if (HEADINGS[name] && !w.leaf.length && !w.containers.length) {
        leafInto(w, child, HEADINGS[name], inLink);
      } else if (name === "LI" && !w.leaf.length && (container === "ul" || container === "ol")) {
        leafInto(w, child, "li", inLink);
      } else if (name === "FIGCAPTION" && !w.leaf.length && container === "figure") {
        leafInto(w, child, "figcaption", inLink);
      } else if (/^(UL|OL|BLOCKQUOTE|FIGURE)$/.test(name) && !w.leaf.length) {
        var tag = name.toLowerCase();
        w.flush(); w.out.push("<" + tag + ">"); w.containers.push(tag);
        walk(child, w, inLink);
        w.flush(); w.containers.pop(); w.out.push("</" + tag + ">");
      } else if (BOUNDARY.test(name) || HEADINGS[name] || /^(UL|OL|LI|BLOCKQUOTE|FIGURE)$/.test(name)) {
        w.boundary(); walk(child, w, inLink); w.boundary();
      } else {
        var keep = inlineTag(child);
        if (keep === "a" && (inLink || !child.getAttribute("href"))) { keep = null; }
        if (!keep) { walk(child, w, inLink); continue; }
        w.fmt.push([keep, attrs(keep, child)]);
        walk(child, w, inLink || keep === "a");
        w.closeInline();
      }
    }
  }

  function normalize(html) {
    // An inert document: nothing in pasted HTML loads or runs while it is read.
    var doc = document.implementation.createHTMLDocument("");
    doc.body.innerHTML = html;
    var w = new Writer();
    walk(doc.body, w, false);
    w.flush();
    var out = w.out.join(""), previous = null;
    while (previous !== out) { previous = out; out = out.replace(/<(ul|ol|blockquote|figure)><\/\1>/g, ""); }
    return out;
  }
  function plainToHtml(text) {
    return text.replace(/\r\n?/g, "\n").trim().split(/\n\s*\n/).filter(function (p) { return p.trim(); })
      .map(function (p) {
        return "<p>" + p.trim().split("\n").map(function (l) { return escapeText(l.trim()); }).join("<br>") + "</p>";
      }).join("");
  }
  function toHtml(value) {
    return /<[a-zA-Z\/][^>]*>/.test(value) ? normalize(value) : plainToHtml(value);
  }

  function setup(textarea) {
    var wrap = document.createElement("div");
    wrap.className = "editor";
    var bar = document.createElement("div");
    bar.className = "editor-bar";
    bar.setAttribute("role", "toolbar");
    var area = document.createElement("div");
    area.className = "editor-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-labelledby", textarea.id + "-label");
    area.innerHTML = toHtml(textarea.value) || "<p><br></p>";
    function sync() { textarea.value = normalize(area.innerHTML); }
    BUTTONS.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b[1];
      button.title = b[2];
      button.setAttribute("aria-label", b[2]);
      button.addEventListener("click", function () {
        area.focus();
        if (b[0] === "h2") {
          var current = document.queryCommandValue("formatBlock").toLowerCase();
          document.execCommand("formatBlock", false, current === "h2" ? "p" : "h2");
        } else if (b[0] === "createLink") {
          var url = window.prompt(b[2] + " (https://…)");
          if (url) { document.execCommand("createLink", false, url); }
        } else {
          document.execCommand(b[0], false, null);
        }
        sync();
      });
      bar.appendChild(button);
    });
    area.addEventListener("focus", function () {
      // Enter then makes a <p>, not Chromium's <div>.
      document.execCommand("defaultParagraphSeparator", false, "p");
    });
    area.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) { return; }
      var html = data.getData("text/html"), text = data.getData("text/plain");
      var clean = html ? normalize(html) : plainToHtml(text || "");
      event.preventDefault();
      if (clean) { document.execCommand("insertHTML", false, clean); }
      sync();
    });
    area.addEventListener("input", sync);
    // The help is for writing without the editor (blank lines between paragraphs).
    var help = textarea.parentNode.querySelector(".help");
    if (help) { help.hidden = true; }
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrap, textarea);
    wrap.appendChild(bar);
    wrap.appendChild(area);
    sync();
    textarea.form.addEventListener("submit", sync);
  }
  window.jembatanRichText = { normalize: normalize, plainToHtml: plainToHtml };
  document.querySelectorAll("textarea[data-rich-editor]").forEach(setup);
})();
