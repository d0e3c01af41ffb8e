"""Tab 3, "Denoise with a tiny model": watch noise become digits, step by step, and ask why."""
from __future__ import annotations

import time
import uuid
from typing import Any, Iterator

import gradio as gr

from diffusion_core import denoise
from diffusion_core.costs import LONG_RUN_S
from diffusion_core.media import save_gif
from diffusion_core.samplers import MAX_STEPS, SAMPLERS, timesteps_of

from . import validate
from .components import FastImage, described_by, RawDropdown, RawNumber, RawSlider, under_the_hood
from .context import AppContext
from .depth import explained
from .denoise_run import Kept, RunFrames, revisit_view, stopped_view, timeline, tracked
from .nets import net_radio, nets_of, pick
from .pools import LIGHT, MODEL, RUNS, gated
from .i18n import T, duration, lang_of, tr

MAX_SEED = 2**31 - 1
MAX_COUNT = 16
KEEP_FRAMES = 100           # frames kept per learner for the scrubber (bounded memory)
PIXELATED = ["pixelated"]
SHORT_STEPS = 50            # the shorter way a long run is offered: the same sampler in this many steps


def run_args(sampler: Any, steps: Any, eta: Any, seed: Any, count: Any, lang: str) -> tuple[str, int, float, int, int]:
    sampler = validate.choice(sampler, tuple(SAMPLERS), "sampler", lang)
    steps = validate.number(steps, "steps", 1, MAX_STEPS, lang)
    eta = validate.number(eta, "eta", 0.0, 1.0, lang, integer=False)
    seed = validate.number(seed, "seed", 0, MAX_SEED, lang)
    count = validate.number(count, "count", 1, MAX_COUNT, lang)
    return sampler, steps, eta, seed, count


def sampler_kw(name: str, eta: float) -> dict:
    """Extra sampler arguments: eta is DDIM's alone."""
    return {"eta": eta} if name == "ddim" else {}


def student_stats(teacher: Any, student: Any, secs: list[float], lang: str) -> str:
    """The caption of the teacher / student pair: seconds and arithmetic a network call of each, the student's time
    experts, and the cards' confident shares where both cards have them."""
    tf, sf = (m.flops_per_call(batch=1) / 1e6 for m in (teacher, student))
    text = tr("student_stats", lang, tt=secs[0], ts=secs[1], tf=tf, sf=sf, x=tf / sf, y=secs[0] / max(secs[1], 1e-9))
    routes = student.routes()
    if routes:
        ranges = tr("student_range_sep", lang).join(f"{lo}–{hi}" for lo, hi, _ in routes)
        text += tr("student_experts", lang, n=len(routes), ranges=ranges)
    if student.self_guided:
        text += tr("student_self_guide", lang, w=student.guide.weight)
    tq, sq = (m.card.get("quality", {}).get("ddim_50") for m in (teacher, student))
    if tq and sq:
        text += tr("student_quality", lang, n=sq["n"], tq=tq["confident"], sq=sq["confident"])
    return text


def speckle_note(f: denoise.Frame, sched: Any, lang: str) -> str:
    """Where the shown guess x0 is speckle (more pixel contrast than a real digit), the status says so and why."""
    if f.speckle <= denoise.SPECKLE:
        return ""
    return tr("dn_speckle", lang, x=f.speckle, a=float(sched.alphas_cumprod[int(round(f.t))]) ** 0.5)


def digits_image(label_key: str, height: int, status_id: str = "") -> gr.Image:
    """A picture of digits; with ``status_id``, its alt text says what that status line says (``described_by``)."""
    return FastImage(label=T(label_key), format="png", height=height, interactive=False,
                     elem_classes=PIXELATED + ([described_by(status_id)] if status_id else []), elem_id=label_key)


def question(button_key: str, head_key: str, image_keys: tuple[str, ...], height: int = 240,
             note: bool = False) -> tuple[gr.Button, list]:
    """A folded section: the learner's question, a button, and the pictures that answer it (and, with ``note``, a
    paragraph under them, last in the list): closing the section hides all it produced."""
    note_id = f"{button_key}_note" if note else ""
    with gr.Accordion(T(button_key), open=False):
        gr.Markdown(T(head_key))
        button = gr.Button(T(button_key))
        with gr.Row():
            images = [digits_image(k, height, note_id) for k in image_keys]
        if note:
            images.append(gr.Markdown(elem_id=note_id))
    return button, images


def build(ctx: AppContext, demo: gr.Blocks) -> dict[str, gr.components.Component]:
    """Lay out the tab and wire its events (call inside a gr.Blocks); returns the controls a Lesson step sets."""
    model = ctx.models.get("digits")
    if model is None:
        gr.Markdown(tr("dn_unavailable", "en", why=ctx.model_errors.get("digits", "?")) + "\n\n" +
                    tr("dn_unavailable", "zh-CN", why=ctx.model_errors.get("digits", "?")))
        return {}
    sched = model.schedule
    nets = nets_of(ctx)
    frames_state = gr.State(RunFrames(), time_to_live=1800, delete_callback=lambda frames: frames.clear())

    explained("dn_intro", "dn")
    with gr.Row():
        with gr.Column(scale=1):
            sampler = RawDropdown([(info.label, name) for name, info in SAMPLERS.items()], value="dpmpp2m",
                                  label=T("sampler"), info=T("sampler_info"))
            steps = RawSlider(1, MAX_STEPS, value=20, step=1, label=T("steps"), info=T("steps_info"),
                              elem_id="dn_steps")
            with gr.Row():
                go = gr.Button(T("generate"), variant="primary", elem_id="dn_go")
                stop = gr.Button(T("stop"), variant="stop", elem_id="dn_stop")
            expect = gr.Markdown(elem_id="dn_expect")
            shorter = gr.Button(T("dn_shorter"), visible=False, size="sm", elem_id="dn_shorter")
            with gr.Accordion(T("more_settings"), open=False, elem_id="dn_more"):
                eta = RawSlider(0, 1, value=0, step=0.05, label=T("eta"), info=T("eta_info"))
                seed = RawNumber(value=0, precision=0, label=T("seed"), minimum=0, maximum=MAX_SEED)
                count = RawSlider(1, MAX_COUNT, value=16, step=1, label=T("count"))
        with gr.Column(scale=3):
            with gr.Row():
                img_xt, img_x0, img_eps = (digits_image(k, 300, "dn_status") for k in ("dn_xt", "dn_x0", "dn_eps"))
            status = gr.Markdown(elem_id="dn_status")
            with gr.Row():
                line = gr.HTML(elem_id="dn_line")
                with gr.Column():
                    scrub = RawSlider(0, KEEP_FRAMES - 1, value=0, step=1, label=T("scrub"), info=T("scrub_info"),
                                      elem_id="dn_scrub")
                    gif = gr.File(label=T("gif"), interactive=False)

    jump_go, (jump_one, jump_net, jump_full, jump_md) = question("jump_go", "jump_head",
                                                                  ("jump_one", "jump_net", "jump_full"), note=True)
    eta_go, (eta0, eta1) = question("eta_go", "eta_head", ("eta_0", "eta_1"))
    copy_go, (copy_img, ideal_img, copy_md) = question("copy_go", "copy_head", ("copy_img", "copy_ideal"), height=280,
                                                       note=True)
    with gr.Accordion(T("reform_go"), open=False):
        gr.Markdown(T("reform_head"))
        with gr.Row():
            digit = RawNumber(value=7, precision=0, label=T("digit_index"), minimum=0, maximum=4999)
            reform_t = RawSlider(0, 1000, value=400, step=1, label=T("reform_t"))
            reform_go = gr.Button(T("reform_go"))
        with gr.Row():
            outs = [digits_image(k, 160, "reform_note") for k in ("reform_original", "reform_noised", "reform_model",
                                                                     "reform_record")]
        reform_md = gr.Markdown(elem_id="reform_note")
    any_guide = any(m.guide for m in nets.values())
    with under_the_hood("dn_hood"):          # what serves quality and speed: the nets behind the pictures
        if model.routes():
            gr.Markdown(T("dn_experts"))
        if model.guide:
            gr.Markdown(T("dn_guide"))
        net = net_radio(nets, "net_info", "dn_net")
        if any_guide:
            guide_go, (guide_off, guide_on, guide_md) = question("guide_go", "guide_head", ("guide_off", "guide_on"),
                                                                 note=True)
        if "student" in nets:
            student_go, (student_t, student_s, student_md) = question("student_go", "student_head",
                                                                      ("student_teacher", "student_student"), note=True)

    def generate(sampler_v, steps_v, eta_v, seed_v, count_v, net_v, frames: list, request: gr.Request,
                 progress=gr.Progress()) -> Iterator[tuple]:
        lang = lang_of(request)
        name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
        m = pick(nets, net_v, lang)
        kw = sampler_kw(name, eta_val)
        ts, routes = tuple(timesteps_of(name, sched, n_steps)), m.routes()
        frames.clear()
        with ctx.run_gate.run(lang, m.sha256, n, SAMPLERS[name].nfe(n_steps)) as alone:   # the engine batches it
            t0 = time.perf_counter()
            for f in denoise.run_frames(ctx.engine.serve(m), sched, sampler=name, num_steps=n_steps, seed=s, n=n,
                                        keep=KEEP_FRAMES, device=m.device, **kw):
                frames.append(Kept(f.x_t, f.x0, f.eps, f.index, f.t, f.nfe, ts, routes))    # all kept: scrubber
                msg = tr("dn_status", lang, i=f.index + 1, n=f.num_steps, t=f.t, nfe=f.nfe) + speckle_note(f, sched,
                                                                                                          lang)
                if f.arrived is None:
                    if f.index % ctx.run_gate.stride() == 0:        # in a full class, some steps are not sent
                        progress((f.index + 1) / f.num_steps)
                        yield f.x_t, f.x0, f.eps, msg, timeline(ts, f.index, lang, routes), frames, gr.update(), None
                    continue
                ctx.runs.put(ctx.runs.key(m, sched, sampler=name, num_steps=n_steps, seed=s, n=n, **kw), f)
                # the sample now is the result: the x_t panel ends on what the last step made, not on its input
                frames.append(Kept(f.arrived, f.x0, f.eps, None, 0.0, f.nfe, ts, routes))   # t = 0: clean end
                msg = tr("dn_done", lang, n=f.num_steps, nfe=f.nfe, secs=time.perf_counter() - t0)
                if alone():                        # a run that shared the engine says little of a call's own cost
                    ctx.costs.record(m.sha256, n, f.nfe, time.perf_counter() - t0)
                path = save_gif([fr[1] for fr in frames], ctx.tmp_dir / f"run-{uuid.uuid4().hex[:8]}.gif", fps=10)
                yield (f.arrived, f.x0, f.eps, msg, timeline([*ts, 0.0], len(ts), lang, routes), frames,
                       gr.update(maximum=len(frames) - 1, value=len(frames) - 1), str(path))

    def expected_time(sampler_v, steps_v, count_v, net_v, request: gr.Request):
        """Before a run: how long it will take here, from measured call costs; a long one offers 50 steps."""
        lang = lang_of(request)
        name, n_steps, _, _, n = run_args(sampler_v, steps_v, 0.0, 0, count_v, lang)
        m = pick(nets, net_v, lang)
        calls = SAMPLERS[name].nfe(n_steps)
        secs = ctx.costs.expected(m.sha256, n, calls)
        if secs is None:
            return "", gr.update(visible=False)
        if secs <= LONG_RUN_S:
            return tr("dn_expect", lang, time=duration(secs, lang), nfe=calls), gr.update(visible=False)
        short = ctx.costs.expected(m.sha256, n, SAMPLERS[name].nfe(min(n_steps, SHORT_STEPS)))
        return (tr("dn_expect_long", lang, time=duration(secs, lang), nfe=calls, short=duration(short, lang),
                   k=SHORT_STEPS), gr.update(visible=True))

    def revisit(frames: list, index: Any, request: gr.Request):
        return revisit_view(frames, index, lang_of(request))

    def stopped(frames: list, request: gr.Request):
        return stopped_view(frames, lang_of(request))

    def final_frame(name: str, n_steps: int, eta_val: float, s: int, n: int, net: Any, lang: str) -> denoise.Frame:
        """The last frame of a run of ``net`` (results included), for the question sections: the same run made
        earlier (by Generate, another section or another learner) is not made again; a new one shares the engine."""
        with ctx.run_gate.run(lang, getattr(net, "sha256", ""), n, SAMPLERS[name].nfe(n_steps)):
            return ctx.runs.final(ctx.engine.serve(net), sched, sampler=name, num_steps=n_steps, seed=s, n=n,
                                  device=model.device, **sampler_kw(name, eta_val))

    def jump(sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
        lang = lang_of(request)
        name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
        m = pick(nets, net_v, lang)
        last = final_frame(name, n_steps, eta_val, s, n, m, lang)
        j = denoise.one_jump(m, sched, s, n, device=m.device)
        why = tr("jump_why", lang, x=j.net_speckle, b=j.ideal_speckle, a=j.sqrt_ab, m=1 / j.sqrt_ab)
        return j.ideal, j.net, last.x0, why

    def eta_pair(sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
        lang = lang_of(request)
        _, n_steps, _, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
        m = pick(nets, net_v, lang)
        pics = [final_frame("ddim", min(n_steps, 100), e, s, n, m, lang).x0 for e in (0.0, 1.0)]
        return pics[0], pics[1]

    def guide_pair(sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
        lang = lang_of(request)
        name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
        m = pick(nets, net_v, lang)
        if m.guide is None:
            raise gr.Error(tr("no_guide", lang))
        pics = [final_frame(name, n_steps, eta_val, s, n, net, lang).arrived for net in (m.unguided(), m)]
        q = m.card.get("quality", {})
        plain, guided = q.get("ddim_50_without_guide"), q.get("ddim_50")
        g = m.guide
        stats = tr("guide_stats", lang, w=g.weight, lo=int(g.first), hi=int(g.last), n=guided["n"],
                   plain=plain["confident"], guided=guided["confident"]) if plain and guided else ""
        return pics[0], pics[1], stats

    def copies(sampler_v, steps_v, eta_v, seed_v, count_v, net_v, request: gr.Request):
        lang = lang_of(request)
        name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
        last = final_frame(name, n_steps, eta_val, s, n, pick(nets, net_v, lang), lang)
        pic, dist = denoise.nearest_pairs(last.final)
        ideal = final_frame(name, n_steps, eta_val, s, n, denoise.ideal_digits(sched), lang)
        ideal_pic, ideal_dist = denoise.nearest_pairs(ideal.final)
        from diffusion_core.quality import copy_threshold

        return pic, ideal_pic, tr("copy_dist", lang, d=", ".join(f"{d:.1f}" for d in dist), thr=copy_threshold(),
                                  di=", ".join(f"{d:.1f}" for d in ideal_dist))

    def reform(index_v, t_v, seed_v, net_v, request: gr.Request):
        lang = lang_of(request)
        i = validate.number(index_v, "digit_index", 0, 4999, lang)
        k = validate.number(t_v, "reform_t", 0, 1000, lang)
        s = validate.number(seed_v, "seed", 0, MAX_SEED, lang)
        m = pick(nets, net_v, lang)
        r = denoise.reform_digit(m, sched, i, k, s, device=m.device)
        pr = "∞" if r.psnr_record == float("inf") else f"{r.psnr_record:.1f}"
        return (r.original, r.noised, r.by_model, r.by_record,
                tr("reform_stats", lang, pn=r.psnr_noised, pm=r.psnr_model, pr=pr))

    def student_pair(sampler_v, steps_v, eta_v, seed_v, count_v, request: gr.Request):
        lang = lang_of(request)
        name, n_steps, eta_val, s, n = run_args(sampler_v, steps_v, eta_v, seed_v, count_v, lang)
        pics, secs = [], []
        for m in (nets["teacher"], nets["student"]):          # both run now, not from ctx.runs: they are timed
            t0 = time.perf_counter()
            *_, last = denoise.run_frames(m, sched, sampler=name, num_steps=n_steps, seed=s, n=n, keep=1,
                                          device=m.device, **sampler_kw(name, eta_val))
            secs.append(time.perf_counter() - t0)
            pics.append(last.arrived)
        return pics[0], pics[1], student_stats(nets["teacher"], nets["student"], secs, lang)

    args = [sampler, steps, eta, seed, count]
    run_event = go.click(tracked(generate), args + [net, frames_state],
                         [img_xt, img_x0, img_eps, status, line, frames_state, scrub, gif], api_name="generate", **RUNS)
    # the cancel first: the page starts a click's listeners in order and waits for each handler (stopped waits in
    # turn for the cancelled run to end, so its message is the last word)
    stop.click(None, cancels=[run_event], api_name=False)
    stop.click(stopped, [frames_state], [img_xt, img_x0, img_eps, status, line, scrub, gif], api_name=False, **LIGHT)
    scrub.input(revisit, [frames_state, scrub], [img_xt, img_x0, img_eps, status, line], api_name="revisit",
                 trigger_mode="always_last", **LIGHT)
    jump_go.click(jump, args + [net], [jump_one, jump_net, jump_full, jump_md], api_name="one_jump",
                  **RUNS)
    eta_go.click(eta_pair, args + [net], [eta0, eta1], api_name="eta_pair", **RUNS)
    if any_guide:
        guide_go.click(guide_pair, args + [net], [guide_off, guide_on, guide_md], api_name="guide_pair",
                       **RUNS)
    if "student" in nets:
        student_go.click(gated(ctx.gate, student_pair), args, [student_t, student_s, student_md], api_name="student_pair",
                         **MODEL)
    copy_go.click(copies, args + [net], [copy_img, ideal_img, copy_md], api_name="nearest_training",
                  **RUNS)
    reform_go.click(gated(ctx.gate, reform), [digit, reform_t, seed, net], outs + [reform_md], api_name="reform_digit",
                    **MODEL)
    choice = [sampler, steps, count, net]
    for i, comp in enumerate(choice):
        comp.change(expected_time, choice, [expect, shorter], api_name="expected_time" if i == 0 else False, **LIGHT)
    demo.load(expected_time, choice, [expect, shorter], api_name=False, **LIGHT)
    shorter.click(lambda: SHORT_STEPS, None, [steps], api_name=False, **LIGHT)
    sampler.change(lambda name: SAMPLERS[name].default_steps if name in SAMPLERS else gr.update(), [sampler], [steps],
                   api_name=False, **LIGHT)
    return {"sampler": sampler, "eta": eta}
