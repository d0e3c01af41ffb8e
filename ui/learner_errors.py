"""A learner's mistake is not a fault: a handler's gr.Error (bad input, answered in the learner's language) is
logged as one line, while any other exception keeps Gradio's full traceback in the server console.

Gradio prints a traceback for every exception of a handler unless it is a gr.Error whose ``print_exception`` is
False (gradio/queueing.py, routes.py); every handler of the app is wrapped once, after the Blocks are built, so
that each gr.Error it raises (ours, or one of the validators') carries that flag and one log line instead.
"""
from __future__ import annotations

import functools
import inspect
import logging
from typing import Any, Callable

import gradio as gr

from .gradio_compat import handlers

log = logging.getLogger("diffusion_classroom")


def _one_line(e: gr.Error, name: str) -> None:
    """Tell Gradio to print no traceback for ``e``; log what the learner was told, on one line."""
    e.print_exception = False
    log.warning("learner error in %s: %s", name, " ".join(str(e.message).split()))


def quiet(fn: Callable, name: str = "") -> Callable:
    """``fn`` (plain, generator, async or async generator) with its gr.Errors logged as one line naming ``name``."""
    name = name or getattr(fn, "__name__", "handler")
    if inspect.isasyncgenfunction(fn):
        @functools.wraps(fn)
        async def agen(*args: Any, **kwargs: Any) -> Any:
            try:
                async for out in fn(*args, **kwargs):
                    yield out
            except gr.Error as e:
                _one_line(e, name)
                raise
        return agen
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def coro(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except gr.Error as e:
                _one_line(e, name)
                raise
        return coro
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except gr.Error as e:
                _one_line(e, name)
                raise
        return gen

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error as e:
            _one_line(e, name)
            raise
    return call


def quiet_learner_errors(demo: gr.Blocks) -> gr.Blocks:
    """Wrap every handler of ``demo`` (once) with ``quiet``; returns ``demo``."""
    for block_fn in handlers(demo):
        if block_fn.fn is not None and not getattr(block_fn.fn, "_quiet", False):
            block_fn.fn = quiet(block_fn.fn, block_fn.api_name if isinstance(block_fn.api_name, str) else "")
            block_fn.fn._quiet = True
    return demo
