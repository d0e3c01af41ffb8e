"""Per-learner memory: what a browser tab holds is freed as soon as the tab closes.

Gradio keeps a closed tab's gr.State for an hour (in case it reconnects); in a classroom that is
forty learners' films, frames and trained 2-D models held for nothing. On unload we drop the
session at once (a learner who comes back starts fresh: a few seconds of work at most). Scripts
that never open a tab are bounded by each State's time_to_live and launch(state_session_capacity=).
"""
from __future__ import annotations

from typing import Callable

import gradio as gr

from .gradio_compat import forget_session


def release_on_close(demo: gr.Blocks, *also: Callable[[str | None], None]) -> None:
    """Register an unload handler on ``demo`` that frees the closing learner's session state, and tells each of
    ``also`` (e.g. the model gate's ``forget``: their jobs still waiting leave the line) the session that closed."""

    def release(request: gr.Request) -> None:
        session = getattr(request, "session_hash", None)
        for forget in also:
            forget(session)
        forget_session(demo, session)                                  # runs each State's delete_callback

    demo.unload(release)
