// Browser tests of the site and the playground (Playwright + Debian's Chromium).
// Run by `scripts/site.sh test`, which builds the site and starts the server (SITE_URL).
// Screenshots are kept in dist/test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  ARTIFACTS, PLAYGROUND, SITE_URL, canvasInk, drawn, launch, newPage, setValue, waitDrawn, withTimeout,
} from './browser.mjs';

mkdirSync(ARTIFACTS, { recursive: true });
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

async function open(browser, hash = '', viewport) {
  const page = await newPage(browser, viewport);
  await page.goto(PLAYGROUND + hash, { waitUntil: 'load' });
  await waitDrawn(page, 0);
  return page;
}

function assertNoErrors(page) {
  assert.deepEqual(page.errors, [], `console errors:\n${page.errors.join('\n')}`);
}

async function assertCanvasesDraw(page, view) {
  const ink = await canvasInk(page, `#view-${view} canvas`);
  assert.ok(ink.length > 0, `no canvas in the ${view} view`);
  for (const c of ink) assert.ok(c.ink > 0.01, `${c.id} is blank (${(c.ink * 100).toFixed(2)}% ink)`);
  return ink;
}

const numbers = (page) => page.locator('#numbers').innerText();

/** Clicks an export button and returns the downloaded file's name and text. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const { readFileSync } = await import('node:fs');
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
}

/** A CSV's header and rows, split on commas (the tests' CSVs have no quoted commas). */
function csvTable(text) {
  const [head, ...rows] = text.trim().split('\n').map((l) => l.split(','));
  return { head, rows };
}

/** The selected tab's id and the URL's view. */
async function tabState(page) {
  return page.evaluate(() => ({
    tab: document.querySelector('[role=tab][aria-selected=true]')?.id,
    view: /view=([a-z]+)/.exec(location.hash)?.[1],
  }));
}

test('landing page links the playground and the example', async (browser) => {
  const page = await newPage(browser);
  const res = await page.goto(SITE_URL + '/', { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  const csp = res.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal(await page.locator('a[href="playground/"]').count(), 1);
  assert.equal(await page.locator('a[href="example/"]').count(), 1);
  await shot(page, 'landing');
  assertNoErrors(page);
});

test('playground loads with no console errors and opens on the SN15 metagraph', async (browser) => {
  const page = await open(browser);
  assert.equal(await page.locator('#scenario').inputValue(), 'sn15');
  assert.match(await page.locator('#status').innerText(), /11 validators × 256 servers × 40 epochs/);
  // The drawing time is that of the first drawing, not an empty 0.0 before it.
  await waitDrawn(page);
  const drawnMs = /drawn in ([\d.]+) ms/.exec(await page.locator('#status').innerText());
  assert.ok(drawnMs && Number(drawnMs[1]) > 0, `status: ${await page.locator('#status').innerText()}`);
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => r.name.endsWith('.wasm')).length);
  assert.ok(wasm >= 1);
  await shot(page, 'consensus-1280x800');
  assertNoErrors(page);
});

test('every consensus chart draws', async (browser) => {
  const page = await open(browser, '#scenario=case2&compare=yuma3');
  const ink = await assertCanvasesDraw(page, 'consensus');
  assert.equal(ink.length, 9);
  assertNoErrors(page);
});

test('tokenomics view draws, and recycling moves the projected halvings', async (browser) => {
  const page = await open(browser);
  const r = await drawn(page);
  await page.click('#tab-tokenomics');
  await waitDrawn(page, r);
  assert.match(page.url(), /view=tokenomics/);
  await assertCanvasesDraw(page, 'tokenomics');
  const before = await page.locator('#halvings').innerText();
  assert.match(before, /2025-12-14/);
  await shot(page, 'tokenomics-1280x800');
  const r2 = await drawn(page);
  await setValue(page, '#recycle', 0.5);
  await waitDrawn(page, r2);
  assert.notEqual(await page.locator('#halvings').innerText(), before);
  assert.match(page.url(), /recycle=0\.5/);
  assertNoErrors(page);
});

test('subnets view runs the world in a worker and draws', async (browser) => {
  const page = await open(browser, '#days=1');
  await page.click('#tab-subnets');
  await page.waitForSelector('#world-progress');
  await page.waitForFunction(() => !document.querySelector('#world-progress'), null, { timeout: 45_000 });
  assert.equal(await page.locator('#world-error').count(), 0);
  await waitDrawn(page, await drawn(page) - 1);
  await assertCanvasesDraw(page, 'subnets');
  assert.match(page.url(), /view=subnets/);
  await shot(page, 'subnets-1280x800');
  // Every export's rows have as many cells as its header; prices have no "others" (the
  // chart draws none), shares do; the JSON has the same keys as the CSV header.
  for (const id of ['shares', 'prices', 'flows', 'costs', 'ecology']) {
    const csv = csvTable((await download(page, `#fig-${id} button[aria-label="Download ${id} data as CSV"]`)).text);
    assert.ok(csv.rows.length >= 2, `${id}: ${csv.rows.length} rows`);
    for (const r of csv.rows) assert.equal(r.length, csv.head.length, `${id}: a row of ${r.length} cells, a header of ${csv.head.length}`);
    const json = JSON.parse((await download(page, `#fig-${id} button[aria-label="Download ${id} data as JSON"]`)).text);
    assert.equal(json.length, csv.rows.length);
    for (const row of json) assert.deepEqual(Object.keys(row).sort(), [...csv.head].sort(), id);
    // Eight named subnets (and the day): no "others" price; the shares have it.
    if (id === 'prices') assert.deepEqual([csv.head.length, csv.head.includes('others')], [9, false], `${csv.head}`);
    if (id === 'shares') assert.deepEqual([csv.head.length, csv.head.at(-1)], [10, 'others']);
  }
  // Another preset restarts the run; cancelling it says so.
  await page.selectOption('#preset', '2025-02');
  await page.waitForSelector('#world-cancel');
  await page.click('#world-cancel');
  await page.waitForSelector('#world-error');
  assert.match(await page.locator('#world-error').innerText(), /cancelled/);
  assertNoErrors(page);
});

test('an attack study (weight copying under commit-reveal) runs and draws', async (browser) => {
  const page = await open(browser);
  const r = await drawn(page);
  await page.selectOption('#scenario', 'attack-weight-copying-cr');
  await waitDrawn(page, r);
  assert.match(page.url(), /scenario=attack-weight-copying-cr/);
  assert.match(await numbers(page), /copier/);
  await assertCanvasesDraw(page, 'consensus');
  await shot(page, 'attack-study');
  assertNoErrors(page);
});

test('changing kappa changes the numbers shown', async (browser) => {
  const page = await open(browser);
  const before = await numbers(page);
  const r = await drawn(page);
  await setValue(page, '#kappa', 0.2);
  await waitDrawn(page, r);
  assert.equal(await page.locator('#kappa-value').innerText(), '0.20');
  const after = await numbers(page);
  assert.notEqual(after, before, 'the validator table did not change with kappa');
  assert.match(page.url(), /kappa=0\.2(&|$)/);
  // The keyboard moves the slider too.
  const r2 = await drawn(page);
  await page.focus('#kappa');
  await page.keyboard.press('ArrowRight');
  await waitDrawn(page, r2);
  assert.equal(await page.locator('#kappa-value').innerText(), '0.21');
  assertNoErrors(page);
});

test('a variant comparison shows both rules side by side', async (browser) => {
  const page = await open(browser, '#scenario=case4');
  const r = await drawn(page);
  await page.selectOption('#variant', 'yuma1');
  await page.selectOption('#compare', 'yuma2c');
  await waitDrawn(page, r);
  const head = await page.locator('#numbers thead').innerText();
  assert.match(head, /Yuma 1/);
  assert.match(head, /Yuma 2C/);
  assert.match(page.url(), /variant=yuma1/);
  assert.match(page.url(), /compare=yuma2c/);
  assertNoErrors(page);
});

test('play and step move through the epochs', async (browser) => {
  // The page counts epochs from 1; the URL keeps the 0-based index of older links.
  const page = await open(browser, '#scenario=case1&epoch=0');
  assert.equal(await page.locator('#epoch').inputValue(), '1');
  assert.equal(await page.locator('#epoch-label').innerText(), 'Epoch 1 of 40');
  await page.click('#epoch-next');
  await page.waitForFunction(() => document.querySelector('#epoch').value === '2');
  assert.match(page.url(), /epoch=1(&|$)/);
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#epoch').value) >= 4, null, { timeout: 10_000 });
  await page.click('#play');
  assert.match(page.url(), /epoch=\d+/);
  // The last epoch is "40 of 40" everywhere it is shown.
  const r = await drawn(page);
  await page.click('#epoch-last');
  await waitDrawn(page, r);
  assert.equal(await page.locator('#epoch-label').innerText(), 'Epoch 40 of 40');
  assert.equal(await page.locator('#epoch').inputValue(), '40');
  assert.equal(await page.locator('#epoch').getAttribute('aria-valuetext'), 'Epoch 40 of 40');
  assert.match(await page.locator('#numbers caption').innerText(), /^Validators at epoch 40 of 40/);
  assert.match(await page.locator('#fig-weights figcaption').innerText(), /Weights at epoch 40 /);
  assert.match(page.url(), /epoch=39(&|$)/);
  // The run totals sit under their own header.
  assert.match(await page.locator('#numbers thead').innerText(), /run total/);
  assert.equal(await page.locator('#numbers thead th.run-total[title*="all 40 epochs"]').count(), 4);
  assertNoErrors(page);
});

test('an uploaded metagraph is accepted', async (browser) => {
  const page = await open(browser);
  const n = 6;
  const W = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i < 3 ? (j === 3 + (i % 2) ? 0.7 : 0.06) : 0)));
  const mg = { netuid: 99, block: 123, n, hotkeys: ['a', 'b', 'c', 'd', 'e', '<img src=x onerror=alert(1)>'], S: [5000, 3000, 2000, 10, 0, 0], W };
  const r = await drawn(page);
  await page.setInputFiles('#upload', { name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(mg)) });
  await waitDrawn(page, r);
  assert.equal(await page.locator('#scenario').inputValue(), 'upload');
  assert.match(await page.locator('#status').innerText(), /Subnet 99 at block 123 · 3 validators × 6 servers/);
  assert.equal(await page.locator('#upload-error').count(), 0);
  assert.equal(await page.locator('img').count(), 0, 'user data must never become HTML');
  await assertCanvasesDraw(page, 'consensus');
  await shot(page, 'upload-accepted');
  assertNoErrors(page);
});

test('a malformed metagraph shows an error instead of crashing', async (browser) => {
  const page = await open(browser);
  const cases = [
    ['broken.json', '{"n": 2, "S": [1, 2', /Not a metagraph JSON file/],
    ['shape.json', '{"n": 2, "S": [5000, 1], "W": [[0, 1], [1]]}', /W\[1\] has 1 entries, n is 2/],
    ['nan.json', '{"n": 2, "S": [5000, -1], "W": [[0, 1], [1, 0]]}', /S\[1\] is negative/],
    ['nostake.json', '{"n": 1, "S": [5], "W": [[1]]}', /no UID has at least 1000 TAO/],
  ];
  for (const [name, text, re] of cases) {
    await page.setInputFiles('#upload', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.waitForFunction((nm) => (document.querySelector('#upload-error')?.textContent || '').startsWith(nm), name);
    assert.match(await page.locator('#upload-error').innerText(), re);
  }
  await shot(page, 'upload-rejected');
  // The page still works: the previous scenario is still shown and the sliders still run it.
  assert.equal(await page.locator('#scenario').inputValue(), 'sn15');
  const r = await drawn(page);
  await setValue(page, '#kappa', 0.4);
  await waitDrawn(page, r);
  assertNoErrors(page);
});

test('a shared URL restores the state', async (browser) => {
  const hash = '#view=consensus&scenario=case3&variant=yuma3&compare=yuma1&kappa=0.3&bondPenalty=0.5&liquidAlpha=1&epoch=5&miner=1';
  const page = await open(browser, hash);
  assert.equal(await page.locator('#scenario').inputValue(), 'case3');
  assert.equal(await page.locator('#variant').inputValue(), 'yuma3');
  assert.equal(await page.locator('#compare').inputValue(), 'yuma1');
  assert.equal(await page.locator('#kappa').inputValue(), '0.3');
  assert.equal(await page.locator('#bond-penalty').inputValue(), '0.5');
  assert.equal(await page.locator('#liquid-alpha').isChecked(), true);
  assert.equal(await page.locator('#epoch').inputValue(), '6');
  assert.equal(await page.locator('#epoch-label').innerText(), 'Epoch 6 of 40');
  assert.equal(await page.locator('#miner').inputValue(), '1');
  const shown = await numbers(page);
  // The same link in a fresh page shows the same numbers.
  const again = await open(browser, hash);
  assert.equal(await numbers(again), shown);
  // A tampered link keeps the defaults and says which values it ignored.
  const bad = await open(browser, '#kappa=7&variant=<b>x</b>');
  assert.equal(await bad.locator('#kappa').inputValue(), '0.5');
  assert.match(await bad.locator('#notes').innerText(), /kappa/);
  assert.equal(await bad.locator('b').count(), 0);
  assertNoErrors(page);
  assertNoErrors(bad);
});

test('a kappa sweep runs in a worker with progress, and can be cancelled', async (browser) => {
  const page = await open(browser);
  await page.click('#sweep-start');
  await page.click('#sweep-cancel');
  await page.waitForFunction(() => /cancelled/.test(document.querySelector('.sweep').textContent));
  const r = await drawn(page);
  await page.click('#sweep-start');
  await waitDrawn(page, r);
  await page.waitForFunction(() => !document.querySelector('#sweep-progress'));
  const [ink] = await canvasInk(page, '#chart-sweep');
  assert.ok(ink.ink > 0.02);
  await shot(page, 'sweep');
  assertNoErrors(page);
});

test('charts export as PNG and their data as CSV and JSON', async (browser) => {
  const page = await open(browser, '#scenario=case1');
  for (const [fmt, ext] of [['PNG', 'png'], ['CSV', 'csv'], ['JSON', 'json']]) {
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`#fig-dividends button[aria-label="Download dividends${fmt === 'PNG' ? '' : ' data'} as ${fmt}"]`),
    ]);
    assert.equal(dl.suggestedFilename(), `taolab-case1-dividends.${ext}`);
    const path = await dl.path();
    const { readFileSync } = await import('node:fs');
    const body = readFileSync(path);
    if (ext === 'png') assert.equal(body.subarray(1, 4).toString(), 'PNG');
    if (ext === 'csv') assert.match(body.toString(), /^validator,Yuma 2 \(subtensor\),Yuma 3/);
    if (ext === 'json') assert.ok(JSON.parse(body.toString()).length === 3);
  }
  // Indices are integers in JSON, and bonds over epochs export one per epoch.
  const bonds = JSON.parse((await download(page, '#fig-bonds-epochs button[aria-label="Download bonds-epochs data as JSON"]')).text);
  assert.equal(bonds.length, 40);
  assert.ok(Number.isInteger(bonds[0].epoch) && bonds[39].epoch === 39);
  assert.ok(!/"epoch": \d+\.0/.test(JSON.stringify(bonds, null, 1)));
  // The sweep has no data before it runs: its exports are disabled.
  assert.equal(await page.locator('#fig-sweep button[disabled]').count(), 3);
  assert.equal(await page.locator('#fig-dividends button[disabled]').count(), 0);
  // Issuance: integers, booleans and nulls, each in its own column.
  const r = await drawn(page);
  await page.click('#tab-tokenomics');
  await waitDrawn(page, r);
  const issuance = JSON.parse((await download(page, '#fig-issuance button[aria-label="Download issuance data as JSON"]')).text);
  for (const row of issuance) {
    assert.ok(Number.isInteger(row.halving), JSON.stringify(row));
    assert.equal(typeof row.passed, 'boolean', JSON.stringify(row));
    assert.ok(row.block === null || Number.isInteger(row.block), JSON.stringify(row));
    assert.ok(row.date === null || /^\d{4}-\d\d-\d\d/.test(row.date), JSON.stringify(row));
  }
  assert.ok(issuance.some((x) => x.passed === true) && issuance.some((x) => x.passed === false));
  const csv = csvTable((await download(page, '#fig-issuance button[aria-label="Download issuance data as CSV"]')).text);
  for (const row of csv.rows) assert.equal(row.length, csv.head.length);
  // The halvings table: a column's numbers share their decimals.
  const issuedCol = await page.$$eval('#halvings tbody tr td:nth-child(4)', (tds) => tds.map((t) => t.textContent));
  const decimals = new Set(issuedCol.map((t) => (t.split('.')[1] || '').length));
  assert.equal(decimals.size, 1, `issuance column: ${issuedCol.join(' | ')}`);
  assertNoErrors(page);
});

test('Back and Forward move between tabs and choices; sliders add no history', async (browser) => {
  const page = await open(browser, '#scenario=case1');
  const r = await drawn(page);
  await page.click('#tab-tokenomics');
  await waitDrawn(page, r);
  await setValue(page, '#recycle', 0.3);
  await setValue(page, '#recycle', 0.4);
  const r2 = await drawn(page);
  await page.click('#tab-map');
  await waitDrawn(page, r2);
  assert.deepEqual(await tabState(page), { tab: 'tab-map', view: 'map' });
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#tab-tokenomics').getAttribute('aria-selected') === 'true');
  assert.deepEqual(await tabState(page), { tab: 'tab-tokenomics', view: 'tokenomics' });
  // The slider's last value is kept in the entry (the drags replaced it).
  assert.equal(await page.locator('#recycle').inputValue(), '0.4');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#tab-consensus').getAttribute('aria-selected') === 'true');
  assert.deepEqual(await tabState(page), { tab: 'tab-consensus', view: 'consensus' });
  assert.equal(await page.locator('#scenario').inputValue(), 'case1');
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('#tab-tokenomics').getAttribute('aria-selected') === 'true');
  // A scenario choice is a step too.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#tab-consensus').getAttribute('aria-selected') === 'true');
  const r3 = await drawn(page);
  await page.selectOption('#scenario', 'case4');
  await waitDrawn(page, r3);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#scenario').value === 'case1');
  assert.match(await page.locator('#status').innerText(), /3 validators/);
  assertNoErrors(page);
});

test('tabs follow the arrow keys (WAI-ARIA tabs)', async (browser) => {
  const page = await open(browser);
  assert.equal(await page.locator('#tab-consensus').getAttribute('tabindex'), '0');
  assert.equal(await page.locator('#tab-tokenomics').getAttribute('tabindex'), '-1');
  await page.focus('#tab-consensus');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.activeElement?.id === 'tab-tokenomics');
  assert.deepEqual(await tabState(page), { tab: 'tab-tokenomics', view: 'tokenomics' });
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.activeElement?.id === 'tab-map');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.activeElement?.id === 'tab-consensus');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.activeElement?.id === 'tab-map');
  assert.deepEqual(await tabState(page), { tab: 'tab-map', view: 'map' });
  assertNoErrors(page);
});

test('controls that do not apply are disabled, and corrected inputs say so', async (browser) => {
  const page = await open(browser, '#scenario=case3');
  // Liquid alpha off: its bounds are greyed out, with a tooltip.
  assert.equal(await page.locator('#liquid-alpha').isChecked(), false);
  for (const id of ['alpha-low', 'alpha-high', 'alpha-steepness']) {
    assert.equal(await page.locator(`#${id}`).isDisabled(), true, id);
  }
  assert.match(await page.locator('.knob.off').first().getAttribute('title'), /liquid alpha on/);
  const r = await drawn(page);
  await page.check('#liquid-alpha');
  await waitDrawn(page, r);
  assert.equal(await page.locator('#alpha-low').isDisabled(), false);
  // The main rule is not offered as its own comparison.
  const variant = await page.locator('#variant').inputValue();
  assert.equal(await page.locator(`#compare option[value="${variant}"]`).count(), 0);
  const r2 = await drawn(page);
  await page.selectOption('#variant', 'yuma3'); // the comparison rule: the comparison goes
  await waitDrawn(page, r2);
  assert.equal(await page.locator('#compare').inputValue(), 'none');
  assert.doesNotMatch(page.url(), /compare=yuma3/);
  // A typed value out of range is corrected, shown corrected, and noted.
  const r3 = await drawn(page);
  await page.click('#tab-tokenomics');
  await waitDrawn(page, r3);
  await setValue(page, '#years', 0);
  await page.waitForSelector('#note-years');
  assert.match(await page.locator('#note-years').innerText(), /Years shown: 0 .* 1 is used/);
  assert.equal(await page.locator('#years').inputValue(), '1');
  await setValue(page, '#years', 500);
  await page.waitForFunction(() => /500 .* 100 is used/.test(document.querySelector('#note-years')?.textContent));
  assert.equal(await page.locator('#years').inputValue(), '100');
  await setValue(page, '#years', 20);
  await page.waitForFunction(() => !document.querySelector('#note-years'));
  // Recycling at 0 draws one line; the help says the amount is fixed per day.
  assert.match(await page.locator('#recycle-help').innerText(), /fixed amount/);
  assertNoErrors(page);
});

test('charts are sharp on a high-density screen', async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(PLAYGROUND + '#scenario=case1', { waitUntil: 'load' });
  await waitDrawn(page, 0);
  const [w, cw, h, ch] = await page.$eval('#chart-dividends', (c) => [c.width, c.clientWidth, c.height, c.clientHeight]);
  assert.ok(Math.abs(w - 2 * cw) <= 2 && Math.abs(h - 2 * ch) <= 2, `canvas ${w}×${h} shown at ${cw}×${ch} on a 2× screen`);
  const [ink] = await canvasInk(page, '#chart-dividends');
  assert.ok(ink.ink > 0.01);
  await context.close();
});

test('works at phone width', async (browser) => {
  const page = await open(browser, '', { width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
  await assertCanvasesDraw(page, 'consensus');
  await shot(page, 'consensus-phone');
  // Charts are drawn at their CSS size (text as large as the page's), not scaled down.
  const sizes = () => page.$$eval('#view-consensus canvas', (cs) => cs.map((c) => [c.width, c.clientWidth, c.height, c.clientHeight]));
  for (const [w, cw, h, ch] of await sizes()) {
    assert.ok(Math.abs(w - cw) <= 1 && Math.abs(h - ch) <= 1, `canvas ${w}×${h} shown at ${cw}×${ch}`);
    assert.ok(cw < 390, `canvas ${cw} px wide on a 390 px screen`);
  }
  // … and redrawn at the new size when the window changes.
  const r0 = await drawn(page);
  await page.setViewportSize({ width: 900, height: 800 });
  await waitDrawn(page, r0);
  // The first redraw after r0 may be one that was already under way (a CI run caught one
  // at the old size): wait, up to 10 s, for the one at the new size.
  await page.waitForFunction(() => {
    const c = document.querySelector('#view-consensus canvas');
    return c.width > 500 && Math.abs(c.width - c.clientWidth) <= 1;
  }, null, { timeout: 10_000 }).catch(() => {});
  const [[w2, cw2]] = await sizes();
  assert.ok(w2 > 500 && Math.abs(w2 - cw2) <= 1, `after resizing: ${w2} px buffer, ${cw2} px box`);
  await page.setViewportSize({ width: 390, height: 844 });
  // Four tabs wrap rather than widen the page.
  const r = await drawn(page);
  await page.click('#tab-map');
  await waitDrawn(page, r);
  const mapOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(mapOverflow <= 1, `the map view scrolls sideways by ${mapOverflow}px`);
  assertNoErrors(page);
});

// ---- the consensus map: WebGPU when there is an adapter, the CPU otherwise ----

// Rows [S_H, W_H, W_C, E_H] of the 6 × 6 map as the native CLI computes them:
//   taolab sweep consensus-map --variant yuma2 --levels 6 --backend cpu   (and without --variant)
const MAP_YUMA2 = [[0.51, 1, 0.8, 0.905805], [0.6, 1, 0, 0.800063], [0.6, 0.6, 1, 0.506278], [0.6, 0, 1, 0.299544]];
const MAP_CHAIN = [[0.6, 1, 0, 0.800086], [0.6, 0.6, 1, 0.508135], [0.6, 0, 1, 0.299556]];
const MAP_POINTS = 11 * 6 * 6;
// E_H on the GPU (f32) against the CPU (f64): 10 × taolab::gpu::TOLERANCE, the bound
// tests/tests/gpu_parity.rs holds the native map to.
const MAP_GPU_TOLERANCE = 1e-3;

/** Runs the map with the controls as they are; returns the "backend: …" line. */
async function runMap(page, { watchProgress = false } = {}) {
  const runs = () => page.evaluate(() => Number(document.documentElement.getAttribute('data-map-runs') || 0));
  const before = await runs();
  await page.click('#map-run');
  if (watchProgress) {
    // The bar moves while the batches run: some epochs done, not all.
    await page.waitForFunction(() => {
      const p = document.querySelector('#map-progress');
      return p && p.value > 0 && p.value < p.max;
    }, null, { timeout: 30_000 });
    assert.equal(await page.locator('#map-progress').getAttribute('max'), String(MAP_POINTS));
  }
  await page.waitForFunction((n) => Number(document.documentElement.getAttribute('data-map-runs') || 0) > n,
    before, { timeout: 50_000 });
  assert.equal(await runs(), before + 1);
  assert.equal(await page.locator('#map-error').count(), 0);
  assert.equal(await page.locator('#map-progress').count(), 0);
  return page.locator('#map-backend-used').innerText();
}

/** The map's rows as the retention chart exports them (CSV). */
async function mapRows(page) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#fig-retention button[aria-label="Download retention data as CSV"]'),
  ]);
  const { readFileSync } = await import('node:fs');
  const [head, ...lines] = readFileSync(await dl.path(), 'utf8').trim().split('\n');
  assert.equal(head, 'major_stake,major_weight,minor_weight,weight_dev,major_ratio');
  return lines.map((l) => l.split(',').map(Number));
}

function assertMapValues(rows, expected, tolerance) {
  assert.equal(rows.length, MAP_POINTS);
  for (const [sh, wh, wc, eh] of expected) {
    const r = rows.find((x) => x[0] === sh && x[1] === wh && x[2] === wc);
    assert.ok(r, `no row for S_H ${sh}, W_H ${wh}, W_C ${wc}`);
    assert.ok(Math.abs(r[4] - eh) <= tolerance, `E_H at (${sh}, ${wh}, ${wc}) is ${r[4]}, the CLI gives ${eh}`);
  }
}

test('the consensus map runs on WebGPU (software adapter) and matches the CPU', async () => {
  const gpuBrowser = await launch({ webgpu: true });
  try {
    const page = await open(gpuBrowser, '#view=map&grid=6');
    const adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? { software: Boolean(a.info?.isFallbackAdapter) } : null;
    });
    if (!adapter) {
      console.log('     SKIPPED: Chromium offers no WebGPU adapter here (not even its software one)');
      return;
    }
    // Auto takes WebGPU on a GPU; a software fallback adapter is slower than the CPU path.
    assert.equal(await page.locator('#map-backend').inputValue(), 'auto');
    const auto = await runMap(page);
    if (adapter.software) {
      assert.match(auto, /^backend: CPU \(the only WebGPU adapter, .+, is a software fallback, slower than the CPU; choose WebGPU to use it\)$/);
    } else {
      assert.match(auto, /^backend: WebGPU \(/);
    }

    await page.selectOption('#map-backend', 'webgpu');
    assert.match(page.url(), /backend=webgpu/);
    assert.match(await page.locator('#map-note').innerText(), /software fallback included/);
    const gpuLabel = await runMap(page, { watchProgress: true });
    assert.match(gpuLabel, /^backend: WebGPU \(.+\)$/);
    if (adapter.software) assert.match(gpuLabel, /software fallback\)$/);
    assert.match(await page.locator('#map-status').innerText(), /^Yuma 2 .* 396 epochs/);
    await assertCanvasesDraw(page, 'map');
    await shot(page, 'map-webgpu');
    const gpu = await mapRows(page);

    await page.selectOption('#map-backend', 'cpu');
    assert.equal(await runMap(page), 'backend: CPU (chosen)');
    const cpu = await mapRows(page);
    assertMapValues(cpu, MAP_YUMA2, 1e-6);
    // Same map shape: the same grid points in the same order, the same weight deviation
    // (computed on the CPU either way), and E_H within the stated f32 tolerance.
    assert.equal(gpu.length, cpu.length);
    let worst = 0;
    gpu.forEach((g, i) => {
      assert.deepEqual(g.slice(0, 4), cpu[i].slice(0, 4), `row ${i}`);
      worst = Math.max(worst, Math.abs(g[4] - cpu[i][4]));
    });
    assert.ok(worst <= MAP_GPU_TOLERANCE, `E_H differs by ${worst} between WebGPU and the CPU`);
    assertMapValues(gpu, MAP_YUMA2, MAP_GPU_TOLERANCE);
    console.log(`     ${gpuLabel.slice(9)}: 396 epochs, max |E_H gpu − cpu| = ${worst.toExponential(2)}`);
    assertNoErrors(page);
  } finally {
    await gpuBrowser.close();
  }
});

test('without WebGPU the consensus map falls back to the CPU and says so; chain runs on the CPU', async (browser) => {
  const page = await open(browser, '#grid=6&backend=webgpu');
  const r = await drawn(page);
  await page.click('#tab-map');
  await waitDrawn(page, r);
  assert.match(page.url(), /view=map/);
  assert.equal(await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter())), false);
  // Nothing to export before the first run.
  assert.equal(await page.locator('#view-map .exports button:not([disabled])').count(), 0);
  assert.equal(await page.locator('#view-map .exports button[disabled]').count(), 6);
  assert.equal(await runMap(page), 'backend: CPU (no WebGPU adapter)');
  assert.equal(await page.locator('#view-map .exports button[disabled]').count(), 0);
  assert.equal(await page.locator('#map-stale').count(), 0);
  // Another κ: the map shown is marked stale and Run stands out, until it runs again.
  await setValue(page, '#kappa', 0.6);
  await page.waitForSelector('#map-stale');
  assert.match(await page.locator('#map-stale').innerText(), /press Run/i);
  assert.equal(await page.locator('#map-run.stale').count(), 1);
  await setValue(page, '#kappa', 0.5);
  await page.waitForFunction(() => !document.querySelector('#map-stale'));
  assertMapValues(await mapRows(page), MAP_YUMA2, 1e-6);
  await assertCanvasesDraw(page, 'map');

  await page.selectOption('#map-variant', 'chain');
  assert.match(await page.locator('#map-note').innerText(), /chain variant always runs on the CPU/);
  assert.equal(await runMap(page), 'backend: CPU (the chain variant runs on the CPU)');
  assert.match(await page.locator('#map-status').innerText(), /^Chain .* 396 epochs/);
  assertMapValues(await mapRows(page), MAP_CHAIN, 1e-6);
  await shot(page, 'map-cpu-chain');

  // The full study on the CPU: the progress bar moves, and Cancel stops it.
  await page.selectOption('#map-variant', 'yuma3');
  await page.selectOption('#map-grid', '51');
  await page.click('#map-run');
  await page.waitForFunction(() => (document.querySelector('#map-progress')?.value ?? 0) > 0);
  assert.equal(await page.locator('#map-progress').getAttribute('max'), '28611');
  await page.click('#map-cancel');
  assert.match(await page.locator('#map-error').innerText(), /cancelled/);
  assert.match(await page.locator('#map-status').innerText(), /^Chain/, 'the last finished map stays shown');
  assertNoErrors(page);
});

// ---- runner ----
const only = process.env.TEST_FILTER;
const browser = await launch();
let failed = 0;
for (const t of tests) {
  if (only && !t.name.includes(only)) continue;
  const t0 = Date.now();
  try {
    await withTimeout(t.fn(browser), 60_000, t.name);
    console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}
await withTimeout(browser.close(), 10_000, 'closing the browser').catch(() => {});
console.log(failed ? `${failed} browser test(s) failed` : `all ${tests.length} browser tests passed; screenshots in dist/test-artifacts/`);
process.exit(failed ? 1 : 0);
