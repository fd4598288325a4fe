// Active alerts as circles on a Leaflet map (no tile layer: nothing is fetched from outside).
(function () {
  "use strict";
  var el = document.getElementById("alert-map");
  var data = JSON.parse(document.getElementById("alerts-data").textContent);
  var alerts = typeof data === "string" ? JSON.parse(data) : data;
  var map = L.map(el, { worldCopyJump: true }).setView([20, 20], 2);
  var colours = { info: "#3b6ea8", warning: "#b7791f", urgent: "#c05621", flash: "#a4262c" };
  var bounds = [];
  alerts.forEach(function (a) {
    var colour = colours[a.severity] || "#333";
    var circle = L.circle([a.lat, a.lon], {
      radius: Math.max(a.radius_km || 0, 0.5) * 1000, color: colour, weight: 2, fillOpacity: 0.2
    }).addTo(map);
    L.circleMarker([a.lat, a.lon], { radius: 4, color: colour }).addTo(map);
    var link = document.createElement("a");
    link.href = a.url;
    link.textContent = a.title + " (" + a.severity + ")";
    circle.bindPopup(link);
    bounds.push(circle.getBounds());
  });
  if (bounds.length) {
    var all = bounds[0];
    bounds.forEach(function (b) { all.extend(b); });
    map.fitBounds(all, { maxZoom: 10 });
  }
})();
