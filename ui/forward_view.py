"""The Add-noise tab's forward view, drawn in the browser: x_t, the noise, the two weights, the histogram of x_t
against N(0, 1) and the schedule cursor at any t, with no server call while the slider moves.

The server sends x_0 (uint8), the noise (int16 codes, ``forward.display_noise``) and sqrt(alpha_bar_k),
sqrt(1 - alpha_bar_k) for every k once per photo, seed and schedule; forward_view.js mixes
x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps by the same float32 steps as ``forward.noisy_view``,
so the page shows the server's picture (the /noisy_view API) pixel for pixel.
"""
from __future__ import annotations

import json

import gradio as gr
import numpy as np

from diffusion_core.lessons import forward
from diffusion_core.schedule import NoiseSchedule

from . import charts, page_view
from .i18n import tr

BINS, LO, HI = 48, -4.0, 4.0               # the histogram's bins, as forward.noisy_view's defaults
JS = page_view.script("forward_view.js")
TEXT_KEYS = ("x_t", "noise_img", "w_signal", "w_noise", "hist_title", "hist_data", "hist_normal", "hist_caption",
             "x_t_alt", "noise_alt")

TEMPLATE = """
<div class="fv-pics">
  <figure><figcaption class="fv-cap-x"></figcaption><canvas class="fv-x" role="img" width="1" height="1"></canvas></figure>
  <figure><figcaption class="fv-cap-n"></figcaption><canvas class="fv-n" role="img" width="1" height="1"></canvas></figure>
</div>
<div class="fv-bars"></div>
<div class="fv-charts"><div id="hist" class="fv-hist"></div><div class="fv-sched"></div></div>
"""

CSS = """
.fv-pics { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 8px; }   /* one above the other on a phone */
figure { margin: 0; min-width: 0; }
figcaption { font-size: 0.9em; margin-bottom: 4px; }
canvas { display: block; width: 100%; max-height: 280px; object-fit: contain; image-rendering: pixelated; }
.fv-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 8px; }
"""


def component() -> gr.HTML:
    """The canvas view (elem_id "x_t": the tests find the x_t canvas in it); its value is a ``payload``."""
    return gr.HTML(None, html_template=TEMPLATE, css_template=CSS, js_on_load=JS, elem_id="x_t",
                   apply_default_css=False)


def payload(image_u8: np.ndarray, schedule: NoiseSchedule, seed: int, schedule_svg: str, lang: str) -> str:
    """Everything the page needs to draw the view at any t (JSON; about 0.8 MB for a 256 x 256 photo)."""
    h, w, _ = image_u8.shape
    codes, _, _ = forward.display_noise(tuple(image_u8.shape), int(seed))
    signal, noise = forward.weight_tables(schedule)
    return json.dumps({
        "w": w, "h": h, "t_max": schedule.num_steps, "kind": schedule.kind,
        "x0": page_view.b64(image_u8, "u1"), "eps": page_view.b64(codes, "<i2"), "eps_scale": forward.EPS_SCALE,
        "signal": page_view.b64(signal, "<f8"), "noise": page_view.b64(noise, "<f8"),
        "hist": {"bins": BINS, "lo": LO, "hi": HI, "normal": forward.normal_curve(LO, HI)},
        "chart": {**page_view.chart_geometry(), "legend": charts.legend([tr("hist_data", lang), tr("hist_normal", lang)])},
        "schedule_svg": schedule_svg,
        "text": {k: tr(k, lang) for k in TEXT_KEYS},
    }, separators=(",", ":"))
