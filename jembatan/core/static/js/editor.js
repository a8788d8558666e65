// A small rich-text editor for phones: a toolbar over a contenteditable area that
// writes HTML back into the textarea. Without JavaScript the textarea is used as is.
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var BUTTONS = [
    ["bold", "B", gettext("Tebal")], ["italic", "I", gettext("Miring")], ["h2", "H", gettext("Subjudul")],
    ["insertUnorderedList", "•", gettext("Daftar")], ["createLink", "↗", gettext("Tautan")],
    ["removeFormat", "⌫", gettext("Hapus format")]
  ];
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
    area.innerHTML = textarea.value;
    BUTTONS.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b[1];
      button.title = b[2];
      button.setAttribute("aria-label", b[2]);
      button.addEventListener("click", function () {
        area.focus();
        if (b[0] === "h2") {
          document.execCommand("formatBlock", false, "h2");
        } else if (b[0] === "createLink") {
          var url = window.prompt(b[2] + " (https://…)");
          if (url) { document.execCommand("createLink", false, url); }
        } else {
          document.execCommand(b[0], false, null);
        }
        textarea.value = area.innerHTML;
      });
      bar.appendChild(button);
    });
    area.addEventListener("input", function () { textarea.value = area.innerHTML; });
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrap, textarea);
    wrap.appendChild(bar);
    wrap.appendChild(area);
    textarea.form.addEventListener("submit", function () { textarea.value = area.innerHTML; });
  }
  document.querySelectorAll("textarea[data-rich-editor]").forEach(setup);
})();
