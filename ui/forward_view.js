// The Add-noise tab's forward view, drawn in the page (gr.HTML js_on_load: `element`, `props`, `watch`).
// From x0 and the noise sent once (ui/forward_view.py), every t is one multiply-add per pixel:
//   x_t = sqrt(ab_t) * x0 + sqrt(1 - ab_t) * eps                       (Ho et al. eq. 4)
// done in float32 (Math.fround) step by step as diffusion_core.lessons.forward.noisy_view does, so the canvas holds the
// server's picture exactly. The slider's `input` events draw; no server call is made while it moves.
const f32 = Math.fround;
const SLIDER = "#t_slider";
const xCanvas = element.querySelector("canvas.fv-x"), nCanvas = element.querySelector("canvas.fv-n");
let view = null;          // the decoded payload
let shown = -1;           // the t on the canvas

// the stored u8 picture of a float32 value v in [lo, hi]: forward._u8 (scale, + 0.5, clip, truncate)
function u8(v, lo, scale) {
  const u = f32(f32(f32(v - lo) * scale) + 0.5);
  return u <= 0 ? 0 : u >= 255 ? 255 : u | 0;
}

function decode(p) {
  const n = p.w * p.h * 3, codes = new Int16Array(bytes(p.eps).buffer), eps = new Float32Array(n), unit = f32(1 / p.eps_scale);
  for (let i = 0; i < n; i++) eps[i] = f32(codes[i] * unit);          // int16 code -> eps (exact: a power of two)
  return {...p, x0: bytes(p.x0), eps, signal: new Float64Array(bytes(p.signal).buffer),
          noise: new Float64Array(bytes(p.noise).buffer), counts: new Float64Array(p.hist.bins),
          x: new Float32Array(n), signalOf: new Float32Array(256)};
}

function drawNoise(v) {
  const {ctx, img} = picture(nCanvas, v.w, v.h), out = img.data, scale = f32(255 / 6);
  for (let p = 0, i = 0; i < v.eps.length; p += 4) {
    for (let c = 0; c < 3; c++, i++) out[p + c] = u8(v.eps[i], -3, scale);    // eps shown from -3 to 3
  }
  ctx.putImageData(img, 0, 0);
  nCanvas.setAttribute("aria-label", v.text.noise_alt);
}

// x_t into the canvas; its values stay in v.x for the charts. x0 holds 256 grey levels, so sqrt(ab_t) * x0 is a
// table of 256 values (x0 = level / 127.5 - 1, in float32). A pixel is written as one 32-bit word (RGBA in memory
// order on a little-endian machine, as every browser's is): a tenth less time than three byte writes.
function drawX(v, t) {
  const a = f32(v.signal[t]), b = f32(v.noise[t]), out = v.xImg.words, {x0, eps, x, signalOf} = v, toX = f32(1 / 127.5);
  for (let k = 0; k < 256; k++) signalOf[k] = f32(f32(f32(k * toX) - 1) * a);
  for (let p = 0, i = 0; p < out.length; p++, i += 3) {
    const r = f32(signalOf[x0[i]] + f32(b * eps[i]));
    const g = f32(signalOf[x0[i + 1]] + f32(b * eps[i + 1]));
    const bl = f32(signalOf[x0[i + 2]] + f32(b * eps[i + 2]));
    x[i] = r;
    x[i + 1] = g;
    x[i + 2] = bl;
    out[p] = 0xff000000 | (u8(bl, -1, 127.5) << 16) | (u8(g, -1, 127.5) << 8) | u8(r, -1, 127.5);
  }
  v.xImg.ctx.putImageData(v.xImg.img, 0, 0);
}

// x_t's value histogram (forward.density_histogram) into v.counts; returns {mean, std} of x_t
function histogramOf(v) {
  const {x, counts} = v, {bins, lo, hi} = v.hist, perBin = f32(1 / ((hi - lo) / bins));
  counts.fill(0);
  let sum = 0, sq = 0;
  for (let i = 0; i < x.length; i++) {
    const value = x[i], pos = f32(f32(value - lo) * perBin);
    if (pos >= 0 && pos <= bins) counts[Math.min(Math.floor(pos), bins - 1)]++;
    sum += value;
    sq += value * value;
  }
  const mean = sum / x.length;
  return {mean, std: Math.sqrt(Math.max(sq / x.length - mean * mean, 0))};
}

// charts.weight_bars, built once into `box`; returns update(values): each bar's length and number
function weightBars(box, labels, colors) {
  box.innerHTML = labels.map((label, i) =>
    `<div style="display:flex;align-items:center;gap:8px;margin:4px 0">` +
    `<span style="width:9.5em;font-size:0.9em">${esc(label)}</span>` +
    `<span style="flex:1;background:#8882;border-radius:4px;height:14px">` +
    `<span style="display:block;width:0%;height:14px;background:${colors[i]};border-radius:4px"></span></span>` +
    `<code style="width:4.5em;text-align:right"></code></div>`).join("");
  const rows = Array.from(box.children, row => [row.children[1].firstElementChild, row.querySelector("code")]);
  return values => values.forEach((value, i) => {
    rows[i][0].style.width = `${(Math.max(0, Math.min(1, value)) * 100).toFixed(1)}%`;
    rows[i][1].textContent = value.toFixed(4);
  });
}

function describe(v, t) {
  xCanvas.setAttribute("aria-label", fill(v.text.x_t_alt, {t, a: v.signal[t], b: v.noise[t]}));
}

// The picture now; its weights, histogram and schedule cursor once that frame is on screen (one frame later)
function draw(t, inFrame = false) {
  const start = performance.now(), v = view;
  drawX(v, t);
  shown = t;
  xCanvas.dataset.t = t;                             // what the canvas shows, for tests and bench/noise_tab.py
  xCanvas.dataset.drawMs = (performance.now() - start).toFixed(2);   // this frame's own work, for bench/noise_tab.py
  xCanvas.dispatchEvent(new CustomEvent("dc-drawn", {bubbles: true, detail: {t}}));
  afterFrame(() => drawCharts(v, t), inFrame);
}

function drawCharts(v, t) {
  if (v !== view || t !== shown) return;             // a newer picture came: its own charts follow it
  v.bars([v.signal[t], v.noise[t]]);
  v.hist_chart(v.counts, fill(v.text.hist_caption, histogramOf(v)));
  v.cursor(t);
  xCanvas.dataset.chartsT = t;                       // the t the charts show
}

function load(json) {
  if (!json) return;
  const v = decode(JSON.parse(json));
  v.xImg = picture(xCanvas, v.w, v.h);
  v.xImg.words = new Uint32Array(v.xImg.img.data.buffer);
  v.bars = weightBars(element.querySelector(".fv-bars"), [v.text.w_signal, v.text.w_noise], v.chart.colors);
  v.hist_chart = histogramChart(element.querySelector(".fv-hist"), v.chart, v.hist, v.text.hist_title);
  v.cursor = chartCursor(element.querySelector(".fv-sched"), v.schedule_svg, v.chart, 0, v.t_max);
  element.querySelector(".fv-cap-x").textContent = v.text.x_t;
  element.querySelector(".fv-cap-n").textContent = v.text.noise_img;
  drawNoise(v);
  view = v;
  shown = -1;
  xCanvas.dataset.schedule = v.kind;
  // what the view holds (for bench/noise_tab.py): its arrays, both canvases' pixels (and their backing stores)
  // and the payload's text, which Gradio keeps as the component's value
  const arrays = [v.x0, v.eps, v.x, v.signal, v.noise, v.counts, v.xImg.img.data];
  xCanvas.dataset.bytes = arrays.reduce((s, a) => s + a.byteLength, 0) + 3 * 4 * v.w * v.h + json.length;
  show();
}

const show = slidingView(SLIDER, () => view?.t_max, draw, t => describe(view, t));
watch("value", () => load(props.value));
load(props.value);
