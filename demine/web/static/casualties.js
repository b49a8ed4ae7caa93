// SPDX-License-Identifier: GPL-3.0-or-later
// The casualty page's hotspot map: the density grid and hotspots as GeoJSON
// from /api/v1/casualties/hotspots, over the same offline basemap as the
// main map (static/basemap.js).
(function () {
  "use strict";
  const el = document.getElementById("casualty-map");
  if (!el || typeof maplibregl === "undefined") { return; }
  const P = JSON.parse(el.dataset.palette);
  const basemap = JSON.parse(el.dataset.basemap);
  const base = window.demineBasemap.under(basemap, P);
  const sources = base.sources;
  const layers = base.layers;
  // Context from the register's own tiles: approved hazards and accidents.
  const origin = window.location.origin;
  for (const name of ["hazard", "accident", "settlement"]) {
    sources[name] = { type: "vector", tiles: [origin + "/tiles/" + name + "/{z}/{x}/{y}.mvt"], maxzoom: 16 };
  }
  // Zoomed out a feature is a grid cell of several records, which carries
  // counts, not review states: keep those, and the approved single records.
  const approved = ["any", ["has", "records"], ["==", ["get", "review_state"], "approved"]];
  layers.push(
    { id: "hazard-fill", type: "fill", source: "hazard", "source-layer": "hazard", filter: approved,
      paint: { "fill-color": "#9e9e9e", "fill-opacity": 0.35, "fill-outline-color": "#616161" } },
    { id: "accident-circle", type: "circle", source: "accident", "source-layer": "accident", filter: approved,
      // Zoomed out, a circle is a cell of several accidents: larger.
      paint: { "circle-color": "#3d6f8e", "circle-radius": ["interpolate", ["linear"],
        ["to-number", ["get", "records"], 1], 1, 2.5, 10, 6] } }
  );
  const map = new maplibregl.Map({
    locale: window.demineI18n.mapLocale(),
    container: el,
    style: { version: 8, sources: sources, layers: layers },
    bounds: JSON.parse(el.dataset.bounds),
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl());
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  // Names once their faces are loaded (see static/map.js).
  Promise.all([window.demineBasemap.fontsReady(), new Promise(function (ok) { map.once("load", ok); })])
    .then(function () {
      for (const layer of window.demineBasemap.labels(basemap, P)) map.addLayer(layer);
      map.addLayer(window.demineBasemap.settlementLabels(P, "settlement"));
      el.dataset.labels = "loaded";
    });
  map.on("load", function () {
    fetch(el.dataset.source, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        map.addSource("hotspots", { type: "geojson", data: data });
        // Yellow to dark red with the share of the peak density.
        map.addLayer({
          id: "density", type: "fill", source: "hotspots",
          filter: ["==", ["get", "kind"], "cell"],
          paint: {
            "fill-color": ["interpolate", ["linear"], ["get", "share"],
              0, "#ffffb2", 0.25, "#fecc5c", 0.5, "#fd8d3c", 0.75, "#f03b20", 1, "#bd0026"],
            "fill-opacity": 0.7,
          },
        }, "accident-circle");  // accidents stay visible on the density
        map.addLayer({
          id: "hotspot", type: "circle", source: "hotspots",
          filter: ["==", ["get", "kind"], "hotspot"],
          paint: { "circle-radius": 6, "circle-color": "#000", "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 },
        });
        // A hotspot's figures are a sentence: a popup, not a label.
        map.on("click", "hotspot", function (e) {
          const p = e.features[0].properties;
          new maplibregl.Popup().setLngLat(e.lngLat)
            .setText(window.demineI18n._(
              "Hotspot %(rank)s: %(accidents)s accidents, %(victims)s victims within one bandwidth", p))
            .addTo(map);
        });
        // Frame the whole surface, not just the peaks, so no hotspot is cut.
        if (data.features.length) {
          const bounds = new maplibregl.LngLatBounds();
          data.features.forEach(function (f) {
            const g = f.geometry;
            (g.type === "Point" ? [g.coordinates] : g.coordinates[0]).forEach(function (c) {
              bounds.extend(c);
            });
          });
          map.fitBounds(bounds, { padding: 20, maxZoom: 12, duration: 0 });
        }
        el.dataset.loaded = String(data.features.length);
      });
  });
  window.demineCasualtyMap = map;
})();
