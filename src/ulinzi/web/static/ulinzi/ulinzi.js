/* Ulinzi: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Change the language as soon as one is picked (a button does it without script).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Show only the incident types of the chosen domain. The list of types is marked
  // data-domain-target="NAME", the domain menu data-domain-select="NAME", and each
  // group of types data-domain="CODE".
  document.querySelectorAll("[data-domain-select]").forEach(function (select) {
    var name = select.getAttribute("data-domain-select");
    var target = document.querySelector('[data-domain-target="' + name + '"]');
    if (!target) return;
    var isMenu = target.tagName === "SELECT";
    var empty = document.querySelector('[data-domain-empty="' + name + '"]');

    function sync(firstTime) {
      var domain = select.value;
      target.querySelectorAll("[data-domain]").forEach(function (group) {
        var show = domain ? group.getAttribute("data-domain") === domain : isMenu;
        // Never hide what the user already ticked when the page (re)loads.
        if (firstTime && group.querySelector("input:checked")) show = true;
        group.hidden = !show;
        if (isMenu) group.disabled = !show;
        if (!show) {
          group.querySelectorAll("input:checked").forEach(function (box) { box.checked = false; });
        }
      });
      if (isMenu) {
        var chosen = target.options[target.selectedIndex];
        if (chosen && chosen.parentNode.disabled) target.value = "";
      } else {
        var anything = domain || target.querySelector("[data-domain]:not([hidden])");
        target.hidden = !anything;
        if (empty) empty.hidden = !!anything;
      }
    }
    select.addEventListener("change", function () { sync(false); });
    sync(true);
  });

  // Filters stay folded on a phone and open on a wide screen.
  if (window.matchMedia && window.matchMedia("(min-width: 60em)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }

  // Area fields (data-area-search="ID of the country field"): as one types, the list of
  // suggestions is narrowed to the chosen country's areas whose name or P-code holds the
  // text (GET data-areas-url of the field's datalist); choosing one with a P-code fills the
  // P-code field named by data-pcode-field when it is empty.
  document.querySelectorAll("input[data-area-search]").forEach(function (input) {
    var list = input.list;
    var url = list && list.getAttribute("data-areas-url");
    if (!url) return;
    var country = document.getElementById(input.getAttribute("data-area-search"));
    var pcode = document.getElementById(input.getAttribute("data-pcode-field") || "");
    var found = {};
    var timer = null;
    function refresh() {
      var query = "?q=" + encodeURIComponent(input.value.trim()) +
        "&country=" + encodeURIComponent(country ? country.value : "");
      fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { areas: [] }; })
        .then(function (data) {
          list.textContent = "";
          found = {};
          data.areas.forEach(function (area) {
            var option = document.createElement("option");
            option.value = area.name || area.pcode;
            option.label = [area.name, area.pcode, area.country].filter(Boolean).join(" · ");
            found[option.value] = area;
            list.appendChild(option);
          });
          input.setAttribute("data-areas", String(data.areas.length));
        });
    }
    input.addEventListener("input", function () {
      var chosen = found[input.value];
      if (chosen && pcode && !pcode.value && chosen.pcode) pcode.value = chosen.pcode;
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    });
    if (country) country.addEventListener("change", refresh);
  });

  // After a refused submission, start from the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
