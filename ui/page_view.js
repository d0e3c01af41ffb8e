// Helpers shared by the views the page draws itself (forward_view.js, dye_view.js): the server's chart layout
// (ui/charts.py) and its format strings, in JavaScript, and the slider a view follows. Prepended to each view's script.

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})[c]);
}

// "mean {mean:.3f}" -> "mean 0.123": the server's format strings, filled in here
function fill(tpl, vals) {
  return tpl.replace(/\{(\w+)(?::\.(\d+)f)?\}/g, (m, k, d) => d === undefined ? String(vals[k]) : vals[k].toFixed(+d));
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

// charts.histogram, built once into `box` and then updated in place (a frame changes the bars' heights, the y
// ticks and the caption, not the chart): density bars of `counts` (bins over [lo, hi]) with the N(0, 1) curve over
// them, in the server's layout. `chart`: {w, h, pad: [L, R, T, B], colors, legend}; `hist`: {bins, lo, hi,
// normal: [[x, pdf], ...]}. Returns update(counts, caption).
function histogramChart(box, chart, hist, title) {
  const {w: W, h: H, pad: [L, R, T, B], colors} = chart, {bins, lo, hi, normal} = hist, width = (hi - lo) / bins;
  const X = x => L + (x - lo) / (hi - lo) * (W - L - R);
  const text = (x, y, anchor, size, s) =>
    `<text x="${x}" y="${y}"${anchor ? ` text-anchor="${anchor}"` : ""} font-size="${size}" fill="currentColor">${s}</text>`;
  const rects = Array.from({length: bins}, (_, i) => {
    const xa = X(lo + i * width), xb = X(lo + (i + 1) * width);
    return `<rect x="${xa.toFixed(1)}" y="${H - B}" width="${Math.max(xb - xa - 0.5, 0.5).toFixed(1)}" height="0" ` +
           `fill="${colors[0]}" fill-opacity="0.55"/>`;
  });
  box.innerHTML = [`<svg viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" ` +
                   `style="width:100%;max-width:${(W * 1.4).toFixed(0)}px;font-family:Arial, Helvetica, &quot;DejaVu Sans&quot;, &quot;Noto Sans&quot;, sans-serif">`,
                   text(W / 2, 16, "middle", 13, esc(title)),
                   `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#888"/>`,
                   `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#888"/>`,
                   ...[lo, (lo + hi) / 2, hi].map(x => text(X(x).toFixed(1), H - B + 14, "middle", 10, num(x))),
                   `<g class="hc-y"></g>`, text(W - R, H - 4, "end", 11, ""), `<g class="hc-bars">${rects.join("")}</g>`,
                   `<polyline fill="none" stroke="${colors[1]}" stroke-width="2"/>`, chart.legend, "</svg>"].join("");
  const svg = box.querySelector("svg"), ticks = svg.querySelector(".hc-y"), caption = ticks.nextElementSibling;
  const bars = Array.from(svg.querySelectorAll(".hc-bars rect")), curve = svg.querySelector("polyline");
  let shownTop = null;
  return (counts, label) => {
    const total = counts.reduce((s, c) => s + c, 0);
    const density = Array.from(counts, c => c / Math.max(total, 1) / width);
    const top = Math.max(0.45, Math.max(...density) * 1.1), Y = y => H - B - y / top * (H - T - B);
    if (top !== shownTop) {                          // the y scale moved: its ticks and the N(0, 1) curve with it
      shownTop = top;
      ticks.innerHTML = niceTicks(0, top).map(y => text(L - 4, (Y(y) + 3).toFixed(1), "end", 10, num(y))).join("");
      curve.setAttribute("points", normal.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" "));
    }
    density.forEach((d, i) => {
      const y = Y(Math.min(d, top));
      bars[i].setAttribute("y", y.toFixed(1));
      bars[i].setAttribute("height", (H - B - y).toFixed(1));
    });
    caption.textContent = label;
  };
}

// A chart drawn by the server once (`svg`, x from `lo` to `hi`) put into `box`, with a dashed cursor
// (charts.add_cursor); returns the function that moves the cursor to x.
function chartCursor(box, svg, chart, lo, hi) {
  box.innerHTML = svg;
  const {w: W, h: H, pad: [L, R, T, B]} = chart;
  const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
  for (const [k, val] of [["y1", T], ["y2", H - B], ["stroke", "#111"], ["stroke-dasharray", "4 3"]]) line.setAttribute(k, val);
  box.querySelector("svg").appendChild(line);
  return x => {
    const px = (L + (Math.min(Math.max(x, lo), hi) - lo) / (hi - lo) * (W - L - R)).toFixed(1);
    line.setAttribute("x1", px);
    line.setAttribute("x2", px);
  };
}

// A canvas sized w x h pixels (scaled by CSS) with an opaque ImageData to draw into
function picture(canvas, w, h) {
  canvas.width = w;
  canvas.height = h;
  canvas.style.aspectRatio = `${w} / ${h}`;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const img = ctx.createImageData(w, h);
  img.data.fill(255);                                // alpha
  return {ctx, img};
}

function bytes(b64) {
  const s = atob(b64), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// The Gradio slider `selector` (its elem_id, "#...") drives a view with no server call: `show(value, inFrame)` while
// it moves, `release(value)` when it is let go (pointer up, each key press: e.g. what a screen reader says);
// PageUp / PageDown move it by `big` (a range input's own big step is a tenth of its range). A move after a quiet
// frame is drawn at once, in its own event (on screen at the next frame, not the one after); moves that follow
// within a frame wait for the next frame's animation callback (inFrame = true) and only the newest is drawn: at
// most one drawing a frame. Returns a function that reads the slider's value now.
function followSlider(selector, show, release, big = 50) {
  let busy = false, wanted = null;
  const inSlider = e => e.target instanceof HTMLInputElement && e.target.closest(selector);
  const nextFrame = () => requestAnimationFrame(() => {
    if (wanted === null) { busy = false; return; }
    const value = wanted;
    wanted = null;
    show(value, true);
    nextFrame();
  });
  const want = value => {
    if (busy) { wanted = value; return; }
    busy = true;
    show(value, false);
    nextFrame();
  };
  document.addEventListener("input", e => { if (inSlider(e)) want(Number(e.target.value)); }, true);
  document.addEventListener("change", e => {
    if (inSlider(e)) { want(Number(e.target.value)); release(Number(e.target.value)); }
  }, true);
  document.addEventListener("keydown", e => {
    if (!inSlider(e) || e.target.type !== "range" || (e.key !== "PageUp" && e.key !== "PageDown")) return;
    e.preventDefault();
    const r = e.target, step = e.key === "PageUp" ? big : -big;
    r.value = String(Math.min(Math.max(Number(r.value) + step, Number(r.min)), Number(r.max)));
    r.dispatchEvent(new Event("input", {bubbles: true}));
    r.dispatchEvent(new Event("change", {bubbles: true}));
  }, true);
  return () => {
    const input = document.querySelector(`${selector} input[type=range]`);
    return input ? Number(input.value) : 0;
  };
}

// A view that the slider `selector` drives (followSlider): while it moves, `draw(step, inFrame)` the step it is at,
// unless that step is drawn already; when it is let go, `describe(step)` for screen readers. `last()`: the view's
// last step (undefined until its data came). Returns show(): draw and describe the step the slider is at now, for
// a view that has just received new data.
function slidingView(selector, last, draw, describe) {
  let drawn = null;
  const stepOf = t => clampStep(t, last());
  const value = followSlider(selector, (t, inFrame) => {
    const k = stepOf(t);
    if (k !== null && k !== drawn) {
      drawn = k;
      draw(k, inFrame);
    }
  }, t => {
    const k = stepOf(t);
    if (k !== null) describe(k);
  });
  return () => {
    const k = stepOf(value());
    if (k === null) return;
    drawn = k;
    draw(k, false);
    describe(k);
  };
}

// `fn` once a frame is on screen: the one being made when `inFrame` (called from a frame's animation callback),
// else the next. (A task queued in the animation callbacks runs after that frame's rendering.)
function afterFrame(fn, inFrame) {
  const queue = () => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => fn();
    channel.port2.postMessage(0);
  };
  if (inFrame) queue();
  else requestAnimationFrame(queue);
}

// A whole step in [0, max], or null (not a number, or no data yet)
function clampStep(value, max) {
  const t = Math.round(Number(value));
  return Number.isFinite(t) && max !== undefined ? Math.min(Math.max(t, 0), max) : null;
}
