// The Dye tab's second picture, drawn in the page: the diffusion model's forward process on the same drop.
// From the drop's points x0 and their noise eps sent once (ui/dye_view.py), any t is one multiply-add per point,
//   x_t = sqrt(ab_t) * x0 + sqrt(1 - ab_t) * eps                       (Ho et al. eq. 4)
// in float64 as diffusion_core.lessons.points.forward_points, drawn as render.points_picture's 2 x 2 dots over the circles
// the server drew once, with the histogram of their x against N(0, 1). No server call while the slider moves.
const SLIDER = "#model_t";
const canvas = element.querySelector("canvas.dv-cloud");
let view = null;
let shown = -1;

function decode(p) {
  const f64 = b64 => new Float64Array(bytes(b64).buffer);
  return {...p, x0: f64(p.x0), eps: f64(p.eps), signal: f64(p.signal), noise: f64(p.noise),
          counts: new Float64Array(p.hist.bins), cloud: picture(canvas, p.size, p.size)};
}

// render._dots: a 2 x 2 dot at each point of [-extent, extent]^2 inside the picture; forward.density_histogram of x
function draw(t, inFrame = false) {
  const v = view, {size, extent, color, x0, eps, counts} = v, out = v.cloud.img.data, a = v.signal[t], b = v.noise[t];
  const {bins, lo, hi} = v.hist, perBin = 1.0 / ((hi - lo) / bins);
  out.set(v.background);
  counts.fill(0);
  for (let i = 0; i < x0.length; i += 2) {
    const px = a * x0[i] + b * eps[i], py = a * x0[i + 1] + b * eps[i + 1];
    const pos = (px - lo) * perBin;
    if (pos >= 0 && pos <= bins) counts[Math.min(Math.floor(pos), bins - 1)]++;
    const x = (px + extent) / (2 * extent) * (size - 1), y = (extent - py) / (2 * extent) * (size - 1);
    if (!(x >= 0 && x < size - 1 && y >= 0 && y < size - 1)) continue;
    const xi = Math.trunc(x), yi = Math.trunc(y);
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      const p = ((yi + dy) * size + xi + dx) * 4;
      out[p] = color[0]; out[p + 1] = color[1]; out[p + 2] = color[2];
    }
  }
  v.cloud.ctx.putImageData(v.cloud.img, 0, 0);
  shown = t;
  canvas.dataset.t = t;
  canvas.dispatchEvent(new CustomEvent("dc-drawn", {bubbles: true, detail: {t}}));
  afterFrame(() => {                                 // the histogram once the dots are on screen
    if (v !== view || t !== shown) return;
    v.hist_chart(counts, `t = ${t}`);
    canvas.dataset.chartsT = t;
  }, inFrame);
}

function describe(v, t) {
  canvas.setAttribute("aria-label", fill(v.text.cloud_alt, {t, a: v.signal[t], b: v.noise[t]}));
}

async function load(json) {
  if (!json) return;
  const v = decode(JSON.parse(json));
  const img = new Image();                          // the water and the circles, drawn by the server once
  img.src = v.background;
  await img.decode();
  v.cloud.ctx.drawImage(img, 0, 0);
  v.background = v.cloud.ctx.getImageData(0, 0, v.size, v.size).data.slice();
  element.querySelector(".dv-cap-cloud").textContent = v.text.model_cloud;
  v.hist_chart = histogramChart(element.querySelector(".dv-hist"), v.chart, v.hist, v.text.model_hist);
  view = v;
  show();
}

const show = slidingView(SLIDER, () => view?.t_max, draw, t => describe(view, t));
watch("value", () => load(props.value));
load(props.value);
