"""The Lesson tab (issue 44): twelve steps from Michelangelo's recorded stones to samplers, networks, guidance and flow matching. In each the
learner predicts, then runs the step's experiment (diffusion_core.lessons.lesson, the tabs' own functions) and is told
whether the prediction held and why, with the formula one click away. Progress lives in the browser
(gr.BrowserState); a link ending in ?step=N opens step N (a teacher projects one step to the class)."""
from __future__ import annotations

from typing import Any

import gradio as gr

from diffusion_core.lessons import compare, dye, lesson

from . import lesson_handlers as on
from . import page_view
from .components import FastImage, described_by, RawRadio
from .context import AppContext, bound
from .i18n import T, lang_of
from .lesson_handlers import FRESH, MAX_PICS, OTHER_NETS, progress_of, step_index
from .pools import LIGHT, RUNS


def progress_state() -> gr.BrowserState:
    """The learner's progress, kept in their browser. Create it outside the tabs: the browser reads it when the
    component is first drawn, and a tab's contents are drawn only once the tab is opened (the page's load event
    would see the default). A fixed secret: the place survives a restart and is read by any replica (deploy/)."""
    return gr.BrowserState(dict(FRESH, answers={}, right={}), storage_key="diffusion_classroom_lesson",
                           secret="diffusion-classroom-lesson-progress")


def settings_of(key: str, ctx: AppContext) -> dict[str, Any]:
    """What "Open in the full tab" sets for step ``key``, by "<tab>.<control>": the step's experiment as the tab
    runs it (its t, its label and w, its cells; the Denoise tab's sampler without fresh noise)."""
    cells = {"steps": (("ddim", 20), ("ddpm", 1000)), "grids": (("ddpm", 1000), ("ddim", 20), ("dpmpp2m", 20),
                                                                   ("ddim", 5)),
             "flow": (("flow_euler", 5), ("flow_euler", 10), ("flow_euler", 20))}
    cond = ctx.models.get(OTHER_NETS["steer"])
    return {"jump": {"noise.t": lesson.JUMP_T}, "near_zero": {"noise.t": lesson.NEAR_T},
            "dye": {"dye.t": dye.MAX_STEPS}, "mlp": {"dye.shape": "heart"},
            "renoise": {"denoise.sampler": "ddim", "denoise.eta": 0.0},
            "steer": {"steer.label": str(lesson.STEER_LABEL)} | (
                {"steer.w": float(cond.figures("guidance").get("weight", 3.0))} if cond else {}),
            **{k: {"compare.cells": [compare.cell_key(*c) for c in v]} for k, v in cells.items()}}.get(key, {})


def open_full(ctx: AppContext, controls: dict[str, gr.components.Component], stored: Any,
              request: gr.Request) -> tuple:
    """"Open in the full tab": the learner's step's tab, then each of ``controls`` ("<tab>.<control>", in order)
    set as the step ran its experiment, or left as it is."""
    step = lesson.STEPS[step_index(progress_of(stored)["step"], lang_of(request))]
    wanted = settings_of(step.key, ctx)
    updates = []
    for name, control in controls.items():
        value = wanted.get(name)
        offered = getattr(control, "choices", None)
        if isinstance(value, list) and offered:              # only the cells this copy of the app offers
            value = [v for v in value if v in {c[1] for c in offered}]
        updates.append(gr.update(value=value) if name in wanted else gr.skip())
    return (gr.update(selected=step.tab), *updates)


def open_in_tabs(ctx: AppContext, button: gr.Button, progress: gr.BrowserState, tabs: gr.Tabs,
                 controls: dict[str, gr.components.Component]) -> None:
    """Wire "Open in the full tab" (``controls`` by "<tab>.<control>", the tabs' build() answers; call once every
    tab is built)."""
    button.click(bound(open_full, ctx, controls), [progress], [tabs, *controls.values()], api_name=False,
                 **LIGHT).then(
        None, None, None, js=page_view.NUDGE_SLIDERS_JS, api_name=False, show_progress="hidden")


def build(ctx: AppContext, demo: gr.Blocks, tabs: gr.Tabs, progress: gr.BrowserState) -> gr.Button:
    """Lay out the tab and wire its events (call inside a gr.Blocks, in the gr.Tabs ``tabs``; ``progress`` from
    progress_state()); returns the "Open in the full tab" button, for open_in_tabs."""
    gr.Markdown(T("lesson_intro"))
    head = gr.Markdown(elem_id="lesson_head")
    story = gr.Markdown(elem_id="lesson_story")
    choice = RawRadio([], label="", elem_id="lesson_choice")
    check = gr.Button(T("lesson_check"), variant="primary", elem_id="lesson_check")
    with gr.Row():
        pics = [FastImage(visible=False, interactive=False, format="png", height=200, elem_id=f"lesson_pic_{i}",
                          elem_classes=["pixelated", described_by("lesson_verdict")]) for i in range(MAX_PICS)]
    chart = gr.HTML(visible=False, elem_id="lesson_chart")
    result = gr.Markdown(elem_id="lesson_verdict")
    how = gr.Markdown(elem_id="lesson_how", elem_classes=["depth-mechanism"])     # at the chosen depth (ui/depth.py)
    math = gr.Markdown(elem_id="lesson_math", elem_classes=["depth-maths"])
    with gr.Row():
        back = gr.Button(T("lesson_back"), elem_id="lesson_back")
        nxt = gr.Button(T("lesson_next"), elem_id="lesson_next")
        full = gr.Button(T("lesson_open"), elem_id="lesson_open")
    link = gr.Markdown(elem_id="lesson_link")
    shown = [head, story, choice, *pics, chart, result, how, math, link, back, nxt, progress]

    check.click(bound(on.run_step, ctx), [progress, choice], [*pics, chart, result, how, math, progress],
                api_name="lesson_check", **RUNS)
    back.click(on.go_back, [progress], shown, api_name=False, **LIGHT)
    nxt.click(on.go_on, [progress], shown, api_name="lesson_next", **LIGHT)
    demo.load(on.opened, [progress], [*shown, tabs], api_name=False, **LIGHT)
    return full
