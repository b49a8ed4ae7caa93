// SPDX-License-Identifier: GPL-3.0-or-later
// Follow an export job: ask the server every second how far it is. Asking is
// also what keeps the job alive: once this page is closed the server stops it.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box) return;
  const texts = document.getElementById("job-texts").dataset;
  const id = box.dataset.job;
  function show(job) {
    box.dataset.state = job.state;
    document.getElementById("job-state").textContent = texts[job.state] || job.state;
    document.getElementById("job-progress").value = job.progress;
    const error = document.getElementById("job-error");
    error.textContent = job.error || "";
    error.hidden = !job.error;
    document.getElementById("job-done").hidden = job.state !== "done";
    const active = job.state === "queued" || job.state === "running";
    document.getElementById("job-cancel").hidden = !active;
    return active;
  }
  function ask() {
    fetch("/api/v1/jobs/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) { if (show(job)) setTimeout(ask, 1000); })
      .catch(function () { setTimeout(ask, 2000); });
  }
  if (box.dataset.state === "queued" || box.dataset.state === "running") ask();
})();
