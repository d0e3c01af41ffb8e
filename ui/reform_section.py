"""Add-noise tab, last section: reform the learner's x_t with the record and with the photos model."""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr

from diffusion_core.reform import MAX_REFORM_STEPS, matching_step, reform_pair

from . import validate
from .components import FastImage, RawSlider
from .context import AppContext
from .i18n import T, lang_of, tr
from .pools import MODEL, gated


def build(ctx: AppContext, image_state: gr.State, t: gr.Slider, kind: gr.Radio, seed: gr.Number,
          common_args: Any, check_image_state: Any) -> None:
    """Lay out the section under the record film and wire it to the tab's photo, t, schedule and seed."""
    gr.Markdown(T("rf_title"))
    model = ctx.models.get("photos")
    if model is None:
        gr.Markdown(tr("rf_unavailable", "en", why=ctx.model_errors.get("photos", "?")))
        return
    with gr.Row():
        steps = RawSlider(1, MAX_REFORM_STEPS, value=25, step=1, label=T("rf_steps"))
        go = gr.Button(T("rf_btn"), variant="primary")
    with gr.Row():
        by_record = FastImage(label=T("rf_record"), format="png", height=260, interactive=False)
        by_model = FastImage(label=T("rf_model"), format="png", height=260, interactive=False)
        guess = FastImage(label=T("rf_guess"), format="png", height=260, interactive=False)
    result = gr.Markdown()
    gr.Markdown(T("rf_caption"))

    def reform(image: Any, t_val: Any, kind_val: Any, seed_val: Any, steps_val: Any,
               request: gr.Request) -> Iterator[tuple]:
        lang = lang_of(request)
        k, schedule, s = common_args(t_val, kind_val, seed_val, lang, ctx)
        n = validate.number(steps_val, "rf_steps_name", 1, MAX_REFORM_STEPS, lang)
        note = ""
        if schedule.kind != model.schedule.kind:
            note = " " + tr("rf_cosine", lang, km=matching_step(schedule, k, model.schedule))
        for f in reform_pair(model, model.schedule, check_image_state(image, ctx), k, schedule, s, n, model.device,
                             mirrors=True):
            if f.model_scores is None:
                yield f.record, f.model, f.guess, tr("rf_progress", lang, pct=100 * f.done)
            else:
                r, m, g = f.record_scores, f.model_scores, f.guess_scores
                pr = "∞" if r.psnr == float("inf") else f"{r.psnr:.1f}"
                yield f.record, f.model, f.guess, tr("rf_scores", lang, pr=pr, sr=r.ssim, pm=m.psnr, sm=m.ssim,
                                                     pg=g.psnr, sg=g.ssim, k=k) + note

    go.click(gated(ctx.gate, reform), [image_state, t, kind, seed, steps], [by_record, by_model, guess, result],
             api_name="reform_photo", **MODEL)
