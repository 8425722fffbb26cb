// Lighthouse, mobile profile, on every page of the built site (out/): performance and
// accessibility scores and the load metrics behind them. `npm run lighthouse` after
// `npm run build`; chromium from CHROME_PATH (default Debian's /usr/bin/chromium).
//
// The pages are served here as CloudFront serves them: gzip, with a /config.json whose
// endpoints are never called (no one signs in: the signed-in pages are measured as a
// visitor without a session first loads them, before the redirect to sign in).
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

// SITE_OUT measures another build (e.g. one from before a change).
const OUT = process.env.SITE_OUT ?? new URL("../out/", import.meta.url).pathname;
const PAGES = ["/", "/signin/", "/signup/", "/documents/", "/chat/"];
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const CHROME_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".txt": "text/plain",
  ".ico": "image/x-icon",
};

function serve() {
  const config = JSON.stringify({
    apiUrl: "http://127.0.0.1:9/api",
    region: "us-east-1",
    userPoolId: "us-east-1_lighthouse",
    userPoolClientId: "lighthouse",
    cognitoEndpoint: "http://127.0.0.1:9/cognito/",
  });
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let body;
    let file = join(OUT, path.endsWith("/") ? `${path}index.html` : path);
    if (path === "/config.json") body = Buffer.from(config);
    else if (file.startsWith(OUT) && existsSync(file) && statSync(file).isFile())
      body = readFileSync(file);
    else {
      response.writeHead(404).end();
      return;
    }
    if (path === "/config.json") file = "config.json";
    const headers = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" };
    if (/gzip/.test(request.headers["accept-encoding"] ?? "")) {
      body = gzipSync(body);
      headers["Content-Encoding"] = "gzip";
    }
    if (path.startsWith("/_next/static/"))
      headers["Cache-Control"] = "public, max-age=31536000, immutable";
    response.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: CHROME_FLAGS,
});
try {
  console.log(`Lighthouse, mobile profile (simulated throttling), median of ${RUNS} runs`);
  console.log(
    "Page".padEnd(14),
    "Perf".padStart(5),
    "A11y".padStart(5),
    "FCP ms".padStart(8),
    "LCP ms".padStart(8),
    "TBT ms".padStart(8),
    "CLS".padStart(6),
  );
  const failing = [];
  for (const page of PAGES) {
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) {
      const result = await lighthouse(`${origin}${page}`, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
      });
      const { categories, audits } = result.lhr;
      runs.push({
        perf: Math.round(categories.performance.score * 100),
        a11y: Math.round(categories.accessibility.score * 100),
        fcp: audits["first-contentful-paint"].numericValue,
        lcp: audits["largest-contentful-paint"].numericValue,
        tbt: audits["total-blocking-time"].numericValue,
        cls: audits["cumulative-layout-shift"].numericValue,
        failed: Object.values(audits)
          .filter(
            (a) => a.score === 0 && categories.accessibility.auditRefs.some((r) => r.id === a.id),
          )
          .map((a) => a.id),
      });
    }
    const pick = (key) => median(runs.map((r) => r[key]));
    console.log(
      page.padEnd(14),
      String(pick("perf")).padStart(5),
      String(pick("a11y")).padStart(5),
      String(Math.round(pick("fcp"))).padStart(8),
      String(Math.round(pick("lcp"))).padStart(8),
      String(Math.round(pick("tbt"))).padStart(8),
      pick("cls").toFixed(3).padStart(6),
    );
    for (const id of new Set(runs.flatMap((r) => r.failed))) failing.push(`${page}: ${id}`);
  }
  if (failing.length) console.log(`\nFailed accessibility audits:\n  ${failing.join("\n  ")}`);
} finally {
  await chrome.kill();
  server.close();
}
