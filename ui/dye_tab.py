"""Tab 1, "Drop dye in water": physical diffusion, the model's forward process on the same dye, dye that un-mixes."""
from __future__ import annotations

import gradio as gr

from diffusion_core.lessons import dye

from . import dye_handlers as on
from . import dye_view, guide_lab, unmix_lab
from .components import FastImage, described_by, RawNumber, RawRadio, RawSlider
from .context import AppContext, bound
from .depth import explained
from .dye_handlers import GLASS, MAX_PARTICLES, MAX_TRAIN_S, SHAPES
from .validate import MAX_SEED
from .pools import LIGHT, MODEL, TRAINING_S_PER_S, JobSize, gated
from .i18n import T

def build(ctx: AppContext, demo: gr.Blocks) -> dict[str, gr.components.Component]:
    """Lay out the tab and wire its events (call inside a gr.Blocks); returns the controls a Lesson step sets."""
    where = gr.State((0.5, 0.5))
    trained = gr.State(None, time_to_live=3600)                   # (PointDenoiser, mask) per learner
    explained("dye_intro", "dye")
    with gr.Row():
        with gr.Column(scale=2):
            view = dye_view.glass_view()
        with gr.Column(scale=1):
            t = RawSlider(0, dye.MAX_STEPS, value=60, step=1, label=T("dye_time"), elem_id="dye_t")
            n = RawSlider(100, MAX_PARTICLES, value=3000, step=100, label=T("dye_particles"))
            seed = RawNumber(value=0, precision=0, label=T("seed"), minimum=0, maximum=MAX_SEED)
            with gr.Accordion(T("dye_drop_keys"), open=False):
                x_in = RawSlider(0, 1, value=0.5, step=0.01, label=T("dye_x"))
                y_in = RawSlider(0, 1, value=0.5, step=0.01, label=T("dye_y"))
                drop_btn = gr.Button(T("dye_drop_btn"), elem_id="dye_drop_btn")
    explained("model_intro", "model")
    model_t = RawSlider(0, 1000, value=100, step=1, label=T("model_t"), elem_id="model_t")
    cloud_box = dye_view.cloud_view()
    with gr.Group(visible=False):       # the outputs of the /drop_dye, /model_dye and /dye_initial_view APIs
        glass, heat, cloud = (FastImage(format="png") for _ in range(3))
        entropy, status, cloud_hist = gr.HTML(), gr.Markdown(), gr.HTML()

    gr.Markdown(T("unmix_intro"))
    with gr.Row():
        with gr.Column():
            shape = RawRadio([(T(f"preset_{p}"), p) for p in SHAPES], value="kuo", label=T("unmix_shape"))
            gr.Markdown(T("unmix_draw_hint"))
            # a placeholder replaces Gradio's own hint, which has no Chinese; one layer, no layer menu
            sketch = gr.Sketchpad(label=T("unmix_draw"), type="numpy", height=220, canvas_size=(256, 256), elem_id="sketch",
                                  placeholder=T("unmix_draw_hint"), layers=False)
            seconds = RawSlider(2, MAX_TRAIN_S, value=20, step=1, label=T("unmix_seconds"), elem_id="unmix_seconds")
            with gr.Row():
                train_btn = gr.Button(T("unmix_train"), variant="primary")
                play_btn = gr.Button(T("unmix_play"))
        with gr.Column():
            shape_img = FastImage(label=T("unmix_shape_img"), format="png", height=GLASS + 40, interactive=False,
                                  elem_id="unmix_shape_img")
            loss = gr.HTML()
        with gr.Column():
            film = FastImage(label=T("unmix_film"), format="png", height=GLASS + 40, interactive=False,
                             elem_classes=[described_by("unmix_film_note")])
            film_md = gr.Markdown(elem_id="unmix_film_note")
            film_gif = gr.File(label=T("unmix_gif"), interactive=False)
    unmix_lab.build(ctx, shape, sketch, seconds, seed)        # flow matching beside it
    guide_lab.build(ctx, seconds, seed)                       # steering it with a label

    # moving either slider calls no server: the page redraws from the drop's data, sent once per drop
    views = [view, cloud_box]
    view.click(bound(on.on_click, ctx), [n, seed], [where, *views], api_name=False, **LIGHT)
    drop_btn.click(bound(on.drop_by_keys, ctx), [x_in, y_in, n, seed], [where, *views], api_name=False, **LIGHT)
    for box in (n, seed):
        box.change(bound(on.on_drop, ctx), [where, n, seed], views, api_name=False, trigger_mode="always_last", **LIGHT)
    demo.load(bound(on.on_drop, ctx), [where, n, seed], views, api_name=False, **LIGHT)
    # the server's own pictures, for API callers (and the tests that hold the page to them)
    gr.on([], bound(on.drop_at, ctx), [x_in, y_in, t, n, seed, model_t], [glass, heat, entropy, status, cloud, cloud_hist],
          api_name="drop_dye", **LIGHT)
    gr.on([], bound(on.on_model, ctx), [where, model_t, seed], [cloud, cloud_hist], api_name="model_dye", **LIGHT)
    gr.on([], on.on_glass, [where, t, n, seed], [glass, heat, entropy, status], api_name="dye_initial_view", **LIGHT)
    trains_for = JobSize(lambda shape, sketch, secs, *rest: secs, TRAINING_S_PER_S)      # the seconds asked for
    train_btn.click(gated(ctx.gate, bound(on.train, ctx), trains_for), [shape, sketch, seconds, seed],
                    [shape_img, loss, trained, film_md], api_name="train_points", **MODEL)
    play_btn.click(gated(ctx.gate, bound(on.play, ctx)), [trained, seed], [film, film_md, film_gif], api_name="unmix_film",
                   **MODEL)
    return {"t": t, "shape": shape}
