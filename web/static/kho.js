/* kho pages: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Confirm dangerous actions (revoking a result).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Zoom buttons on page images.
  document.querySelectorAll("figure.page").forEach(function (figure) {
    var tools = figure.querySelector(".zoom-tools");
    var image = figure.querySelector(".page-image");
    if (!tools || !image) { return; }
    tools.hidden = false;
    var scale = 1;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) { return; }
      scale = button.dataset.zoom === "in" ? Math.min(4, scale * 1.5) : Math.max(1, scale / 1.5);
      figure.classList.toggle("zoomed", scale > 1);
      image.style.width = scale > 1 ? (scale * 100) + "%" : "";
    });
  });

  // Review form: Ctrl+Enter saves and accepts.
  document.querySelectorAll("form[data-shortcuts=review]").forEach(function (form) {
    form.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        var save = form.querySelector("button[value=save]");
        if (save) { form.requestSubmit(save); }
      }
    });
  });

  // Batch page: poll the progress once a second until the batch is finished, then reload.
  var box = document.querySelector("[data-progress-url]");
  if (box && box.dataset.finished !== "true") {
    var bar = box.querySelector("progress");
    var fields = {};
    box.querySelectorAll("[data-field]").forEach(function (el) { fields[el.dataset.field] = el; });
    var format = new Intl.NumberFormat(document.documentElement.lang || "vi");
    var poll = function () {
      fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { window.setTimeout(poll, 3000); return; }
          ["documents_done", "documents_total", "pages_done"].forEach(function (name) {
            if (fields[name]) { fields[name].textContent = format.format(data[name]); }
          });
          if (fields.pages_per_minute) { fields.pages_per_minute.textContent = format.format(data.pages_per_minute); }
          if (fields.eta_text) { fields.eta_text.textContent = data.eta_text; }
          if (fields.quarantined) { fields.quarantined.textContent = format.format(data.counts.quarantined || 0); }
          if (bar) { bar.max = Math.max(1, data.documents_total); bar.value = data.documents_done; }
          if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  }
})();
