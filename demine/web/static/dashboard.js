// Choosing a date picks the custom period.
(function () {
  "use strict";
  const form = document.getElementById("dashboard-period");
  if (!form) return;
  for (const input of form.querySelectorAll("input[type=date]")) {
    input.addEventListener("change", function () {
      const custom = form.querySelector("input[name=period][value=custom]");
      if (custom) custom.checked = true;
    });
  }
})();
