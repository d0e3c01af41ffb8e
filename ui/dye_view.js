// The Dye tab's glass, drawn in the page (gr.HTML js_on_load: `element`, `props`, `watch`, `trigger`).
// The server sends one drop's film once (ui/dye_view.py): the particles per cell of the 48 x 48 glass at every
// step. Any time on the slider is then a lookup, drawn as dye.dye_picture draws it, with the heat equation's
// closed form (dye.heat) beside it; no server call is made while the slider moves. A click on the glass asks the
// server for a new drop (the `click` event, with the place in glass units).
const SLIDER = "#dye_t";
const gCanvas = element.querySelector("canvas.dv-glass"), hCanvas = element.querySelector("canvas.dv-heat");
let view = null;          // the decoded film
let shown = -1;           // the time on the canvas

async function inflate(b64) {             // zlib-deflated bytes (the browser's own DecompressionStream)
  const stream = new Blob([bytes(b64)]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function decode(p) {
  const planes = await inflate(p.counts), cells = p.grid * p.grid, n = planes.length / 2;
  const counts = new Uint16Array(n);                  // low bytes, then high bytes
  for (let i = 0; i < n; i++) counts[i] = planes[i] | (planes[n + i] << 8);
  return {...p, counts, cells, entropy: new Float64Array(bytes(p.entropy).buffer),
          glass: picture(gCanvas, p.grid * p.scale, p.grid * p.scale), heat: picture(hCanvas, p.grid * p.scale, p.grid * p.scale)};
}

// dye.dye_picture: level = (c / max c) ^ 0.6 mixes water into dye, each cell a scale x scale block
function paint(target, c, v) {
  const {grid, scale, water, dye} = v, out = target.img.data, width = grid * scale;
  let top = 0;
  for (let i = 0; i < c.length; i++) top = Math.max(top, c[i]);
  top = Math.max(top, 1e-12);
  for (let i = 0; i < c.length; i++) {
    const level = Math.min(Math.max(c[i] / top, 0), 1) ** 0.6;
    const rgb = [0, 1, 2].map(k => Math.trunc(water[k] * (1 - level) + dye[k] * level));
    const row = Math.floor(i / grid) * scale, col = (i % grid) * scale;
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const p = ((row + dy) * width + col + dx) * 4;
        out[p] = rgb[0]; out[p + 1] = rgb[1]; out[p + 2] = rgb[2];
      }
    }
  }
  target.ctx.putImageData(target.img, 0, 0);
}

// dye.heat: with insulating walls the heat equation from the blob is a cosine series, separable in x and y:
// f(u) = 1 + 2 sum_n cos(n pi u0) cos(n pi u) exp(-n^2 pi^2 (D t + r^2 / 2)), c = f_y(y) f_x(x)
function heat(v, t) {
  const {grid, modes, d_dt, radius, x, y} = v, u = i => (i + 0.5) / grid;
  const decay = Array.from({length: modes}, (_, m) => Math.exp(-(((m + 1) * Math.PI) ** 2) * (d_dt * t + radius ** 2 / 2)));
  const f = u0 => Array.from({length: grid}, (_, i) => {
    let s = 0;
    for (let m = 0; m < modes; m++) s += Math.cos((m + 1) * Math.PI * u0) * Math.cos((m + 1) * Math.PI * u(i)) * decay[m];
    return 1 + 2 * s;
  });
  const fx = f(x), fy = f(y).reverse(), c = new Float64Array(grid * grid);    // row 0 is the top of the glass
  for (let r = 0; r < grid; r++) for (let k = 0; k < grid; k++) c[r * grid + k] = Math.max(fy[r] * fx[k], 0);
  return c;
}

function status(v, t) {
  return fill(v.text.dye_where, {x: v.x, y: v.y, t, h: v.entropy[t]});
}

// The glass now; the heat equation's picture, the entropy cursor and the status once that frame is on screen
function draw(t, inFrame = false) {
  const v = view, frame = v.counts.subarray(t * v.cells, (t + 1) * v.cells);
  paint(v.glass, Float64Array.from(frame, c => c / v.n), v);
  shown = t;
  gCanvas.dataset.t = t;                             // what the canvas shows, for tests and benches
  gCanvas.dispatchEvent(new CustomEvent("dc-drawn", {bubbles: true, detail: {t}}));
  afterFrame(() => {
    if (v !== view || t !== shown) return;           // a newer glass came: its own follow it
    paint(v.heat, heat(v, t), v);
    v.cursor(t);
    element.querySelector(".dv-status").textContent = status(v, t);
    gCanvas.dataset.chartsT = t;                     // the t the heat picture, cursor and status show
  }, inFrame);
}

function describe(v, t) {
  gCanvas.setAttribute("aria-label", `${v.text.dye_glass}: ${status(v, t)}`);
  hCanvas.setAttribute("aria-label", `${v.text.dye_heat}: ${status(v, t)}`);
}

let loading = 0;
async function load(json) {
  if (!json) return;
  const mine = ++loading, v = await decode(JSON.parse(json));
  if (mine !== loading) return;                     // a newer drop arrived while this one decoded
  v.cursor = chartCursor(element.querySelector(".dv-entropy"), v.chart_svg, v.chart, 0, v.steps);
  element.querySelector(".dv-cap-glass").textContent = v.text.dye_glass;
  element.querySelector(".dv-cap-heat").textContent = v.text.dye_heat;
  view = v;
  show();
}

const show = slidingView(SLIDER, () => view?.steps, draw, t => describe(view, t));
gCanvas.addEventListener("click", e => {             // a drop where the glass was clicked: x right, y up, in [0, 1]
  const r = gCanvas.getBoundingClientRect();
  trigger("click", {x: (e.clientX - r.left) / r.width, y: 1 - (e.clientY - r.top) / r.height});
});
watch("value", () => load(props.value));
load(props.value);
