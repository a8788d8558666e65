// "Gunakan lokasi saya": one button fills the latitude/longitude fields from the phone.
// The two number boxes stay, folded away, for whoever wants to type them; without script
// or without a location service they show as they are.
(function () {
  "use strict";
  var lat = document.querySelector("input[name=latitude]");
  var lng = document.querySelector("input[name=longitude]");
  if (!lat || !lng || !navigator.geolocation) { return; }
  var latField = lat.closest(".field");
  var lngField = lng.closest(".field");
  if (!latField || !lngField) { return; }

  var group = document.createElement("div");
  group.className = "field locate";
  var title = document.createElement("p");
  title.className = "locate-title";
  title.textContent = gettext("Titik lokasi (opsional)");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = gettext("Gunakan lokasi saya");
  var status = document.createElement("p");
  status.className = "help";
  status.setAttribute("role", "status");
  var fallback = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = gettext("Isi angka lintang dan bujur sendiri");
  fallback.appendChild(summary);
  latField.parentNode.insertBefore(group, latField);
  group.appendChild(title);
  group.appendChild(button);
  group.appendChild(status);
  group.appendChild(fallback);
  fallback.appendChild(latField);
  fallback.appendChild(lngField);
  // A value already there (sent back with an error, or typed before): keep it in sight.
  if (lat.value || lng.value || latField.classList.contains("has-error") ||
      lngField.classList.contains("has-error")) {
    fallback.open = true;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = gettext("Mencari lokasi…");
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      status.textContent = interpolate(gettext("Lokasi tersimpan: %s, %s"), [lat.value, lng.value]);
      button.disabled = false;
    }, function () {
      button.disabled = false;
      status.textContent = gettext("Lokasi tidak tersedia; isi angkanya sendiri atau lewati.");
      fallback.open = true;
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
