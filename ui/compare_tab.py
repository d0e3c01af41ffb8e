"""Tab 4, "Compare step counts": race samplers from the same x_T, see where each one looks."""
from __future__ import annotations

import time
from typing import Any, Iterator

import gradio as gr

from diffusion_core.lessons import compare
from diffusion_core.samplers import GRIDS
from diffusion_core.serving.costs import LONG_RUN_S

from . import validate
from .compare_charts import FLOW_NET, cell_label, quality_chart, timesteps_chart
from .components import RawCheckboxGroup, RawNumber, RawRadio, RawSlider, under_the_hood
from .context import AppContext, bound
from .depth import explained
from .nets import default_key, net_radio, nets_of, pick, picked_key
from .pools import LIGHT, RUNS
from .i18n import T, duration, in_every_language, lang_of, tr

DEFAULT_COUNT = 4             # digits per cell, one row each; the default grid in ~25 s on 2 cores (bench/compare.py)
OWN_GRID = "own"              # the grid choice "each sampler on its own grid"; any other is a key of samplers.GRIDS
GRID_CHOICES = (OWN_GRID, *GRIDS)


def cells_offered(ctx: AppContext) -> list[tuple[str, int]]:
    """Every cell a learner can tick: the flow net's only where it ships."""
    return [c for c in compare.DEFAULT_CELLS + compare.EXTRA_CELLS
            if not compare.METHODS[c[0]].flow or FLOW_NET in ctx.models]


def results_table(rows: list[tuple[str, int, int, float]], lang: str) -> str:
    """The finished cells (sampler label, steps, network calls, seconds) as a Markdown table: the race's result in
    full, where a thumbnail's caption has room for the cell's name only."""
    lines = [tr("cmp_table_head", lang), "|:--|--:|--:|--:|"]
    return "\n".join(lines + [f"| {label} | {steps} | {nfe} | {secs:.2f} |" for label, steps, nfe, secs in rows])


def checked_cells(values: Any, lang: str, flow: bool = True) -> list[tuple[str, int]]:
    """The ticked cells, validated, fastest first (so the first results appear at once); ``flow`` False where the
    flow net does not ship (its cells are refused)."""
    if not isinstance(values, list) or not values:
        raise gr.Error(tr("cmp_no_cells", lang))
    if len(values) > compare.MAX_CELLS:
        raise gr.Error(tr("cmp_too_many", lang, n=compare.MAX_CELLS))
    try:
        cells = sorted({compare.parse_cell(v) for v in values}, key=lambda c: (compare.METHODS[c[0]].nfe(c[1]), c[0]))
        if not flow and any(compare.METHODS[name].flow for name, _ in cells):
            raise ValueError("no flow net")
    except ValueError:
        raise gr.Error(tr("err_choice", lang, name=tr("cmp_cells", lang), choices="sampler:steps")) from None
    return cells


def racers(ctx: AppContext) -> dict[str, Any]:
    """The diffusion nets a race can pick, by key, alone (no guide): a step is exactly one network call."""
    return {key: m.unguided() for key, m in nets_of(ctx).items()}


def flow_racer(ctx: AppContext) -> Any:
    """The flow net the "Flow ·" cells race on, alone (no guide), or None where it does not ship."""
    return ctx.models[FLOW_NET].unguided() if FLOW_NET in ctx.models else None


def racer(ctx: AppContext, model: Any, name: str) -> Any:
    """The net a cell's method runs on: the flow net for a flow cell, else the picked diffusion net."""
    return flow_racer(ctx) if compare.METHODS[name].flow else model


def flow_shift(ctx: AppContext) -> float:
    """The flow net's grid shift (its bundle's), 1 where it does not ship."""
    return ctx.models[FLOW_NET].time_shift if FLOW_NET in ctx.models else 1.0


def grid_of(value: Any, lang: str) -> str | None:
    """The grid the learner picked: None for each sampler's own, else a key of samplers.GRIDS (checked)."""
    picked = validate.choice(value, GRID_CHOICES, "cmp_grid", lang)
    return None if picked == OWN_GRID else picked


def race_estimate(ctx: AppContext, model: Any, cells: list[tuple[str, int]], n: int, lang: str) -> str:
    """How long the race will take here (its cells run one after another), from measured call costs; where that is
    long, which cell takes most of it."""
    secs = [ctx.costs.expected(racer(ctx, model, name).sha256, n, compare.METHODS[name].nfe(steps))
            for name, steps in cells]
    if any(s is None for s in secs):
        return ""
    total = sum(secs)
    text = tr("cmp_expect", lang, time=duration(total, lang), cells=len(cells))
    if total > LONG_RUN_S and len(cells) > 1:
        slow = max(range(len(cells)), key=secs.__getitem__)
        text += tr("cmp_expect_long", lang, label=cell_label(*cells[slow]), time=duration(secs[slow], lang),
                   rest=duration(total - secs[slow], lang))
    return text


def race(ctx: AppContext, values: Any, seed_v: Any, count_v: Any, net_v: Any, grid_v: Any,
         request: gr.Request) -> Iterator[tuple]:
    """Run the ticked cells from one x_T, streaming each finished cell's digits, caption and the results table."""
    lang = lang_of(request)
    flow_net = flow_racer(ctx)
    chosen = checked_cells(values, lang, flow_net is not None)
    grid = grid_of(grid_v, lang)
    model = pick(racers(ctx), net_v, lang)
    s = validate.seed(seed_v, lang)
    n = validate.number(count_v, "cmp_count", 1, 16, lang)
    done: list[tuple[Any, str]] = []
    rows: list[tuple[str, int, int, float]] = []
    calls = sum(compare.METHODS[name].nfe(steps) for name, steps in chosen)
    with ctx.run_gate.run(lang, model.sha256, n, calls) as alone:
        t0 = time.perf_counter()
        yield [], "", timesteps_chart(model.schedule, chosen, lang, grid, flow_shift(ctx)), ""
        for ev in compare.race(ctx.engine.serve(model), model.schedule, chosen, seed=s, n=n, device=model.device,
                               flow_model=flow_net and ctx.engine.serve(flow_net), grid=grid,
                               flow_shift=flow_shift(ctx)):
            name, steps = compare.parse_cell(ev.key)
            if ev.result is None:
                yield (gr.skip(), tr("cmp_progress", lang, label=cell_label(name, steps), step=ev.step,
                                     n=ev.num_steps), gr.skip(), gr.skip())
                continue
            r = ev.result
            if alone():                        # a cell that shared the engine says little of a call's own cost
                ctx.costs.record(racer(ctx, model, name).sha256, n, r.nfe, r.seconds)
            label = compare.METHODS[name].label
            caption = tr("cmp_caption", lang, label=label, steps=steps, nfe=r.nfe, secs=r.seconds)
            done.append((ctx.png(r.picture, "race"), cell_label(name, steps)))   # short, to fit; the table has the figures
            rows.append((label, steps, r.nfe, r.seconds))
            yield list(done), caption, gr.skip(), results_table(rows, lang)
        yield gr.skip(), tr("cmp_done", lang, cells=len(done), secs=time.perf_counter() - t0), gr.skip(), gr.skip()


def expected_race(ctx: AppContext, values: Any, count_v: Any, net_v: Any, request: gr.Request) -> str:
    lang = lang_of(request)
    return race_estimate(ctx, pick(racers(ctx), net_v, lang), checked_cells(values, lang, FLOW_NET in ctx.models),
                         validate.number(count_v, "cmp_count", 1, 16, lang), lang)


def on_cells(ctx: AppContext, values: Any, grid_v: Any, request: gr.Request) -> str:
    """The schedule chart for the ticked cells on the picked grid."""
    lang = lang_of(request)
    return timesteps_chart(ctx.schedules["linear"], checked_cells(values, lang, FLOW_NET in ctx.models), lang,
                           grid_of(grid_v, lang), flow_shift(ctx))


def on_net(ctx: AppContext, net_v: Any, request: gr.Request) -> str:
    lang = lang_of(request)
    return quality_chart(lang, picked_key(racers(ctx), net_v, lang))


def on_load(ctx: AppContext, request: gr.Request) -> tuple[str, str]:
    lang = lang_of(request)
    defaults = [c for c in compare.DEFAULT_CELLS if c in cells_offered(ctx)]
    return (timesteps_chart(ctx.schedules["linear"], defaults, lang, None, flow_shift(ctx)),
            quality_chart(lang, default_key(racers(ctx))))


def build(ctx: AppContext, demo: gr.Blocks) -> dict[str, gr.components.Component]:
    """Lay out the tab and wire its events (call inside a gr.Blocks); returns the controls a Lesson step sets."""
    if "digits" not in ctx.models:
        gr.Markdown(in_every_language("dn_unavailable", why=ctx.model_errors.get("digits", "?")))
        return {}
    offered = cells_offered(ctx)
    defaults = [c for c in compare.DEFAULT_CELLS if c in offered]
    choices = [(cell_label(n, s), compare.cell_key(n, s)) for n, s in offered]
    explained("cmp_intro", "cmp")
    with gr.Row():
        with gr.Column(scale=1):
            with gr.Row():
                go = gr.Button(T("cmp_go"), variant="primary", elem_id="cmp_go")
                stop = gr.Button(T("stop"), variant="stop")
            expect = gr.Markdown(elem_id="cmp_expect")
            cells = RawCheckboxGroup(choices, value=[compare.cell_key(n, s) for n, s in defaults],
                                     label=T("cmp_cells"), info=T("cmp_cells_info"), elem_id="cmp_cells")
            grid = RawRadio([(T(f"cmp_grid_{g}"), g) for g in GRID_CHOICES], value=OWN_GRID, label=T("cmp_grid"),
                            info=T("cmp_grid_info"), elem_id="cmp_grid")
            seed = RawNumber(value=0, precision=0, label=T("seed"), minimum=0, maximum=validate.MAX_SEED)
            count = RawSlider(1, 16, value=DEFAULT_COUNT, step=1, label=T("cmp_count"))
        with gr.Column(scale=3):
            status = gr.Markdown(elem_id="cmp_status")
            gallery = gr.Gallery(label=T("cmp_gallery"), columns=5, height="auto", format="png", object_fit="contain",
                                 elem_classes=["pixelated"], elem_id="cmp_gallery")
            table = gr.Markdown(elem_id="cmp_table")
    steps_plot = gr.HTML()
    quality = gr.HTML(elem_id="cmp_quality")
    gr.Markdown(T("cmp_diagram"))
    with under_the_hood("cmp_hood"):
        gr.Markdown(T("cmp_hood_nets"))
        net = net_radio(racers(ctx), "cmp_net_info", "cmp_net")

    event = go.click(bound(race, ctx), [cells, seed, count, net, grid], [gallery, status, steps_plot, table],
                     api_name="compare", **RUNS)
    stop.click(None, cancels=[event], api_name=False)
    for comp in (cells, grid):
        comp.change(bound(on_cells, ctx), [cells, grid], [steps_plot], api_name=False, **LIGHT)
    net.change(bound(on_net, ctx), [net], [quality], api_name=False, **LIGHT)
    demo.load(bound(on_load, ctx), None, [steps_plot, quality], api_name="compare_charts", **LIGHT)
    race_choice = [cells, count, net]
    expected = bound(expected_race, ctx)
    for i, comp in enumerate(race_choice):
        comp.change(expected, race_choice, [expect], api_name="compare_expected" if i == 0 else False, **LIGHT)
    demo.load(expected, race_choice, [expect], api_name=False, **LIGHT)
    return {"cells": cells}
