// `scripts/site.sh bench`: the playground's two performance figures, in Chromium.
//  1. first chart: ms from navigation start until the first chart is drawn (cold load of the
//     SN15 default: wasm fetch + compile, 2 × 40-epoch runs of 11 × 256, 9 charts);
//  2. recompute: ms from a κ slider move to the redrawn charts, for a 40-epoch community
//     case (3 × 3, two rules) and for the SN15 metagraph (11 × 256 × 40 epochs, two rules).
// Each figure is the median of several runs. Targets (issue 5): 2 000 ms and 100 ms.
import { PLAYGROUND, launch, newPage, waitDrawn, withTimeout } from './browser.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function firstChart(browser) {
  const page = await newPage(browser);
  await page.goto(PLAYGROUND, { waitUntil: 'load' });
  await waitDrawn(page, 0);
  const ms = Number(await page.evaluate(() => document.documentElement.getAttribute('data-first-chart-ms')));
  await page.context().close();
  return ms;
}

async function recompute(browser, hash, n = 9) {
  const page = await newPage(browser);
  await page.goto(PLAYGROUND + hash, { waitUntil: 'load' });
  await waitDrawn(page, 0);
  const times = [];
  const status = [];
  for (let i = 0; i < n; i++) {
    const k = (0.3 + 0.04 * i).toFixed(2);
    times.push(await page.evaluate((kappa) => new Promise((resolve) => {
      const root = document.documentElement;
      const before = Number(root.getAttribute('data-drawn'));
      const t0 = performance.now();
      const obs = new MutationObserver(() => {
        if (Number(root.getAttribute('data-drawn')) > before) {
          obs.disconnect();
          resolve(performance.now() - t0);
        }
      });
      obs.observe(root, { attributes: true, attributeFilter: ['data-drawn'] });
      const el = document.querySelector('#kappa');
      el.value = kappa;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }), k));
    status.push(await page.locator('#status').innerText());
  }
  const computeMs = status.map((s) => Number((/computed in ([\d.]+) ms/.exec(s) || [])[1]));
  await page.context().close();
  return { total: median(times), compute: median(computeMs.filter((x) => !Number.isNaN(x))) };
}

const browser = await launch();
try {
  const first = [];
  for (let i = 0; i < 5; i++) first.push(await withTimeout(firstChart(browser), 30_000, 'first chart'));
  const small = await withTimeout(recompute(browser, '#scenario=case3'), 60_000, 'case recompute');
  const sn15 = await withTimeout(recompute(browser, ''), 60_000, 'sn15 recompute');
  console.log('playground bench (Chromium, headless; medians)');
  console.log(`  first chart after load (SN15 default, 9 charts):        ${median(first).toFixed(0)} ms   (target 2000 ms) runs: ${first.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`  slider move → redrawn, case 3 (40 epochs, 2 rules):     ${small.total.toFixed(1)} ms  (compute ${small.compute.toFixed(1)} ms; target 100 ms)`);
  console.log(`  slider move → redrawn, SN15 (11×256, 40 epochs, 2 rules): ${sn15.total.toFixed(1)} ms  (compute ${sn15.compute.toFixed(1)} ms)`);
} finally {
  await withTimeout(browser.close(), 10_000, 'close').catch(() => {});
}
