// SPDX-License-Identifier: GPL-3.0-or-later
// The basemap under the register's layers, offline: by default the
// register's own reference layers (/basemap/{z}/{x}/{y}.mvt: boundaries,
// roads, rivers, lines of contact ...), or the administrator's PMTiles file
// (Protomaps schema) or raster XYZ/WMTS URL. Labels are drawn by MapLibre
// from the bundled Noto Sans faces (vendor/fonts.css), so names in
// Azerbaijani and Russian render without a glyph server. See docs/web.md.
(function () {
  "use strict";
  const FONT = ["Noto Sans Regular"];
  const BOLD = ["Noto Sans Semibold"];
  let protocolAdded = false;

  function pmtilesLayers(p) {
    const src = "basemap";
    const roads = ["in", ["get", "kind"], ["literal", ["highway", "major_road", "medium_road"]]];
    return [
      { id: "bm-earth", type: "fill", source: src, "source-layer": "earth", paint: { "fill-color": p.land } },
      { id: "bm-landcover", type: "fill", source: src, "source-layer": "landcover",
        filter: ["in", ["get", "kind"], ["literal", ["forest", "wood"]]], paint: { "fill-color": p.forest } },
      { id: "bm-water", type: "fill", source: src, "source-layer": "water",
        filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": p.water } },
      { id: "bm-river", type: "line", source: src, "source-layer": "water",
        filter: ["==", ["geometry-type"], "LineString"], paint: { "line-color": p.water_line, "line-width": 1 } },
      { id: "bm-road-case", type: "line", source: src, "source-layer": "roads", filter: roads,
        paint: { "line-color": p.road_case, "line-width": ["interpolate", ["linear"], ["zoom"], 6, 1.5, 14, 8] } },
      { id: "bm-road", type: "line", source: src, "source-layer": "roads",
        paint: { "line-color": p.road, "line-width": ["interpolate", ["linear"], ["zoom"], 6, 0.5, 14, 6] } },
      { id: "bm-boundary", type: "line", source: src, "source-layer": "boundaries",
        paint: { "line-color": p.boundary, "line-width": 1, "line-dasharray": [3, 2] } },
    ];
  }

  function registerLayers(p) {
    const src = "basemap";
    const kind = function (k) { return ["==", ["get", "kind"], k]; };
    return [
      { id: "bm-forest", type: "fill", source: src, "source-layer": "reference_area",
        filter: ["in", ["get", "kind"], ["literal", ["forest", "protected_area"]]],
        paint: { "fill-color": p.forest, "fill-opacity": 0.8 } },
      { id: "bm-water", type: "fill", source: src, "source-layer": "reference_area", filter: kind("water"),
        paint: { "fill-color": p.water } },
      { id: "bm-river", type: "line", source: src, "source-layer": "reference_line", filter: kind("water"),
        paint: { "line-color": p.water_line, "line-width": ["interpolate", ["linear"], ["zoom"], 6, 0.8, 14, 3] } },
      { id: "bm-boundary-district", type: "line", source: src, "source-layer": "boundary",
        filter: ["!=", ["get", "level"], "country"],
        paint: { "line-color": p.boundary, "line-width": 0.8, "line-dasharray": [4, 2] } },
      { id: "bm-boundary-country", type: "line", source: src, "source-layer": "boundary",
        filter: ["==", ["get", "level"], "country"], paint: { "line-color": p.boundary, "line-width": 2 } },
      { id: "bm-road-case", type: "line", source: src, "source-layer": "reference_line", filter: kind("road"),
        paint: { "line-color": p.road_case, "line-width": ["interpolate", ["linear"], ["zoom"], 6, 2, 14, 9] } },
      { id: "bm-road", type: "line", source: src, "source-layer": "reference_line", filter: kind("road"),
        paint: { "line-color": p.road, "line-width": ["interpolate", ["linear"], ["zoom"], 6, 1, 14, 7] } },
      { id: "bm-power", type: "line", source: src, "source-layer": "reference_line", filter: kind("power_line"),
        minzoom: 9, paint: { "line-color": "#7d7d7d", "line-width": 0.8, "line-dasharray": [1, 2] } },
      { id: "bm-front-line", type: "line", source: src, "source-layer": "reference_line", filter: kind("front_line"),
        paint: { "line-color": p.front_line, "line-width": 2.2, "line-dasharray": [5, 1.5, 1, 1.5] } },
    ];
  }

  // Sources and layers drawn beneath the register's records.
  function under(config, p) {
    const sources = {};
    const layers = [{ id: "background", type: "background", paint: { "background-color": p.land } }];
    if (config.kind === "raster") {
      sources.basemap = { type: "raster", tiles: [config.url], tileSize: 256 };
      layers.push({ id: "bm-raster", type: "raster", source: "basemap" });
    } else if (config.kind === "pmtiles") {
      if (!protocolAdded && window.pmtiles) {
        const protocol = new pmtiles.Protocol();
        maplibregl.addProtocol("pmtiles", protocol.tile);
        protocolAdded = true;
      }
      sources.basemap = { type: "vector", url: "pmtiles://" + window.location.origin + config.url };
      layers.push.apply(layers, pmtilesLayers(p));
    } else {
      sources.basemap = { type: "vector", tiles: [window.location.origin + config.url], maxzoom: 14 };
      layers.push.apply(layers, registerLayers(p));
    }
    return { sources: sources, layers: layers };
  }

  // Names drawn above everything: MapLibre places them without overlap,
  // the larger towns first.
  function labels(config, p) {
    const halo = { "text-color": p.label, "text-halo-color": "#ffffff", "text-halo-width": 1.6 };
    const out = [];
    if (config.kind === "register") {
      out.push({ id: "bm-district-label", type: "symbol", source: "basemap", "source-layer": "boundary_label",
        minzoom: 7, layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 12,
          "text-transform": "uppercase", "text-letter-spacing": 0.08, "text-max-width": 8 },
        paint: { "text-color": "#6b6276", "text-halo-color": "#ffffff", "text-halo-width": 1.4 } });
      out.push({ id: "bm-road-label", type: "symbol", source: "basemap", "source-layer": "reference_line",
        minzoom: 11, filter: ["==", ["get", "kind"], "road"],
        layout: { "symbol-placement": "line", "text-field": ["get", "name"], "text-font": FONT, "text-size": 11 },
        paint: halo });
    } else if (config.kind === "pmtiles") {
      out.push({ id: "bm-place-label", type: "symbol", source: "basemap", "source-layer": "places",
        layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 12 }, paint: halo });
    }
    return out;
  }

  // The settlement names of the register's own settlement layer.
  function settlementLabels(p, source) {
    return {
      id: "settlement-label", type: "symbol", source: source, "source-layer": "settlement",
      layout: {
        "text-field": ["get", "name"], "text-font": BOLD,
        "text-size": ["interpolate", ["linear"], ["sqrt", ["to-number", ["get", "population"], 0]], 0, 11, 300, 15],
        "text-variable-anchor": ["top", "bottom", "left", "right"], "text-radial-offset": 0.9,
        "symbol-sort-key": ["-", 0, ["to-number", ["get", "population"], 0]],
      },
      paint: halo(p),
    };
  }
  function halo(p) {
    return { "text-color": p.label, "text-halo-color": "#ffffff", "text-halo-width": 1.6 };
  }

  // Resolves once the label faces are loaded: TinySDF draws with whatever
  // font the canvas has at that moment.
  function fontsReady() {
    if (!document.fonts || !document.fonts.load) return Promise.resolve();
    const sample = "Aa əşğ Жж";
    return Promise.all([
      document.fonts.load('16px "Noto Sans Regular"', sample),
      document.fonts.load('600 16px "Noto Sans Semibold"', sample),
    ]).catch(function () { return null; });
  }

  window.demineBasemap = { under: under, labels: labels, settlementLabels: settlementLabels,
    fontsReady: fontsReady };
})();
