// "Use my location": fills the latitude/longitude fields from the phone (optional).
(function () {
  "use strict";
  var lat = document.querySelector("input[name=latitude]");
  var lng = document.querySelector("input[name=longitude]");
  if (!lat || !lng || !navigator.geolocation) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = gettext("Pakai lokasi saya");
  lat.parentNode.insertBefore(button, lat);
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      button.disabled = false;
    }, function () {
      button.disabled = false;
      button.textContent = gettext("Lokasi tidak tersedia; isi manual atau lewati");
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
