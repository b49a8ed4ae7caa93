// SPDX-License-Identifier: GPL-3.0-or-later
// The header's menu: on a phone the navigation folds behind one button
// (aria-expanded says whether it is open); Escape closes whatever menu is
// open and gives the focus back to what opened it. Without this script the
// button stays hidden and the navigation shows in full.
(function () {
  "use strict";
  const header = document.getElementById("site-header");
  const button = document.getElementById("menu-button");
  const menu = document.getElementById("site-menu");
  if (!header || !button || !menu) return;
  header.classList.add("menu-ready");
  button.hidden = false;

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });

  const groups = header.querySelectorAll("details.menu-group");
  function closeGroups(except) {
    groups.forEach(function (d) { if (d !== except) d.open = false; });
  }
  groups.forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) closeGroups(d); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const group = Array.prototype.find.call(groups, function (d) { return d.open; });
    if (group) {
      group.open = false;
      group.querySelector("summary").focus();
    } else if (button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });

  // A press outside the header closes its menus.
  document.addEventListener("click", function (event) {
    if (header.contains(event.target)) return;
    closeGroups(null);
    setOpen(false);
  });
})();
