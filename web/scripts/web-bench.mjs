// The browser half of `make bench-web` (bench/web.py starts the servers and seeds the data):
// the JavaScript a first visit downloads (gzip), and the time until the overview and the events
// explorer show data, in Debian's headless Chromium. Prints one JSON object.
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const url = process.env.BILLBO_BENCH_URL;
const email = process.env.BILLBO_BENCH_EMAIL;
const password = process.env.BILLBO_BENCH_PASSWORD;
const runs = Number(process.env.BILLBO_BENCH_RUNS ?? "7");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

const DEFERRED = /\/assets\/UsageChart-/;

const browser = await chromium.launch({ executablePath: process.env.BILLBO_CHROMIUM ?? "/usr/bin/chromium", args: FLAGS });

/** Every script a fresh visit to `path` loads until the network is idle, with its gzip size. */
async function scriptsOf(context, path) {
  const page = await context.newPage();
  const scripts = [];
  page.on("response", async (response) => {
    if (response.request().resourceType() !== "script") return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    scripts.push({ url: new URL(response.url()).pathname, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
  });
  await page.goto(url + path, { waitUntil: "networkidle" });
  await page.close();
  const kb = (bytes) => Math.round(bytes / 102.4) / 10;
  const total = scripts.reduce((sum, s) => sum + s.gzip, 0);
  // The chart's chunk (recharts) is imported by the overview beside its data: the page renders
  // without it, and only the chart waits for it.
  const deferred = scripts.filter((s) => DEFERRED.test(s.url)).reduce((sum, s) => sum + s.gzip, 0);
  return { path, scripts, gzip_kb: kb(total), before_first_render_gzip_kb: kb(total - deferred), deferred_gzip_kb: kb(deferred) };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { runs: values.length, first_ms: Math.round(values[0]), p50_ms: Math.round(at(0.5)), p95_ms: Math.round(at(0.95)), max_ms: Math.round(sorted.at(-1)) };
}

/** From navigation to `ready` on screen, `runs` times, each a new page (the first with a cold cache). */
async function timeToData(context, path, ready) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url + path, { waitUntil: "commit" });
    await page.locator(ready).first().waitFor({ timeout: 120_000 });
    times.push(performance.now() - started);
    await page.close();
  }
  return stats(times);
}

const anonymous = await browser.newContext();
const login = await scriptsOf(anonymous, "/login");
await anonymous.close();

const context = await browser.newContext();
const page = await context.newPage();
await page.goto(url + "/login");
await page.getByLabel("Email").fill(email);
await page.getByLabel("Password").fill(password);
await page.getByRole("button", { name: "Log in" }).click();
await page.waitForURL((u) => !u.pathname.startsWith("/login"));
await page.close();
const overviewScripts = await scriptsOf(context, "/");
// A new context holding only the session: the first measured visit downloads everything again.
const state = await context.storageState();
await context.close();
const measured = await browser.newContext({ storageState: state });
const overview = await timeToData(measured, "/", "[data-testid=usage-chart]");
const explorer = await timeToData(measured, "/events", "table tbody tr a");
await measured.close();
await browser.close();
console.log(JSON.stringify({ initial_js: { login, overview: overviewScripts }, time_to_data: { overview, explorer } }));
