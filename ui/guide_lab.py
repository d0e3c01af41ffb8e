"""The un-mix section's guidance lab: classifier-free guidance on two shapes, live (issue 45, item 4).

One label-conditional point net learns the heart (label 0) and 扩 (label 1) with label dropout; a w slider steers it.
The maths lives in diffusion_core.lessons.points_guidance; this module lays out, validates and draws.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterator

import gradio as gr
import numpy as np

from diffusion_core.lessons import points
from diffusion_core.lessons import points_guidance as pg
from diffusion_core.lessons.points_flow import Scores
from diffusion_core.media.render import points_picture

from . import charts, validate
from .components import RawRadio, RawSlider, lab_outputs
from .context import AppContext, bound
from .dye_handlers import MAX_TRAIN_S
from .i18n import T, lang_of, tr
from .pools import LIGHT, MODEL, TRAINING_S_PER_S, JobSize, gated

PARTICLES, PIC, EXTENT = 1000, 288, 2.0
MAX_W = 10.0
ARROW_COLOR = (147, 178, 240)
PANELS = ("null", "label", "guided")         # the three arrow sets and the scale each panel's particles are steered at


@dataclass(frozen=True)
class GuideState:
    """A learner's labelled net, how it was trained, and its measured curves per label (kept: w only redraws)."""

    net: Any
    data: np.ndarray
    labels: np.ndarray
    seed: int
    trained: tuple[int, float]                                  # (batches, seconds)
    by_weight: dict[int, list[Scores]] = field(default_factory=dict)


def measured(st: GuideState, label: int, ctx: AppContext) -> GuideState:
    """``st`` with the inside-share and spread curve of ``label`` (computed once a label)."""
    if label in st.by_weight:
        return st
    curve = pg.scores_by_weight(st.net, ctx.schedules["linear"], label, pg.noise(PARTICLES, st.seed),
                                st.data[st.labels == label])
    return replace(st, by_weight={**st.by_weight, label: curve})


def curve_chart(curve: list[Scores], w: float, lang: str) -> str:
    """Inside share and spread against w, the learner's w marked."""
    series = [(tr("guide_inside", lang), [s.inside for s in curve]),
              (tr("guide_spread", lang), [s.spread for s in curve])]
    return charts.line_chart(tr("guide_chart_title", lang), list(pg.WEIGHTS), series, y_range=(0.0, 1.5), dots=True,
                             cursor=w, x_label="w", x_ticks=[(v, f"{v:g}") for v in pg.WEIGHTS if v != 0.5])


def views(st: GuideState, label: int, w: float, ctx: AppContext, lang: str) -> tuple:
    """The three panels (arrows without the label, with it, guided; where particles land at w = 0, 1 and w), the
    measured curve and a status line."""
    sch, x_T = ctx.schedules["linear"], pg.noise(PARTICLES, st.seed)
    mask = points.preset_mask(pg.SHAPES[label])
    pos, arrows = pg.guided_fields(st.net, sch, label, w, extent=EXTENT - 0.2)
    ends = {name: pg.guided_paths(st.net, sch, label, weight, x_T)[-1]
            for name, weight in zip(PANELS, (0.0, 1.0, w))}
    pics = [points_picture(ends[p], EXTENT, PIC, mask=mask, arrows=(pos, arrows[p]), arrow_color=ARROW_COLOR)
            for p in PANELS]
    now = Scores(points.inside_share(ends["guided"], mask), points.spread(ends["guided"], st.data[st.labels == label]))
    status = tr("guide_status", lang, steps=st.trained[0], secs=st.trained[1], drop=pg.DROP, w=w,
                shape=tr(f"preset_{pg.SHAPES[label]}", lang), inside=now.inside, spread=now.spread)
    return (*pics, curve_chart(st.by_weight[label], w, lang), status)


def checked(label_v: Any, w_v: Any, lang: str) -> tuple[int, float]:
    label = pg.SHAPES.index(validate.choice(label_v, pg.SHAPES, "guide_label", lang))
    return label, validate.number(w_v, "guide_w", 0.0, MAX_W, lang, integer=False)


def train(ctx: AppContext, secs_v: Any, seed_v: Any, label_v: Any, w_v: Any, request: gr.Request) -> Iterator[tuple]:
    """Train the labelled net on both shapes with label dropout, then measure and draw the chosen label."""
    lang = lang_of(request)
    secs = validate.number(secs_v, "unmix_seconds", 1, MAX_TRAIN_S, lang)
    s = validate.seed(seed_v, lang)
    label, w = checked(label_v, w_v, lang)
    data, labels = pg.two_shapes(10000, s)
    net = points.PointDenoiser(labels=len(pg.SHAPES))
    xs, ys = [], []
    for tick in pg.train_labelled(net, data, labels, ctx.schedules["linear"], seconds=secs, seed=s):
        xs.append(tick.seconds)
        ys.append(tick.loss)
        chart = charts.line_chart(tr("unmix_loss_title", lang), xs, [(tr("unmix_loss", lang), ys)],
                                  y_range=(0.0, charts.nice_top(max(max(ys), 0.01))), x_label=tr("unmix_axis_s", lang),
                                  dots=len(xs) == 1)
        yield (gr.skip(), chart, gr.skip(), gr.skip(), gr.skip(), gr.skip(),
               tr("guide_training", lang, steps=tick.step, secs=tick.seconds))
    st = measured(GuideState(net, data, labels, s, (tick.step, tick.seconds)), label, ctx)
    yield (st, chart, *views(st, label, w, ctx, lang))


def redraw(ctx: AppContext, st: Any, label_v: Any, w_v: Any, request: gr.Request) -> tuple:
    """Another label or scale: the panels and the status (the chart's curve is measured once a label)."""
    lang = lang_of(request)
    label, w = checked(label_v, w_v, lang)
    if not isinstance(st, GuideState):
        return (gr.skip(),) * 7               # nothing trained yet: the controls only set what comes
    st = measured(st, label, ctx)
    return (st, gr.skip(), *views(st, label, w, ctx, lang))


def build(ctx: AppContext, seconds: gr.components.Component, seed: gr.components.Component) -> None:
    """Lay out the guidance lab under the flow lab (its seconds and seed are the un-mix section's own)."""
    state = gr.State(None, time_to_live=3600)
    with gr.Column(elem_id="guide_lab"):
        gr.Markdown(T("guide_intro"))
        with gr.Row():
            train_btn = gr.Button(T("guide_train"), variant="primary")
            label = RawRadio([(T(f"preset_{p}"), p) for p in pg.SHAPES], value="heart", label=T("guide_label"))
            w = RawSlider(0, MAX_W, value=3, step=0.1, label=T("guide_w"), elem_id="guide_w")
        loss, status, pics = lab_outputs("guide_status", {f"guide_pic_{p}": T(f"guide_pic_{p}") for p in PANELS},
                                         PIC + 40)
        gr.Markdown(T("guide_pics_note"))
        chart = gr.HTML(elem_id="guide_chart")
    outs = [state, loss, *pics, chart, status]

    trains_for = JobSize(lambda secs, *rest: secs, TRAINING_S_PER_S)                     # the seconds asked for
    train_btn.click(gated(ctx.gate, bound(train, ctx), trains_for), [seconds, seed, label, w], outs,
                    api_name="guide_lab_train", **MODEL)
    w.change(bound(redraw, ctx), [state, label, w], outs, api_name="guide_lab_view", trigger_mode="always_last", **LIGHT)
    label.change(bound(redraw, ctx), [state, label, w], outs, api_name=False, trigger_mode="always_last", **LIGHT)
