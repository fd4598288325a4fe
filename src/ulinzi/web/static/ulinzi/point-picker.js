// A map under a pair of latitude/longitude fields: a click or tap puts the point there,
// the marker can be dragged, typing in the fields moves it. Country outlines come from
// the vendored world atlas, so it works offline; tiles only when configured. Without
// script (or without Leaflet) the map stays hidden and the fields work as they are.
(function () {
  "use strict";
  if (!window.L) { return; }
  document.querySelectorAll("[data-point-picker]").forEach(function (box) {
    var lat = document.getElementById(box.dataset.lat);
    var lon = document.getElementById(box.dataset.lon);
    var el = box.querySelector(".point-map");
    if (!lat || !lon || !el) { return; }
    box.hidden = false;
    var map = L.map(el, { worldCopyJump: true }).setView([15, 20], 2);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    }
    if (box.dataset.atlas && window.topojson) {
      fetch(box.dataset.atlas).then(function (r) { return r.json(); }).then(function (atlas) {
        L.geoJSON(topojson.feature(atlas, atlas.objects.countries), {
          style: { color: "#8a96a3", weight: 0.6, fillColor: "#eef1f4", fillOpacity: box.dataset.tiles ? 0 : 1 },
          interactive: false
        }).addTo(map).bringToBack();
      });
    }
    var marker = null;
    function value(input) {
      var n = parseFloat(String(input.value).replace(",", "."));
      return isNaN(n) ? null : n;
    }
    function place(point, zoom) {
      if (!marker) {
        marker = L.marker(point, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
      } else {
        marker.setLatLng(point);
      }
      if (zoom) { map.setView(point, Math.max(map.getZoom(), 6)); }
    }
    function write(point) {
      var wrapped = point.wrap();
      lat.value = wrapped.lat.toFixed(5);
      lon.value = wrapped.lng.toFixed(5);
      [lat, lon].forEach(function (input) { input.dispatchEvent(new Event("change", { bubbles: true })); });
      box.setAttribute("data-picked", lat.value + "," + lon.value);
    }
    function fromFields() {
      var a = value(lat), b = value(lon);
      if (a !== null && b !== null && Math.abs(a) <= 90 && Math.abs(b) <= 180) { place([a, b], true); }
    }
    map.on("click", function (e) { place(e.latlng, false); write(e.latlng); });
    lat.addEventListener("input", fromFields);
    lon.addEventListener("input", fromFields);
    fromFields();
    // A map drawn while hidden (a closed section, a narrow screen) needs its size again.
    setTimeout(function () { map.invalidateSize(); }, 0);
  });
})();
