"""The Dye tab's pictures, drawn in the page: the drop at any time (its particles, the heat equation beside them,
the entropy cursor and the status) and the diffusion model's forward process on the same drop at any t, with no
server call while either slider moves.

Per drop (place, particles, seed) the server sends once: ``glass_payload``, the particles per cell of the 48 x 48
glass at every step 0 .. MAX_STEPS (``dye.film``; uint16 as a plane of low bytes and one of high bytes, deflated:
about 0.6 MB for 3000 particles) with the entropy at every step and the entropy chart; ``cloud_payload``, the
drop's 2000 points x_0 and their noise (float64) with sqrt(alpha_bar_k) and sqrt(1 - alpha_bar_k) for every k and
the circles behind them. dye_view.js and cloud_view.js draw ``dye.dye_picture``, ``dye.heat`` (its cosine series)
and ``render.points_picture``'s dots by the same float64 arithmetic, so the page shows what /drop_dye returns.
"""
from __future__ import annotations

import base64
import functools
import json
import zlib

import gradio as gr
import numpy as np

from diffusion_core.lessons import dye, points
from diffusion_core.lessons.forward import normal_curve, weight_tables
from diffusion_core.media.frames import encode_fast
from diffusion_core.media.render import points_picture
from diffusion_core.schedule import NoiseSchedule

from . import charts, page_view
from .i18n import tr

GLASS_JS = page_view.script("dye_view.js")
CLOUD_JS = page_view.script("cloud_view.js")
SCALE = 6                                   # a cell of the glass is SCALE x SCALE pixels (dye.dye_picture)
SIZE = dye.GRID * SCALE                     # the pictures are SIZE x SIZE pixels
CLOUD_EXTENT = 3.5                          # the forward-process picture shows [-3.5, 3.5]^2
HIST = {"bins": 40, "lo": -4.0, "hi": 4.0}  # the histogram of the points' x

GLASS_TEMPLATE = """
<div class="dv-pics dv-pair">
  <figure id="glass"><figcaption class="dv-cap-glass"></figcaption><canvas class="dv-glass" role="img" width="1" height="1"></canvas></figure>
  <figure><figcaption class="dv-cap-heat"></figcaption><canvas class="dv-heat" role="img" width="1" height="1"></canvas></figure>
</div>
<p class="dv-status" id="dye_status"></p>
<div class="dv-entropy"></div>
"""
CLOUD_TEMPLATE = """
<div class="dv-pics">
  <figure id="cloud"><figcaption class="dv-cap-cloud"></figcaption><canvas class="dv-cloud" role="img" width="1" height="1"></canvas></figure>
  <div class="dv-hist"></div>
</div>
"""
CSS = """
.dv-pics { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 8px; align-items: end; }
.dv-pair { grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); }   /* side by side on a phone too */
figure { margin: 0; min-width: 0; }
figcaption { font-size: 0.9em; margin-bottom: 4px; }
canvas { display: block; width: 100%; max-width: 320px; image-rendering: pixelated; }
canvas.dv-glass { cursor: crosshair; }
"""


def glass_view() -> gr.HTML:
    """The glass and the heat equation (elem_id "dye_view"; the glass's figure is "glass"); value: ``glass_payload``."""
    return gr.HTML(None, html_template=GLASS_TEMPLATE, css_template=CSS, js_on_load=GLASS_JS, elem_id="dye_view",
                   apply_default_css=False)


def cloud_view() -> gr.HTML:
    """The forward process on the drop and its histogram (elem_id "cloud_view"); value: ``cloud_payload``."""
    return gr.HTML(None, html_template=CLOUD_TEMPLATE, css_template=CSS, js_on_load=CLOUD_JS, elem_id="cloud_view",
                   apply_default_css=False)


def glass_payload(x: float, y: float, n: int, seed: int, lang: str) -> str:
    """The drop at (x, y) at every step, and what the page needs to draw it (JSON)."""
    f = dye.film(x, y, n, seed)
    planes = f.counts.astype("<u2").view(np.uint8).reshape(-1, 2).T          # [2, cells]: low bytes, high bytes
    every = 10
    ks = list(range(0, dye.MAX_STEPS + 1, every))
    chart = charts.line_chart(tr("dye_entropy_title", lang), ks, [(tr("dye_entropy", lang), f.entropy[ks].tolist())],
                              x_label=tr("dye_axis_time", lang), y_range=(0.0, 1.0))
    return json.dumps({
        "x": x, "y": y, "n": n, "steps": dye.MAX_STEPS, "grid": dye.GRID, "scale": SCALE,
        "counts": base64.b64encode(zlib.compress(planes.tobytes(), 6)).decode("ascii"),
        "entropy": page_view.b64(f.entropy, "<f8"),
        "water": list(dye.WATER), "dye": list(dye.DYE),
        "d_dt": dye.D_DT, "radius": dye.RADIUS, "modes": dye.HEAT_MODES,
        "chart_svg": chart, "chart": page_view.chart_geometry(),
        "text": {k: tr(k, lang) for k in ("dye_glass", "dye_heat", "dye_where")},
    }, separators=(",", ":"))


def cloud_payload(x: float, y: float, seed: int, schedule: NoiseSchedule, lang: str) -> str:
    """The drop as the model's data, its noise, and the weights at every t (JSON)."""
    x0 = dye.drop_in_data_scale(x, y, seed)
    signal, noise = weight_tables(schedule)
    return json.dumps({
        "t_max": schedule.num_steps, "size": SIZE, "extent": CLOUD_EXTENT, "color": list(dye.DYE),
        "x0": page_view.b64(x0, "<f8"), "eps": page_view.b64(points.forward_noise(x0.shape, seed), "<f8"),
        "signal": page_view.b64(signal, "<f8"), "noise": page_view.b64(noise, "<f8"),
        "background": cloud_background_url(),
        "hist": {**HIST, "normal": normal_curve(HIST["lo"], HIST["hi"])},
        "chart": {**page_view.chart_geometry(), "legend": charts.legend(["x", "N(0, 1)"])},
        "text": {k: tr(k, lang) for k in ("model_cloud", "model_hist", "cloud_alt")},
    }, separators=(",", ":"))


@functools.lru_cache(maxsize=1)
def cloud_background_url() -> str:
    """The forward-process picture without its points, water and the 1- and 2-sigma circles, as a data URL
    (lossless WebP: the page's pixels are the server's)."""
    still = points_picture(np.zeros((0, 2)), extent=CLOUD_EXTENT, size=SIZE, unit_circle=True)
    return "data:image/webp;base64," + base64.b64encode(encode_fast(still)).decode("ascii")


def cloud_picture(x: float, y: float, k: int, seed: int, schedule: NoiseSchedule) -> tuple[np.ndarray, np.ndarray]:
    """The server's picture of the forward process at k (the /drop_dye and /model_dye APIs), and the points' x."""
    pts = points.forward_points(dye.drop_in_data_scale(x, y, seed), k, schedule, seed)
    return points_picture(pts, extent=CLOUD_EXTENT, size=SIZE, unit_circle=True), pts[:, 0]
