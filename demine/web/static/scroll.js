// SPDX-License-Identifier: GPL-3.0-or-later
// A table wider than the screen scrolls inside its own box (any box of the
// page whose overflow scrolls: .scroll, .table-scroll). While it does, the
// box takes the keyboard focus, so the arrow keys scroll it, and is named
// after its table's caption or heading; once it fits again it leaves the
// Tab order.
(function () {
  "use strict";
  function nameOf(box) {
    const caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (let el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
    }
    return "";
  }
  function mark() {
    document.querySelectorAll("main div, main figure").forEach(function (box) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow !== "auto" && overflow !== "scroll") return;
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      const ours = box.dataset.scrollFocus === "1";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollFocus = "1";
        const name = nameOf(box);
        if (!box.hasAttribute("role") && name) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
      } else if (!scrolls && ours) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  let waiting = false;
  window.addEventListener("resize", function () {
    if (waiting) return;
    waiting = true;
    requestAnimationFrame(function () { waiting = false; mark(); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
