// Prints the first-load JavaScript of each exported page: every <script src> its HTML
// loads, raw and gzipped. (Next 16's Turbopack build no longer prints these sizes.)
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

const OUT = new URL("../out/", import.meta.url).pathname;

function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "_next" ? [] : pages(path);
    return name.endsWith(".html") ? [path] : [];
  });
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const rows = pages(OUT)
  .sort()
  .map((file) => {
    const html = readFileSync(file, "utf8");
    const tags = [...html.matchAll(/<script[^>]+src="([^"]+)"[^>]*>/g)];
    // The legacy-browser polyfills (`noModule`) never load in a modern browser.
    const modern = tags.filter((m) => !/nomodule/i.test(m[0]));
    const scripts = [...new Set(modern.map((m) => m[1]))];
    let raw = 0;
    let gzip = 0;
    for (const src of scripts) {
      const body = readFileSync(join(OUT, src.split("?")[0]));
      raw += body.length;
      gzip += gzipSync(body, { level: 9 }).length;
    }
    const route = "/" + relative(OUT, file).replace(/index\.html$/, "");
    return { route, scripts: scripts.length, raw, gzip };
  });

console.log("Page".padEnd(22), "Scripts".padStart(8), "Raw".padStart(10), "Gzipped".padStart(10));
for (const row of rows) {
  console.log(
    row.route.padEnd(22),
    String(row.scripts).padStart(8),
    kb(row.raw).padStart(10),
    kb(row.gzip).padStart(10),
  );
}
