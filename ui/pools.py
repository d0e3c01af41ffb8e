"""Worker pools, so numpy-only slider work never waits behind the model, and a gate for the model.

On 2 cores one model job runs at a time: on both cores when nobody waits, on one core when
others do, so that sliders and page loads keep a core of their own in a full classroom. Model events are admitted by Gradio
up to ``MAX_WAITING`` + 1 at once and then line up at ``ModelGate``: past ``MAX_WAITING`` in line a
learner is told, in their own language, that the classroom is busy (Gradio's own "queue full"
notice is English only). Light work (sliders, charts) runs up to 4 at once in its own pool.
"""
from __future__ import annotations

import functools
import inspect
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import gradio as gr

from diffusion_core.device import share_cores

from .i18n import lang_of, tr

MAX_WAITING = 8             # model jobs allowed to wait (about 20 s of work on 2 cores)
# one running, MAX_WAITING at the gate, one more let in to be told "busy" (else Gradio's queue holds it silently)
MODEL = dict(concurrency_id="model", concurrency_limit=MAX_WAITING + 2)
LIGHT = dict(concurrency_id="light", concurrency_limit=4, show_progress="hidden")
THREADS = MAX_WAITING + 2 + 4 + 16       # launch(max_threads=): waiting model jobs hold a thread each


class ModelGate:
    """One model job at a time; refuse (clearly) rather than queue without end."""

    def __init__(self, slots: int = 1, max_waiting: int = MAX_WAITING):
        self._slots = threading.Semaphore(slots)
        self._lock = threading.Lock()
        self.max_waiting = max_waiting
        self.waiting = 0

    @contextmanager
    def slot(self, lang: str) -> Iterator[None]:
        with self._lock:
            if self.waiting >= self.max_waiting:
                raise gr.Error(tr("busy", lang, n=self.waiting))
            self.waiting += 1
        try:
            self._slots.acquire()
        finally:
            with self._lock:
                self.waiting -= 1
                crowded = self.waiting > 0
        share_cores(crowded)
        try:
            yield
        finally:
            self._slots.release()


def _lang(args: tuple, kwargs: dict) -> str:
    request = next((a for a in (*args, *kwargs.values()) if isinstance(a, gr.Request)), None)
    return lang_of(request)


def gated(gate: ModelGate, fn: Callable) -> Callable:
    """``fn`` (a handler taking a gr.Request) run inside the gate; generators stay generators."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with gate.slot(_lang(args, kwargs)):
                yield from fn(*args, **kwargs)
        return stream

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        with gate.slot(_lang(args, kwargs)):
            return fn(*args, **kwargs)
    return call
