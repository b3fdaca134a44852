// Serves the harness and its wasm-bindgen output (argv[2]) from 127.0.0.1, opens it in
// headless Chromium with WebGPU enabled, and checks the page's and a worker's results:
// the GPU scorer agrees with the CPU path within the tolerance. Prints a clear SKIPPED line
// (and passes) only when the browser offers no WebGPU adapter at all.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const pkg = resolve(process.argv[2] ?? join(root, "target/gpu/web-pkg"));
const count = Number(process.argv[3] ?? 64);
const { chromium } = createRequire(join(root, "tools/package.json"))("playwright-core");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const file = path.startsWith("/pkg/")
    ? normalize(join(pkg, path.slice(5)))
    : normalize(join(here, path === "/" ? "index.html" : path));
  try {
    if (!(file.startsWith(pkg) || file.startsWith(here)) || !statSync(file).isFile()) throw 0;
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--enable-unsafe-webgpu", "--disable-background-networking",
    "--no-first-run", "--disable-sync", "--disable-component-update"],
});
let failed = false;
try {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(m.text()));
  page.on("pageerror", (e) => logs.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/?count=${count}`);
  await page.waitForFunction(() => window.__gpu !== undefined, null, { timeout: 300_000 });
  const r = await page.evaluate(() => window.__gpu);
  if (r.error) throw new Error(`${r.error}\n${logs.join("\n")}`);
  for (const [where, x] of Object.entries(r)) {
    if (x.error) throw new Error(`${where}: ${x.error}\n${logs.join("\n")}`);
    console.log(`${where}: ${x.backend}: ${x.epochs} epochs of 64×448, max |gpu − cpu| ${x.maxDiff}, ` +
      `gpu ${x.gpuMs} ms, cpu ${x.cpuMs} ms (adapter opened in ${x.openMs} ms)`);
    if (!x.gpu) {
      console.log(`SKIPPED (${where}): the browser offers no WebGPU adapter`);
    } else if (!(x.maxDiff <= x.tolerance)) {
      console.log(`FAILED (${where}): ${x.maxDiff} > ${x.tolerance}`);
      failed = true;
    }
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
