// Follows an import run: polls its JSON progress and updates the page until it ends.
(function () {
  "use strict";
  var root = document.getElementById("import-run");
  if (!root || root.dataset.finished === "1" || !window.fetch) {
    return;
  }
  var url = root.dataset.progress;
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function field(name) {
    return root.querySelector('[data-field="' + name + '"]');
  }

  function show(data) {
    ["rows_done", "imported", "created", "updated", "unchanged", "rejected", "blank", "held"].forEach(
      function (name) {
        var el = field(name);
        if (el) {
          el.textContent = number.format(data[name]);
        }
      }
    );
    var status = field("status_label");
    status.textContent = data.status_label;
    status.className = "status status-" + data.status;
    var bar = field("percent");
    if (data.percent === null) {
      bar.removeAttribute("value");
      field("percent_text").textContent = "";
    } else {
      bar.value = data.percent;
      field("percent_text").textContent = data.percent + "%";
    }
    var notice = root.querySelector("[data-worker-notice]");
    if (notice) {
      notice.hidden = data.finished || data.worker_seen;
    }
    var message = field("message");
    message.textContent = data.message;
    message.hidden = !data.message;
    if (data.finished) {
      root.querySelector('[data-when="running"]').hidden = true;
      root.querySelector('[data-when="done"]').hidden = !(data.status === "done" && data.rejected > 0);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (!data.finished) {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
