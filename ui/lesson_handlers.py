"""The Lesson tab's handlers, module-level (Gradio's demos' style): a step's view, its experiment run and judged,
moving between steps, and opening on a ?step=N link. The tab's layout and wiring: lesson_tab.py."""
from __future__ import annotations

import json
from typing import Any, Iterator

import gradio as gr

from diffusion_core.lessons import lesson
from diffusion_core.lessons.forward import schedule_curves
from diffusion_core.models.quality import steps_curve_file
from diffusion_core.samplers import SAMPLERS

from . import charts, validate
from .context import AppContext
from .i18n import lang_of, tr
from .nets import default_key, model_name, nets_of
from .pools import gated

MAX_PICS = 4                        # pictures an experiment shows side by side
SEED = 0                            # every learner sees the same experiment (and a class can compare)
OTHER_NETS = {"steer": "digits_cond", "flow": "digits_flow"}    # steps whose experiment needs another tab's net
OTHER_COSTS = {"steer": (6 * lesson.STEER_N, lesson.STEER_STEPS), "flow": (lesson.N, 1 + lesson.FLOW_STEPS)}  # images, calls
# a learner's progress: the step shown, their prediction per step key, and per step key whether it held
FRESH = {"step": 0, "answers": {}, "right": {}}


def step_index(value: Any, lang: str) -> int:
    """A 0-based step index from the learner's stored progress or a ?step= link (1-based), checked."""
    return validate.number(value, "lesson_step_no", 0, len(lesson.STEPS) - 1, lang)


def progress_of(stored: Any) -> dict:
    """The stored progress if it has the expected form (a browser may hold anything), else a fresh one."""
    ok = isinstance(stored, dict) and isinstance(stored.get("step"), int) and isinstance(stored.get("answers"), dict)
    if not ok:
        return dict(FRESH, answers={}, right={})
    right = stored.get("right")         # absent in progress stored before it was kept: those steps are not scored
    return {**stored, "right": {k: v for k, v in right.items() if isinstance(v, bool)} if isinstance(right, dict) else {}}


def view(i: int, progress: dict, lang: str) -> tuple:
    """Step i before its experiment: title, story, the question with its choices (the learner's earlier pick
    kept), no pictures yet, and the link to this step."""
    step = lesson.STEPS[i]
    k = step.key
    head = f"### {tr('lesson_step', lang, i=i + 1, n=len(lesson.STEPS))} · {tr(f'lesson_{k}_title', lang)}"
    choices = [(tr(f"lesson_{k}_{c}", lang), c) for c in step.choices]
    picked = progress["answers"].get(k)
    radio = gr.update(choices=choices, value=picked if picked in step.choices else None, label=tr(f"lesson_{k}_q", lang))
    hidden = [gr.update(visible=False, value=None)] * MAX_PICS
    link = tr("lesson_link", lang, link=f"?step={i + 1}")
    progress = {"step": i, "answers": dict(progress["answers"]), "right": dict(progress["right"])}
    return (head, tr(f"lesson_{k}_story", lang), radio, *hidden, gr.update(visible=False, value=""), "", "", "", link,
            gr.update(interactive=i > 0), gr.update(interactive=i < len(lesson.STEPS) - 1), progress)


def verdict(step: lesson.Step, picked: str, outcome: lesson.Outcome, right: dict[str, bool], lang: str) -> str:
    """Right or not, why (the step's measured facts), the score so far, and after the last step, the end."""
    k = step.key
    lead = tr("lesson_right", lang) if picked == outcome.answer else tr(
        "lesson_wrong", lang, answer=tr(f"lesson_{k}_{outcome.answer}", lang))
    score = tr("lesson_score", lang, right=sum(right.values()), asked=len(right))
    text = f"{lead} {tr(f'lesson_{k}_why', lang, **outcome.facts)}\n\n{score}"
    return text + ("\n\n" + tr("lesson_end", lang) if k == lesson.STEPS[-1].key else "")


def shown_pictures(pictures: tuple, titles: list[str]) -> list:
    """The experiment's pictures under their titles, the unused places hidden."""
    shown = [gr.update(visible=True, value=pic, label=title, alt_text=title) for pic, title in zip(pictures, titles)]
    return shown + [gr.update(visible=False, value=None)] * (MAX_PICS - len(shown))


def measured_frechet(name: str) -> dict[tuple[str, int], float]:
    """A digits net's measured Frechet distances by (sampler, steps) (bench/quality_vs_steps.py)."""
    path = steps_curve_file(name)
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"] if path.is_file() else []
    return {(r["sampler"], int(r["steps"])): float(r["frechet"]) for r in rows}


def lesson_net(ctx: AppContext) -> tuple[str, Any]:
    """The Denoise tab's net the Lesson's digit steps run on (the student where it meets the goals), by key, and
    the model (None where no digits net ships)."""
    nets = nets_of(ctx)
    key = default_key(nets) if nets else "teacher"
    return key, nets.get(key)


def experiment(ctx: AppContext, key: str, lang: str,
               request: gr.Request) -> Iterator[lesson.Progress | tuple[lesson.Outcome, str]]:
    """Run step ``key``'s experiment: a long one yields its Progress, every one its Outcome (and a chart) last.
    The model's calls go through the shared engine, admitted by cost."""
    sched = ctx.schedules["linear"]
    if key in ("dye", "jump", "near_zero"):
        photo = ctx.default_photo
        yield {"dye": lambda: lesson.dye_spread(SEED), "jump": lambda: lesson.jump(photo, sched, SEED),
               "near_zero": lambda: lesson.near_zero(photo, sched, SEED)}[key](), ""
        return
    if key == "grids":
        outcome, rows = lesson.grids(sched)
        ks, curves = schedule_curves(sched)
        named = [(f"{SAMPLERS[name].label} · {k}", ts) for name, k, ts in
                 ((*key.split(" · "), ts) for key, ts in rows.items())]            # "ddim · 20" -> "DDIM · 20"
        yield outcome, charts.timestep_rows(tr("cmp_timesteps", lang), tr("cmp_alpha_bar", lang), ks.tolist(),
                                            curves["alpha_bar"].tolist(), named, x_label="t")
        return
    if key == "mlp":
        yield gated(ctx.gate, lambda request: lesson.mlp(sched, SEED))(request), ""     # trains a net
        return
    if key in ("steer", "flow"):
        yield other_net(ctx, key, lang), ""
        return
    net_key, model = lesson_net(ctx)
    if model is None:
        raise gr.Error(tr("lesson_no_model", lang))
    served = ctx.engine.serve(model)
    images, calls = {"stones": (1, 50), "guess": (8, 1), "one_jump": (8, 1), "renoise": (16, 20),
                     "steps": (2, 1020)}[key]
    with ctx.run_gate.run(lang, model.sha256, images, calls):
        if key == "steps":
            frechet = measured_frechet(model_name(net_key))
            if not {("ddim", 20), ("ddpm", 1000)} <= set(frechet):
                raise gr.Error(tr("lesson_no_model", lang))
            for item in lesson.race(served, sched, SEED, frechet):
                yield item if isinstance(item, lesson.Progress) else (item, "")
            return
        run = {"stones": lesson.stones, "guess": lesson.guess, "one_jump": lesson.one_jump,
               "renoise": lesson.renoise}[key]
        yield run(served, sched, SEED), ""


def other_net(ctx: AppContext, key: str, lang: str) -> lesson.Outcome:
    """The guidance and flow steps' experiments, on the nets of their own tabs (digits_cond, digits_flow); the
    flow net alone, as the Compare tab races it (its served guide is machinery, not what straight paths do)."""
    net = ctx.models.get(OTHER_NETS[key])
    if net is None:
        raise gr.Error(tr("lesson_no_model", lang))
    net = net.unguided() if key == "flow" else net
    images, calls = OTHER_COSTS[key]
    with ctx.run_gate.run(lang, net.sha256, images, calls):
        served = ctx.engine.serve(net)
        if key == "steer":
            return lesson.steer(served, SEED, float(net.figures("guidance").get("weight", 3.0)))
        return lesson.flow(served, SEED)


def run_step(ctx: AppContext, stored: Any, picked: Any, request: gr.Request) -> Iterator[tuple]:
    """The learner's prediction checked against the step's experiment, streamed: pictures so far, then the verdict,
    its two deeper layers and the progress to store."""
    lang = lang_of(request)
    p = progress_of(stored)
    step = lesson.STEPS[step_index(p["step"], lang)]
    if picked not in step.choices:
        raise gr.Error(tr("lesson_pick", lang))
    titles = [t.strip() for t in tr(f"lesson_{step.key}_pics", lang).split("|")]
    for item in experiment(ctx, step.key, lang, request):
        if isinstance(item, lesson.Progress):          # on its way: the pictures so far and how far
            yield (*shown_pictures(item.pictures, titles), gr.skip(),
                   tr("lesson_running", lang, done=item.done, total=item.total), "", "", gr.skip())
            continue
        outcome, svg = item
    answers = {**p["answers"], step.key: picked}
    right = {**p["right"], step.key: picked == outcome.answer}
    layers = (tr(f"lesson_{step.key}_{layer}", lang, **outcome.facts) for layer in ("how", "math"))
    yield (*shown_pictures(outcome.pictures, titles), gr.update(visible=bool(svg), value=svg),
           verdict(step, picked, outcome, right, lang), *layers,
           {"step": p["step"], "answers": answers, "right": right})


def move(stored: Any, by: int, request: gr.Request) -> tuple:
    p = progress_of(stored)
    lang = lang_of(request)
    return view(min(max(step_index(p["step"], lang) + by, 0), len(lesson.STEPS) - 1), p, lang)


def opened(stored: Any, request: gr.Request) -> tuple:
    """On page load: the step a ?step=N link names (and the Lesson tab shown), else the learner's own step."""
    lang = lang_of(request)
    p = progress_of(stored)
    asked = request.query_params.get("step") if request is not None else None
    if asked is None:
        return (*view(step_index(p["step"], lang), p, lang), gr.update())
    try:
        i = step_index(int(asked) - 1, lang)
    except (ValueError, gr.Error):
        gr.Warning(tr("lesson_bad_step", lang, step=asked, n=len(lesson.STEPS)))
        return (*view(step_index(p["step"], lang), p, lang), gr.update(selected="lesson"))
    return (*view(i, p, lang), gr.update(selected="lesson"))


def go_back(stored: Any, request: gr.Request) -> tuple:
    return move(stored, -1, request)


def go_on(stored: Any, request: gr.Request) -> tuple:
    return move(stored, +1, request)
