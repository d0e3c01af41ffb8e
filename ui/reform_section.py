"""Add-noise tab, last section: reform a dissolved photo with the record and with the photos model, and zoom in."""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr
import numpy as np

from diffusion_core.lessons import detail
from diffusion_core.lessons.reform import MAX_REFORM_STEPS, matching_step, reform_pair

from . import validate
from .components import FastImage, described_by, RawSlider
from .context import AppContext, bound
from .i18n import T, in_every_language, lang_of, tr
from .noise_args import check_image_state, common_args
from .pools import LIGHT, MODEL, JobSize, gated

# t = 450: the model still keeps the photo's layout, and in the zoomed square its reform has clearly more fine detail
# than its one-jump guess (25 steps, seed 0: the default photo 1.38x, the held-out cat 1.59x; at the tab's t = 250
# only 1.06x and 1.16x, too alike to see; 400: 1.25x and 1.45x)
DEFAULT_T = 450


def views(pictures: tuple[np.ndarray, ...], box: tuple[int, int]) -> list[np.ndarray]:
    """The pictures (record, model, guess) with the zoomed square outlined, then the square of each, enlarged."""
    return [detail.outline(p, box) for p in pictures] + [detail.zoom(p, box) for p in pictures]


def reform(ctx: AppContext, image: Any, t_val: Any, kind_val: Any, seed_val: Any, steps_val: Any,
           request: gr.Request) -> Iterator[tuple]:
    """Dissolve the photo to t, then reform it three ways (record, photos model, one-jump guess), streamed."""
    lang = lang_of(request)
    k, schedule, s = common_args(t_val, kind_val, seed_val, lang, ctx)
    n = validate.number(steps_val, "rf_steps_name", 1, MAX_REFORM_STEPS, lang)
    model = ctx.models["photos"]
    note = ""
    if schedule.kind != model.schedule.kind:
        note = " " + tr("rf_cosine", lang, km=matching_step(schedule, k, model.schedule))
    photo = check_image_state(image, ctx)
    box = detail.busiest_box(photo)                        # where the photo has the most fine detail
    for f in reform_pair(model, model.schedule, photo, k, schedule, s, n, model.device,
                         mirrors=model.options.mirrors):
        if f.model_scores is None:
            yield *views((f.record, f.model, f.guess), box), tr("rf_progress", lang, pct=100 * f.done), None
        else:
            r, m, g = f.record_scores, f.model_scores, f.guess_scores
            pr = "∞" if r.psnr == float("inf") else f"{r.psnr:.1f}"
            text = tr("rf_scores", lang, pr=pr, sr=r.ssim, pm=m.psnr, sm=m.ssim, pg=g.psnr, sg=g.ssim, k=k)
            text += note + detail_note(f.model, f.guess, box, lang)
            yield *views((f.record, f.model, f.guess), box), text, (f.record, f.model, f.guess)


def move_box(last: Any, evt: gr.SelectData) -> tuple:
    """A click on a picture moves the zoomed square there (after a reform)."""
    if not isinstance(last, tuple) or not isinstance(evt.index, (list, tuple)) or len(evt.index) != 2:
        return (gr.skip(),) * 6
    x, y = (float(v) if isinstance(v, (int, float)) and np.isfinite(v) else 0.0 for v in evt.index)
    return tuple(views(last, detail.box_around(last[0].shape, x, y)))


def build(ctx: AppContext, image_state: gr.State, kind: gr.Radio, seed: gr.Number) -> None:
    """Lay out the section under the record film and wire it to the tab's photo, schedule and seed."""
    gr.Markdown(T("rf_title"))
    if "photos" not in ctx.models:
        gr.Markdown(in_every_language("rf_unavailable", why=ctx.model_errors.get("photos", "?")))
        return
    shown = gr.State(None, time_to_live=7200)                 # the last reform's (record, model, guess), unmarked
    with gr.Row():
        t = RawSlider(0, 1000, value=DEFAULT_T, step=1, label=T("rf_t"), info=T("rf_t_info"), elem_id="rf_t")
        steps = RawSlider(1, MAX_REFORM_STEPS, value=25, step=1, label=T("rf_steps"))
        go = gr.Button(T("rf_btn"), variant="primary", elem_id="rf_go")
    with gr.Row():
        pictures = [FastImage(label=T(k), format="png", height=260, interactive=False, elem_id=k,
                              elem_classes=[described_by("rf_result")])
                    for k in ("rf_record", "rf_model", "rf_guess")]
    gr.Markdown(T("rf_zoom_head"))
    with gr.Row():                          # side by side even on a phone (min_width): the point is to compare them
        zooms = [FastImage(label=T(k), format="png", height=260, interactive=False, elem_id=k, min_width=96,
                           elem_classes=["pixelated", described_by("rf_result")]) for k in ("rf_zoom_record", "rf_zoom_model", "rf_zoom_guess")]
    result = gr.Markdown(elem_id="rf_result")
    gr.Markdown(T("rf_caption"))

    outputs = pictures + zooms
    # the model's steps: at most the steps asked for, and at most t (reform_pair); ~0.2-0.3 s each at 256 x 256
    model_steps = JobSize(lambda image, t, kind, seed, steps, *rest: min(float(steps), float(t)), 0.3)
    go.click(gated(ctx.gate, bound(reform, ctx), model_steps), [image_state, t, kind, seed, steps], outputs + [result, shown],
             api_name="reform_photo", **MODEL)
    for picture in pictures:
        picture.select(move_box, [shown], outputs, api_name=False, **LIGHT)


def detail_note(reformed: np.ndarray, guess: np.ndarray, box: tuple[int, int], lang: str) -> str:
    """The fine detail measured in the zoomed square: the sharp reform's against the blurry guess's."""
    top, left = box
    dm, dg = (detail.fine_detail(p[top:top + detail.BOX, left:left + detail.BOX]) for p in (reformed, guess))
    return " " + tr("rf_detail", lang, dm=dm, dg=dg, x=dm / max(dg, 1e-9))
