"""Tab 3, "Denoise with a tiny model": watch noise become digits, step by step, and ask why."""
from __future__ import annotations

import gradio as gr

from diffusion_core.samplers import MAX_STEPS, SAMPLERS

from . import denoise_handlers as on
from .components import FastImage, described_by, RawDropdown, RawNumber, RawSlider, under_the_hood
from .context import AppContext, bound
from .denoise_handlers import MAX_COUNT, SHORT_STEPS
from .validate import MAX_SEED
from .denoise_run import RunFrames, tracked
from .depth import explained
from .nets import net_radio, nets_of
from .pools import LIGHT, MODEL, RUNS, gated
from .i18n import T, in_every_language

PIXELATED = ["pixelated"]
DEFAULT_STEPS = 20


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
    """Lay out the tab and wire its events to the handlers of ``denoise_handlers`` (call inside a gr.Blocks);
    returns the controls a Lesson step sets."""
    model = ctx.models.get("digits")
    if model is None:
        gr.Markdown(in_every_language("dn_unavailable", why=ctx.model_errors.get("digits", "?")))
        return {}
    nets = nets_of(ctx)
    frames_state = gr.State(RunFrames(), time_to_live=1800, delete_callback=lambda frames: frames.clear())

    explained("dn_intro", "dn")
    with gr.Row():
        with gr.Column(scale=1):
            sampler = RawDropdown([(info.label, name) for name, info in SAMPLERS.items()], value="dpmpp2m",
                                  label=T("sampler"), info=T("sampler_info"))
            steps = RawSlider(1, MAX_STEPS, value=DEFAULT_STEPS, step=1, label=T("steps"), info=T("steps_info"),
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
                    # before a run, as a run of the default steps will leave it: its steps and the clean end
                    scrub = RawSlider(0, DEFAULT_STEPS, value=0, step=1, label=T("scrub"), info=T("scrub_info"),
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

    args = [sampler, steps, eta, seed, count]
    run_event = go.click(tracked(bound(on.generate, ctx)), args + [net, frames_state],
                         [img_xt, img_x0, img_eps, status, line, frames_state, scrub, gif], api_name="generate", **RUNS)
    # the cancel first: the page starts a click's listeners in order and waits for each handler (stopped waits in
    # turn for the cancelled run to end, so its message is the last word)
    stop.click(None, cancels=[run_event], api_name=False)
    stop.click(on.stopped, [frames_state], [img_xt, img_x0, img_eps, status, line, scrub, gif], api_name=False, **LIGHT)
    scrub.input(on.revisit, [frames_state, scrub], [img_xt, img_x0, img_eps, status, line], api_name="revisit",
                trigger_mode="always_last", **LIGHT)
    jump_go.click(bound(on.jump, ctx), args + [net], [jump_one, jump_net, jump_full, jump_md], api_name="one_jump",
                  **RUNS)
    eta_go.click(bound(on.eta_pair, ctx), args + [net], [eta0, eta1], api_name="eta_pair", **RUNS)
    if any_guide:
        guide_go.click(bound(on.guide_pair, ctx), args + [net], [guide_off, guide_on, guide_md],
                       api_name="guide_pair", **RUNS)
    if "student" in nets:
        student_go.click(gated(ctx.gate, bound(on.student_pair, ctx)), args, [student_t, student_s, student_md],
                         api_name="student_pair", **MODEL)
    copy_go.click(bound(on.copies, ctx), args + [net], [copy_img, ideal_img, copy_md], api_name="nearest_training",
                  **RUNS)
    reform_go.click(gated(ctx.gate, bound(on.reform, ctx)), [digit, reform_t, seed, net], outs + [reform_md],
                    api_name="reform_digit", **MODEL)
    choice = [sampler, steps, count, net]
    expected = bound(on.expected_time, ctx)
    for i, comp in enumerate(choice):
        comp.change(expected, choice, [expect, shorter], api_name="expected_time" if i == 0 else False, **LIGHT)
    demo.load(expected, choice, [expect, shorter], api_name=False, **LIGHT)
    shorter.click(lambda: SHORT_STEPS, None, [steps], api_name=False, **LIGHT)
    sampler.change(lambda name: SAMPLERS[name].default_steps if name in SAMPLERS else gr.update(), [sampler], [steps],
                   api_name=False, **LIGHT)
    return {"sampler": sampler, "eta": eta}
