// SPDX-License-Identifier: GPL-3.0-or-later
// Pickers for the references of the entry forms (hazard, activity, team,
// accident): a text input becomes an ARIA 1.2 combobox whose list comes from
// /api/v1/search/<kind>?q=. Choosing writes "Name (id)" into the input; the
// server reads the number in brackets, a bare number or an exact name, so the
// form works without this script too.
(function () {
  "use strict";
  const _ = window.demineI18n._;

  function setUp(input) {
    const list = document.createElement("ul");
    list.id = input.id + "-options";
    list.className = "picker-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", _("Matching records"));
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "sr";
    status.setAttribute("role", "status");
    input.after(list, status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    let active = -1;
    let timer = null;
    let asked = 0;

    function options() { return Array.from(list.querySelectorAll("[role=option]")); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      const all = options();
      all.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      input.value = option.dataset.name + " (" + option.dataset.id + ")";
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    function show(found, query) {
      list.textContent = "";
      list.dataset.query = query;
      found.forEach(function (item, i) {
        const li = document.createElement("li");
        li.id = input.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.id = item.id;
        li.dataset.name = item.name || "#" + item.id;
        const name = document.createElement("span");
        name.textContent = li.dataset.name;
        const number = document.createElement("span");
        number.className = "picker-number";
        number.textContent = _("No. %(id)s", { id: item.id });
        li.append(name, number);
        // pointerdown, not click: the input's blur must not close the list first.
        li.addEventListener("pointerdown", function (e) { e.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      status.textContent = found.length
        ? _("%(count)s records found; use the arrow keys or tap one to choose it", { count: found.length })
        : _("No record matches");
      if (!found.length) {
        const li = document.createElement("li");
        li.className = "picker-none";
        li.textContent = _("No record matches");
        list.appendChild(li);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function ask() {
      const query = input.value.replace(/\s*\(\d+\)\s*$/, "");
      const mine = ++asked;
      fetch(input.dataset.search + "?limit=12&q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { if (mine === asked && document.activeElement === input) show(found, query); })
        .catch(function () { /* offline: the typed text is posted as it is */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      // What was asked before this keystroke is no longer the question: its
      // answer (e.g. the list offered on focus) must not show meanwhile.
      asked++;
      timer = setTimeout(ask, 180);
    });
    input.addEventListener("focus", function () { if (!input.value) ask(); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (e) {
      const all = options();
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (list.hidden) { ask(); return; }
        mark(Math.min(active + 1, all.length - 1));
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        mark(Math.max(active - 1, 0));
      } else if (e.key === "Enter" && !list.hidden && active >= 0 && all[active]) {
        e.preventDefault();
        choose(all[active]);
      } else if (e.key === "Escape" && !list.hidden) {
        e.preventDefault();
        close();
      }
    });
  }

  document.querySelectorAll("input[data-search]").forEach(setUp);
})();
