// Live progress of a report run in the admin: polls the run's JSON status every 1.5 s
// and updates the <progress> element, the error box (with its retry button) and the
// download links. Without JavaScript the page refreshes itself instead (<noscript>).
(function () {
  "use strict";

  const INTERVAL_MS = 1500;
  const root = document.querySelector("[data-report-run]");
  if (!root || root.dataset.finished === "true") {
    return;
  }
  const bar = root.querySelector("[data-report-progress]");
  const percent = root.querySelector("[data-report-percent]");
  const note = root.querySelector("[data-report-note]");
  const status = root.querySelector("[data-report-status]");
  const errorBox = root.querySelector("[data-report-error-box]");
  const errorText = root.querySelector("[data-report-error]");
  const filesBox = root.querySelector("[data-report-files-box]");
  const files = root.querySelector("[data-report-files]");
  const downloadLabel = files.dataset.label || "Unduh";

  function renderFiles(outputs) {
    files.replaceChildren(
      ...outputs.map(function (output) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = output.url;
        link.dataset.format = output.format;
        link.setAttribute("download", "");
        link.textContent = downloadLabel + " " + output.format.toUpperCase();
        item.append(link, " · " + output.filename + " (" + output.size_label + ")");
        return item;
      })
    );
  }

  function render(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + " %";
    percent.textContent = data.progress;
    note.textContent = data.progress_note;
    status.textContent = data.status_label;
    status.dataset.reportStatus = data.status;
    errorText.textContent = data.error;
    errorBox.hidden = !data.failed;
    if (data.outputs.length) {
      renderFiles(data.outputs);
    }
    filesBox.hidden = data.outputs.length === 0;
    root.dataset.finished = data.finished ? "true" : "false";
  }

  async function poll() {
    try {
      const response = await fetch(root.dataset.statusUrl, {
        // Wagtail answers a refused XHR with 403 instead of a redirect to the dashboard.
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const data = await response.json();
        render(data);
        if (data.finished) {
          return;
        }
      } else if (response.status < 500) {
        return; // logged out, no longer allowed, or gone: nothing more to show
      }
    } catch (error) {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, INTERVAL_MS);
  }

  poll();
})();
