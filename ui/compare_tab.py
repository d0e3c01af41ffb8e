"""Tab 4, "Compare step counts": race samplers from the same x_T, see where each one looks."""
from __future__ import annotations

import json
import math
import time
from typing import Any, Iterator

import gradio as gr

from diffusion_core import compare
from diffusion_core.costs import LONG_RUN_S
from diffusion_core.forward import schedule_curves
from diffusion_core.quality import steps_curve_file

from . import charts, validate
from .components import RawCheckboxGroup, RawNumber, RawSlider, under_the_hood
from .context import AppContext
from .depth import explained
from .nets import default_key, model_name, net_radio, nets_of, pick, picked_key
from .pools import LIGHT, RUNS
from .i18n import T, duration, lang_of, tr

MAX_SEED = 2**31 - 1
DEFAULT_COUNT = 4             # digits per cell, one row each; the default grid in ~25 s on 2 cores (bench/compare.py)
LOG_TICKS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)         # the quality chart's distance axis


# a colour for each method on the quality chart (the flow net's lines dashed as well)
METHOD_COLORS = dict(zip(compare.METHODS, charts.COLORS))
FLOW_NET = "digits_flow"        # the flow-matching net the "Flow · ..." cells race on, beside the picked diffusion net


def cell_label(name: str, steps: int) -> str:
    return f"{compare.METHODS[name].label} · {steps}"


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


def timesteps_chart(ctx: AppContext, cells: list[tuple[str, int]], lang: str) -> str:
    schedule = ctx.schedules["linear"]
    ks, curves = schedule_curves(schedule)
    rows = [(cell_label(n, s), compare.timesteps(n, schedule, s)) for n, s in cells]
    return charts.timestep_rows(tr("cmp_timesteps", lang), tr("cmp_alpha_bar", lang), ks.tolist(),
                                curves["alpha_bar"].tolist(), rows, x_label="t")


def quality_chart(lang: str, key: str = "teacher") -> str:
    """The measured quality-vs-NFE curves of the picked model ("teacher" or "student"), or a note that they are
    missing with the command that measures them."""
    name = model_name(key)
    path = steps_curve_file(name)
    if not path.is_file():
        return f"<p>{tr('cmp_quality_missing', lang, model=name, file=path.name)}</p>"
    data = json.loads(path.read_text(encoding="utf-8"))
    flow_path = steps_curve_file(FLOW_NET)             # the flow net's curve on the same chart, if measured
    flow_rows = json.loads(flow_path.read_text(encoding="utf-8"))["rows"] if flow_path.is_file() else []
    by = frechet_by_cell(data["rows"] + flow_rows)
    series, colors, dashes, xs_all = [], [], [], sorted({nfe for _, nfe in by})
    for name, method in compare.METHODS.items():
        pts = {nfe: f for (sampler, nfe), f in by.items() if sampler == name}
        if pts:
            series.append((method.label, [pts.get(x, float("nan")) for x in xs_all]))
            colors.append(METHOD_COLORS[name])
            dashes.append("6 3" if method.flow else "")
    # a sampler at 5 calls can be off by 100x (Heun's 3 steps): a log distance axis shows every point and keeps
    # "within 1.3x of DDPM" the same height anywhere on it
    values = [f for f in by.values() if f > 0]
    y_range = (math.log10(min(min(values), data["frechet_real"]) * 0.8), math.log10(charts.nice_top(max(values))))
    log_series = [(label, [math.log10(f) if f > 0 else float("nan") for f in ys]) for label, ys in series]
    y_ticks = [(math.log10(v), str(v)) for v in LOG_TICKS if y_range[0] <= math.log10(v) <= y_range[1]]
    log_x = [math.log10(x) for x in xs_all]
    ticks = [(math.log10(x), str(x)) for x in xs_all if x in (5, 10, 20, 50, 100, 1000)]   # not Heun's 9, 19, ...
    chart = charts.line_chart(tr("cmp_quality_title", lang), log_x, log_series, y_range=y_range, x_ticks=ticks,
                              y_ticks=y_ticks, x_label=tr("cmp_axis_nfe", lang), dots=True, colors=colors,
                              dashes=dashes, desc=charts.describe(xs_all, series, tr("cmp_axis_nfe", lang)))
    note = tr("cmp_quality_note", lang, who=tr(f"cmp_who_{key}", lang), n=data["n"], seed=data["seed"],
              when=data["when"], floor=data["frechet_real"])
    note += " " + tr("cmp_quality_log", lang, lo=min(values), hi=max(values))
    if flow_rows:
        note += " " + tr("cmp_quality_flow", lang)
    return chart + small(note) + claim_note(by, lang) + renoise_note(by, lang)


def racer(ctx: AppContext, model: Any, name: str) -> Any:
    """The net a cell's method runs on: the flow net for a flow cell, else the picked diffusion net."""
    return ctx.models[FLOW_NET] if compare.METHODS[name].flow else model


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


def small(text: str) -> str:
    """A footnote paragraph under a chart."""
    return f"<p style='font-size:0.85em'>{text}</p>"


def frechet_by_cell(rows: list[dict]) -> dict[tuple[str, int], float]:
    """The quality file's rows as {(sampler, network calls): Frechet distance}."""
    return {(r["sampler"], r["nfe"]): r["frechet"] for r in rows}


def claim_note(by: dict[tuple[str, int], float], lang: str) -> str:
    """DPM-Solver++ at 10 and 20 calls against DDPM at 1000 steps, and whether the paper's claim holds here."""
    ref, r10, r20 = by.get(("ddpm", 1000)), by.get(("dpmpp2m", 10)), by.get(("dpmpp2m", 20))
    if not (ref and r10 and r20):
        return ""
    met = r10 <= 1.3 * ref and r20 <= 1.1 * ref
    text = tr("cmp_quality_claim", lang, ref=ref, r10=r10, x10=r10 / ref, r20=r20, x20=r20 / ref,
              verdict=tr("cmp_claim_met" if met else "cmp_claim_missed", lang))
    return small(text)


def renoise_note(by: dict[tuple[str, int], float], lang: str) -> str:
    """DDPM (fresh noise every step) against DDIM (none) at the same step count, from the measured file."""
    both = [n for n in (20, 50, 10) if ("ddpm", n) in by and ("ddim", n) in by]
    if not both:
        return ""
    n = both[0]
    ddpm, ddim = by[("ddpm", n)], by[("ddim", n)]
    verdict = tr("cmp_renoise_helps" if ddpm < ddim else "cmp_renoise_not", lang)
    return small(tr("cmp_renoise", lang, n=n, ddpm=ddpm, ddim=ddim, verdict=verdict))


def build(ctx: AppContext, demo: gr.Blocks) -> dict[str, gr.components.Component]:
    """Lay out the tab and wire its events (call inside a gr.Blocks); returns the controls a Lesson step sets."""
    if "digits" not in ctx.models:
        gr.Markdown(tr("dn_unavailable", "en", why=ctx.model_errors.get("digits", "?")))
        return {}
    # the samplers race on the nets alone (no guide): a step is one network call
    racers = {key: m.unguided() for key, m in nets_of(ctx).items()}
    offered = cells_offered(ctx)
    flow_ok = FLOW_NET in ctx.models
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
            seed = RawNumber(value=0, precision=0, label=T("seed"), minimum=0, maximum=MAX_SEED)
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
        net = net_radio(racers, "cmp_net_info", "cmp_net")

    def race(values: Any, seed_v: Any, count_v: Any, net_v: Any, request: gr.Request) -> Iterator[tuple]:
        lang = lang_of(request)
        chosen = checked_cells(values, lang, flow_ok)
        model = pick(racers, net_v, lang)
        s = validate.number(seed_v, "seed", 0, MAX_SEED, lang)
        n = validate.number(count_v, "cmp_count", 1, 16, lang)
        done: list[tuple[Any, str]] = []
        rows: list[tuple[str, int, int, float]] = []
        calls = sum(compare.METHODS[name].nfe(steps) for name, steps in chosen)
        with ctx.run_gate.run(lang, model.sha256, n, calls) as alone:
            t0 = time.perf_counter()
            yield [], "", timesteps_chart(ctx, chosen, lang), ""
            flow_net = ctx.engine.serve(ctx.models[FLOW_NET]) if flow_ok else None
            for ev in compare.race(ctx.engine.serve(model), model.schedule, chosen, seed=s, n=n, device=model.device,
                                   flow_model=flow_net):
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
                done.append((r.picture, cell_label(name, steps)))      # short, to fit; the table has the figures
                rows.append((label, steps, r.nfe, r.seconds))
                yield list(done), caption, gr.skip(), results_table(rows, lang)
            yield gr.skip(), tr("cmp_done", lang, cells=len(done), secs=time.perf_counter() - t0), gr.skip(), gr.skip()

    def expected_race(values: Any, count_v: Any, net_v: Any, request: gr.Request) -> str:
        lang = lang_of(request)
        return race_estimate(ctx, pick(racers, net_v, lang), checked_cells(values, lang, flow_ok),
                             validate.number(count_v, "cmp_count", 1, 16, lang), lang)

    def on_cells(values: Any, request: gr.Request) -> str:
        lang = lang_of(request)
        return timesteps_chart(ctx, checked_cells(values, lang, flow_ok), lang)

    def on_net(net_v: Any, request: gr.Request) -> str:
        lang = lang_of(request)
        return quality_chart(lang, picked_key(racers, net_v, lang))

    def on_load(request: gr.Request) -> tuple[str, str]:
        lang = lang_of(request)
        return timesteps_chart(ctx, defaults, lang), quality_chart(lang, default_key(racers))

    event = go.click(race, [cells, seed, count, net], [gallery, status, steps_plot, table],
                     api_name="compare", **RUNS)
    stop.click(None, cancels=[event], api_name=False)
    cells.change(on_cells, [cells], [steps_plot], api_name=False, **LIGHT)
    net.change(on_net, [net], [quality], api_name=False, **LIGHT)
    demo.load(on_load, None, [steps_plot, quality], api_name="compare_charts", **LIGHT)
    race_choice = [cells, count, net]
    for i, comp in enumerate(race_choice):
        comp.change(expected_race, race_choice, [expect], api_name="compare_expected" if i == 0 else False, **LIGHT)
    demo.load(expected_race, race_choice, [expect], api_name=False, **LIGHT)
    return {"cells": cells}
