"""Diffusion Classroom: a Gradio app that teaches how diffusion models work. Run: python app.py"""
from __future__ import annotations

import sys
from pathlib import Path

import gradio as gr

from ui import compare_tab, denoise_tab, drain, dye_tab, lesson_tab, noise_tab, steer_tab
from ui.context import AppContext
from ui.depth import depth_choice
from ui.i18n import I18N, LOCALE_HEAD, T
from ui.learner_errors import quiet_learner_errors
from ui.pools import THREADS
from ui.replica import Replica
from ui.sessions import release_on_close

# Gradio's Soft theme with its text and primary colours one or two shades darker, so that labels on their tinted
# badges, white text on primary buttons and ticked boxes, and the grey hints under controls reach WCAG's 4.5:1
# contrast (axe-core measured 3.6, 4.46 and 2.5 with the stock shades; bench/a11y.py)
THEME = gr.themes.Soft().set(
    block_label_text_color="*primary_700", block_title_text_color="*primary_700", color_accent="*primary_600",
    body_text_color_subdued="*neutral_600", input_placeholder_color="*neutral_500",
    button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
    button_primary_border_color="*primary_600", checkbox_label_background_fill_selected="*primary_600")
# names for Gradio's unnamed picture buttons, dropdowns that point at their option list only while it exists, and
# streaming pictures marked for prefers-reduced-motion; the footer's focus ring and touch size
A11Y_HEAD = (f"<script>\n{(Path(__file__).resolve().parent / 'ui' / 'a11y.js').read_text(encoding='utf-8')}</script>"
             f"<style>\n{(Path(__file__).resolve().parent / 'ui' / 'page.css').read_text(encoding='utf-8')}</style>")
MAX_FILE_SIZE = "20mb"
MAX_SESSIONS = 400          # learners whose state is kept (oldest dropped first); a class is ~40
CSS = ".dc-footer {font-size: 0.8em} .pixelated img {image-rendering: pixelated; width: 100%; height: 100%; object-fit: contain}\n" \
      + (Path(__file__).resolve().parent / "ui" / "layout.css").read_text(encoding="utf-8")    # titles above pictures


def build_demo(ctx: AppContext | None = None) -> gr.Blocks:
    """The whole app as a gr.Blocks (not launched)."""
    ctx = ctx or AppContext.create()
    with gr.Blocks(title="Diffusion Classroom · 扩散课堂") as demo:
        with gr.Row(equal_height=False):                # what the app is; beside it (below, on a phone), how deep
            with gr.Column(scale=4, min_width=320):
                gr.Markdown(T("app_intro"))
            with gr.Column(scale=1, min_width=300):
                depth_choice(demo)
        lesson_progress = lesson_tab.progress_state()
        with gr.Tabs(selected="noise") as tabs:
            with gr.Tab(T("tab_lesson"), id="lesson"):
                open_full = lesson_tab.build(ctx, demo, tabs, lesson_progress)
            controls = {}                   # "<tab>.<control>": what a Lesson step sets when it opens its tab
            for tab, module in (("dye", dye_tab), ("noise", noise_tab), ("denoise", denoise_tab),
                                ("steer", steer_tab), ("compare", compare_tab)):
                with gr.Tab(T(f"tab_{tab}"), id=tab):
                    controls |= {f"{tab}.{name}": c for name, c in module.build(ctx, demo).items()}
        lesson_tab.open_in_tabs(ctx, open_full, lesson_progress, tabs, controls)
        gr.Markdown(T("footer"), elem_classes="dc-footer")
        release_on_close(demo, ctx.gate.forget)
    return quiet_learner_errors(demo)      # a learner's mistake logs one line, a fault its traceback


def launch(demo: gr.Blocks, sigterm_drains: bool = False, **kw) -> None:
    """Queue and launch with the app's limits; keyword arguments override launch() options. sigterm_drains (python
    app.py): SIGTERM lets the runs in hand finish, then returns (ui/drain.py)."""
    demo.queue(max_size=256, default_concurrency_limit=1)       # the model's own gate refuses first, in words
    replica = Replica.from_env()        # GET /healthz, X-Replica; behind deploy/nginx.conf, only its own learners
    if sigterm_drains:
        drain.on_sigterm(demo, replica)
    # ssr_mode=False: Spaces run Gradio apps with server-side rendering by default (GRADIO_SSR_MODE: a Node 24+
    # server in front of Python); the app keeps the rendering in the browser that its tests and benches check
    opts = dict(i18n=I18N, head=LOCALE_HEAD + A11Y_HEAD, max_file_size=MAX_FILE_SIZE, css=CSS, theme=THEME,
                show_error=True, max_threads=THREADS, state_session_capacity=MAX_SESSIONS, ssr_mode=False,
                app_kwargs=replica.app_kwargs())
    demo.launch(**{**opts, **kw})


def fewer_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (M_ARENA_MAX). glibc gives threads that allocate at once arenas of their own, up to
    8 a core, and seldom returns their free pages: with a class's handler threads the server's peak RSS under
    `bench/load.py --heavy` went anywhere from 1.7 to 2.2 GB; with 2 arenas 1.4 GB, the same jobs done
    (docs/experiments.md). Call it before the threads start. False where the C library is not glibc."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt(-8, arenas) == 1   # -8: M_ARENA_MAX
    except (OSError, AttributeError):
        return False


if __name__ == "__main__":
    fewer_malloc_arenas()
    sys.setswitchinterval(0.0005)    # hand the GIL round every 0.5 ms (Python's default: 5): sliders stay quick beside model work
    launch(build_demo(), sigterm_drains=True)
