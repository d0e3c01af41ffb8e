"""One engine for the network calls of every sampling run: continuous batching, as LLM servers batch requests.

A sampler stays the plain generator it is; only its model call goes through the engine. ``engine.serve(model)`` is
a Model like ``model``: calling it puts (x [B, C, H, W], t [B], label [B] or None) in the engine's line and waits.
One worker thread owns the network: each tick it takes the first call in line and every other waiting call for the
same model and image size (up to ``max_batch`` images), stacks them into ONE network call, and hands each caller its
rows. Runs join and leave between ticks. The network takes t (and a label) per image, so runs at different
timesteps, of different samplers and step counts, share a call; a batch of 16 costs far less than 16 batches of 1.

    engine = Engine()
    served = engine.serve(model)                 # the same answers as model, computed in shared batches
    x0 = samplers.sample(served, schedule, shape=(16, 1, 28, 28), seed=0)

A fault in one call's rows does not fail the others: a stacked call that raises is retried call by call.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import torch
from torch import Tensor

from ..device import ALL_CORES, lower_priority
from ..samplers.base import Mix


LINGER_S = 0.002     # how long a tick waits for the callers of the last two (a sampler step alone takes ~0.1 ms)


@dataclass
class Call:
    """One caller's network call, waiting in line: its inputs, then its answer (or the error it raised)."""

    fn: Any                         # fn(x, t) or fn(x, t, label)
    ident: tuple                    # which network: calls with the same ident may be stacked
    x: Tensor                       # [B, C, H, W]
    t: Tensor                       # [B]
    label: Tensor | None            # [B] int, or None for a model called without labels
    caller: int = field(default_factory=threading.get_ident)      # the run's thread
    done: threading.Event = field(default_factory=threading.Event)
    out: Tensor | Mix | None = None
    error: BaseException | None = None

    @property
    def key(self) -> tuple:
        """Calls that can share one network call: same model, image size, dtype and device, labelled or not."""
        return self.ident, tuple(self.x.shape[1:]), self.x.dtype, self.x.device, self.label is None


@dataclass(frozen=True)
class Stats:
    ticks: int          # network calls made
    calls: int          # callers' calls answered
    images: int         # images through the network

    @property
    def mean_batch(self) -> float:
        return self.images / self.ticks if self.ticks else 0.0


class Engine:
    """The model worker: stacks waiting calls into one network call per tick (see the module's docstring)."""

    def __init__(self, max_batch: int = 128, nice: int = 0):
        """``max_batch``: images stacked into one call at most (on a 2-core CPU a call of 64 digits already costs
        ~1.4 ms an image against ~1.2 at 256: bigger batches buy little and hold memory). ``nice``: how far below
        the process's priority the worker runs (``device.lower_priority``), so that light work preempts it."""
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self.max_batch = max_batch
        self._line: deque[Call] = deque()
        self._cv = threading.Condition()
        self._counts = [0, 0, 0]                       # ticks, calls, images
        self._streams = 0                              # runs whose frames are being encoded while the engine works
        self._closed = False
        self._worker = threading.Thread(target=self._work, args=(nice,), name="model-engine", daemon=True)
        self._worker.start()

    def serve(self, model: Any) -> "Served":
        """``model`` (a Model, or a net that also takes labels) with its calls made by this engine."""
        return Served(self, model)

    def call(self, fn: Any, x: Tensor, t: Tensor, label: Tensor | None = None, ident: tuple | None = None
             ) -> Tensor | Mix:
        """``fn(x, t[, label])``, computed in a tick shared with other callers of the same ``ident`` (default: the
        same weights, by ``fn.sha256`` and ``fn.precision`` where it has them, else the same fn object); waits."""
        if x.ndim < 1 or len(x) == 0:
            raise ValueError("a call needs at least one image")
        t = t.expand(len(x)) if t.ndim == 0 else t
        c = Call(fn, ident or identity(fn), x, t, label)
        with self._cv:
            if self._closed:
                raise RuntimeError("the engine is closed")
            self._line.append(c)
            self._cv.notify()
        c.done.wait()
        if c.error is not None:
            raise c.error
        return c.out

    @contextmanager
    def streaming(self) -> Iterator[None]:
        """Inside: a run's steps are made ahead of its handler (serving.ahead.run_ahead), which encodes and sends
        frames while the engine computes the next step. The engine then leaves that handler a core: on 2 cores it
        computes on one, and the two overlap (bench/generate.py: the default Generate 0.66 s -> 0.53 s here;
        on both cores each step's barrier waits for the core the handler holds). A tick that stacks several runs'
        calls still takes every core: its larger products gain more from them than one run's."""
        with self._cv:
            self._streams += 1
        try:
            yield
        finally:
            with self._cv:
                self._streams -= 1

    def cores(self, batch: list[Call]) -> int:
        """The threads a tick computes on: every core, one fewer for one run's call while a run streams."""
        return max(1, ALL_CORES - 1) if self._streams and len(batch) == 1 else ALL_CORES

    @property
    def waiting(self) -> int:
        """Images waiting in line for the next tick."""
        with self._cv:
            return sum(len(c.x) for c in self._line)

    def stats(self) -> Stats:
        with self._cv:
            return Stats(*self._counts)

    def close(self) -> None:
        """Answer what is in line, then stop the worker."""
        with self._cv:
            self._closed = True
            self._cv.notify()
        self._worker.join(timeout=60)

    # -- the worker ---------------------------------------------------------------------------------------------
    def _take(self) -> list[Call]:
        """The next tick's calls: the first in line and those after it that share its key, up to max_batch images
        (the first always, even alone above the cap). The rest keep their places."""
        first = self._line.popleft()
        batch, images, rest = [first], len(first.x), deque()
        while self._line:
            c = self._line.popleft()
            if c.key == first.key and images + len(c.x) <= self.max_batch:
                batch.append(c)
                images += len(c.x)
            else:
                rest.append(c)
        self._line = rest
        return batch

    def _work(self, nice: int) -> None:
        if nice:
            lower_priority(nice)
        recent: set[int] = set()                 # callers of the last two ticks: most call again at once
        last: set[int] = set()
        while True:
            with self._cv:
                while not self._line and not self._closed:
                    self._cv.wait()
                # linger a moment for recent callers to call again, so that runs stay in step (two runs would
                # otherwise take turns, each tick half empty)
                until = time.monotonic() + LINGER_S
                while (not recent <= {c.caller for c in self._line} and not self._closed
                       and (left := until - time.monotonic()) > 0):
                    self._cv.wait(left)
                if not self._line:
                    return
                batch = self._take()
                cores = self.cores(batch)
            if torch.get_num_threads() != cores:
                torch.set_num_threads(cores)
            self._answer(batch)
            answered = {c.caller for c in batch}
            recent, last = last | answered, answered

    def _answer(self, batch: list[Call]) -> None:
        try:
            outs = _stacked(batch)
        except Exception as e:                      # noqa: BLE001 - find the call at fault: each alone
            if len(batch) > 1:
                for c in batch:
                    self._answer([c])
                return
            batch[0].error, outs = e, [None]
        with self._cv:
            self._counts[0] += 1
            self._counts[1] += len(batch)
            self._counts[2] += sum(len(c.x) for c in batch)
        for c, out in zip(batch, outs):
            c.out = out
            c.done.set()


def _stacked(batch: list[Call]) -> list[Tensor | Mix]:
    """One network call for the batch's rows; each call's share of the answer."""
    first = batch[0]
    sizes = [len(c.x) for c in batch]
    x = torch.cat([c.x for c in batch]) if len(batch) > 1 else first.x
    t = torch.cat([c.t.to(first.t.device, first.t.dtype) for c in batch]) if len(batch) > 1 else first.t
    if first.label is None:
        out = first.fn(x, t)
    else:
        labels = torch.cat([c.label for c in batch]) if len(batch) > 1 else first.label
        out = first.fn(x, t, labels)
    if isinstance(out, Mix):
        eps, parts = out.eps.split(sizes), [p.split(sizes) for p in out.parts]
        return [Mix(e, tuple(p[i] for p in parts)) for i, e in enumerate(eps)]
    return list(out.split(sizes))


def identity(model: Any) -> tuple:
    """Which function a model computes: its weights' sha256 and precision (two loads of the same weights, or a
    model rebuilt by ``dataclasses.replace``, stack together), else the object itself."""
    sha = getattr(model, "sha256", None)
    return ("sha256", sha, getattr(model, "precision", "")) if isinstance(sha, str) else ("object", id(model))


class Served:
    """A model whose calls the engine batches: ``served(x, t)`` and ``served.eps(x, t, label)`` answer as the model
    would; everything else (its card, schedule, sha256, ...) is the model's own."""

    def __init__(self, engine: Engine, model: Any):
        self.engine, self.model = engine, model

    def __call__(self, x: Tensor, t: Tensor) -> Tensor | Mix:
        return self.engine.call(self.model, x, t)

    def eps(self, x: Tensor, t: Tensor, label: Tensor | None = None) -> Tensor:
        """A labelled net's call (``label`` [B] int), or the plain one without."""
        if label is None:
            return self.engine.call(self.model, x, t)
        return self.engine.call(self.model.eps, x, t, label, ident=(*identity(self.model), "labelled"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

