// Lighthouse, mobile profile, on every page of the built site (out/): performance and
// accessibility scores and the load metrics behind them. `npm run lighthouse` after
// `npm run build`; chromium from CHROME_PATH (default Debian's /usr/bin/chromium).
//
// The pages are served here as CloudFront serves them: gzip, with a /config.json. Without
// a stack, its endpoints are never called: every page is measured as a visitor without a
// session first loads it (the signed-in pages redirect to sign in). With
// LIGHTHOUSE_STACK=<a running `make dev`, e.g. http://127.0.0.1:8000> and
// LIGHTHOUSE_PASSWORD=<its demo password>, /api and /cognito are passed through to it and
// the documents page and a conversation with an answer are measured signed in as well.
import { createServer, request as forward } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

// SITE_OUT measures another build (e.g. one from before a change).
const OUT = process.env.SITE_OUT ?? new URL("../out/", import.meta.url).pathname;
const PAGES = ["/", "/signin/", "/signup/", "/documents/", "/chat/"];
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const STACK = process.env.LIGHTHOUSE_STACK?.replace(/\/+$/, "");
const DEMO_EMAIL = process.env.LIGHTHOUSE_EMAIL ?? "demo@example.com";
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

/** Passes a request through to the stack, as it is. */
function proxy(request, response) {
  const target = new URL(request.url, STACK);
  const upstream = forward(
    target,
    { method: request.method, headers: { ...request.headers, host: target.host } },
    (reply) => {
      response.writeHead(reply.statusCode, reply.headers);
      reply.pipe(response);
    },
  );
  request.pipe(upstream);
}

async function serve() {
  let config = {
    apiUrl: "http://127.0.0.1:9/api",
    region: "us-east-1",
    userPoolId: "us-east-1_lighthouse",
    userPoolClientId: "lighthouse",
    cognitoEndpoint: "http://127.0.0.1:9/cognito/",
  };
  if (STACK) config = await (await fetch(`${STACK}/config.json`)).json();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    if (STACK && /^\/(api|cognito)(\/|$)/.test(path)) {
      proxy(request, response);
      return;
    }
    let body;
    let file = join(OUT, path.endsWith("/") ? `${path}index.html` : path);
    if (path === "/config.json") {
      // The API and Cognito through this origin, like the stack's own /config.json.
      const origin = `http://${request.headers.host}`;
      const here = STACK ? { apiUrl: `${origin}/api`, cognitoEndpoint: `${origin}/cognito/` } : {};
      body = Buffer.from(JSON.stringify({ ...config, ...here }));
    } else if (file.startsWith(OUT) && existsSync(file) && statSync(file).isFile())
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

async function cognito(endpoint, action, payload) {
  const reply = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(payload),
  });
  if (!reply.ok) throw new Error(`${action}: ${reply.status} ${await reply.text()}`);
  return reply.json();
}

/** Signs the demo user in, asks a question; the signed-in pages to measure. */
async function signedInPages(origin) {
  const config = await (await fetch(`${origin}/config.json`)).json();
  const { AuthenticationResult: tokens } = await cognito(config.cognitoEndpoint, "InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: config.userPoolClientId,
    AuthParameters: { USERNAME: DEMO_EMAIL, PASSWORD: process.env.LIGHTHOUSE_PASSWORD },
  });
  const call = async (method, path, body) =>
    (
      await fetch(`${config.apiUrl}${path}`, {
        method,
        headers: { Authorization: tokens.IdToken, "Content-Type": "application/json" },
        body: body && JSON.stringify(body),
      })
    ).json();
  const conversation = await call("POST", "/conversations", { title: "Lighthouse" });
  const question = config.demo?.questions?.[0] ?? "What is in my documents?";
  await call("POST", `/conversations/${conversation.conversationId}/messages`, { question });
  return {
    refreshToken: tokens.RefreshToken,
    pages: ["/documents/", `/chat/?c=${conversation.conversationId}`],
  };
}

/** Leaves the refresh token where the site looks for it, as a signed-in visit would. */
async function keepSession(port, origin, refreshToken) {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
  const page = await browser.newPage();
  await page.goto(`${origin}/404.html`);
  await page.evaluate(
    (token) => localStorage.setItem("docagent.refreshToken", token),
    refreshToken,
  );
  await page.close();
  await browser.disconnect();
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
    "Page".padEnd(18),
    "Perf".padStart(5),
    "A11y".padStart(5),
    "FCP ms".padStart(8),
    "LCP ms".padStart(8),
    "TBT ms".padStart(8),
    "CLS".padStart(6),
  );
  const failing = [];
  const measure = async (page, label, signedIn) => {
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) {
      const result = await lighthouse(`${origin}${page}`, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        // Signed in: keep the refresh token the site resumes the session from.
        disableStorageReset: signedIn,
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
      label.padEnd(18),
      String(pick("perf")).padStart(5),
      String(pick("a11y")).padStart(5),
      String(Math.round(pick("fcp"))).padStart(8),
      String(Math.round(pick("lcp"))).padStart(8),
      String(Math.round(pick("tbt"))).padStart(8),
      pick("cls").toFixed(3).padStart(6),
    );
    for (const id of new Set(runs.flatMap((r) => r.failed))) failing.push(`${label}: ${id}`);
  };
  for (const page of PAGES) await measure(page, page, false);
  if (STACK) {
    const session = await signedInPages(origin);
    await keepSession(chrome.port, origin, session.refreshToken);
    for (const page of session.pages) await measure(page, `${page.split("?")[0]} (in)`, true);
  }
  if (failing.length) console.log(`\nFailed accessibility audits:\n  ${failing.join("\n  ")}`);
} finally {
  await chrome.kill();
  server.close();
}
