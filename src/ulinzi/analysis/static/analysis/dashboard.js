/* Dashboard charts (ECharts) and map (Leaflet, offline country shapes). The numbers come
   from the page itself (#dashboard-data); every chart element opens its incident list. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var config = JSON.parse(document.getElementById("dashboard-config").textContent);
  var rtl = document.documentElement.dir === "rtl";
  var CAUSE_COLOURS = {
    armed_conflict: "#a4262c", civil_unrest: "#3b6ea8", criminal: "#5b8bc4",
    workplace: "#8fb3dd", pandemic_related: "#6c8f7d", other: "#b4c6d6", unknown: "#d5dbe3"
  };
  var charts = [];

  function go(cell) { if (cell && cell.href) { window.location.href = cell.href; } }

  function timeChart(id, panel, options) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var series = panel.series.map(function (s) {
      var item = {
        name: s.label, type: options.line ? "line" : "bar", stack: options.line ? undefined : "all",
        data: s.values, emphasis: { focus: "series" },
        showSymbol: false, smooth: false
      };
      if (options.colours && options.colours[s.key]) { item.itemStyle = { color: options.colours[s.key] }; }
      return item;
    });
    chart.setOption({
      animation: false,
      // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style attributes (CSP).
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 45, right: 15, top: 40, bottom: 55 },
      xAxis: { type: "category", data: panel.periods.map(function (p) { return data.interval === "month" ? p.slice(0, 7) : p; }), inverse: rtl },
      yAxis: { type: "value", minInterval: 1, position: rtl ? "right" : "left" },
      dataZoom: panel.periods.length > 40 ? [{ type: "slider", height: 18, bottom: 8 }] : [],
      series: series
    });
    chart.on("click", function (p) {
      var s = panel.series[p.seriesIndex];
      var b = panel.bounds[p.dataIndex];
      if (s && s.href && s.values[p.dataIndex]) {
        window.location.href = s.href + "&date_from=" + b[0] + "&date_to=" + b[1];
      }
    });
    charts.push(chart);
  }

  function certaintyChart() {
    var el = document.getElementById("chart-certainty");
    if (!el || !window.echarts) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [{
        type: "pie", radius: ["40%", "70%"],
        data: data.certainty.map(function (c) { return { name: c.label, value: c.incidents.v }; })
      }]
    });
    chart.on("click", function (p) { go(data.certainty[p.dataIndex].incidents); });
    charts.push(chart);
  }

  function shade(n, top) {
    if (!n) { return "#f4f1ea"; }
    var steps = ["#fde0dc", "#f9b4aa", "#f08070", "#d9503f", "#a4262c"];
    var i = Math.min(steps.length - 1, Math.floor(steps.length * Math.log(1 + n) / Math.log(2 + top)));
    return steps[i];
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function map() {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var m = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 12 }).setView([15, 20], 2);
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 18 }).addTo(m);
    }
    var byNumeric = {};
    var top = 0;
    data.countries.forEach(function (c) {
      if (c.numeric) { byNumeric[c.numeric] = c; }
      top = Math.max(top, c.incidents.v);
    });
    fetch(config.atlas).then(function (r) { return r.json(); }).then(function (atlas) {
      var shapes = topojson.feature(atlas, atlas.objects.countries);
      var layer = L.geoJSON(shapes, {
        style: function (f) {
          var c = byNumeric[f.id];
          return {
            fillColor: shade(c ? c.incidents.v : 0, top), fillOpacity: config.tiles ? 0.6 : 1,
            color: "#8a96a3", weight: 0.6
          };
        },
        onEachFeature: function (f, lyr) {
          var c = byNumeric[f.id];
          if (!c) { lyr.bindTooltip(escapeHtml(f.properties.name)); return; }
          lyr.bindTooltip(escapeHtml(c.name) + ": " + c.incidents.v + " " + escapeHtml(config.incidents));
          lyr.on("click", function () { go(c.incidents); });
        }
      }).addTo(m);
      layer.bringToBack();
      el.setAttribute("data-countries", String(Object.keys(byNumeric).length));
      el.setAttribute("data-ready", "1");
    }).catch(function () { el.setAttribute("data-ready", "error"); });

    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 50,
      iconCreateFunction: function (cluster) {
        var sum = 0;
        cluster.getAllChildMarkers().forEach(function (mk) { sum += mk.options.n; });
        var size = sum < 10 ? 28 : sum < 100 ? 34 : sum < 1000 ? 42 : 50;
        return L.divIcon({ html: "<div>" + sum + "</div>", className: "cluster-sum",
          iconSize: [size, size] });
      }
    });
    var bounds = [];
    data.points.forEach(function (p) {
      var size = p.n < 5 ? 10 : p.n < 50 ? 14 : 18;
      var mk = L.marker([p.lat, p.lon], {
        n: p.n, icon: L.divIcon({ className: "point-dot", iconSize: [size, size] })
      });
      mk.bindPopup(p.n + " " + escapeHtml(config.here));
      clusters.addLayer(mk);
      bounds.push([p.lat, p.lon]);
    });
    m.addLayer(clusters);
    if (bounds.length) { m.fitBounds(bounds, { maxZoom: 6, padding: [20, 20] }); }
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      var marks = [1, Math.max(2, Math.round(Math.sqrt(top))), top].filter(function (v, i, a) { return v > 0 && a.indexOf(v) === i; });
      marks.forEach(function (v, i) {  // built as elements: no style attribute (CSP)
        if (i) div.appendChild(document.createElement("br"));
        var swatch = document.createElement("i");
        swatch.style.background = shade(v, top);
        div.appendChild(swatch);
        div.appendChild(document.createTextNode(String(v)));
      });
      return div;
    };
    if (top > 0) { legend.addTo(m); }
  }

  timeChart("chart-time", data.over_time, {});
  timeChart("chart-casualties", data.casualties, { line: true, colours: { killed: "#a4262c", injured: "#e0a800" } });
  timeChart("chart-causes", data.causes, { colours: CAUSE_COLOURS });
  certaintyChart();
  map();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
