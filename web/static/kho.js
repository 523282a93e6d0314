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
          var badge = fields["status-label"];
          if (badge && data.state_label && badge.textContent !== data.state_label) {
            badge.textContent = data.state_label;
            badge.className = "badge badge-batch-" + data.state;
          }
          if (bar) { bar.max = Math.max(1, data.documents_total); bar.value = data.documents_done; }
          if (data.finished) { window.setTimeout(function () { window.location.reload(); }, 300); }
          else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  }

  // Upload form: a drop zone, each chosen file listed (bad ones with the reason), and sending without
  // leaving the page, so that on an error the message appears and the chosen files stay chosen.
  var upload = document.querySelector("form[data-upload-form]");
  if (upload) {
    var input = upload.querySelector("#files");
    var zone = upload.querySelector("[data-drop-zone]");
    var list = upload.querySelector("#file-list");
    var scanTypes = /\.(pdf|jpe?g|png|tiff?|zip)$/i;
    var showFiles = function () {
      list.textContent = "";
      var bad = 0;
      Array.prototype.forEach.call(input.files, function (file) {
        var reason = file.size === 0 ? list.dataset.empty : (scanTypes.test(file.name) ? "" : list.dataset.type);
        var item = document.createElement("li");
        item.className = reason ? "file-bad" : "file-ok";
        item.textContent = file.name + ": " + (reason || list.dataset.ok);
        if (reason) { bad += 1; }
        list.appendChild(item);
      });
      var summary = document.createElement("li");
      summary.className = "file-summary";
      summary.textContent = list.dataset.summary.replace("{n}", input.files.length).replace("{bad}", bad);
      list.insertBefore(summary, list.firstChild);
      list.hidden = input.files.length === 0;
    };
    input.addEventListener("change", showFiles);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("drag-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("drag-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        showFiles();
      }
    });
    upload.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData || !window.DOMParser) { return; }
      event.preventDefault();
      var sending = upload.querySelector("[data-sending]");
      var button = upload.querySelector("button[type=submit]");
      button.disabled = true;
      if (sending) { sending.hidden = false; }
      fetch(upload.action || window.location.href, { method: "POST", body: new FormData(upload), credentials: "same-origin" })
        .then(function (response) {
          if (response.ok && response.redirected) { window.location.assign(response.url); return null; }
          return response.text();
        })
        .then(function (text) {
          if (text === null) { return; }
          var answer = new DOMParser().parseFromString(text, "text/html");
          var target = document.getElementById("upload-messages");
          target.textContent = "";
          answer.querySelectorAll(".messages .message, .error-detail").forEach(function (node) {
            target.appendChild(document.importNode(node, true));
          });
          button.disabled = false;
          if (sending) { sending.hidden = true; }
          target.setAttribute("tabindex", "-1");
          target.focus();
        })
        .catch(function () { button.disabled = false; if (sending) { sending.hidden = true; } upload.submit(); });
    });
  }
})();
