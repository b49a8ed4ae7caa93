// SPDX-License-Identifier: GPL-3.0-or-later
// The register's map: vector tiles from /tiles, no basemap unless configured.
// Layers: hazards, releases, EO finds, accidents, settlements and the
// published contamination risk; filters apply MapLibre expressions to the
// tiles' properties (see docs/web.md, "Map layers and filters").
(function () {
  "use strict";
  const _ = window.demineI18n._;
  const number = window.demineI18n.number;
  // What the popup calls each kind of record it links to.
  function kindName(kind) {
    const names = { hazard: _("Hazardous area"), release: _("Release product"),
      eo_item: _("EO find"), accident: _("Accident"), place: _("Place") };
    return names[kind] || kind;
  }
  const el = document.getElementById("map");
  const tileUrl = el.dataset.tileUrl;
  const origin = window.location.origin;
  const TILE_LAYERS = ["risk", "hazard", "release", "eo_item", "accident", "settlement"];
  // Off until asked for: the risk layer is a model's output, not a record.
  const HIDDEN_AT_START = { risk: true };
  const sources = {};
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#eef0ea" } }];
  if (tileUrl) {
    sources.basemap = { type: "raster", tiles: [tileUrl], tileSize: 256 };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  for (const name of TILE_LAYERS) {
    sources[name] = { type: "vector", tiles: [origin + "/tiles/" + name + "/{z}/{x}/{y}.mvt"], maxzoom: 16 };
  }
  // PostGIS sends every property as text, SQLite keeps numbers: coerce.
  const num = function (prop) { return ["to-number", ["get", prop], 0]; };
  // IMAS 07.11-style symbology: confirmed red, suspected orange, closed grey.
  const hazardColour = ["case",
    ["==", ["get", "status"], "closed"], "#9e9e9e",
    ["==", ["get", "hazard_class"], "cha"], "#d7191c",
    "#fdae61"];
  // Risk 0 to 1, pale yellow to dark red (the legend in map.css matches).
  // Cells outside the model's area of applicability are grey: there the risk
  // is a guess (the legend's grey swatch says so).
  const outside = ["any", ["==", ["get", "applicable"], false], ["==", ["get", "applicable"], 0]];
  const riskColour = ["case", outside, "#9e9e9e",
    ["interpolate", ["linear"], num("risk"),
      0, "#ffffcc", 0.25, "#fed976", 0.5, "#fd8d3c", 0.75, "#e31a1c", 1, "#800026"]];
  // Circle area grows with population: radius with its square root.
  const settlementRadius = ["interpolate", ["linear"], ["sqrt", num("population")],
    0, 3, 30, 5, 100, 9, 300, 16];
  // Zoomed out, a point stands for a grid cell's records: larger with more.
  const groupRadius = function (single) {
    return ["interpolate", ["linear"], ["sqrt", num("records")], 0, single, 1, single, 10, 3 * single];
  };
  const visibility = function (name) {
    return { visibility: HIDDEN_AT_START[name] ? "none" : "visible" };
  };
  layers.push(
    { id: "risk-fill", type: "fill", source: "risk", "source-layer": "risk", layout: visibility("risk"),
      paint: { "fill-color": riskColour, "fill-opacity": 0.6, "fill-outline-color": "rgba(0,0,0,0)" } },
    { id: "hazard-fill", type: "fill", source: "hazard", "source-layer": "hazard",
      paint: { "fill-color": hazardColour, "fill-opacity": 0.55 } },
    { id: "hazard-line", type: "line", source: "hazard", "source-layer": "hazard",
      paint: { "line-color": hazardColour, "line-width": 1.5 } },
    { id: "release-fill", type: "fill", source: "release", "source-layer": "release",
      paint: { "fill-color": "#1a9641", "fill-opacity": 0.5 } },
    { id: "eo_item-circle", type: "circle", source: "eo_item", "source-layer": "eo_item",
      paint: { "circle-color": "#7b3294", "circle-radius": groupRadius(4) } },
    { id: "accident-circle", type: "circle", source: "accident", "source-layer": "accident",
      paint: { "circle-color": "#000", "circle-radius": groupRadius(5), "circle-stroke-color": "#fff",
        "circle-stroke-width": 1 } },
    { id: "settlement-circle", type: "circle", source: "settlement", "source-layer": "settlement",
      layout: visibility("settlement"),
      paint: { "circle-color": "#2b83ba", "circle-opacity": 0.85, "circle-radius": settlementRadius,
        "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 } }
  );
  const map = new maplibregl.Map({
    locale: window.demineI18n.mapLocale(),
    container: "map",
    style: { version: 8, sources: sources, layers: layers },
    bounds: JSON.parse(el.dataset.bounds),
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl());
  // A link such as /map#at=46.7,39.8 (from the validation findings) shows a place.
  const at = /#at=(-?[0-9.]+),(-?[0-9.]+)/.exec(window.location.hash);
  if (at) {
    const place = [parseFloat(at[1]), parseFloat(at[2])];
    map.jumpTo({ center: place, zoom: 15 });
    new maplibregl.Marker({ color: "#0050b3" }).setLngLat(place).addTo(map);
  }
  window.demineMap = map;

  const layerIds = { hazard: ["hazard-fill", "hazard-line"], release: ["release-fill"],
    eo_item: ["eo_item-circle"], accident: ["accident-circle"],
    settlement: ["settlement-circle"], risk: ["risk-fill"] };
  const riskLegend = document.getElementById("risk-legend");
  document.querySelectorAll(".layer-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      for (const id of layerIds[box.value]) {
        map.setLayoutProperty(id, "visibility", box.checked ? "visible" : "none");
      }
      if (box.value === "risk") {
        riskLegend.hidden = !box.checked;
        noteRiskZoom();
      }
      if (box.value === "settlement") labelSettlements();
    });
  });

  // --- Filters: each names the tile property it tests on each layer. -------
  const dates = { release: "released_on", eo_item: "found_on", accident: "occurred_on" };
  const FILTERS = [
    { input: "status-filter", op: "==", props: { hazard: "status" } },
    { input: "class-filter", op: "==", props: { hazard: "hazard_class" } },
    { input: "organisation-filter", op: "==", props: { hazard: "reported_by_id",
      release: "reported_by_id", eo_item: "reported_by_id", accident: "reported_by_id" } },
    { input: "method-filter", op: "==", props: { release: "method" } },
    { input: "date-from", op: ">=", props: dates },
    { input: "date-to", op: "<=", props: dates },
  ];
  // Which properties each tile layer carries (from /map/options.json); until
  // it is known every filter is tried. Up to a layer's overview max_zoom its
  // records come grouped in grid cells, which carry fewer (no dates, no ids).
  let tileProps = null;
  let overview = {};
  const grouped = function (layer) {
    const o = overview[layer];
    return o !== undefined && Math.floor(map.getZoom()) <= o.max_zoom;
  };
  const carries = function (layer, prop) {
    if (!tileProps) return true;
    const props = grouped(layer) ? overview[layer].properties : tileProps[layer];
    return (props || []).indexOf(prop) >= 0;
  };
  const layerName = function (layer) {
    const box = document.querySelector('.layer-toggle[value="' + layer + '"]');
    return box ? box.parentElement.textContent.trim() : layer;
  };
  const labelOf = function (input) {
    const label = document.querySelector('label[for="' + input + '"]');
    return label ? label.textContent.trim() : input;
  };

  function condition(op, prop, value) {
    // Text comparison: ids and ISO dates arrive as text or numbers by backend.
    const got = ["to-string", ["get", prop]];
    if (op === "==") return ["==", got, value];
    // A record without a date matches no date range.
    return ["all", ["!=", got, ""], [op, got, value]];
  }

  function applyFilters() {
    const perLayer = {};
    const skipped = {};  // filter label -> the layers it could not test
    for (const f of FILTERS) {
      const value = document.getElementById(f.input).value;
      if (!value) continue;
      for (const layer of Object.keys(f.props)) {
        const prop = f.props[layer];
        if (!carries(layer, prop)) {
          (skipped[labelOf(f.input)] = skipped[labelOf(f.input)] || []).push(layerName(layer));
          continue;
        }
        (perLayer[layer] = perLayer[layer] || []).push(condition(f.op, prop, value));
      }
    }
    for (const layer of Object.keys(layerIds)) {
      const tests = perLayer[layer];
      const filter = tests ? ["all"].concat(tests) : null;
      for (const id of layerIds[layer]) map.setFilter(id, filter);
    }
    const note = document.getElementById("filter-unavailable");
    const parts = Object.keys(skipped).map(function (label) {
      return label + " (" + skipped[label].join(", ") + ")";
    });
    note.hidden = parts.length === 0;
    note.querySelector("span").textContent = parts.join("; ");
  }
  for (const f of FILTERS) {
    document.getElementById(f.input).addEventListener("change", applyFilters);
  }
  // Crossing into or out of the grouped zooms changes what can be filtered.
  let wasGrouped = "";
  map.on("zoomend", function () {
    const now = Object.keys(overview).filter(grouped).join(",");
    if (now !== wasGrouped) applyFilters();
    wasGrouped = now;
  });
  document.getElementById("map-filters").addEventListener("reset", function () {
    window.setTimeout(applyFilters, 0);  // after the form has cleared its fields
  });

  // --- Filter choices and the published risk, from the server. -------------
  const riskSource = document.getElementById("risk-source");
  fetch("/map/options.json", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (options) { return window.demineI18n.ready.then(function () { return options; }); })
    .then(function (options) {
      tileProps = options.properties;
      overview = options.overview || {};
      const select = document.getElementById("organisation-filter");
      for (const org of options.organisations) {
        const opt = document.createElement("option");
        opt.value = String(org.id);
        opt.textContent = org.name;
        select.appendChild(opt);
      }
      const risk = options.risk;
      riskFrom(risk.cell_deg);
      riskSource.textContent = risk.cells
        ? _("Model %(model)s, scored %(at)s, %(cells)s cells.", {
          model: risk.model || "?", at: (risk.scored_at || "").slice(0, 16), cells: number(risk.cells) })
        : _("No risk published yet: run demine predict publish.");
      applyFilters();
    })
    .catch(function () { riskSource.textContent = _("No risk published yet: run demine predict publish."); })
    .finally(function () { el.dataset.options = "loaded"; });

  // --- The risk layer from the zoom where a tile holds a few thousand cells:
  // a national grid at country scale would be megabytes per tile. ---------
  const CELLS_ACROSS_TILE = 128;
  const riskZoom = document.getElementById("risk-zoom");
  let riskMinZoom = 0;
  function riskFrom(cellDeg) {
    if (!cellDeg) return;
    riskMinZoom = Math.max(0, Math.ceil(Math.log2(360 / (CELLS_ACROSS_TILE * cellDeg))));
    map.setLayerZoomRange("risk-fill", riskMinZoom, 24);
    noteRiskZoom();
  }
  function noteRiskZoom() {
    const on = map.getLayoutProperty("risk-fill", "visibility") !== "none";
    riskZoom.hidden = !(on && map.getZoom() < riskMinZoom);
  }
  map.on("zoomend", noteRiskZoom);

  // --- Settlement names: DOM labels, as the map has no font glyphs offline. --
  let labels = [];
  let labelled = "";
  const MAX_LABELS = 40;
  function labelSettlements() {
    const shown = map.getLayoutProperty("settlement-circle", "visibility") !== "none";
    const seen = {};
    const places = shown ? map.queryRenderedFeatures({ layers: ["settlement-circle"] }) : [];
    const unique = places.filter(function (f) {
      const id = f.id !== undefined ? f.id : f.properties.id;
      if (seen[id] || !f.properties.name) return false;
      seen[id] = true;
      return true;
    });
    unique.sort(function (a, b) { return (+b.properties.population || 0) - (+a.properties.population || 0); });
    const top = unique.slice(0, MAX_LABELS);
    const key = top.map(function (f) { return f.properties.name; }).join("|");
    if (key === labelled) return;
    labelled = key;
    for (const m of labels) m.remove();
    labels = top.map(function (f) {
      const div = document.createElement("div");
      div.className = "settlement-label";
      div.textContent = f.properties.name;
      return new maplibregl.Marker({ element: div, anchor: "bottom", offset: [0, -8] })
        .setLngLat(f.geometry.coordinates).addTo(map);
    });
  }
  map.on("idle", labelSettlements);

  // --- Click-through to records; the risk of a cell where nothing else is. --
  const clickable = ["hazard-fill", "release-fill", "eo_item-circle", "accident-circle", "settlement-circle"];
  const kindOf = { settlement: "place" };
  map.on("click", function (e) {
    const hits = map.queryRenderedFeatures(e.point, { layers: clickable });
    const popup = new maplibregl.Popup().setLngLat(e.lngLat);
    if (hits.length) {
      // Features come topmost first: a find or settlement before its hazard.
      const f = hits[0];
      if (f.properties.records !== undefined) {
        // A grid cell of the low zooms: how many records, and where to look.
        popup.setText(_("Records in this cell: %(n)s. Zoom in to open them.",
          { n: number(f.properties.records) })).addTo(map);
        return;
      }
      const kind = kindOf[f.layer.source] || f.layer.source;
      // PostGIS puts the id in the feature id, not among the properties.
      const id = f.id !== undefined ? f.id : f.properties.id;
      const link = document.createElement("a");
      link.href = "/records/" + kind + "/" + id;
      let text = _("Open record: %(kind)s %(id)s", { kind: kindName(kind), id: id }) +
        (f.properties.name ? " (" + f.properties.name + ")" : "");
      if (kind === "place" && f.properties.population) {
        text += ", " + _("population %(n)s", { n: number(f.properties.population) });
      }
      link.textContent = text;
      popup.setDOMContent(link).addTo(map);
      return;
    }
    if (map.getLayoutProperty("risk-fill", "visibility") === "none") return;
    const cells = map.queryRenderedFeatures(e.point, { layers: ["risk-fill"] });
    if (!cells.length) return;
    const cell = cells[0].properties;
    const risk = number(Number(cell.risk), 2);
    const ranged = cell.risk_low !== undefined && cell.risk_high !== undefined;
    let text = ranged
      ? _("Contamination risk: %(risk)s (%(low)s–%(high)s)", {
        risk: risk, low: number(Number(cell.risk_low), 2), high: number(Number(cell.risk_high), 2) })
      : _("Contamination risk: %(risk)s", { risk: risk });
    if (cell.applicable === false || cell.applicable === 0) {
      text += " " + _("Outside the model's area of applicability.");
    }
    popup.setText(text).addTo(map);
  });
  for (const id of clickable) {
    map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
  }
})();
