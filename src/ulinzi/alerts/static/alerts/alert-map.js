// Active alerts as circles on a Leaflet map. Country outlines come from the vendored
// world atlas, so the map works offline; tiles are added only when configured.
(function () {
  "use strict";
  var el = document.getElementById("alert-map");
  if (!el || !window.L) { return; }
  var alerts = JSON.parse(document.getElementById("alerts-data").textContent);
  if (typeof alerts === "string") { alerts = JSON.parse(alerts); }
  var map = L.map(el, { worldCopyJump: true }).setView([20, 20], 2);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  if (el.dataset.atlas && window.topojson) {
    fetch(el.dataset.atlas).then(function (r) { return r.json(); }).then(function (atlas) {
      var outlines = L.geoJSON(topojson.feature(atlas, atlas.objects.countries), {
        style: { color: "#8a96a3", weight: 0.6, fillColor: "#eef1f4", fillOpacity: el.dataset.tiles ? 0 : 1 },
        interactive: false
      }).addTo(map);
      outlines.bringToBack();
    });
  }
  var colours = { info: "#3b6ea8", warning: "#b7791f", urgent: "#c05621", flash: "#a4262c" };
  var all = null;
  alerts.forEach(function (a) {
    var colour = colours[a.severity] || "#333";
    var circle = L.circle([a.lat, a.lon], {
      radius: Math.max(a.radius_km || 0, 0.5) * 1000, color: colour, weight: 2, fillOpacity: 0.25
    }).addTo(map);
    L.circleMarker([a.lat, a.lon], { radius: 4, color: colour }).addTo(map);
    var link = document.createElement("a");
    link.href = a.url;
    link.textContent = a.title + " (" + a.severity + ")";
    circle.bindPopup(link);
    all = all ? all.extend(circle.getBounds()) : L.latLngBounds(circle.getBounds().getSouthWest(), circle.getBounds().getNorthEast());
  });
  if (all) { map.fitBounds(all, { maxZoom: 7, padding: [20, 20] }); }
  el.setAttribute("data-alerts", String(alerts.length));
})();
