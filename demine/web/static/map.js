// SPDX-License-Identifier: GPL-3.0-or-later
// The register's map: vector tiles from /tiles, no basemap unless configured.
(function () {
  "use strict";
  const el = document.getElementById("map");
  const tileUrl = el.dataset.tileUrl;
  const origin = window.location.origin;
  const sources = {};
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#eef0ea" } }];
  if (tileUrl) {
    sources.basemap = { type: "raster", tiles: [tileUrl], tileSize: 256 };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  for (const name of ["hazard", "release", "eo_item", "accident"]) {
    sources[name] = { type: "vector", tiles: [origin + "/tiles/" + name + "/{z}/{x}/{y}.mvt"], maxzoom: 16 };
  }
  // IMAS 07.11-style symbology: confirmed red, suspected orange, closed grey.
  const hazardColour = ["case",
    ["==", ["get", "status"], "closed"], "#9e9e9e",
    ["==", ["get", "hazard_class"], "cha"], "#d7191c",
    "#fdae61"];
  layers.push(
    { id: "hazard-fill", type: "fill", source: "hazard", "source-layer": "hazard",
      paint: { "fill-color": hazardColour, "fill-opacity": 0.55 } },
    { id: "hazard-line", type: "line", source: "hazard", "source-layer": "hazard",
      paint: { "line-color": hazardColour, "line-width": 1.5 } },
    { id: "release-fill", type: "fill", source: "release", "source-layer": "release",
      paint: { "fill-color": "#1a9641", "fill-opacity": 0.5 } },
    { id: "eo_item-circle", type: "circle", source: "eo_item", "source-layer": "eo_item",
      paint: { "circle-color": "#7b3294", "circle-radius": 4 } },
    { id: "accident-circle", type: "circle", source: "accident", "source-layer": "accident",
      paint: { "circle-color": "#000", "circle-radius": 5, "circle-stroke-color": "#fff", "circle-stroke-width": 1 } }
  );
  const map = new maplibregl.Map({
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
    eo_item: ["eo_item-circle"], accident: ["accident-circle"] };
  document.querySelectorAll(".layer-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      for (const id of layerIds[box.value]) {
        map.setLayoutProperty(id, "visibility", box.checked ? "visible" : "none");
      }
    });
  });
  document.getElementById("status-filter").addEventListener("change", function (e) {
    const value = e.target.value;
    const filter = value ? ["==", ["get", "status"], value] : null;
    for (const id of layerIds.hazard) map.setFilter(id, filter);
  });

  const clickable = ["hazard-fill", "release-fill", "eo_item-circle", "accident-circle"];
  map.on("click", function (e) {
    const hits = map.queryRenderedFeatures(e.point, { layers: clickable });
    if (!hits.length) return;
    const f = hits[0];
    const kind = f.layer.source;
    // PostGIS puts the id in the feature id, not among the properties.
    const id = f.id !== undefined ? f.id : f.properties.id;
    const link = document.createElement("a");
    link.href = "/records/" + kind + "/" + id;
    link.textContent = el.dataset.openLabel + ": " + kind + " " + id +
      (f.properties.name ? " (" + f.properties.name + ")" : "");
    new maplibregl.Popup().setLngLat(e.lngLat).setDOMContent(link).addTo(map);
  });
  for (const id of clickable) {
    map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
  }
})();
