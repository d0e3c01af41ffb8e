"""The Dye tab's handlers, module-level (Gradio's demos' style): the server's glass and forward-process views (the
APIs, and what the page draws from once per drop), a drop by click or by keys, and the un-mixing net trained live
and played backwards. The tab's layout and wiring: dye_tab.py."""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr
import numpy as np

from diffusion_core.lessons import dye, points
from diffusion_core.lessons.forward import density_histogram, normal_curve
from diffusion_core.media.render import points_picture

from . import charts, dye_view, validate
from .context import AppContext
from .i18n import lang_of, tr

GLASS = dye_view.SIZE        # the pictures are GLASS x GLASS pixels (48 cells of 6)
MAX_PARTICLES = 5000
MAX_TRAIN_S = 30
FILM_PARTICLES, FILM_STEPS, TOL = 2000, 100, 0.06
SHAPES = points.PRESETS + ("drawn",)


def drop_args(n: Any, seed: Any, lang: str) -> tuple[int, int]:
    return (validate.number(n, "dye_particles", 100, MAX_PARTICLES, lang),
            validate.seed(seed, lang))


def drop_place(pos: Any) -> tuple[float, float]:
    """The learner's drop (a session's state), or the middle of the glass before their first."""
    return pos if isinstance(pos, tuple) else (0.5, 0.5)


def glass_views(x: float, y: float, t: Any, n: Any, seed: Any, lang: str) -> tuple:
    """The server's glass at time t (the APIs; the page draws the same from ``dye_view.glass_payload``)."""
    steps = validate.number(t, "dye_time", 0, dye.MAX_STEPS, lang)
    count, s = drop_args(n, seed, lang)
    st = dye.dye_at(x, y, steps, count, s)
    ks, hs = dye.entropy_curve(round(x, 3), round(y, 3), min(count, 1500), s, every=40)
    chart = charts.line_chart(tr("dye_entropy_title", lang), ks, [(tr("dye_entropy", lang), hs)], cursor=steps,
                              x_label=tr("dye_axis_time", lang))
    return st.picture, st.heat_picture, chart, tr("dye_where", lang, x=x, y=y, t=steps, h=st.entropy)


def model_views(ctx: AppContext, x: float, y: float, t: Any, seed: Any, lang: str) -> tuple:
    """The server's forward process on the drop at t (the APIs; the page draws it from ``dye_view.cloud_payload``)."""
    k = validate.number(t, "model_t", 0, 1000, lang)
    s = validate.seed(seed, lang)
    picture, xs = dye_view.cloud_picture(x, y, k, s, ctx.schedules["linear"])
    hist, edges = density_histogram(xs, dye_view.HIST["bins"], dye_view.HIST["lo"], dye_view.HIST["hi"])
    h = charts.histogram(tr("model_hist", lang), hist.tolist(), edges.tolist(), normal_curve(),
                         ("x", "N(0, 1)"), f"t = {k}")
    return picture, h


def page_views(ctx: AppContext, x: float, y: float, n: Any, seed: Any, lang: str) -> tuple[str, str]:
    """What the page draws the glass and the forward process from at any time, once per drop."""
    count, s = drop_args(n, seed, lang)
    return (dye_view.glass_payload(x, y, count, s, lang),
            dye_view.cloud_payload(x, y, s, ctx.schedules["linear"], lang))


def shape_mask(shape: Any, drawing: Any, lang: str) -> np.ndarray:
    """The mask of the chosen shape: a preset, or the strokes of the sketchpad's value (a dict of background,
    layers and composite; the background, an opaque white layer, is never read as ink)."""
    shape = validate.choice(shape, SHAPES, "unmix_shape", lang)
    if shape != "drawn":
        try:
            return points.preset_mask(shape)
        except (OSError, ValueError):            # a shipped mask is missing or broken: say so, never train another
            raise gr.Error(tr("err_shape_missing", lang, shape=tr(f"preset_{shape}", lang),
                              file=f"assets/{points.mask_file(shape).name}")) from None
    value = drawing if isinstance(drawing, dict) else {"composite": drawing}     # a bare picture: its composite
    layers, composite = value.get("layers"), value.get("composite")
    layers = [a for a in layers if isinstance(a, np.ndarray)] if isinstance(layers, list) else []
    try:
        if composite is not None and not isinstance(composite, np.ndarray):
            raise ValueError("not a picture")
        return points.mask_from_drawing(points.sketch_ink(layers, composite))
    except ValueError:
        raise gr.Error(tr("err_too_few_points", lang)) from None


def on_click(ctx: AppContext, n_v: Any, seed_v: Any, evt: gr.EventData, request: gr.Request):
    """A click on the glass (its place in glass units, sent by dye_view.js): a new drop there."""
    lang = lang_of(request)
    where = getattr(evt, "_data", None)
    where = (where.get("x"), where.get("y")) if isinstance(where, dict) else (None, None)
    if not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in where):
        raise gr.Error(tr("err_click", lang))
    return (where, *page_views(ctx, *where, n_v, seed_v, lang))


def on_drop(ctx: AppContext, pos: Any, n_v: Any, seed_v: Any, request: gr.Request):
    x, y = drop_place(pos)
    return page_views(ctx, x, y, n_v, seed_v, lang_of(request))


def drop_by_keys(ctx: AppContext, x_v: Any, y_v: Any, n_v: Any, seed_v: Any, request: gr.Request):
    lang = lang_of(request)
    x = validate.number(x_v, "dye_x", 0.0, 1.0, lang, integer=False)
    y = validate.number(y_v, "dye_y", 0.0, 1.0, lang, integer=False)
    return ((x, y), *page_views(ctx, x, y, n_v, seed_v, lang))


def on_glass(pos: Any, t_v: Any, n_v: Any, seed_v: Any, request: gr.Request):
    x, y = drop_place(pos)
    return glass_views(x, y, t_v, n_v, seed_v, lang_of(request))


def drop_at(ctx: AppContext, x_v: Any, y_v: Any, t_v: Any, n_v: Any, seed_v: Any, k_v: Any, request: gr.Request):
    lang = lang_of(request)
    x = validate.number(x_v, "dye_x", 0.0, 1.0, lang, integer=False)
    y = validate.number(y_v, "dye_y", 0.0, 1.0, lang, integer=False)
    return glass_views(x, y, t_v, n_v, seed_v, lang) + model_views(ctx, x, y, k_v, seed_v, lang)


def on_model(ctx: AppContext, pos: Any, k_v: Any, seed_v: Any, request: gr.Request):
    x, y = drop_place(pos)
    return model_views(ctx, x, y, k_v, seed_v, lang_of(request))


def train(ctx: AppContext, shape_v: Any, drawing: Any, secs_v: Any, seed_v: Any, request: gr.Request) -> Iterator[tuple]:
    lang = lang_of(request)
    mask = shape_mask(shape_v, drawing, lang)
    secs = validate.number(secs_v, "unmix_seconds", 1, MAX_TRAIN_S, lang)
    s = validate.seed(seed_v, lang)
    data = points.sample_mask(mask, 20000, s)
    model = points.PointDenoiser()
    picture = points_picture(data[:FILM_PARTICLES], extent=1.2, size=GLASS, mask=mask)
    xs, ys = [], []
    for tick in points.train_points(model, data, ctx.schedules["linear"], seconds=secs, seed=s):
        xs.append(tick.seconds)
        ys.append(tick.loss)
        chart = charts.line_chart(tr("unmix_loss_title", lang), xs, [(tr("unmix_loss", lang), ys)],
                                  y_range=(0.0, charts.nice_top(max(max(ys), 0.01))), x_label=tr("unmix_axis_s", lang),
                                  dots=len(xs) == 1)          # one tick so far: a dot, not a line from nowhere
        yield picture, chart, None, tr("unmix_trained", lang, steps=tick.step, secs=tick.seconds, loss=tick.loss)
    yield picture, chart, (model, mask), tr("unmix_trained", lang, steps=tick.step, secs=tick.seconds, loss=tick.loss)


def play(ctx: AppContext, state: Any, seed_v: Any, request: gr.Request) -> Iterator[tuple]:
    lang = lang_of(request)
    if not isinstance(state, tuple):
        raise gr.Error(tr("unmix_need_model", lang))
    model, mask = state
    s = validate.seed(seed_v, lang)
    frames = []
    for step, t_now, pts in points.reverse_film(model, ctx.schedules["linear"], FILM_PARTICLES, FILM_STEPS, s):
        pic = points_picture(pts, extent=2.5, size=GLASS, arrows=points.field(model, t_now, extent=2.4))
        frames.append(pic)
        yield pic, tr("unmix_status", lang, step=step, n=FILM_STEPS, t=t_now), None
    share = points.inside_share(pts, mask, TOL)
    last = points_picture(pts, extent=1.2, size=GLASS, mask=mask)
    gif = ctx.gif(frames[::2] + [last], "unmix", fps=15)
    yield last, tr("unmix_done", lang, share=share, tol=TOL), gif
