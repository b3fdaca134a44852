// taolab in plain JavaScript: a community case, the halving schedule and a world.
import init, { cases, emissionSchedule, runCase, variants, World } from "taolab";

const $ = (id) => document.getElementById(id);
const RAO = 1_000_000_000n;
const tao = (rao) => (Number(rao / RAO) + Number(rao % RAO) / 1e9).toLocaleString("en");
const row = (cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;

function drawDividends(out) {
  // One polyline per validator: its normalised dividend D̂ in each epoch.
  const svg = $("chart"), w = 640, h = 200, pad = 24;
  const n = out.epochs.length, colours = ["#3367d6", "#e8710a", "#188038", "#a142f4"];
  let max = 0;
  for (const e of out.epochs) for (const d of e.dividends) max = Math.max(max, d);
  const x = (k) => pad + (k * (w - 2 * pad)) / Math.max(1, n - 1);
  const y = (d) => h - pad - (d / (max || 1)) * (h - 2 * pad);
  svg.innerHTML = out.validators.map((name, i) => {
    const pts = out.epochs.map((e, k) => `${x(k).toFixed(1)},${y(e.dividends[i]).toFixed(1)}`).join(" ");
    return `<polyline fill="none" stroke-width="2" stroke="${colours[i % 4]}" points="${pts}"><title>${name}</title></polyline>`;
  }).join("") + `<text x="${pad}" y="14" font-size="11">dividends per epoch (max ${max.toFixed(3)})</text>`;
}

function showCase() {
  const c = cases()[Number($("case").value)];
  const out = runCase({ ...c, variant: $("variant").value });
  $("case-title").textContent = `${out.name} — ${out.variant}, ${out.epochs.length} epochs`;
  drawDividends(out);
  $("totals").tBodies[0].innerHTML = out.totalDividends
    .map((t) => row([t.validator, t.total.toFixed(6), t.percentVsBase === null ? "n/a" : `${t.percentVsBase >= 0 ? "+" : ""}${t.percentVsBase.toFixed(2)}%`]))
    .join("");
}

function showSchedule() {
  $("schedule").tBodies[0].innerHTML = emissionSchedule({ halvings: 6 })
    .map((r) => row([r.halving, tao(r.issuanceThreshold), r.passed ? "passed" : (r.block ?? "never"), r.date ?? "", tao(r.emissionPerDay)]))
    .join("");
}

function runWorld() {
  $("world-status").textContent = "running…";
  // Let the status paint first; in an app, step in a Web Worker instead.
  setTimeout(() => {
    const t0 = performance.now();
    const world = new World();
    world.step(7200);
    const top = world.subnets().sort((a, b) => b.share - a.share).slice(0, 8);
    $("world").tBodies[0].innerHTML = top
      .map((s) => row([`${s.netuid} ${s.name}`, s.price.toFixed(5), (100 * s.share).toFixed(2) + "%", tao(s.poolTao)]))
      .join("");
    $("world-status").textContent =
      `block ${world.block}, issuance ${tao(world.issuance)} TAO (${(performance.now() - t0).toFixed(0)} ms)`;
    world.free();
  }, 0);
}

try {
  await init();
  cases().forEach((c, i) => $("case").add(new Option(c.name, String(i))));
  variants.forEach((v) => $("variant").add(new Option(v, v, v === "yuma3", v === "yuma3")));
  $("case").onchange = $("variant").onchange = showCase;
  $("run-world").onclick = runWorld;
  showCase();
  showSchedule();
  document.body.dataset.ready = "true";
} catch (e) {
  $("error").textContent = String(e);
  document.body.dataset.ready = "error";
}
