// SPDX-License-Identifier: GPL-3.0-or-later
// Drawing on a small map in the data-entry forms, with the vendored MapLibre.
//
// <div class="draw" data-mode="polygon" data-target="geom"> writes a GeoJSON
// Polygon into the textarea #geom: a tap or click adds a corner (snapped to
// the hazard's boundary when close to it), Finish (or a double-click) closes
// the ring, Undo (or Esc) removes the last corner; the area shows as the
// corners go down, and the server's check (/draw/check.json) names any fault
// in plain words and marks where it is.
// <div class="draw" data-mode="point" data-lon="geom_lon" data-lat="geom_lat">
// fills the two coordinate inputs with the place tapped, or the device's
// location ("Use my location").
// The map opens on the stored shape, else the record's hazard, else the
// hazards the user works on (/draw/work-extent.json), over the basemap of
// static/basemap.js. The typed inputs stay the keyboard way in.
(function () {
  "use strict";
  const DIGITS = 7;
  const texts = document.getElementById("draw-texts");
  window.demineDrawMaps = window.demineDrawMaps || [];

  const _ = window.demineI18n._;

  function round(v) {
    return Math.round(v * Math.pow(10, DIGITS)) / Math.pow(10, DIGITS);
  }

  const P = texts ? JSON.parse(texts.dataset.palette) : { cha: "#a50026", land: "#f4f1ea" };
  const basemap = texts ? JSON.parse(texts.dataset.basemap) : { kind: "none" };
  const SNAP_PX = 12;

  function style() {
    const base = window.demineBasemap && basemap.kind !== "none"
      ? window.demineBasemap.under(basemap, P)
      : { sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": P.land } }] };
    const sources = base.sources;
    const layers = base.layers;
    sources.hazard = { type: "vector", tiles: [window.location.origin + "/tiles/hazard/{z}/{x}/{y}.mvt"], maxzoom: 16 };
    sources.draft = { type: "geojson", data: empty() };
    sources.context = { type: "geojson", data: empty() };
    sources.problem = { type: "geojson", data: empty() };
    layers.push(
      { id: "hazard-line", type: "line", source: "hazard", "source-layer": "hazard",
        paint: { "line-color": P.cha, "line-width": 1 } },
      { id: "context-line", type: "line", source: "context",
        paint: { "line-color": P.cha, "line-width": 2.5, "line-dasharray": [2, 1] } },
      { id: "draft-fill", type: "fill", source: "draft", filter: ["==", ["geometry-type"], "Polygon"],
        paint: { "fill-color": "#0050b3", "fill-opacity": 0.25 } },
      { id: "draft-line", type: "line", source: "draft",
        filter: ["in", ["geometry-type"], ["literal", ["Polygon", "LineString"]]],
        paint: { "line-color": "#0050b3", "line-width": 2 } },
      { id: "draft-corner", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"],
        paint: { "circle-color": "#fff", "circle-radius": 4, "circle-stroke-color": "#0050b3", "circle-stroke-width": 2 } },
      // Where the server's check found a fault: a ring the eye cannot miss.
      { id: "problem-ring", type: "circle", source: "problem",
        paint: { "circle-color": "rgba(0,0,0,0)", "circle-radius": 14, "circle-stroke-color": "#b00020",
          "circle-stroke-width": 3 } }
    );
    return { version: 8, sources: sources, layers: layers };
  }

  function empty() {
    return { type: "FeatureCollection", features: [] };
  }

  function feature(geometry) {
    return { type: "Feature", properties: {}, geometry: geometry };
  }

  function parseGeometry(value) {
    try {
      let data = JSON.parse(value);
      if (data && data.type === "FeatureCollection") data = (data.features || [])[0];
      if (data && data.type === "Feature") data = data.geometry;
      return data && data.coordinates ? data : null;
    } catch (e) {
      return null;
    }
  }

  function extend(bounds, coords) {
    if (typeof coords[0] === "number") {
      bounds.extend(coords);
    } else {
      coords.forEach(function (c) { extend(bounds, c); });
    }
  }

  function fit(map, geometry) {
    const bounds = new maplibregl.LngLatBounds();
    extend(bounds, geometry.coordinates);
    if (geometry.type === "Point") {
      map.jumpTo({ center: geometry.coordinates, zoom: 15 });
    } else {
      map.fitBounds(bounds, { padding: 40, duration: 0, maxZoom: 17 });
    }
  }

  // The hazard the record belongs to, drawn dashed for reference.
  function showHazard(map, box) {
    const input = document.getElementById(box.dataset.hazardInput || "");
    // The picker shows "Name (7)"; a number typed alone names the record too.
    const named = input ? /^(\d+)$|\((\d+)\)\s*$/.exec(input.value.trim()) : null;
    const id = named ? named[1] || named[2] : null;
    if (!id) return Promise.resolve(null);
    return fetch("/api/v1/records/hazard/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (record) {
        if (!record || !record.geom) return null;
        map.getSource("context").setData(feature(record.geom));
        return record.geom;
      })
      .catch(function () { return null; });
  }

  // The ring's area on the sphere (m²), for the live readout; the server
  // computes the stored area on the ellipsoid.
  function ringArea(ring) {
    const R = 6378137, rad = Math.PI / 180;
    let sum = 0;
    for (let i = 0; i < ring.length; i++) {
      const prev = ring[(i + ring.length - 1) % ring.length], next = ring[(i + 1) % ring.length];
      sum += (next[0] - prev[0]) * rad * Math.sin(ring[i][1] * rad);
    }
    return Math.abs(sum * R * R / 2);
  }

  function areaText(m2) {
    const number = window.demineI18n.number;
    return m2 < 10000
      ? _("Area: %(m2)s m²", { m2: number(m2) })
      : _("Area: %(ha)s ha", { ha: number(m2 / 10000, 2) });
  }

  // Every ring of a GeoJSON polygon or multipolygon, as lists of corners.
  function rings(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return geometry.coordinates;
    if (geometry.type === "MultiPolygon") return [].concat.apply([], geometry.coordinates);
    return [];
  }

  // The point of the hazard's boundary nearest to a click, if within SNAP_PX:
  // a corner first, else the nearest point of an edge.
  function snap(map, lngLat, hazard) {
    const p = map.project(lngLat);
    let best = null, bestD = SNAP_PX;
    const edges = [];
    for (const ring of rings(hazard)) {
      for (let i = 0; i < ring.length; i++) {
        const q = map.project(ring[i]);
        const d = Math.hypot(q.x - p.x, q.y - p.y);
        if (d <= bestD) { best = ring[i]; bestD = d; }
        if (i > 0) edges.push([ring[i - 1], ring[i]]);
      }
    }
    if (best) return best;
    for (const edge of edges) {
      const a = map.project(edge[0]), b = map.project(edge[1]);
      const dx = b.x - a.x, dy = b.y - a.y, len = dx * dx + dy * dy;
      if (!len) continue;
      const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len));
      const x = a.x + t * dx, y = a.y + t * dy;
      const d = Math.hypot(x - p.x, y - p.y);
      if (d <= bestD) {
        const at = map.unproject([x, y]);
        best = [at.lng, at.lat];
        bestD = d;
      }
    }
    return best;
  }

  // The server's check of a stored shape: faults in plain words, marked.
  function check(map, box, geometry) {
    const alert = box.querySelector(".draw-problems");
    const list = alert.querySelector("ul");
    const area = box.querySelector(".draw-area");
    const url = "/draw/check.json?geometry=" + encodeURIComponent(JSON.stringify(geometry));
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer) return;
        list.textContent = "";
        const marks = [];
        for (const problem of answer.problems) {
          const li = document.createElement("li");
          li.textContent = problem.message;
          list.appendChild(li);
          if (problem.at) marks.push(feature({ type: "Point", coordinates: problem.at }));
        }
        alert.hidden = answer.problems.length === 0;
        map.getSource("problem").setData({ type: "FeatureCollection", features: marks });
        box.dataset.problemsAt = JSON.stringify(marks.map(function (f) { return f.geometry.coordinates; }));
        area.textContent = answer.area_m2 !== null ? areaText(answer.area_m2) : "";
        box.dataset.checked = answer.problems.length ? "problems" : "ok";
      })
      .catch(function () { return null; });
  }

  // Where the map opens: the stored shape, else the hazard, else the work.
  function frame(map, box, stored, hazard) {
    if (stored) return Promise.resolve(fit(map, stored));
    if (hazard) return Promise.resolve(fit(map, hazard));
    return fetch("/draw/work-extent.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (answer) map.fitBounds(answer.bounds, { padding: 20, duration: 0 });
      })
      .catch(function () { return null; });
  }

  function open(box) {
    const mode = box.dataset.mode;
    const container = document.createElement("div");
    container.className = "draw-map";
    container.setAttribute("role", "application");
    const helpText = mode === "point"
      ? _("Tap or click the place on the map, or use your location.")
      : _("Tap or click to add corners (they snap to the hazard's boundary nearby), then Finish. Undo removes the last corner.");
    container.setAttribute("aria-label", helpText);
    const help = document.createElement("p");
    help.className = "hint";
    help.textContent = helpText;
    box.appendChild(help);
    box.appendChild(container);
    const map = new maplibregl.Map({
      locale: window.demineI18n.mapLocale(),
      container: container,
      style: style(),
      bounds: JSON.parse(box.dataset.bounds || "null") || undefined,
      attributionControl: false,
    });
    map.addControl(new maplibregl.NavigationControl());
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    window.demineDrawMaps.push(map);
    box.demineMap = map;
    map.on("load", function () {
      (mode === "point" ? pointMode : polygonMode)(map, box);
    });
  }

  function button(text, onClick, secondary) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (secondary) b.className = "secondary";
    b.addEventListener("click", onClick);
    return b;
  }

  function polygonMode(map, box) {
    const target = document.getElementById(box.dataset.target);
    let corners = [];
    let hazard = null;
    map.doubleClickZoom.disable();
    map.getCanvas().style.cursor = "crosshair";
    const area = document.createElement("p");
    area.className = "draw-area";
    area.setAttribute("aria-live", "polite");
    // An alert region round a list: a list with role=alert is no list.
    const problems = document.createElement("div");
    problems.className = "draw-problems";
    problems.setAttribute("role", "alert");
    problems.hidden = true;
    problems.appendChild(document.createElement("ul"));

    function redraw() {
      const features = corners.map(function (c) { return feature({ type: "Point", coordinates: c }); });
      if (corners.length >= 3) {
        features.push(feature({ type: "Polygon", coordinates: [corners.concat([corners[0]])] }));
      } else if (corners.length === 2) {
        features.push(feature({ type: "LineString", coordinates: corners }));
      }
      map.getSource("draft").setData({ type: "FeatureCollection", features: features });
      area.textContent = corners.length >= 3 ? areaText(ringArea(corners)) : "";
      box.dataset.corners = JSON.stringify(corners);
    }

    function showStored() {
      const geometry = parseGeometry(target.value);
      // Each ring also as a line: MapLibre drops a polygon of no net area
      // (a bow-tie), which is just the shape whose fault must be seen.
      const features = geometry ? [feature(geometry)].concat(rings(geometry).map(function (ring) {
        return feature({ type: "LineString", coordinates: ring });
      })) : [];
      map.getSource("draft").setData({ type: "FeatureCollection", features: features });
      if (geometry) check(map, box, geometry);
      return geometry;
    }

    // A double-click is also two clicks: drop corners that fall on the previous one.
    function distinct(points) {
      const out = [];
      points.forEach(function (c) {
        const last = out[out.length - 1];
        if (!last) { out.push(c); return; }
        const a = map.project(last), b = map.project(c);
        if (Math.abs(a.x - b.x) + Math.abs(a.y - b.y) > 3) out.push(c);
      });
      return out;
    }

    function finish() {
      corners = distinct(corners);
      if (corners.length < 3) return;
      const ring = corners.map(function (c) { return [round(c[0]), round(c[1])]; });
      ring.push(ring[0]);
      target.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      target.dispatchEvent(new Event("input", { bubbles: true }));
      corners = [];
      showStored();
    }

    function undo() {
      if (!corners.length) return;
      corners.pop();
      redraw();
    }

    map.on("click", function (e) {
      const snapped = hazard ? snap(map, e.lngLat, hazard) : null;
      corners.push(snapped || [e.lngLat.lng, e.lngLat.lat]);
      redraw();
    });
    map.on("dblclick", function (e) {
      e.preventDefault();
      finish();
    });
    map.getContainer().addEventListener("keydown", function (e) {
      if (e.key === "Escape" && corners.length) {
        undo();
        e.preventDefault();
      }
    });
    target.addEventListener("change", showStored);

    const bar = document.createElement("div");
    bar.className = "draw-buttons";
    bar.appendChild(button(_("Finish polygon"), finish));
    bar.appendChild(button(_("Undo last corner"), undo, true));
    bar.appendChild(button(_("Clear"), function () {
      corners = [];
      target.value = "";
      problems.hidden = true;
      map.getSource("problem").setData(empty());
      redraw();
    }, true));
    box.appendChild(bar);
    box.appendChild(area);
    box.appendChild(problems);

    const stored = showStored();
    showHazard(map, box).then(function (found) {
      hazard = found;
      return frame(map, box, stored, hazard);
    }).then(function () { box.dataset.ready = "1"; });
  }

  function pointMode(map, box) {
    const lon = document.getElementById(box.dataset.lon);
    const lat = document.getElementById(box.dataset.lat);
    const marker = new maplibregl.Marker({ color: "#0050b3" });
    map.getCanvas().style.cursor = "crosshair";

    function place() {
      const x = parseFloat(lon.value), y = parseFloat(lat.value);
      if (isFinite(x) && isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90) {
        marker.setLngLat([x, y]).addTo(map);
        return { type: "Point", coordinates: [x, y] };
      }
      marker.remove();
      return null;
    }

    function put(x, y) {
      lon.value = round(x);
      lat.value = round(y);
      lon.dispatchEvent(new Event("input", { bubbles: true }));
      place();
    }

    map.on("click", function (e) { put(e.lngLat.lng, e.lngLat.lat); });
    lon.addEventListener("change", place);
    lat.addEventListener("change", place);
    const status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("aria-live", "polite");
    if (navigator.geolocation) {
      const bar = document.createElement("div");
      bar.className = "draw-buttons";
      bar.appendChild(button(_("Use my location"), function () {
        status.textContent = _("Finding your location…");
        navigator.geolocation.getCurrentPosition(function (where) {
          put(where.coords.longitude, where.coords.latitude);
          map.easeTo({ center: [where.coords.longitude, where.coords.latitude], zoom: Math.max(map.getZoom(), 15) });
          status.textContent = _("Your location, to about %(m)s m.", {
            m: window.demineI18n.number(where.coords.accuracy) });
        }, function () {
          status.textContent = _("Your location is not available; tap the place on the map instead.");
        }, { enableHighAccuracy: true, timeout: 15000 });
      }));
      box.appendChild(bar);
    }
    box.appendChild(status);
    const stored = place();
    showHazard(map, box).then(function (hazard) {
      return frame(map, box, stored, hazard);
    }).then(function () { box.dataset.ready = "1"; });
  }

  document.querySelectorAll(".draw").forEach(function (box) {
    const button = box.querySelector(".draw-open");
    if (!button) return;
    button.addEventListener("click", function () {
      button.hidden = true;
      open(box);
    });
  });
})();
