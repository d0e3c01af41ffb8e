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

function describe(v, t) {
  xCanvas.setAttribute("aria-label", fill(v.text.x_t_alt, {t, a: v.signal[t], b: v.noise[t]}));
}

function draw(t) {
  const v = view, stats = drawX(v, t);
  element.querySelector(".fv-bars").innerHTML = bars([[v.text.w_signal, v.signal[t]], [v.text.w_noise, v.noise[t]]], v.chart.colors);
  element.querySelector(".fv-hist").innerHTML = histogram(v.chart, v.hist, v.counts, v.text.hist_title,
                                                            fill(v.text.hist_caption, stats));
  v.cursor(t);
  shown = t;
  xCanvas.dataset.t = t;                             // what the canvas shows, for tests and bench/noise_tab.py
  xCanvas.dispatchEvent(new CustomEvent("dc-drawn", {bubbles: true, detail: {t}}));
}

function load(json) {
  if (!json) return;
  const v = decode(JSON.parse(json));
  v.xImg = picture(xCanvas, v.w, v.h);
  v.cursor = chartCursor(element.querySelector(".fv-sched"), v.schedule_svg, v.chart, 0, v.t_max);
  element.querySelector(".fv-cap-x").textContent = v.text.x_t;
  element.querySelector(".fv-cap-n").textContent = v.text.noise_img;
  drawNoise(v);
  view = v;
  shown = -1;
  xCanvas.dataset.schedule = v.kind;
  // what the view holds (for bench/noise_tab.py): its arrays, both canvases' pixels (and their backing stores)
  // and the payload's text, which Gradio keeps as the component's value
  const arrays = [v.x0, v.eps, v.signal, v.noise, v.counts, v.xImg.img.data];
  xCanvas.dataset.bytes = arrays.reduce((s, a) => s + a.byteLength, 0) + 3 * 4 * v.w * v.h + json.length;
  const t = clampStep(sliderT(), v.t_max);
  draw(t);
  describe(v, t);
}

const sliderT = followSlider(SLIDER, t => {
  const k = clampStep(t, view?.t_max);
  if (k !== null && k !== shown) draw(k);
}, t => {
  const k = clampStep(t, view?.t_max);
  if (k !== null) describe(view, k);
});
watch("value", () => load(props.value));
load(props.value);
