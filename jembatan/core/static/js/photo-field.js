// A thumbnail of the photo just taken or picked, before the form is sent
// (file inputs marked data-photo-preview; PDFs show their name).
(function () {
  "use strict";
  function setup(input) {
    var box = document.createElement("div");
    box.className = "photo-preview";
    box.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", box);
    input.addEventListener("change", function () {
      box.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
      box.textContent = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        var item = document.createElement("figure");
        if (/^image\//.test(file.type)) {
          var img = document.createElement("img");
          img.src = URL.createObjectURL(file);
          img.alt = "";
          item.appendChild(img);
        }
        var name = document.createElement("figcaption");
        name.textContent = file.name;
        item.appendChild(name);
        box.appendChild(item);
      });
      // A new photo replaces whatever was picked from the library.
      var picker = input.form && input.form.querySelector(".photo-picker");
      if (picker && input.files && input.files.length) {
        var none = picker.querySelector("input[value='']");
        if (none) { none.checked = true; }
      }
    });
  }
  document.querySelectorAll("input[type=file][data-photo-preview]").forEach(setup);
})();
