"""The un-mix section's lab: a flow-matching net beside the diffusion net on the same shape, live (issue 46).

Both nets are the same MLP, trained on the same points for the same seconds from the same seed; every run starts from
the same noise. The maths lives in diffusion_core.lessons.points_flow; this module lays out, validates and draws.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

import gradio as gr
import numpy as np

from diffusion_core.lessons import points
from diffusion_core.lessons import points_flow as pf
from diffusion_core.media.render import paths_picture

from . import charts, validate
from .components import FastImage, RawSlider, described_by, lab_outputs
from .context import AppContext, bound
from .dye_handlers import MAX_TRAIN_S, shape_mask
from .i18n import T, lang_of, tr
from .pools import LIGHT, MODEL, TRAINING_S_PER_S, JobSize, gated

PARTICLES = 2000             # particles each run carries (the scores); the pictures draw the first DRAWN of them
DRAWN, EULER_DRAWN = 150, 8
PIC, EXTENT = 288, 2.2
ARROWS, ARROW_COLOR = 11, (147, 178, 240)       # a sparse, pale field under the paths
BEND_STEPS = pf.STEP_COUNTS[-1]                  # bend is measured on paths of this many steps
PICTURED = ("ddim", "flow", "reflow")           # the runs drawn as paths (DDIM on flow's levels: chart and table)
# one colour a net or run in every chart (a run keeps it whichever others are shown)
COLOR = {"diffusion": charts.COLORS[0], "ddim": charts.COLORS[0], "flow": charts.COLORS[1],
         "reflow": charts.COLORS[2], "ddim_flow_levels": charts.COLORS[3]}


@dataclass(frozen=True)
class LabState:
    """A learner's trained nets, how they were trained, and their measured scores (kept, so the steps slider only
    redraws)."""

    lab: pf.Lab
    seconds: float
    seed: int
    trained: dict[str, tuple[int, float]]                    # net -> (batches, seconds)
    losses: dict[str, tuple[list[float], list[float]]]     # net -> (seconds, loss) of its training ticks
    by_steps: dict[str, list[pf.Scores]] = field(default_factory=dict)    # run -> scores at STEP_COUNTS
    bend: dict[str, float] = field(default_factory=dict)                   # run -> straightness at BEND_STEPS


def measured(st: LabState, ctx: AppContext) -> LabState:
    """``st`` with the scores and bends of every run it lacks (each run once: after training, after reflow)."""
    sch, x_T = ctx.schedules["linear"], pf.noise(PARTICLES, st.seed)
    todo = [r for r in pf.racers(st.lab) if r not in st.by_steps]
    by_steps = {**st.by_steps, **{r: pf.scores_by_steps(r, st.lab, sch, x_T) for r in todo}}
    bend = {**st.bend, **{r: pf.straightness(pf.race(r, st.lab, sch, x_T, BEND_STEPS)) for r in todo if r in PICTURED}}
    return replace(st, by_steps=by_steps, bend=bend)


def loss_chart(losses: dict[str, tuple[list[float], list[float]]], lang: str) -> str:
    """The nets' training losses against seconds (each from its own start)."""
    xs = sorted({x for s, _ in losses.values() for x in s}) or [0.0]
    series = [(tr(f"lab_loss_{k}", lang), [float(np.interp(x, s, l, right=math.nan)) if s else math.nan for x in xs])
              for k, (s, l) in losses.items()]
    top = max((v for _, ys in series for v in ys if math.isfinite(v)), default=0.01)
    return charts.line_chart(tr("lab_loss_title", lang), xs, series, y_range=(0.0, charts.nice_top(max(top, 0.01))),
                             x_label=tr("unmix_axis_s", lang), dots=len(xs) == 1, colors=[COLOR[k] for k in losses])


def score_charts(st: LabState, steps: int, lang: str) -> str:
    """Share inside and spread against ODE steps, one line a run, the learner's steps marked."""
    xs = [math.log2(n) for n in pf.STEP_COUNTS]
    ticks = [(math.log2(n), str(n)) for n in pf.STEP_COUNTS]
    runs = [r for r in pf.RACERS if r in st.by_steps]
    out = []
    for key, y_range in (("inside", (0.0, 1.0)), ("spread", (0.0, 1.5))):
        series = [(tr(f"lab_run_{r}", lang), [getattr(s, key) for s in st.by_steps[r]]) for r in runs]
        out.append(charts.line_chart(tr(f"lab_{key}_title", lang), xs, series, y_range=y_range, dots=True,
                                     cursor=math.log2(steps), x_ticks=ticks, x_label=tr("lab_axis_steps", lang),
                                     colors=[COLOR[r] for r in runs]))
    return '<div style="display:flex;flex-wrap:wrap;gap:8px">' + "".join(
        f'<div style="flex:1 1 300px">{c}</div>' for c in out) + "</div>"


def table(st: LabState, ends: dict[str, pf.Scores], steps: int, lang: str) -> str:
    """One row a run: how its net was trained, where its particles land after ``steps`` steps, how bent its paths."""
    net = {"ddim": "diffusion", "ddim_flow_levels": "diffusion", "flow": "flow", "reflow": "reflow"}
    rows = [tr("lab_table_head", lang, n=steps, bend=BEND_STEPS)]
    for r, sc in ends.items():
        batches, secs = st.trained[net[r]]
        rows.append(tr("lab_table_row", lang, run=tr(f"lab_run_{r}", lang), batches=batches, secs=secs,
                       inside=sc.inside, spread=sc.spread,
                       bend=f"{st.bend[r]:.3f}" if r in st.bend else tr("lab_bend_same", lang)))
    return "\n".join(rows) + "\n\n" + tr("lab_table_note", lang)


def views(st: LabState, steps: int, ctx: AppContext, lang: str) -> tuple:
    """The three path pictures, the score charts, the table, and DDIM's paths beside Euler's with their largest gap."""
    sch, x_T = ctx.schedules["linear"], pf.noise(PARTICLES, st.seed)
    runs = {r: pf.race(r, st.lab, sch, x_T, steps) for r in pf.racers(st.lab)}
    nets = {"ddim": ("diffusion", st.lab.diffusion), "flow": ("flow", st.lab.flow), "reflow": ("flow", st.lab.reflowed)}
    pics = []
    for r in PICTURED:                  # its paths, over the arrows of where its ODE moves particles halfway
        kind, net = nets[r]
        arrows = pf.drift(kind, net, sch, n=ARROWS, extent=EXTENT - 0.2) if r in runs else None
        pics.append(paths_picture(runs[r][:, :DRAWN], EXTENT, PIC, mask=st.lab.mask, arrows=arrows,
                                  arrow_color=ARROW_COLOR) if r in runs else None)
    ddim, euler = pf.ddim_beside_euler(st.lab.diffusion, sch, x_T, steps)
    gap = float(np.abs(euler - ddim).max())
    wide = paths_picture(ddim[:, :EULER_DRAWN], EXTENT, PIC, mask=st.lab.mask, color=(245, 158, 11),
                         width=7, opacity=0.8)
    overlay = paths_picture(euler[:, :EULER_DRAWN], EXTENT, PIC, base=wide, color=(17, 17, 17), opacity=1.0,
                            nodes=True)
    ends = {r: pf.score(st.lab, p[-1]) for r, p in runs.items()}
    return (*pics, score_charts(st, steps, lang), table(st, ends, steps, lang), overlay,
            tr("lab_euler_note", lang, gap=gap, n=PARTICLES, steps=steps))


def progress(losses: dict[str, tuple[list[float], list[float]]], text: str, lang: str) -> tuple:
    """The outputs while a net trains: its loss chart and a status line; the rest stays."""
    return (gr.skip(), loss_chart(losses, lang), *(gr.skip(),) * 4, text, gr.skip(), gr.skip())


def stream(name: str, ticks: Iterator[points.TrainTick], losses: dict, lang: str) -> Iterator[tuple]:
    """Run one net's training, its ticks recorded in losses[name], yielding progress; returns (batches, seconds)."""
    losses[name] = ([], [])
    for tick in ticks:
        losses[name][0].append(tick.seconds)
        losses[name][1].append(tick.loss)
        yield progress(losses, tr("lab_training", lang, net=tr(f"lab_loss_{name}", lang), steps=tick.step,
                                  secs=tick.seconds), lang)
    return tick.step, tick.seconds


def checked_steps(steps_v: Any, lang: str) -> int:
    return validate.number(steps_v, "lab_steps", 1, pf.STEP_COUNTS[-1], lang)


def train(ctx: AppContext, shape_v: Any, drawing: Any, secs_v: Any, seed_v: Any, steps_v: Any,
          request: gr.Request) -> Iterator[tuple]:
    """Train the diffusion net, then the flow net (same MLP, data, seconds, seed) on the un-mix section's shape;
    then measure and draw."""
    lang = lang_of(request)
    mask = shape_mask(shape_v, drawing, lang)
    secs = validate.number(secs_v, "unmix_seconds", 1, MAX_TRAIN_S, lang)
    s = validate.seed(seed_v, lang)
    n = checked_steps(steps_v, lang)
    data = points.sample_mask(mask, 20000, s)
    nets = {"diffusion": points.PointDenoiser(), "flow": points.PointDenoiser()}         # the same MLP
    runs = {"diffusion": points.train_points(nets["diffusion"], data, ctx.schedules["linear"], seconds=secs, seed=s),
            "flow": pf.train_flow(nets["flow"], data, seconds=secs, seed=s)}
    losses: dict[str, tuple[list[float], list[float]]] = {}
    trained = {}
    for name, ticks in runs.items():                 # one after the other, each for the same seconds
        trained[name] = yield from stream(name, ticks, losses, lang)
    st = measured(LabState(pf.Lab(nets["diffusion"], nets["flow"], mask, data), secs, s, trained, losses), ctx)
    yield (st, loss_chart(losses, lang), *views(st, n, ctx, lang))


def need(st: Any, lang: str) -> LabState:
    if not isinstance(st, LabState):
        raise gr.Error(tr("lab_need_train", lang))
    return st


def reflow(ctx: AppContext, st: Any, steps_v: Any, request: gr.Request) -> Iterator[tuple]:
    """Train a copy of the flow net on its own (noise, sample) pairs, for the seconds and seed the nets had."""
    lang = lang_of(request)
    n = checked_steps(steps_v, lang)
    st = need(st, lang)
    losses = {k: v for k, v in st.losses.items() if k != "reflow"}
    yield progress(losses, tr("lab_pairs", lang, n=pf.REFLOW_PAIRS), lang)
    student, ticks = pf.reflow(st.lab.flow, seconds=st.seconds, seed=st.seed)
    done = yield from stream("reflow", ticks, losses, lang)
    st = measured(replace(st, lab=replace(st.lab, reflowed=student), losses=losses,
                          by_steps={k: v for k, v in st.by_steps.items() if k != "reflow"},
                          bend={k: v for k, v in st.bend.items() if k != "reflow"},
                          trained={**st.trained, "reflow": done}), ctx)
    yield (st, loss_chart(losses, lang), *views(st, n, ctx, lang))


def redraw(ctx: AppContext, st: Any, steps_v: Any, request: gr.Request) -> tuple:
    """The pictures, table and overlay at another number of steps (the charts only move their marker)."""
    lang = lang_of(request)
    n = checked_steps(steps_v, lang)
    if not isinstance(st, LabState):
        return (gr.skip(),) * 9               # nothing trained yet: the slider only sets the steps to come
    return (gr.skip(), gr.skip(), *views(st, n, ctx, lang))


def build(ctx: AppContext, shape: gr.components.Component, sketch: gr.components.Component,
          seconds: gr.components.Component, seed: gr.components.Component) -> None:
    """Lay out the lab under the un-mix section (its shape, drawing, seconds and seed are the section's own)."""
    state = gr.State(None, time_to_live=3600)
    with gr.Column(elem_id="flow_lab"):
        gr.Markdown(T("lab_intro"))
        with gr.Row():
            train_btn = gr.Button(T("lab_train"), variant="primary")
            reflow_btn = gr.Button(T("lab_reflow"))
            steps = RawSlider(1, pf.STEP_COUNTS[-1], value=4, step=1, label=T("lab_steps"), elem_id="lab_steps")
        loss, status, pics = lab_outputs("lab_status", {f"lab_pic_{r}": T(f"lab_pic_{r}") for r in PICTURED}, PIC + 40)
        gr.Markdown(T("lab_pics_note"))
        score_html = gr.HTML(elem_id="lab_charts")
        gr.Markdown(T("lab_euler_title"))
        with gr.Row():
            with gr.Column(min_width=300):
                euler_pic = FastImage(label=T("lab_euler_pic"), format="png", height=PIC + 40, interactive=False,
                                      elem_id="lab_euler_pic", elem_classes=[described_by("lab_euler_note")])
            with gr.Column(min_width=300):
                euler_md = gr.Markdown(elem_id="lab_euler_note")
    outs = [state, loss, *pics, score_html, status, euler_pic, euler_md]

    two_nets = JobSize(lambda shape, sketch, secs, *rest: 2 * float(secs), TRAINING_S_PER_S)  # each for the seconds
    reflows_for = JobSize(lambda st, *rest: st.seconds, TRAINING_S_PER_S)               # the seconds the nets had
    train_btn.click(gated(ctx.gate, bound(train, ctx), two_nets), [shape, sketch, seconds, seed, steps], outs,
                    api_name="flow_lab_train", **MODEL)
    reflow_btn.click(gated(ctx.gate, bound(reflow, ctx), reflows_for), [state, steps], outs, api_name="flow_lab_reflow",
                     **MODEL)
    steps.change(bound(redraw, ctx), [state, steps], outs, api_name="flow_lab_steps", trigger_mode="always_last", **LIGHT)
