// SPDX-License-Identifier: GPL-3.0-or-later
// Drawing on a small map in the data-entry forms, with the vendored MapLibre.
//
// <div class="draw" data-mode="polygon" data-target="geom"> writes a GeoJSON
// Polygon into the textarea #geom: click adds a corner, double-click (or the
// Finish button) closes the ring, Esc removes the last corner.
// <div class="draw" data-mode="point" data-lon="geom_lon" data-lat="geom_lat">
// fills the two coordinate inputs with the place clicked.
// The typed inputs stay the keyboard way in; the map only helps to fill them.
(function () {
  "use strict";
  const DIGITS = 7;
  const texts = document.getElementById("draw-texts");
  window.demineDrawMaps = window.demineDrawMaps || [];

  const _ = window.demineI18n._;

  function round(v) {
    return Math.round(v * Math.pow(10, DIGITS)) / Math.pow(10, DIGITS);
  }

  function style() {
    const sources = {
      hazard: { type: "vector", tiles: [window.location.origin + "/tiles/hazard/{z}/{x}/{y}.mvt"], maxzoom: 16 },
      draft: { type: "geojson", data: empty() },
      context: { type: "geojson", data: empty() },
    };
    const layers = [{ id: "background", type: "background", paint: { "background-color": "#eef0ea" } }];
    const tileUrl = texts && texts.dataset.tileUrl;
    if (tileUrl) {
      sources.basemap = { type: "raster", tiles: [tileUrl], tileSize: 256 };
      layers.push({ id: "basemap", type: "raster", source: "basemap" });
    }
    layers.push(
      { id: "hazard-line", type: "line", source: "hazard", "source-layer": "hazard",
        paint: { "line-color": "#d7191c", "line-width": 1 } },
      { id: "context-line", type: "line", source: "context",
        paint: { "line-color": "#d7191c", "line-width": 2.5, "line-dasharray": [2, 1] } },
      { id: "draft-fill", type: "fill", source: "draft", filter: ["==", ["geometry-type"], "Polygon"],
        paint: { "fill-color": "#0050b3", "fill-opacity": 0.25 } },
      { id: "draft-line", type: "line", source: "draft",
        filter: ["in", ["geometry-type"], ["literal", ["Polygon", "LineString"]]],
        paint: { "line-color": "#0050b3", "line-width": 2 } },
      { id: "draft-corner", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"],
        paint: { "circle-color": "#fff", "circle-radius": 4, "circle-stroke-color": "#0050b3", "circle-stroke-width": 2 } }
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
    const id = input && /^\d+$/.test(input.value.trim()) ? input.value.trim() : null;
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

  function open(box) {
    const mode = box.dataset.mode;
    const container = document.createElement("div");
    container.className = "draw-map";
    container.setAttribute("role", "application");
    const helpText = mode === "point"
      ? _("Click the place on the map.")
      : _("Click to add corners; double-click (or press Finish) to close the polygon. Esc removes the last corner.");
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
    window.demineDrawMaps.push(map);
    box.demineMap = map;
    map.on("load", function () {
      (mode === "point" ? pointMode : polygonMode)(map, box);
    });
  }

  function polygonMode(map, box) {
    const target = document.getElementById(box.dataset.target);
    let corners = [];
    map.doubleClickZoom.disable();
    map.getCanvas().style.cursor = "crosshair";

    function redraw() {
      const features = corners.map(function (c) { return feature({ type: "Point", coordinates: c }); });
      if (corners.length >= 3) {
        features.push(feature({ type: "Polygon", coordinates: [corners.concat([corners[0]])] }));
      } else if (corners.length === 2) {
        features.push(feature({ type: "LineString", coordinates: corners }));
      }
      map.getSource("draft").setData({ type: "FeatureCollection", features: features });
    }

    function showStored() {
      const geometry = parseGeometry(target.value);
      map.getSource("draft").setData(geometry ? feature(geometry) : empty());
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

    map.on("click", function (e) {
      corners.push([e.lngLat.lng, e.lngLat.lat]);
      redraw();
    });
    map.on("dblclick", function (e) {
      e.preventDefault();
      finish();
    });
    map.getContainer().addEventListener("keydown", function (e) {
      if (e.key === "Escape" && corners.length) {
        corners.pop();
        redraw();
        e.preventDefault();
      }
    });
    target.addEventListener("change", showStored);

    const bar = document.createElement("div");
    bar.className = "draw-buttons";
    const finishButton = document.createElement("button");
    finishButton.type = "button";
    finishButton.textContent = _("Finish polygon");
    finishButton.addEventListener("click", finish);
    const clearButton = document.createElement("button");
    clearButton.type = "button";
    clearButton.className = "secondary";
    clearButton.textContent = _("Clear");
    clearButton.addEventListener("click", function () {
      corners = [];
      target.value = "";
      redraw();
    });
    bar.appendChild(finishButton);
    bar.appendChild(clearButton);
    box.appendChild(bar);

    const stored = showStored();
    showHazard(map, box).then(function (hazard) {
      if (stored) fit(map, stored);
      else if (hazard) fit(map, hazard);
      box.dataset.ready = "1";
    });
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

    map.on("click", function (e) {
      lon.value = round(e.lngLat.lng);
      lat.value = round(e.lngLat.lat);
      lon.dispatchEvent(new Event("input", { bubbles: true }));
      place();
    });
    lon.addEventListener("change", place);
    lat.addEventListener("change", place);
    const stored = place();
    showHazard(map, box).then(function (hazard) {
      if (stored) fit(map, stored);
      else if (hazard) fit(map, hazard);
      box.dataset.ready = "1";
    });
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
