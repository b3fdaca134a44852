// Shared helpers of the browser tests and the bench: Debian's Chromium through
// playwright-core, a page that records console errors, and timeouts on everything.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'tools', 'package.json'));
const { chromium } = require('playwright-core');

export const SITE_URL = process.env.SITE_URL || 'http://127.0.0.1:8080';
export const PLAYGROUND = `${SITE_URL}/playground/`;
export const ARTIFACTS = join(here, '..', '..', 'dist', 'test-artifacts');

/**
 * Debian's Chromium, headless. Without options it offers no WebGPU adapter (navigator.gpu
 * exists, requestAdapter() gives null); `{ webgpu: true }` enables WebGPU, which headless
 * Chromium runs on its software adapter (SwiftShader) when there is no GPU.
 */
export async function launch({ webgpu = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync',
      ...(webgpu ? ['--enable-unsafe-webgpu'] : [])],
    timeout: 30_000,
  });
}

/** A new page whose console errors and page errors are collected in `page.errors`. */
export async function newPage(browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  return page;
}

/** The `data-drawn` revision the app sets after each redraw. */
export async function drawn(page) {
  return Number(await page.evaluate(() => document.documentElement.getAttribute('data-drawn') || 0));
}

/** Waits until the charts were redrawn after revision `after`. */
export async function waitDrawn(page, after = 0) {
  await page.waitForFunction(
    (r) => Number(document.documentElement.getAttribute('data-drawn') || 0) > r, after, { timeout: 20_000 });
}

/** Per-canvas share of pixels that differ from the chart background (white). */
export async function canvasInk(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink++;
    return { id: c.id, ink: ink / (c.width * c.height) };
  }), selector);
}

/** Sets an input's value as a user would and fires `input` and `change`. */
export async function setValue(page, selector, value) {
  await page.evaluate(([sel, v]) => {
    const el = document.querySelector(sel);
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, [selector, value]);
}

export function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise.finally(() => clearTimeout(t)),
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]);
}
