"""Tab "Steer with a label": classifier-free guidance live on a class-conditional digits net."""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr

from diffusion_core.lessons import steer
from diffusion_core.samplers import SAMPLERS

from . import charts, validate
from .components import FastImage, described_by, RawDropdown, RawNumber, RawRadio, RawSlider
from .context import AppContext, bound
from .depth import maths, mechanism
from .i18n import T, in_every_language, lang_of, tr
from .pools import LIGHT, RUNS

MODEL_NAME = "digits_cond"
NONE = "none"
LABELS = tuple(str(d) for d in range(10))
MAX_W = 10.0
MAX_STEPS = 100            # two answers a step: a run of 100 steps is 200 network calls' worth
MAX_COUNT = 16
PIXELATED = ["pixelated"]


def label_of(value: Any, key: str, lang: str) -> int | None:
    """A digit 0-9 from the radio / dropdown, or None for "no condition" (checked: API callers send anything)."""
    v = validate.choice(value, (NONE, *LABELS), key, lang)
    return None if v == NONE else int(v)


def steer_args(label: Any, negative: Any, w: Any, lang: str) -> tuple[int | None, int | None, float]:
    return (label_of(label, "st_label", lang), label_of(negative, "st_negative", lang),
            validate.number(w, "st_w", 0.0, MAX_W, lang, integer=False))


def run_args(sampler: Any, steps: Any, seed: Any, count: Any, lang: str) -> tuple[str, int, int, int]:
    return (validate.choice(sampler, tuple(SAMPLERS), "sampler", lang),
            validate.number(steps, "steps", 1, MAX_STEPS, lang),
            validate.seed(seed, lang),
            validate.number(count, "count", 1, MAX_COUNT, lang))


def scale_chart(guidance: dict, w: float, lang: str) -> str:
    """Label accuracy and variety against w, measured by bench/guidance.py (the served model's curve), a cursor at w."""
    curve = guidance.get("curve")
    if not curve:
        return f"<p>{tr('st_chart_missing', lang)}</p>"
    ws = [r["w"] for r in curve]
    series = [(tr("st_accuracy", lang), [r["accuracy"] for r in curve]),
              (tr("st_variety", lang), [r["diversity"] / r["diversity_real"] for r in curve])]
    return charts.line_chart(tr("st_chart_title", lang), ws, series, y_range=(0.0, 1.3), cursor=min(w, ws[-1]),
                             x_label="w", dots=True, markers=[guidance["weight"]])


def generate(ctx: AppContext, label_v, negative_v, w_v, sampler_v, steps_v, seed_v, count_v, request: gr.Request
             ) -> Iterator[tuple]:
    """Steer: the run streamed step by step, the three answers and the label's push at each (no progress bar: see
    denoise_handlers.generate)."""
    model = ctx.models[MODEL_NAME]
    lang = lang_of(request)
    c, neg, weight = steer_args(label_v, negative_v, w_v, lang)
    name, n_steps, s, n = run_args(sampler_v, steps_v, seed_v, count_v, lang)
    with ctx.run_gate.run(lang, model.sha256, 2 * n, SAMPLERS[name].nfe(n_steps)):   # 2n: with and without
        for f in steer.steer_frames(ctx.engine.serve(model), label=c, weight=weight, negative=neg, sampler=name,
                                    num_steps=n_steps, seed=s, n=n):
            if f.arrived is None and f.index % ctx.run_gate.stride():     # in a full class, fewer frames sent
                continue
            msg = tr("dn_status", lang, i=f.index + 1, n=f.num_steps, t=f.t, nfe=2 * f.nfe)
            xt = f.arrived if f.arrived is not None else f.x_t
            yield xt, f.x0_base, f.x0_label, f.x0_mix, f.push, msg

def scale_strip(ctx: AppContext, label_v, negative_v, w_v, seed_v, request: gr.Request):
    """One noise finished at w = 0, 1, 3, 7 and the learner's w."""
    model = ctx.models[MODEL_NAME]
    lang = lang_of(request)
    c, neg, weight = steer_args(label_v, negative_v, w_v, lang)
    s = validate.seed(seed_v, lang)
    weights = tuple(sorted({*steer.STRIP_WEIGHTS, weight}))
    with ctx.run_gate.run(lang, model.sha256, 2 * steer.STRIP_N * len(weights), steer.STRIP_CALLS):
        pic = steer.scale_strip(ctx.engine.serve(model), label=c, negative=neg, seed=s, weights=weights)
    return gr.update(value=pic, label=tr("st_strip_label", lang, ws=" · ".join(f"{v:g}" for v in weights),
                                         w=f"{weight:g}"))

def on_w(ctx: AppContext, w_v, request: gr.Request) -> str:
    """The measured accuracy and variety against w, a cursor at the learner's w."""
    lang = lang_of(request)
    w = validate.number(w_v, "st_w", 0.0, MAX_W, lang, integer=False)
    return scale_chart(ctx.models[MODEL_NAME].figures("guidance"), w, lang)


def build(ctx: AppContext, demo: gr.Blocks) -> dict[str, gr.components.Component]:
    """Lay out the tab and wire its events (call inside a gr.Blocks); returns the controls a Lesson step sets."""
    model = ctx.models.get(MODEL_NAME)
    if model is None:
        why = ctx.model_errors.get(MODEL_NAME, "?")
        gr.Markdown(in_every_language("st_unavailable", why=why))
        return {}
    w0 = float(model.figures("guidance").get("weight", 3.0))
    gr.Markdown(T("st_intro"))
    mechanism("st_mechanism")
    with gr.Row():
        with gr.Column(scale=1):
            label = RawRadio([(T("st_none"), NONE), *((d, d) for d in LABELS)], value="3", label=T("st_label"),
                             elem_id="st_label")
            negative = RawDropdown([(T("st_none"), NONE), *((d, d) for d in LABELS)], value=NONE,
                                   label=T("st_negative"), info=T("st_negative_info"))
            w = RawSlider(0, MAX_W, value=w0, step=0.5, label=T("st_w"), info=T("st_w_info"), elem_id="st_w")
            with gr.Row():
                go = gr.Button(T("generate"), variant="primary", elem_id="st_go")
                stop = gr.Button(T("stop"), variant="stop")
            with gr.Accordion(T("more_settings"), open=False, elem_id="st_more"):
                sampler = RawDropdown([(info.label, name) for name, info in SAMPLERS.items()], value="dpmpp2m",
                                      label=T("sampler"))
                steps = RawSlider(1, MAX_STEPS, value=20, step=1, label=T("steps"))
                seed = RawNumber(value=0, precision=0, label=T("seed"), minimum=0, maximum=validate.MAX_SEED)
                count = RawSlider(1, MAX_COUNT, value=8, step=1, label=T("count"))
        with gr.Column(scale=3):
            with gr.Row():
                pics = [FastImage(label=T(k), format="png", height=220, interactive=False, elem_id=k,
                                  elem_classes=PIXELATED + [described_by("st_status")])
                        for k in ("st_xt", "st_x0_base", "st_x0_label", "st_x0_mix", "st_push")]
            status = gr.Markdown(elem_id="st_status")
    gr.Markdown(T("st_strip_head"))
    strip_go = gr.Button(T("st_strip_go"), elem_id="st_strip_go")
    strip = FastImage(label=T("st_strip"), format="png", height=200, interactive=False, elem_classes=PIXELATED,
                      elem_id="st_strip")
    chart = gr.HTML(elem_id="st_chart")
    gr.Markdown(T("st_chart_note"))
    maths("st_maths")

    run = go.click(bound(generate, ctx), [label, negative, w, sampler, steps, seed, count], [*pics, status],
                   api_name="steer", **RUNS)
    stop.click(None, cancels=[run], api_name=False)
    strip_args = [label, negative, w, seed]
    finish_strip = bound(scale_strip, ctx)
    strip_go.click(finish_strip, strip_args, [strip], api_name="steer_strip", **RUNS)
    w.release(finish_strip, strip_args, [strip], api_name=False, **RUNS)
    chart_at = bound(on_w, ctx)
    w.change(chart_at, [w], [chart], api_name="steer_chart", **LIGHT)
    demo.load(chart_at, [w], [chart], api_name=False, **LIGHT)
    return {"label": label, "w": w}
