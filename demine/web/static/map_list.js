// SPDX-License-Identifier: GPL-3.0-or-later
// The keyboard's way into the map: the records in view listed beside it
// (each a link to its record and a button that shows it on the map), and
// the search box (places and hazards, /map/search.json).
(function () {
  "use strict";
  const _ = window.demineI18n._;
  const LIST_LAYERS = ["hazard-fill", "release-fill", "eo_item-circle", "accident-circle"];
  const LISTED = 60;

  function centre(f) {
    const b = new maplibregl.LngLatBounds();
    (function walk(c) {
      if (typeof c[0] === "number") b.extend(c); else c.forEach(walk);
    })(f.geometry.coordinates);
    return b.getCenter();
  }

  window.demineMapList = function (map, kindName) {
    const list = document.getElementById("map-list");
    const note = document.getElementById("map-list-note");
    let shown = "";
    function refresh() {
      const seen = {};
      const items = [];
      for (const f of map.queryRenderedFeatures({ layers: LIST_LAYERS })) {
        if (f.properties.records !== undefined) continue;  // a grouped cell
        const id = f.id !== undefined ? f.id : f.properties.id;
        const key = f.layer.source + "/" + id;
        if (seen[key]) continue;
        seen[key] = true;
        items.push({ kind: f.layer.source, id: id, name: f.properties.name, at: centre(f), props: f.properties });
      }
      items.sort(function (a, b) { return a.kind.localeCompare(b.kind) || Number(a.id) - Number(b.id); });
      const key = items.slice(0, LISTED).map(function (i) { return i.kind + i.id; }).join(",") + "/" + items.length;
      if (key === shown) return;
      shown = key;
      list.textContent = "";
      note.textContent = items.length
        ? (items.length > LISTED
          ? _("%(shown)s of %(n)s records in view; zoom in to list them all.", { shown: LISTED, n: items.length })
          : _("%(n)s records in view.", { n: items.length }))
        : _("Zoom in to list the records in view.");
      for (const item of items.slice(0, LISTED)) {
        const li = document.createElement("li");
        const link = document.createElement("a");
        const kind = item.kind;
        link.href = "/records/" + kind + "/" + item.id;
        link.textContent = kindName(kind) + " " + item.id + (item.name ? " · " + item.name : "");
        const show = document.createElement("button");
        show.type = "button";
        show.className = "map-list-show";
        show.textContent = _("Show");
        show.setAttribute("aria-label", _("Show %(record)s on the map", { record: link.textContent }));
        show.addEventListener("click", function () {
          map.easeTo({ center: item.at, zoom: Math.max(map.getZoom(), 14) });
          window.demineOpenPopup(map, item.at, kind, item.id, item.props);
        });
        li.append(link, " ", show);
        list.appendChild(li);
      }
    }
    map.on("idle", refresh);

    // --- Search: places and hazards by name or number. ----------------------
    const input = document.getElementById("map-search-input");
    const results = document.getElementById("map-search-list");
    let asked = 0;
    function search() {
      const q = input.value.trim();
      const ticket = ++asked;
      if (!q) { results.hidden = true; return; }
      fetch("/map/search.json?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { found: [] }; })
        .then(function (data) {
          if (ticket !== asked) return;
          results.textContent = "";
          if (!data.found.length) {
            const li = document.createElement("li");
            li.textContent = _("Nothing found for “%(text)s”.", { text: q });
            results.appendChild(li);
          }
          for (const hit of data.found) {
            const li = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.textContent = (hit.kind === "hazard" ? kindName("hazard") + " " + hit.id + " · " : "") + hit.name;
            button.addEventListener("click", function () {
              const b = hit.bounds;
              if (b[0] === b[2] && b[1] === b[3]) {
                map.flyTo({ center: [b[0], b[1]], zoom: 13 });
              } else {
                map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, maxZoom: 15 });
              }
              results.hidden = true;
            });
            li.appendChild(button);
            results.appendChild(li);
          }
          results.hidden = false;
        });
    }
    let timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    document.getElementById("map-search").addEventListener("submit", search);
  };
})();
