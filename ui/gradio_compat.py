"""Every place the app leans on Gradio's internals rather than its documented API, in one file.

Written against Gradio 6.31 (``CHECKED_WITH``); tests/test_gradio_compat.py holds one test per hook, so an upgrade
that moves one fails there, by name, instead of somewhere in a tab. Each hook degrades quietly in the app (a page
left in English, a session kept an hour longer), never takes it down.
"""
from __future__ import annotations

from typing import Any

from gradio.data_classes import ImageData        # noqa: F401 - an image payload's model (components.FastImage)
from gradio.processing_utils import hash_bytes   # noqa: F401 - the cache folder Gradio names for a file's bytes

CHECKED_WITH = "6.31.0"

# ui/locale.js, in the page: the page bundle whose module exports changeLocale (what Gradio's settings panel calls
# to switch the page's language), found among the loaded scripts by this name ...
CORE_BUNDLE = r"/assets/core-[^/]*\.js$"
CHANGE_LOCALE = "changeLocale"
# ... and the class of a pop-up's title, which Gradio writes in English in its code ("Error"), not in its strings.
TOAST_TITLE = "toast-title"


def handlers(demo: Any) -> list[Any]:
    """Every registered event of ``demo`` (Gradio's BlockFunction: its ``fn`` may be replaced, e.g. wrapped, before
    launch; ``api_name`` is the endpoint's name or False)."""
    return list(demo.fns.values())


def forget_session(demo: Any, session_hash: str | None) -> bool:
    """Drop a closed browser tab's session state now (Gradio keeps it an hour, in case the tab reconnects): each
    gr.State's delete_callback runs. False when Gradio's session store is not where it was (nothing is dropped)."""
    holder = getattr(demo, "state_holder", None)
    if holder is None or session_hash is None or session_hash not in holder:
        return False
    holder.delete_state(session_hash)
    with holder.lock:
        holder.session_data.pop(session_hash, None)
        holder.time_last_used.pop(session_hash, None)
    return True
