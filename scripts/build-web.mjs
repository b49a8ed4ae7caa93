// SPDX-License-Identifier: GPL-3.0-or-later
// Copy MapLibre GL JS from node_modules into the package's static files, so the
// web application serves it itself (no CDN; works offline).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "node_modules", "maplibre-gl", "dist");
const vendor = join(root, "demine", "web", "static", "vendor");
mkdirSync(vendor, { recursive: true });
for (const name of ["maplibre-gl.js", "maplibre-gl.css", "LICENSE.txt"]) {
  copyFileSync(join(dist, name), join(vendor, name));
}
console.log(`copied MapLibre GL JS to ${vendor}`);
