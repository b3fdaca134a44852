// The packed tarball in headless Chromium: a plain <script type="module"> page (import map,
// explicit init) and a module Web Worker, served from 127.0.0.1 by a tiny static server
// started and stopped here. The page's results must equal the CLI's, byte for byte.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installTarball } from "./install.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const CLI = process.env.TAOLAB_CLI ?? join(root, "target/release/taolab");
const SCENARIO = join(root, "examples/world-two-subnets.json");
const cli = (...args) => execFileSync(CLI, args, { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });
const { chromium } = createRequire(join(root, "tools/package.json"))("playwright-core");

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json" };
let server, browser, base, site;

before(async () => {
  site = installTarball("taolab-page-");
  for (const f of ["index.html", "worker.js"]) copyFileSync(join(here, "page", f), join(site, f));
  copyFileSync(SCENARIO, join(site, "scenario.json"));
  // www/example as the site serves it, with the installed package's web build beside it.
  mkdirSync(join(site, "example"));
  for (const f of ["index.html", "example.js"]) {
    copyFileSync(join(root, "www/example", f), join(site, "example", f));
  }
  cpSync(join(site, "node_modules/taolab/web"), join(site, "example/taolab"), { recursive: true });
  server = createServer((req, res) => {
    const path = normalize(join(site, decodeURIComponent(new URL(req.url, "http://x").pathname)));
    let file = path.endsWith("/") ? join(path, "index.html") : path;
    try {
      if (!file.startsWith(site) || !statSync(file).isFile()) throw new Error("not found");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

test("plain module page and Web Worker give the CLI's numbers", { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(m.text()));
  page.on("pageerror", (e) => logs.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => window.__taolab !== undefined, null, { timeout: 100_000 });
  const r = await page.evaluate(() => window.__taolab);
  assert.equal(r.error, undefined, `${r.error}\n${logs.join("\n")}`);
  assert.match(r.beforeInit, /call `await init\(\)`/);
  assert.equal(r.count, 22);
  assert.equal(r.case1 + "\n", cli("run", "--case", "1", "--variant", "yuma3"));
  assert.equal(r.case20 + "\n", cli("run", "--case", "20", "--variant", "chain"));
  assert.equal(r.worker + "\n", cli("run", "--case", "22", "--variant", "yuma2c"));
  assert.deepEqual(r.chainStake, ["999999999999999999", "1"]);
  const out = mkdtempSync(join(tmpdir(), "taolab-world-"));
  cli("world", "--scenario", SCENARIO, "--blocks", "3000", "--seed", "5", "--out", out);
  assert.equal(r.series, readFileSync(join(out, "series.json"), "utf8"));
  await page.close();
});

test("www/example renders a case, the schedule and a world", { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "example/");
  await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
  assert.equal(await page.getAttribute("body", "data-ready"), "true", errors.join("\n"));
  assert.equal(await page.locator("#totals tbody tr").count(), 3);
  assert.equal(await page.locator("#chart polyline").count(), 3);
  assert.equal(await page.locator("#schedule tbody tr").count(), 7);
  assert.match(await page.locator("#schedule tbody tr").nth(1).innerText(), /2025-12-14/);
  await page.selectOption("#case", "21");
  await page.selectOption("#variant", "chain");
  assert.match(await page.locator("#case-title").innerText(), /^Case 22 .* chain, 40 epochs$/);
  await page.click("#run-world");
  await page.waitForFunction(() => /^block \d+/.test(document.getElementById("world-status").textContent), null, { timeout: 100_000 });
  assert.equal(await page.locator("#world tbody tr").count(), 8);
  assert.deepEqual(errors, []);
  await page.close();
});
