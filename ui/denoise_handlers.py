"""The Denoise tab's handlers: plain module-level functions of the app's context and the controls' values, bound to
the context by ``context.bound`` when the tab wires them (as Gradio's own demos write handlers)."""
from __future__ import annotations

import time
from typing import Any, Iterator

import gradio as gr

from diffusion_core.lessons import denoise
from diffusion_core.samplers import MAX_STEPS, SAMPLERS, timesteps_of
from diffusion_core.serving.ahead import run_ahead
from diffusion_core.serving.costs import LONG_RUN_S

from . import validate
from .context import AppContext
from .denoise_run import Kept, RunFrames, revisit_view, stopped_view, timeline
from .nets import nets_of, pick
from .i18n import duration, lang_of, tr

MAX_COUNT = 16
KEEP_FRAMES = 100           # frames kept per learner for the scrubber (bounded memory)
MAX_BEHIND = 2              # a step is sent while the run is at most this many steps ahead of it (else skipped)
SHORT_STEPS = 50            # the shorter way a long run is offered: the same sampler in this many steps


def teacher(ctx: AppContext) -> Any:
    """The digits net every net of this tab runs beside, on its schedule (the student learned its timesteps)."""
    return ctx.models["digits"]


def run_args(sampler: Any, steps: Any, eta: Any, seed: Any, count: Any, lang: str) -> tuple[str, int, float, int, int]:
    sampler = validate.choice(sampler, tuple(SAMPLERS), "sampler", lang)
    steps = validate.number(steps, "steps", 1, MAX_STEPS, lang)
    eta = validate.number(eta, "eta", 0.0, 1.0, lang, integer=False)
    seed = validate.seed(seed, lang)
    count = validate.number(count, "count", 1, MAX_COUNT, lang)
    return sampler, steps, eta, seed, count


def sampler_kw(name: str, eta: float) -> dict:
    """Extra sampler arguments: eta where the sampler takes it (DDIM)."""
    return {"eta": eta} if "eta" in SAMPLERS[name].options else {}


def student_stats(teacher: Any, student: Any, secs: list[float], lang: str) -> str:
    """The caption of the teacher / student pair: seconds and arithmetic a network call of each, the student's time
    experts, and the bundles' confident shares where both have them."""
    tf, sf = (m.flops_per_call(batch=1) / 1e6 for m in (teacher, student))
    text = tr("student_stats", lang, tt=secs[0], ts=secs[1], tf=tf, sf=sf, x=tf / sf, y=secs[0] / max(secs[1], 1e-9))
    routes = student.routes()
    if routes:
        ranges = tr("student_range_sep", lang).join(f"{lo}–{hi}" for lo, hi, _ in routes)
        text += tr("student_experts", lang, n=len(routes), ranges=ranges)
    if student.self_guided:
        text += tr("student_self_guide", lang, w=student.guide.weight)
    tq, sq = (m.figures("quality").get("ddim_50") for m in (teacher, student))
    if tq and sq:
        text += tr("student_quality", lang, n=sq["n"], tq=tq["confident"], sq=sq["confident"])
    return text


def speckle_note(f: denoise.Frame, sched: Any, lang: str) -> str:
    """Where the shown guess x0 is speckle (more pixel contrast than a real digit), the status says so and why."""
    if f.speckle <= denoise.SPECKLE:
        return ""
    return tr("dn_speckle", lang, x=f.speckle, a=float(sched.alphas_cumprod[int(round(f.t))]) ** 0.5)


def generate(ctx: AppContext, sampler_v, steps_v, eta_v, seed_v, count_v, net_v, frames: RunFrames,
             request: gr.Request) -> Iterator[tuple]:
    """Generate: the run streamed step by step (x_t, the clean guess, the noise guess, the timeline), every frame
    kept for the scrubber, the GIF at the end. No progress bar (the status line and the timeline's cursor say where
    the run is): its message at each step doubled what the page had to draw, and the page painted 5 of the run's 21
    clean guesses, the last 1.31 s after the click (14 and 0.88-0.91 s without; bench/generate.py --browser)."""
    sched = teacher(ctx).schedule
    lang = lang_of(request)
    name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
    m = pick(nets_of(ctx), net_v, lang)
    kw = sampler_kw(name, eta_val)
    ts, routes = tuple(timesteps_of(name, sched, n_steps)), m.routes()
    frames.clear()
    with ctx.run_gate.run(lang, m.sha256, n, SAMPLERS[name].nfe(n_steps)) as alone, ctx.engine.streaming():
        t0 = time.perf_counter()
        # the engine batches the steps, made ahead in a thread of their own while this one sends the last ones
        for ahead in run_ahead(denoise.run_frames(ctx.engine.serve(m), sched, sampler=name, num_steps=n_steps,
                                                  seed=s, n=n, keep=KEEP_FRAMES, device=m.device, **kw)):
            f = ahead.item
            frames.append(Kept(f.x_t, f.x0, f.eps, f.index, f.t, f.nfe, ts, routes))    # all kept: scrubber
            msg = tr("dn_status", lang, i=f.index + 1, n=f.num_steps, t=f.t, nfe=f.nfe) + speckle_note(f, sched, lang)
            if f.arrived is None:
                # in a full class some steps are not sent, nor those a page too far behind the run would get late
                if f.index % ctx.run_gate.stride() == 0 and ahead.behind <= MAX_BEHIND:
                    yield f.x_t, f.x0, f.eps, msg, timeline(ts, f.index, lang, routes), frames, gr.update(), None
                continue
            ctx.runs.put(ctx.runs.key(m, sched, sampler=name, num_steps=n_steps, seed=s, n=n, **kw), f)
            # the sample now is the result: the x_t panel ends on what the last step made, not on its input
            frames.append(Kept(f.arrived, f.x0, f.eps, None, 0.0, f.nfe, ts, routes))   # t = 0: clean end
            msg = tr("dn_done", lang, n=f.num_steps, nfe=f.nfe, secs=time.perf_counter() - t0)
            if alone():                        # a run that shared the engine says little of a call's own cost
                ctx.costs.record(m.sha256, n, f.nfe, time.perf_counter() - t0)
            path = ctx.gif([fr[1] for fr in frames], "run", fps=10)
            yield (f.arrived, f.x0, f.eps, msg, timeline([*ts, 0.0], len(ts), lang, routes), frames,
                   gr.update(maximum=len(frames) - 1, value=len(frames) - 1), str(path))


def expected_time(ctx: AppContext, sampler_v, steps_v, count_v, net_v, request: gr.Request):
    """Before a run: how long it will take here, from measured call costs; a long one offers 50 steps."""
    lang = lang_of(request)
    name, n_steps, _, _, n = run_args(sampler_v, steps_v, 0.0, 0, count_v, lang)
    m = pick(nets_of(ctx), net_v, lang)
    calls = SAMPLERS[name].nfe(n_steps)
    secs = ctx.costs.expected(m.sha256, n, calls)
    if secs is None:
        return "", gr.update(visible=False)
    if secs <= LONG_RUN_S:
        return tr("dn_expect", lang, time=duration(secs, lang), nfe=calls), gr.update(visible=False)
    short = ctx.costs.expected(m.sha256, n, SAMPLERS[name].nfe(min(n_steps, SHORT_STEPS)))
    return (tr("dn_expect_long", lang, time=duration(secs, lang), nfe=calls, short=duration(short, lang),
               k=SHORT_STEPS), gr.update(visible=True))


def revisit(frames: RunFrames, index: Any, request: gr.Request):
    """The scrubber: a kept frame shown again."""
    return revisit_view(frames, index, lang_of(request))


def stopped(frames: RunFrames, request: gr.Request):
    """Stop: the last frame the run made, said to be stopped."""
    return stopped_view(frames, lang_of(request))


def final_frame(ctx: AppContext, name: str, n_steps: int, eta_val: float, s: int, n: int, net: Any,
                lang: str) -> denoise.Frame:
    """The last frame of a run of ``net`` (results included), for the question sections: the same run made
    earlier (by Generate, another section or another learner) is not made again; a new one shares the engine."""
    base = teacher(ctx)
    with ctx.run_gate.run(lang, getattr(net, "sha256", ""), n, SAMPLERS[name].nfe(n_steps)):
        return ctx.runs.final(ctx.engine.serve(net), base.schedule, sampler=name, num_steps=n_steps, seed=s, n=n,
                              device=base.device, **sampler_kw(name, eta_val))


def jump(ctx: AppContext, sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
    sched = teacher(ctx).schedule
    lang = lang_of(request)
    name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
    m = pick(nets_of(ctx), net_v, lang)
    last = final_frame(ctx, name, n_steps, eta_val, s, n, m, lang)
    j = denoise.one_jump(m, sched, s, n, device=m.device)
    why = tr("jump_why", lang, x=j.net_speckle, b=j.ideal_speckle, a=j.sqrt_ab, m=1 / j.sqrt_ab)
    return j.ideal, j.net, last.x0, why


def eta_pair(ctx: AppContext, sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
    lang = lang_of(request)
    _, n_steps, _, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
    m = pick(nets_of(ctx), net_v, lang)
    pics = [final_frame(ctx, "ddim", min(n_steps, 100), e, s, n, m, lang).x0 for e in (0.0, 1.0)]
    return pics[0], pics[1]


def guide_pair(ctx: AppContext, sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
    lang = lang_of(request)
    name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
    m = pick(nets_of(ctx), net_v, lang)
    if m.guide is None:
        raise gr.Error(tr("no_guide", lang))
    pics = [final_frame(ctx, name, n_steps, eta_val, s, n, net, lang).arrived for net in (m.unguided(), m)]
    q = m.figures("quality")
    plain, guided = q.get("ddim_50_without_guide"), q.get("ddim_50")
    g = m.guide
    stats = tr("guide_stats", lang, w=g.weight, lo=int(g.first), hi=int(g.last), n=guided["n"],
               plain=plain["confident"], guided=guided["confident"]) if plain and guided else ""
    return pics[0], pics[1], stats


def copies(ctx: AppContext, sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
    sched = teacher(ctx).schedule
    lang = lang_of(request)
    name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
    last = final_frame(ctx, name, n_steps, eta_val, s, n, pick(nets_of(ctx), net_v, lang), lang)
    pic, dist = denoise.nearest_pairs(last.final)
    ideal = final_frame(ctx, name, n_steps, eta_val, s, n, denoise.ideal_digits(sched), lang)
    ideal_pic, ideal_dist = denoise.nearest_pairs(ideal.final)
    from diffusion_core.models.quality import copy_threshold

    return pic, ideal_pic, tr("copy_dist", lang, d=", ".join(f"{d:.1f}" for d in dist), thr=copy_threshold(),
                              di=", ".join(f"{d:.1f}" for d in ideal_dist))


def reform(ctx: AppContext, index_v, t_v, seed_v, net_v, request: gr.Request):
    sched = teacher(ctx).schedule
    lang = lang_of(request)
    i = validate.number(index_v, "digit_index", 0, 4999, lang)
    k = validate.number(t_v, "reform_t", 0, 1000, lang)
    s = validate.seed(seed_v, lang)
    m = pick(nets_of(ctx), net_v, lang)
    r = denoise.reform_digit(m, sched, i, k, s, device=m.device)
    pr = "∞" if r.psnr_record == float("inf") else f"{r.psnr_record:.1f}"
    return (r.original, r.noised, r.by_model, r.by_record,
            tr("reform_stats", lang, pn=r.psnr_noised, pm=r.psnr_model, pr=pr))


def student_pair(ctx: AppContext, sampler_v, steps_v, eta_v, seed_v, count_v, request: gr.Request):
    sched = teacher(ctx).schedule
    lang = lang_of(request)
    name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
    pics, secs = [], []
    nets = nets_of(ctx)
    for m in (nets["teacher"], nets["student"]):          # both run now, not from ctx.runs: they are timed
        t0 = time.perf_counter()
        *_, last = denoise.run_frames(m, sched, sampler=name, num_steps=n_steps, seed=s, n=n, keep=1,
                                      device=m.device, **sampler_kw(name, eta_val))
        secs.append(time.perf_counter() - t0)
        pics.append(last.arrived)
    return pics[0], pics[1], student_stats(nets["teacher"], nets["student"], secs, lang)
