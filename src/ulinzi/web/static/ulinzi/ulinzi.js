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

  // After a refused submission, start from the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
