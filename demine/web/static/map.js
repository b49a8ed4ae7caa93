// SPDX-License-Identifier: GPL-3.0-or-later
// The register's map: the basemap (static/basemap.js) under the register's
// vector tiles from /tiles. Layers: hazards, releases, EO finds, accidents,
// settlements and the published contamination risk; filters apply MapLibre
// expressions to the tiles' properties, and the grouped low-zoom tiles are
// asked for again with the filters the tiles cannot test themselves (see
// docs/web.md, "Map layers and filters"). Colours come from the palette the
// page embeds (demine/web/map_style.py), the one the legend shows.
(function () {
  "use strict";
  const _ = window.demineI18n._;
  const number = window.demineI18n.number;
  // What the popup and the list call each kind of record.
  function kindName(kind) {
    const names = { hazard: _("Hazardous area"), release: _("Release product"),
      eo_item: _("EO find"), accident: _("Accident"), place: _("Place") };
    return names[kind] || kind;
  }
  const el = document.getElementById("map");
  const P = JSON.parse(el.dataset.palette);
  // Each grouped layer's density ramp and last grouped zoom (map_style.py).
  const DENSITY = JSON.parse(el.dataset.density);
  // Hazards are drawn one by one from this zoom: below it, only the chosen
  // layer's grid shows (one surface to read, one legend); above it the
  // grids of layers still grouped (EO finds) show beside the hazards.
  const RECORDS_FROM = DENSITY.hazard.max_zoom + 1;
  const RELEASES_FROM = RECORDS_FROM + 1;
  const basemap = JSON.parse(el.dataset.basemap);
  const origin = window.location.origin;
  const RECORD_LAYERS = ["hazard", "release", "eo_item", "accident"];
  const TILE_LAYERS = ["risk"].concat(RECORD_LAYERS, ["settlement"]);
  // Off until asked for: the risk layer is a model's output, not a record.
  const HIDDEN_AT_START = { risk: true };
  // Grouped tiles take the organisation and date filters as a query.
  let query = "";
  function tileUrl(name) {
    return origin + "/tiles/" + name + "/{z}/{x}/{y}.mvt" + (RECORD_LAYERS.indexOf(name) >= 0 ? query : "");
  }

  function buildStyle() {
    const base = window.demineBasemap.under(basemap, P);
    const sources = base.sources;
    const layers = base.layers;
    for (const name of TILE_LAYERS) {
      sources[name] = { type: "vector", tiles: [tileUrl(name)], maxzoom: 16 };
    }
    // PostGIS sends every property as text, SQLite keeps numbers: coerce.
    const num = function (prop) { return ["to-number", ["get", prop], 0]; };
    const hover = function (on, off) { return ["case", ["boolean", ["feature-state", "hover"], false], on, off]; };
    const closed = ["==", ["get", "status"], "closed"];
    const hazardColour = ["case", closed, P.closed, ["==", ["get", "hazard_class"], "cha"], P.cha, P.sha];
    // Risk 0 to 1, pale yellow to dark red (the legend in map.css matches).
    // Cells outside the model's area of applicability are grey: there the
    // risk is a guess (the legend's grey swatch says so).
    const outside = ["any", ["==", ["get", "applicable"], false], ["==", ["get", "applicable"], 0]];
    const riskColour = ["case", outside, "#9e9e9e",
      ["interpolate", ["linear"], num("risk"),
        0, "#ffffcc", 0.25, "#fed976", 0.5, "#fd8d3c", 0.75, "#e31a1c", 1, "#800026"]];
    // Circle area grows with population: radius with its square root.
    const settlementRadius = ["interpolate", ["linear"], ["sqrt", num("population")],
      0, 2.5, 30, 3.5, 100, 5.5, 300, 8];
    // Zoomed out, a point stands for a grid cell's records: larger with more.
    const groupRadius = function (single) {
      return ["interpolate", ["linear"], ["sqrt", num("records")], 0, single, 1, single, 10, 3 * single];
    };
    const visibility = function (name) {
      return { visibility: HIDDEN_AT_START[name] ? "none" : "visible" };
    };
    // Density classes: the palest, faint, below the first step.
    const densityColour = function (ramp) {
      const out = ["step", num("density"), ramp.colours[0]];
      ramp.steps.forEach(function (step, i) { out.push(step, ramp.colours[i]); });
      return out;
    };
    const faint = function (ramp, full) {
      return ["case", ["<", num("density"), ramp.steps[0]], 0.4 * full, full];
    };
    const cells = [];
    for (const name of RECORD_LAYERS) {
      const ramp = DENSITY[name];
      const common = { id: name + "-cells", source: name, "source-layer": name, filter: ["has", "density"],
        minzoom: name === "hazard" ? 0 : RECORDS_FROM, maxzoom: ramp.max_zoom + 1 };
      if (ramp.squares) {
        cells.push(Object.assign(common, { type: "fill",
          paint: { "fill-color": densityColour(ramp), "fill-opacity": faint(ramp, 0.75) } }));
      } else {
        // A dot per cell centre, as wide as the cell: a surface zoomed out,
        // dots where the records can nearly be told apart.
        cells.push(Object.assign(common, { type: "circle",
          paint: { "circle-color": densityColour(ramp), "circle-opacity": faint(ramp, 0.9),
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 2.2, 12, 2.6] } }));
      }
    }
    layers.push(
      cells[0], cells[2],
      { id: "risk-fill", type: "fill", source: "risk", "source-layer": "risk", layout: visibility("risk"),
        paint: { "fill-color": riskColour, "fill-opacity": 0.6, "fill-outline-color": "rgba(0,0,0,0)" } },
      { id: "hazard-fill", type: "fill", source: "hazard", "source-layer": "hazard",
        paint: { "fill-color": hazardColour, "fill-opacity": hover(0.7, 0.45) } },
      { id: "hazard-line", type: "line", source: "hazard", "source-layer": "hazard",
        paint: { "line-color": hazardColour, "line-width": hover(3.5, 1.5) } },
      // Suspected areas also get a dashed edge: told apart without colour.
      { id: "hazard-line-sha", type: "line", source: "hazard", "source-layer": "hazard",
        filter: BASE_FILTER["hazard-line-sha"], paint: { "line-color": "#ffffff", "line-width": 1, "line-dasharray": [2, 2] } },
      // Released land from zoom 12: at 11 its polygons (a dense district's
      // tile holds thousands, near a megabyte) would cover the hazards.
      { id: "release-fill", type: "fill", source: "release", "source-layer": "release", minzoom: RELEASES_FROM,
        paint: { "fill-color": P.released, "fill-opacity": hover(0.75, 0.5) } },
      { id: "release-line", type: "line", source: "release", "source-layer": "release", minzoom: RELEASES_FROM,
        paint: { "line-color": P.released, "line-width": hover(3, 1) } },
      { id: "eo_item-circle", type: "circle", source: "eo_item", "source-layer": "eo_item",
        paint: { "circle-color": P.eo_item, "circle-radius": groupRadius(4), "circle-stroke-color": "#fff",
          "circle-stroke-width": hover(2.5, 0.8) } },
      { id: "accident-circle", type: "circle", source: "accident", "source-layer": "accident",
        paint: { "circle-color": P.accident, "circle-radius": groupRadius(5), "circle-stroke-color": "#fff",
          "circle-stroke-width": hover(3, 1) } },
      cells[1], cells[3],
      { id: "settlement-circle", type: "circle", source: "settlement", "source-layer": "settlement",
        layout: visibility("settlement"),
        paint: { "circle-color": P.settlement, "circle-radius": settlementRadius,
          "circle-stroke-color": "#fff", "circle-stroke-width": 1.2 } }
    );
    return { version: 8, sources: sources, layers: layers };
  }
  // Filters each layer always has, under the reader's: the record layers
  // draw records, the -cells layers the grouped grid.
  const ONE_BY_ONE = ["!", ["has", "records"]];
  const BASE_FILTER = {
    "hazard-line-sha": ["all", ["==", ["get", "hazard_class"], "sha"], ["!=", ["get", "status"], "closed"],
      ONE_BY_ONE],
    "hazard-fill": ONE_BY_ONE, "hazard-line": ONE_BY_ONE, "release-fill": ONE_BY_ONE,
    "release-line": ONE_BY_ONE, "eo_item-circle": ONE_BY_ONE, "accident-circle": ONE_BY_ONE,
    "hazard-cells": ["has", "density"], "release-cells": ["has", "density"],
    "eo_item-cells": ["has", "density"], "accident-cells": ["has", "density"],
  };

  start();

  function start() {
    const map = new maplibregl.Map({
      locale: window.demineI18n.mapLocale(),
      container: "map",
      style: buildStyle(),
      bounds: JSON.parse(el.dataset.bounds),
      fitBoundsOptions: { padding: 30 },
      attributionControl: false,
    });
    map.addControl(new maplibregl.NavigationControl());
    map.addControl(new maplibregl.GeolocateControl({ positionOptions: { enableHighAccuracy: true } }));
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    // A link such as /map#at=46.7,39.8 (from the validation findings) shows a place.
    const at = /#at=(-?[0-9.]+),(-?[0-9.]+)/.exec(window.location.hash);
    if (at) {
      const place = [parseFloat(at[1]), parseFloat(at[2])];
      map.jumpTo({ center: place, zoom: 15 });
      new maplibregl.Marker({ color: "#0050b3" }).setLngLat(place).addTo(map);
    }
    window.demineMap = map;
    // Labels once their faces are loaded: MapLibre draws each glyph with
    // whatever font the canvas has when it first needs it.
    Promise.all([window.demineBasemap.fontsReady(), new Promise(function (ok) { map.once("load", ok); })])
      .then(function () {
        for (const layer of window.demineBasemap.labels(basemap, P)) map.addLayer(layer);
        const settlements = window.demineBasemap.settlementLabels(P, "settlement");
        const on = document.querySelector('.layer-toggle[value="settlement"]');
        settlements.layout.visibility = on && !on.checked ? "none" : "visible";
        map.addLayer(settlements);
        el.dataset.labels = "loaded";
      });
    // On a phone the map comes first; the panel below it starts folded.
    if (window.matchMedia("(max-width: 700px)").matches) document.getElementById("map-drawer").open = false;
    layersAndFilters(map);
    interaction(map);
    if (window.demineMapList) window.demineMapList(map, kindName);
  }

  function layersAndFilters(map) {
    const layerIds = { hazard: ["hazard-fill", "hazard-line", "hazard-line-sha", "hazard-cells"],
      release: ["release-fill", "release-line", "release-cells"], eo_item: ["eo_item-circle", "eo_item-cells"],
      accident: ["accident-circle", "accident-cells"], settlement: ["settlement-circle"], risk: ["risk-fill"] };
    // --- Which layer's grid shows zoomed out, and its legend. --------------
    function showDensity(chosen) {
      for (const name of RECORD_LAYERS) {
        const from = name === chosen ? 0 : RECORDS_FROM;
        map.setLayerZoomRange(name + "-cells", from, DENSITY[name].max_zoom + 1);
      }
      document.querySelectorAll(".density-legend").forEach(function (list) {
        list.hidden = list.dataset.layer !== chosen;
      });
    }
    document.querySelectorAll('input[name="density"]').forEach(function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) showDensity(radio.value); });
    });
    const riskLegend = document.getElementById("risk-legend");
    document.querySelectorAll(".layer-toggle").forEach(function (box) {
      box.addEventListener("change", function () {
        const ids = layerIds[box.value].concat(box.value === "settlement" && map.getLayer("settlement-label")
          ? ["settlement-label"] : []);
        for (const id of ids) map.setLayoutProperty(id, "visibility", box.checked ? "visible" : "none");
        if (box.value === "risk") {
          riskLegend.hidden = !box.checked;
          noteRiskZoom();
        }
      });
    });

    // --- Filters: each names the tile property it tests on each layer. -----
    const dates = { release: "released_on", eo_item: "found_on", accident: "occurred_on" };
    const FILTERS = [
      { input: "status-filter", op: "==", query: "status", props: { hazard: "status" } },
      { input: "class-filter", op: "==", query: "hazard_class", props: { hazard: "hazard_class" } },
      { input: "organisation-filter", op: "==", query: "organisation", props: { hazard: "reported_by_id",
        release: "reported_by_id", eo_item: "reported_by_id", accident: "reported_by_id" } },
      { input: "method-filter", op: "==", query: "method", props: { release: "method" } },
      { input: "date-from", op: ">=", query: "from", props: dates },
      { input: "date-to", op: "<=", query: "to", props: dates },
    ];
    // Which properties each tile layer carries (from /map/options.json).
    // Up to a layer's overview max_zoom its records come grouped in grid
    // cells, which carry fewer (no dates, no ids): those filters go to the
    // server with the tile request instead.
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

    function condition(op, prop, value) {
      // Text comparison: ids and ISO dates arrive as text or numbers by backend.
      const got = ["to-string", ["get", prop]];
      if (op === "==") return ["==", got, value];
      // A record without a date matches no date range.
      return ["all", ["!=", got, ""], [op, got, value]];
    }

    let styleReady = false;
    map.once("load", function () { styleReady = true; applyFilters(); });
    function applyFilters() {
      if (!styleReady) return;  // applied once the style has loaded
      const perLayer = {};
      const params = [];
      for (const f of FILTERS) {
        const value = document.getElementById(f.input).value;
        if (!value) continue;
        if (f.query) params.push(f.query + "=" + encodeURIComponent(value));
        for (const layer of Object.keys(f.props)) {
          const prop = f.props[layer];
          // The grouped tiles were filtered by the server already.
          if (!carries(layer, prop)) continue;
          (perLayer[layer] = perLayer[layer] || []).push(condition(f.op, prop, value));
        }
      }
      for (const layer of Object.keys(layerIds)) {
        const tests = perLayer[layer] || [];
        for (const id of layerIds[layer]) {
          const all = (BASE_FILTER[id] ? [BASE_FILTER[id]] : []).concat(tests);
          map.setFilter(id, all.length ? ["all"].concat(all) : null);
        }
      }
      const wanted = params.length ? "?" + params.join("&") : "";
      if (wanted !== query) {
        query = wanted;
        for (const name of RECORD_LAYERS) map.getSource(name).setTiles([tileUrl(name)]);
      }
    }
    for (const f of FILTERS) {
      document.getElementById(f.input).addEventListener("change", applyFilters);
    }
    // Crossing into or out of the grouped zooms changes what the tiles carry.
    let wasGrouped = "";
    map.on("zoomend", function () {
      const now = Object.keys(overview).filter(grouped).join(",");
      if (now !== wasGrouped) applyFilters();
      wasGrouped = now;
    });
    document.getElementById("map-filters").addEventListener("reset", function () {
      window.setTimeout(applyFilters, 0);  // after the form has cleared its fields
    });

    // --- Filter choices and the published risk, from the server. -----------
    const riskSource = document.getElementById("risk-source");
    fetch("/map/options.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (options) { return window.demineI18n.ready.then(function () { return options; }); })
      .then(function (options) {
        tileProps = options.properties;
        overview = options.overview || {};
        map.demineOverview = overview;
        const select = document.getElementById("organisation-filter");
        for (const org of options.organisations) {
          const opt = document.createElement("option");
          opt.value = String(org.id);
          opt.textContent = org.name;
          select.appendChild(opt);
        }
        // A link (the dashboard's) may name filters: ?organisation=&from=&to=…
        const asked = new URLSearchParams(window.location.search);
        for (const field of document.getElementById("map-filters").elements) {
          if (field.name && asked.has(field.name)) field.value = asked.get(field.name);
        }
        const risk = options.risk;
        riskFrom(risk.cell_deg);
        riskSource.textContent = risk.cells
          ? _("Model %(model)s, scored %(at)s, %(cells)s cells.", {
            model: risk.model || "?", at: (risk.scored_at || "").slice(0, 16), cells: number(risk.cells) })
          : _("No risk has been published yet.");
        applyFilters();
      })
      .catch(function () { riskSource.textContent = _("No risk has been published yet."); })
      .finally(function () { el.dataset.options = "loaded"; });

    // --- The risk layer from the zoom where a tile holds a few thousand
    // cells: a national grid at country scale would be megabytes per tile. --
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
  }

  function interaction(map) {
    // --- Click-through to records; the risk of a cell where nothing else is.
    const clickable = ["hazard-fill", "release-fill", "eo_item-circle", "accident-circle", "settlement-circle",
      "hazard-cells", "release-cells", "eo_item-cells", "accident-cells"];
    const kindOf = { settlement: "place" };
    map.on("click", function (e) {
      const hits = map.queryRenderedFeatures(e.point, { layers: clickable });
      if (hits.length) {
        // Features come topmost first: a find or settlement before its hazard.
        const f = hits[0];
        if (f.properties.records !== undefined) {
          // A grid cell of the low zooms: what it counts, and zoom in on
          // it, far enough to come closer to the records themselves.
          cellPopup(map, e.lngLat, f);
          const o = (map.demineOverview || {})[f.layer.source];
          const target = Math.min(map.getZoom() + 3, o ? o.max_zoom + 1 : map.getZoom() + 3);
          map.easeTo({ center: e.lngLat, zoom: Math.max(target, map.getZoom() + 1) });
          return;
        }
        const kind = kindOf[f.layer.source] || f.layer.source;
        // PostGIS puts the id in the feature id, not among the properties.
        const id = f.id !== undefined ? f.id : f.properties.id;
        openPopup(map, e.lngLat, kind, id, f.properties);
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
      new maplibregl.Popup().setLngLat(e.lngLat).setText(text).addTo(map);
    });

    // --- Hover: the feature under the pointer is outlined. -----------------
    let hovered = null;
    function unhover() {
      if (hovered) map.setFeatureState(hovered, { hover: false });
      hovered = null;
    }
    map.on("mousemove", function (e) {
      const hits = map.queryRenderedFeatures(e.point, { layers: clickable });
      map.getCanvas().style.cursor = hits.length ? "pointer" : "";
      const f = hits[0];
      if (f && f.id !== undefined && f.layer.source !== "settlement" && f.properties.records === undefined) {
        const key = { source: f.layer.source, sourceLayer: f.layer["source-layer"], id: f.id };
        if (!hovered || hovered.id !== key.id || hovered.source !== key.source) {
          unhover();
          hovered = key;
          map.setFeatureState(hovered, { hover: true });
        }
      } else {
        unhover();
      }
      coordinates.textContent = e.lngLat.lat.toFixed(5) + ", " + e.lngLat.lng.toFixed(5);
    });
    map.getCanvas().addEventListener("mouseleave", unhover);
    const coordinates = document.getElementById("map-coordinates");
  }

  // What a grid cell of the low zooms counts.
  function cellPopup(map, lngLat, f) {
    const p = f.properties;
    const n = number(Number(p.records));
    const density = number(Number(p.density));
    const texts = {
      hazard: function () {
        return _("%(n)s hazardous areas, %(ha)s ha in all; %(density)s ha not yet released per km²",
          { n: n, ha: number(Math.round(Number(p.area_m2) / 10000)), density: density });
      },
      release: function () {
        return _("%(n)s release products, %(ha)s ha; %(density)s ha per km²",
          { n: n, ha: number(Math.round(Number(p.area_m2) / 10000)), density: density });
      },
      eo_item: function () {
        return _("%(n)s EO finds, %(items)s items; %(density)s items per km²",
          { n: n, items: number(Number(p.quantity)), density: density });
      },
      accident: function () {
        return _("%(n)s accidents; %(density)s per km²", { n: n, density: density });
      },
    };
    const text = texts[f.layer.source] ? texts[f.layer.source]() : n;
    new maplibregl.Popup({ className: "cell-popup" }).setLngLat(lngLat).setText(text).addTo(map);
  }

  // A popup linking to the record (also opened from the list beside the map).
  function openPopup(map, lngLat, kind, id, props) {
    const link = document.createElement("a");
    link.href = "/records/" + kind + "/" + id;
    let text = _("Open record: %(kind)s %(id)s", { kind: kindName(kind), id: id }) +
      (props.name ? " (" + props.name + ")" : "");
    if (kind === "place" && props.population) {
      text += ", " + _("population %(n)s", { n: number(props.population) });
    }
    link.textContent = text;
    return new maplibregl.Popup().setLngLat(lngLat).setDOMContent(link).addTo(map);
  }
  window.demineOpenPopup = openPopup;
})();
