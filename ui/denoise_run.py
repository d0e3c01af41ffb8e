"""The Denoise tab's run as the learner follows it: the timeline of the steps, the steps kept for the scrubber,
and what the status says when a kept step is revisited or the run is stopped."""
from __future__ import annotations

import functools
import threading
from typing import Any, Callable, Iterator, NamedTuple

import gradio as gr
import numpy as np

from . import charts, validate
from .i18n import tr

Routes = tuple[tuple[int, int, int], ...]         # a net's time experts: (first t, last t, net)


class Kept(NamedTuple):
    """One step of the learner's run kept for the scrubber; ``index`` None: the sample the run arrived at (t = 0)."""
    x_t: np.ndarray              # uint8 grids, as shown in the three panels
    x0: np.ndarray
    eps: np.ndarray
    index: int | None            # 0-based step, as the timeline counts
    t: float                     # the network timestep of the step
    nfe: int                     # network calls made up to and including this step
    ts: tuple[float, ...]        # the whole run's network timesteps (one tuple shared by its kept steps)
    routes: Routes


class RunFrames(list):
    """A learner's kept steps (a list of Kept), and an event that is set while no run is filling it: Stop waits on
    it, so its message comes after the stopped run's last picture (Gradio cancels a run a step late otherwise)."""

    def __init__(self) -> None:
        super().__init__()
        self.idle = threading.Event()
        self.idle.set()

    def __deepcopy__(self, memo: dict) -> "RunFrames":
        return RunFrames()                     # gr.State copies its initial value for each learner: a fresh one


def tracked(generate: Callable[..., Iterator]) -> Callable[..., Iterator]:
    """The run handler ``generate`` (one of whose arguments is the learner's RunFrames) with the frames marked busy
    from its start until it ends, is stopped or fails."""
    @functools.wraps(generate)
    def run(*args: Any, **kwargs: Any) -> Iterator:
        frames = next(a for a in (*args, *kwargs.values()) if isinstance(a, RunFrames))
        frames.idle.clear()
        try:
            yield from generate(*args, **kwargs)
        finally:
            frames.idle.set()
    return run


def timeline(ts: list[float], index: int, lang: str, routes: Routes = ()) -> str:
    """The network timestep t of every step (0-based, as the scrubber counts), a cursor at ``index``; a run that
    has arrived passes one more point, t = 0 for the clean end x_0. Each route (first t, last t, net) of a time
    expert is a shaded band, one colour per net: the steps that land in it ask that net."""
    last = len(ts) - 1
    ticks = [(i, str(i)) for i in sorted({0, last // 2, last})]
    bands = [(lo, hi, tr("dn_band", lang, n=net, lo=lo, hi=hi), charts.BAND_COLORS[(net - 2) % len(charts.BAND_COLORS)])
             for lo, hi, net in routes]
    return charts.line_chart(tr("dn_timeline", lang), list(range(len(ts))), [(tr("dn_timeline_t", lang), list(ts))],
                             y_range=(0.0, 1000.0), cursor=index, x_label=tr("dn_timeline_axis", lang), x_ticks=ticks,
                             y_bands=bands)


def revisit_view(frames: list[Kept], index: Any, lang: str) -> tuple:
    """The kept step at scrubber position ``index``: its three panels, a status naming it (step i of n, t, network
    calls so far) and the timeline with the cursor on it (ending at t = 0 once the run has arrived)."""
    if not frames:
        raise gr.Error(tr("no_run", lang))
    k = frames[validate.number(index, "scrub", 0, len(frames) - 1, lang)]
    arrived = frames[-1].index is None
    line = timeline([*k.ts, 0.0] if arrived else list(k.ts), len(k.ts) if k.index is None else k.index, lang, k.routes)
    if k.index is None:
        return k.x_t, k.x0, k.eps, tr("dn_arrived", lang), line
    return k.x_t, k.x0, k.eps, tr("dn_revisit", lang, i=k.index + 1, n=len(k.ts), t=k.t, nfe=k.nfe), line


def stopped_view(frames: list[Kept], lang: str, wait: float = 10.0) -> tuple:
    """After Stop: the last kept step of the stopped run in the panels and on the timeline, a status saying the
    run was stopped there (step i of n), the scrubber over the steps it kept, and no GIF (the run made none); no change
    where no run was going. Waits up to ``wait`` seconds for the run (a RunFrames') to end first, so nothing it still sends covers this."""
    if isinstance(frames, RunFrames):
        frames.idle.wait(wait)
    if not frames or frames[-1].index is None:
        return (gr.skip(),) * 7
    last = frames[-1]
    x_t, x0, eps, _, line = revisit_view(frames, len(frames) - 1, lang)
    status = tr("dn_stopped", lang, i=last.index + 1, n=len(last.ts), t=last.t, nfe=last.nfe)
    return x_t, x0, eps, status, line, gr.update(maximum=len(frames) - 1, value=len(frames) - 1), None
