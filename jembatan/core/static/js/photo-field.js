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
      box.textContent = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        var item = document.createElement("figure");
        if (/^image\//.test(file.type)) {
          var img = document.createElement("img");
          img.alt = "";
          item.appendChild(img);
          // A data: URL, because the Content-Security-Policy allows no blob: images.
          var reader = new FileReader();
          reader.onload = function () { img.src = reader.result; };
          reader.readAsDataURL(file);
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
