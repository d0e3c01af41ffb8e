// The Add-noise tab's forward view, drawn in the page (gr.HTML js_on_load: `element`, `props`, `watch`).
// From x0 and the noise sent once (ui/forward_view.py), every t is one multiply-add per pixel:
//   x_t = sqrt(ab_t) * x0 + sqrt(1 - ab_t) * eps                       (Ho et al. eq. 4)
// done in float32 (Math.fround) step by step as diffusion_core.forward.noisy_view does, so the canvas holds the
// server's picture exactly. The slider's `input` events draw; no server call is made while it moves.
const f32 = Math.fround;
const SLIDER = "#t_slider";
const xCanvas = element.querySelector("canvas.fv-x"), nCanvas = element.querySelector("canvas.fv-n");
let view = null;          // the decoded payload
let shown = -1;           // the t on the canvas
let wanted = null, frame = 0;

function bytes(b64) {
  const s = atob(b64), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})[c]);
}

// "mean {mean:.3f}" -> "mean 0.123": the server's format strings, filled in here
function fill(tpl, vals) {
  return tpl.replace(/\{(\w+)(?::\.(\d+)f)?\}/g, (m, k, d) => d === undefined ? String(vals[k]) : vals[k].toFixed(+d));
}

// the stored u8 picture of a float32 value v in [lo, hi]: forward._u8 (scale, + 0.5, clip, truncate)
function u8(v, lo, scale) {
  const u = f32(f32(f32(v - lo) * scale) + 0.5);
  return u <= 0 ? 0 : u >= 255 ? 255 : u | 0;
}

function decode(p) {
  const n = p.w * p.h * 3, raw = bytes(p.x0), codes = new Int16Array(bytes(p.eps).buffer);
  const x0 = new Float32Array(n), eps = new Float32Array(n), toX = f32(1 / 127.5), unit = f32(1 / p.eps_scale);
  for (let i = 0; i < n; i++) {
    x0[i] = f32(f32(raw[i] * toX) - 1);              // uint8 -> [-1, 1]
    eps[i] = f32(codes[i] * unit);                   // int16 code -> eps (exact: a power of two)
  }
  return {...p, x0, eps, signal: new Float64Array(bytes(p.signal).buffer), noise: new Float64Array(bytes(p.noise).buffer),
          counts: new Float64Array(p.hist.bins)};
}

function picture(canvas, w, h) {
  canvas.width = w;
  canvas.height = h;
  canvas.style.aspectRatio = `${w} / ${h}`;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const img = ctx.createImageData(w, h);
  img.data.fill(255);                                // alpha
  return {ctx, img};
}

function drawNoise(v) {
  const {ctx, img} = picture(nCanvas, v.w, v.h), out = img.data, scale = f32(255 / 6);
  for (let p = 0, i = 0; i < v.eps.length; p += 4) {
    for (let c = 0; c < 3; c++, i++) out[p + c] = u8(v.eps[i], -3, scale);    // eps shown from -3 to 3
  }
  ctx.putImageData(img, 0, 0);
  nCanvas.setAttribute("aria-label", v.text.noise_alt);
}

// x_t into the canvas and its value histogram (forward.density_histogram); returns {mean, std} of x_t
function drawX(v, t) {
  const a = f32(v.signal[t]), b = f32(v.noise[t]), out = v.xImg.img.data, {x0, eps, counts} = v;
  const {bins, lo, hi} = v.hist, perBin = f32(1 / ((hi - lo) / bins));
  counts.fill(0);
  let sum = 0, sq = 0;
  for (let p = 0, i = 0; i < x0.length; p += 4) {
    for (let c = 0; c < 3; c++, i++) {
      const x = f32(f32(x0[i] * a) + f32(b * eps[i]));
      out[p + c] = u8(x, -1, 127.5);
      const pos = f32(f32(x - lo) * perBin);
      if (pos >= 0 && pos <= bins) counts[Math.min(Math.floor(pos), bins - 1)]++;
      sum += x;
      sq += x * x;
    }
  }
  v.xImg.ctx.putImageData(v.xImg.img, 0, 0);
  const mean = sum / x0.length;
  return {mean, std: Math.sqrt(Math.max(sq / x0.length - mean * mean, 0))};
}

// charts.weight_bars
function bars(items, colors) {
  return items.map(([label, value], i) => {
    const pct = Math.max(0, Math.min(1, value)) * 100;
    return `<div style="display:flex;align-items:center;gap:8px;margin:4px 0">` +
      `<span style="width:9.5em;font-size:0.9em">${esc(label)}</span>` +
      `<span style="flex:1;background:#8882;border-radius:4px;height:14px">` +
      `<span style="display:block;width:${pct.toFixed(1)}%;height:14px;background:${colors[i]};border-radius:4px"></span></span>` +
      `<code style="width:4.5em;text-align:right">${value.toFixed(4)}</code></div>`;
  }).join("");
}

// charts.nice_ticks / _num: round tick values and their labels
function niceTicks(lo, hi) {
  const half = (hi - lo) / 2, base = 10 ** Math.floor(Math.log10(half));
  const step = Math.max(...[1, 2, 2.5, 5, 10].map(m => m * base).filter(r => r <= half * (1 + 1e-9)));
  const out = [];
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) out.push(Math.round(k * step * 1e12) / 1e12);
  return out;
}
const num = v => Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3)));

// charts.histogram: density bars of x_t with the N(0, 1) curve over them, in the server's layout
function histogram(v, stats) {
  const {w: W, h: H, pad: [L, R, T, B], colors} = v.chart, {bins, lo, hi, normal} = v.hist;
  const total = v.counts.reduce((s, c) => s + c, 0), width = (hi - lo) / bins;
  const density = Array.from(v.counts, c => c / Math.max(total, 1) / width);
  const top = Math.max(0.45, Math.max(...density) * 1.1);
  const X = x => L + (x - lo) / (hi - lo) * (W - L - R), Y = y => H - B - y / top * (H - T - B);
  const title = esc(v.text.hist_title), text = (x, y, anchor, size, s) =>
    `<text x="${x}" y="${y}"${anchor ? ` text-anchor="${anchor}"` : ""} font-size="${size}" fill="currentColor">${s}</text>`;
  const parts = [`<svg viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" ` +
                 `style="width:100%;max-width:${(W * 1.4).toFixed(0)}px;font-family:sans-serif">`,
                 text(W / 2, 16, "middle", 13, title),
                 `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#888"/>`,
                 `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#888"/>`];
  for (const x of [lo, (lo + hi) / 2, hi]) parts.push(text(X(x).toFixed(1), H - B + 14, "middle", 10, num(x)));
  for (const y of niceTicks(0, top)) parts.push(text(L - 4, (Y(y) + 3).toFixed(1), "end", 10, num(y)));
  parts.push(text(W - R, H - 4, "end", 11, esc(fill(v.text.hist_caption, stats))));
  density.forEach((d, i) => {
    const xa = X(lo + i * width), xb = X(lo + (i + 1) * width), y = Y(Math.min(d, top));
    parts.push(`<rect x="${xa.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(xb - xa - 0.5, 0.5).toFixed(1)}" ` +
               `height="${(H - B - y).toFixed(1)}" fill="${colors[0]}" fill-opacity="0.55"/>`);
  });
  const pts = normal.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ");
  parts.push(`<polyline points="${pts}" fill="none" stroke="${colors[1]}" stroke-width="2"/>`, v.chart.legend, "</svg>");
  return parts.join("");
}

// the schedule chart (drawn by the server once) with a dashed cursor at t (charts.add_cursor)
function scheduleChart(v) {
  const box = element.querySelector(".fv-sched");
  box.innerHTML = v.schedule_svg;
  const {w: W, h: H, pad: [L, R, T, B]} = v.chart;
  const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
  for (const [k, val] of [["y1", T], ["y2", H - B], ["stroke", "#111"], ["stroke-dasharray", "4 3"]]) line.setAttribute(k, val);
  box.querySelector("svg").appendChild(line);
  return t => {
    const x = (L + Math.min(Math.max(t, 0), v.t_max) / v.t_max * (W - L - R)).toFixed(1);
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
  };
}

function describe(v, t) {
  xCanvas.setAttribute("aria-label", fill(v.text.x_t_alt, {t, a: v.signal[t], b: v.noise[t]}));
}

function draw(t) {
  const v = view, stats = drawX(v, t);
  element.querySelector(".fv-bars").innerHTML = bars([[v.text.w_signal, v.signal[t]], [v.text.w_noise, v.noise[t]]], v.chart.colors);
  element.querySelector(".fv-hist").innerHTML = histogram(v, stats);
  v.cursor(t);
  shown = t;
  xCanvas.dataset.t = t;                             // what the canvas shows, for tests and bench/noise_tab.py
  xCanvas.dispatchEvent(new CustomEvent("dc-drawn", {bubbles: true, detail: {t}}));
}

function sliderT() {
  const input = document.querySelector(`${SLIDER} input[type=range]`);
  return input ? Number(input.value) : 0;
}

function clampT(value) {
  const t = Math.round(Number(value));
  return Number.isFinite(t) && view ? Math.min(Math.max(t, 0), view.t_max) : null;
}

function want(value) {          // draw t at the next frame (several input events in one frame draw once)
  const t = clampT(value);
  if (t === null) return;
  wanted = t;
  if (!frame) frame = requestAnimationFrame(() => {
    frame = 0;
    if (wanted !== shown) draw(wanted);
  });
}

function load(json) {
  if (!json) return;
  const v = decode(JSON.parse(json));
  v.xImg = picture(xCanvas, v.w, v.h);
  v.cursor = scheduleChart(v);
  element.querySelector(".fv-cap-x").textContent = v.text.x_t;
  element.querySelector(".fv-cap-n").textContent = v.text.noise_img;
  drawNoise(v);
  view = v;
  shown = -1;
  xCanvas.dataset.schedule = v.kind;
  const t = clampT(sliderT());
  draw(t);
  describe(v, t);
}

const inSlider = e => e.target instanceof HTMLInputElement && e.target.closest(SLIDER);
document.addEventListener("input", e => { if (inSlider(e)) want(e.target.value); }, true);
// "release": the native change event (pointer up, each key press) updates what a screen reader says
document.addEventListener("change", e => {
  const t = inSlider(e) ? clampT(e.target.value) : null;
  if (t !== null) { want(t); describe(view, t); }
}, true);
// PageUp / PageDown move t by 50 (a range input's own big step is a tenth of its range)
document.addEventListener("keydown", e => {
  if (!inSlider(e) || e.target.type !== "range" || (e.key !== "PageUp" && e.key !== "PageDown")) return;
  e.preventDefault();
  const r = e.target, next = Math.min(Math.max(Number(r.value) + (e.key === "PageUp" ? 50 : -50), Number(r.min)), Number(r.max));
  r.value = String(next);
  r.dispatchEvent(new Event("input", {bubbles: true}));
  r.dispatchEvent(new Event("change", {bubbles: true}));
}, true);
watch("value", () => load(props.value));
load(props.value);
