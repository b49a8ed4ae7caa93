// SPDX-License-Identifier: GPL-3.0-or-later
// Say at once when chosen files exceed the upload limit, instead of sending
// them for the server to refuse.
(function () {
  "use strict";
  const form = document.getElementById("import-form");
  if (!form) return;
  const limit = parseInt(form.dataset.maxBytes, 10);
  const note = document.getElementById("import-size-error");
  form.addEventListener("submit", function (e) {
    let total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      for (const file of input.files) total += file.size;
    });
    if (limit && total > limit) {
      e.preventDefault();
      note.hidden = false;
      note.focus();
    } else {
      note.hidden = true;
    }
  });
})();
