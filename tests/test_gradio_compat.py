"""One test per hook of ui/gradio_compat.py: each reliance on Gradio's internals, checked against the installed
Gradio, so an upgrade that moves one fails here by name."""
import re
from pathlib import Path

import gradio as gr
import pytest

from ui import gradio_compat

ASSETS = Path(gr.__file__).parent / "templates" / "frontend" / "assets"


def test_the_version_checked_is_named_and_installed_gradio_is_the_same_major():
    assert gradio_compat.CHECKED_WITH.split(".")[0] == gr.__version__.split(".")[0]


def test_image_payloads_and_the_cache_folder_name():
    """components.FastImage subclasses ImageData and files its pictures where Gradio's cache would (hash_bytes)."""
    data = gradio_compat.ImageData(path="/tmp/x.png")
    assert data.path == "/tmp/x.png"
    assert gradio_compat.hash_bytes(b"abc") == gradio_compat.hash_bytes(b"abc") != gradio_compat.hash_bytes(b"abd")


def test_the_page_bundle_exports_change_locale():
    """locale.js finds the core bundle among the page's scripts and calls its changeLocale."""
    bundles = [p for p in ASSETS.glob("*.js") if re.search(gradio_compat.CORE_BUNDLE, f"/assets/{p.name}")]
    assert len(bundles) == 1, bundles
    exports = re.findall(r"export\s*\{([^}]*)\}", bundles[0].read_text(encoding="utf-8"))
    assert any(re.search(rf"\bas {gradio_compat.CHANGE_LOCALE}\b", e) for e in exports)


def test_a_pop_ups_title_has_the_class_locale_js_retitles():
    assert any(gradio_compat.TOAST_TITLE in p.read_text(encoding="utf-8", errors="ignore")
               for p in ASSETS.glob("statustracker-*.js"))


def test_a_closed_tabs_session_is_forgotten_and_its_states_deleted():
    """forget_session drops a session from Gradio's store and runs its States' delete_callback; an unknown session
    or a store that is not there is left alone."""
    deleted = []
    with gr.Blocks() as demo:
        state = gr.State(1, delete_callback=deleted.append)
    holder = demo.state_holder
    holder.set_blocks(demo)
    holder["abc"][state._id] = 1                       # a session's state, as a handler's answer sets it
    assert "abc" in holder
    assert gradio_compat.forget_session(demo, "abc") is True
    assert "abc" not in holder and deleted == [1]
    assert gradio_compat.forget_session(demo, "abc") is False
    assert gradio_compat.forget_session(object(), "abc") is False


def test_the_page_script_carries_the_hooks():
    from ui.i18n import LOCALE_HEAD

    assert not re.search(r"__[A-Z_]+__", LOCALE_HEAD), "a placeholder left in locale.js"
    for hook in (gradio_compat.CORE_BUNDLE, gradio_compat.CHANGE_LOCALE, gradio_compat.TOAST_TITLE):
        assert hook.replace("\\", "\\\\") in LOCALE_HEAD or hook in LOCALE_HEAD


def test_every_handler_is_listed_and_its_function_can_be_wrapped():
    """learner_errors wraps each registered handler's fn before launch; the wrapped fn is the one that runs."""
    from gradio_client import Client

    with gr.Blocks() as demo:
        box = gr.Textbox()
        gr.Button().click(lambda s: s + "!", box, box, api_name="shout")
    (fn,) = [f for f in gradio_compat.handlers(demo) if f.api_name == "shout"]
    inner = fn.fn
    fn.fn = lambda s: inner(s) + "?"
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True)
    try:
        assert Client(url, verbose=False).predict("hi", api_name="/shout") == "hi!?"
    finally:
        demo.close()
