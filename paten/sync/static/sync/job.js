// Follows a sync job on the worker: /admin/sinkron/proses/<token>/status/ every 2 s.
(function () {
  var box = document.querySelector("[data-sync-job]");
  if (!box) return;
  var url = box.getAttribute("data-sync-job");
  var text = box.querySelector("[data-sync-progress]");
  var link = box.querySelector("[data-sync-download]");
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.total) text.textContent = s.done + " / " + s.total;
        else if (s.done) text.textContent = String(s.done);
        if (s.finished) {
          text.textContent = s.message || s.status;
          if (s.download) { link.href = s.download; link.hidden = false; }
          return;
        }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
