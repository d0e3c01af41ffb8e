"""Tab 2, "Add noise step by step": slide t, watch a photo dissolve, jump vs walk, the record of the stones."""
from __future__ import annotations

import functools
from typing import Any, Iterator

import gradio as gr
import numpy as np

from diffusion_core.lessons import forward
from diffusion_core.schedule import NoiseSchedule

from . import charts, forward_view, reform_section, validate
from .noise_args import check_image_state, common_args, photo_or_error, schedule_and_seed
from .components import FastImage, described_by, RawNumber, RawRadio, RawSlider, UploadImage
from .context import AppContext, bound
from .depth import explained
from .pools import LIGHT, MODEL, gated
from .i18n import T, lang_of, tr

# Replay the record film in the browser: show its GIF in the film's picture, under a new address each time so the
# browser starts it again from the first frame (no server call); before a film exists, the picture stays as it is
REPLAY_JS = "(gif, shown) => gif && gif.url ? {...gif, url: gif.url.split('?')[0] + '?replay=' + Date.now()} : shown"


def schedule_chart(schedule: NoiseSchedule, lang: str) -> str:
    """alpha_bar, log SNR and beta over t, without a cursor (the same for every slider move)."""
    return _schedule_chart(schedule.kind, schedule.num_steps, lang)


def log_snr_label(lang: str) -> str:
    """The scaled log SNR's legend: its range, and where signal and noise are equal (log SNR = 0)."""
    lo, hi = forward.LOG_SNR_RANGE
    return tr("sched_log_snr", lang, lo=lo, hi=hi, at=f"{forward.scaled_log_snr(0.0):.2g}")


@functools.lru_cache(maxsize=8)
def _schedule_chart(kind: str, num_steps: int, lang: str) -> str:
    ks, curves = forward.schedule_curves(NoiseSchedule(kind, num_steps))
    return charts.line_chart(tr("schedule_title", lang), ks.tolist(),
                             [(tr("sched_alpha_bar", lang), curves["alpha_bar"].tolist()),
                              (log_snr_label(lang), curves["log_snr"].tolist()),
                              (tr("sched_beta", lang), curves["beta"].tolist())],
                             x_label=tr("sched_axis_t", lang))


def view_data(ctx: AppContext, image: Any, kind_val: Any, seed_val: Any, request: gr.Request = None) -> str:
    """What the page draws the view from at every t (forward_view.payload), once per photo, schedule and seed."""
    lang = lang_of(request)
    schedule, s = schedule_and_seed(kind_val, seed_val, lang, ctx)
    return forward_view.payload(check_image_state(image, ctx), schedule, s, schedule_chart(schedule, lang), lang)


def slider_view(ctx: AppContext, image: Any, t_val: Any, kind_val: Any, seed_val: Any,
                request: gr.Request = None) -> tuple:
    """The view at t drawn on the server (the /noisy_view API; the page draws the same from ``view_data``):
    x_t, the weight bars, the histogram and the schedule with its cursor at t."""
    lang = lang_of(request)
    k, schedule, s = common_args(t_val, kind_val, seed_val, lang, ctx)
    v = forward.noisy_view(check_image_state(image, ctx), k, schedule, s)
    bars = charts.weight_bars([(tr("w_signal", lang), v.signal_weight), (tr("w_noise", lang), v.noise_weight)])
    h = charts.histogram(tr("hist_title", lang), v.hist.tolist(), v.edges.tolist(), forward.normal_curve(),
                         (tr("hist_data", lang), tr("hist_normal", lang)),
                         tr("hist_caption", lang, mean=v.mean, std=v.std))
    sc = charts.add_cursor(schedule_chart(schedule, lang), k, (0, schedule.num_steps))
    return v.x_t, bars, h, sc


def on_photo(path: Any, request: gr.Request) -> np.ndarray | None:
    """A new photo: the session's working image (none: the default photo)."""
    return None if path is None else photo_or_error(path, lang_of(request))


def jump_vs_walk(ctx: AppContext, image: Any, t_val: Any, kind_val: Any, seed_val: Any, request: gr.Request):
    """x_t in one jump and by t small steps, and how far each is from x_0 against the closed form's spread."""
    lang = lang_of(request)
    k, schedule, s = common_args(t_val, kind_val, seed_val, lang, ctx)
    x0 = forward.to_x0(check_image_state(image, ctx))
    jumped, walked = forward.jump(x0, k, schedule, s), forward.walk(x0, k, schedule, s)
    js, ws = forward.residual_stats(x0, jumped, k, schedule), forward.residual_stats(x0, walked, k, schedule)
    md = tr("jump_stats", lang, jm=js.mean, js=js.std, wm=ws.mean, ws=ws.std, k=k, es=js.expected_std)
    return forward.to_picture(jumped), forward.to_picture(walked), md


def record(ctx: AppContext, image: Any, t_val: Any, kind_val: Any, seed_val: Any,
           request: gr.Request) -> Iterator[tuple]:
    """The record of the stones: dissolve to t, then reform from the record, streamed; the film as a GIF."""
    lang = lang_of(request)
    k, schedule, s = common_args(t_val, kind_val, seed_val, lang, ctx)
    frames = []
    for f in forward.record_film(check_image_state(image, ctx), k, schedule, s):
        frames.append(f.picture)
        if f.max_error is None:
            phase = tr(f"progress_{f.phase}", lang)                      # dissolving, then reforming
            yield f.picture, None, f"{phase} · t = {f.k}"
        else:
            gif = ctx.gif(frames, "record", fps=12)
            yield f.picture, gif, tr("record_result", lang, err=f.max_error, k=k)


def build(ctx: AppContext, demo: gr.Blocks) -> dict[str, gr.components.Component]:
    """Lay out the tab and wire its events (call inside a gr.Blocks); returns the controls a Lesson step sets."""
    image_state = gr.State(None, time_to_live=7200)                # a class's length

    explained("noise_intro", "noise")
    with gr.Row():
        with gr.Column(scale=1):
            photo = UploadImage(value=str(ctx.examples[0]) if ctx.examples else None, type="filepath", format="png",
                                label=T("photo"), sources=["upload", "webcam", "clipboard"], height=260,
                                elem_id="photo")
            if ctx.examples:
                gr.Examples([[str(p)] for p in ctx.examples], inputs=[photo], label=T("examples"))
            t = RawSlider(0, 1000, value=250, step=1, label=T("t_slider"), info=T("t_info"), elem_id="t_slider")
            kind = RawRadio([(T("schedule_linear"), "linear"), (T("schedule_cosine"), "cosine")], value="linear",
                            label=T("schedule_kind"))
            seed = RawNumber(value=0, precision=0, label=T("seed"), info=T("seed_info"), minimum=0, maximum=validate.MAX_SEED)
        with gr.Column(scale=2):
            view_box = forward_view.component()
    with gr.Group(visible=False):         # the outputs of the /noisy_view API (the page draws its own view)
        api_outputs = [FastImage(format="png"), gr.HTML(), gr.HTML(), gr.HTML()]

    gr.Markdown(T("jump_title"))
    with gr.Row():
        jump_btn = gr.Button(T("jump_btn"), elem_id="jump_btn")
    with gr.Row():
        jump_img = FastImage(label=T("jump_img"), format="png", height=220, interactive=False, elem_id="jump_img",
                             elem_classes=[described_by("jump_stats")])
        walk_img = FastImage(label=T("walk_img"), format="png", height=220, interactive=False, elem_id="walk_img",
                             elem_classes=[described_by("jump_stats")])
        jump_stats = gr.Markdown(elem_id="jump_stats")

    gr.Markdown(T("record_title"))
    record_btn = gr.Button(T("record_btn"), variant="primary", elem_id="record_btn")
    with gr.Row():
        film = FastImage(label=T("record_film"), format="png", height=260, interactive=False, elem_id="record_film",
                         elem_classes=[described_by("record_result")])
        with gr.Column():
            replay = gr.Button(T("record_replay"), size="sm", elem_id="record_replay")
            film_gif = gr.File(label=T("record_gif"), interactive=False, elem_id="record_gif")
            film_result = gr.Markdown(elem_id="record_result")
            gr.Markdown(T("record_caption"))
    reform_section.build(ctx, image_state, kind, seed)                                  # it has its own t

    data = bound(view_data, ctx)
    # moving t calls no server: the page redraws from the data (the buttons below send t with their own call)
    data_io = dict(inputs=[image_state, kind, seed], outputs=[view_box])
    photo.change(on_photo, [photo], [image_state], api_name="load_photo", **LIGHT).success(
        data, **data_io, api_name=False, **LIGHT)
    kind.change(data, **data_io, api_name=False, **LIGHT)
    seed.change(data, **data_io, api_name=False, trigger_mode="always_last", **LIGHT)
    gr.on([], bound(slider_view, ctx), [image_state, t, kind, seed], api_outputs, api_name="noisy_view", **LIGHT)
    jump_btn.click(gated(ctx.gate, bound(jump_vs_walk, ctx)), [image_state, t, kind, seed],
                   [jump_img, walk_img, jump_stats], api_name="jump_vs_walk", **MODEL)
    record_btn.click(gated(ctx.gate, bound(record, ctx)), [image_state, t, kind, seed],
                     [film, film_gif, film_result], api_name="record_film", **MODEL)
    replay.click(None, [film_gif, film], [film], js=REPLAY_JS, api_name=False)
    demo.load(data, **data_io, api_name="noise_initial_view", **LIGHT)
    return {"t": t}
