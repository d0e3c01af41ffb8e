"""Worker pools, so numpy-only slider work never waits behind the model, and gates for the model.

Sampling runs (Generate, the question sections, a race, a steered run) share the engine's ticks
(diffusion_core.serving.engine): many are in at once, each handler in its own thread, let in by ``RunGate`` while the work
in stays within ``ADMIT_S`` (diffusion_core.serving.admission) and told the expected wait past it. Other model jobs (training
the dye, films, photo reforms) take the one slot of ``ModelGate``, in line.

On 2 cores one model job runs at a time: on both cores when nobody waits, on one core when
others do, so that sliders and page loads keep a core of their own in a full classroom. ``ModelGate`` lets a job into
its line by cost, not by count: while the jobs ahead and its own would be done within ``GATE_BOUND_S`` (each job
expected to take what a unit of its kind took here, times its size: ``JobSize``), telling a learner who will wait
longer than ``NOTICE_S`` about how long; past the bound the learner is told, in their own language, when there would
be room (Gradio's own "queue full" notice is English only). A job whose learner's tab closes while it waits leaves
the line (``ModelGate.forget``). Light work (sliders, charts) runs up to 4 at once in its own pool.
"""
from __future__ import annotations

import contextvars
import functools
import inspect
import math
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import gradio as gr

from diffusion_core.device import ALL_CORES, lower_priority, threads
from diffusion_core.serving.admission import Admission, Refused
from diffusion_core.serving.costs import CallCosts

from .i18n import duration, lang_of, tr

MAX_WAITING = 40            # model jobs in line at most whatever their cost (a class); GATE_BOUND_S usually says no first
GATE_BOUND_S = 60.0         # a model job is let into the line while the jobs ahead and its own would be done in this
NOTICE_S = 10.0             # a learner whose job would wait longer is told about how long
POLL_S = 0.25               # a job waiting for the slot looks this often whether its learner's tab has closed
FIRST_JOB_S = 5.0           # the expected seconds of a kind of job until one has run here (a job of one unit)
# one running, MAX_WAITING at the gate, one more let in to be told "busy" (else Gradio's queue holds it silently)
MODEL = dict(concurrency_id="model", concurrency_limit=MAX_WAITING + 2)
LIGHT = dict(concurrency_id="light", concurrency_limit=4, show_progress="hidden")
MAX_RUNS = 40               # sampling runs in at once (each holds a handler thread); RunGate usually says no first
RUNS = dict(concurrency_id="runs", concurrency_limit=MAX_RUNS + 1)
THREADS = MAX_WAITING + 2 + MAX_RUNS + 1 + 4 + 16     # launch(max_threads=): model jobs hold a thread each
ADMIT_S = 10.0             # the engine takes on sampling work while what is in would be done within this
FRAMES_AT_ONCE = 4         # runs that show every step; with more in, each shows every (runs // 4)-th
FALLBACK_S = 0.01          # seconds per image per network call for a model never measured (no refusal on a guess)


@dataclass(frozen=True)
class JobSize:
    """How much work a gate job brings, read from its handler's arguments as they came (before the handler checks
    them): ``units(*args)`` (a training's seconds, a reform's steps), and the seconds one unit is expected to take
    until a job of its kind has run here. Anything but a finite number >= 1 counts as one unit (the handler then
    refuses it in words)."""

    units: Callable[..., Any]
    first_s_per_unit: float = FIRST_JOB_S

    def of(self, args: tuple) -> float:
        try:
            u = float(self.units(*args))
        except (TypeError, ValueError, IndexError, AttributeError, OverflowError):
            return 1.0
        return u if math.isfinite(u) and u >= 1.0 else 1.0


ONE_JOB = JobSize(lambda *args: 1.0)            # a job whose size does not vary: expected to take what the last took
TRAINING_S_PER_S = 1.1      # a training asked for N s is expected to hold the slot 1.1 N until one has run (20 s: 20.1 here)


class ModelGate:
    """One model job at a time, in line; a job is let in by the expected wait (see the module's docstring), and
    refused clearly rather than queued without end. The jobs run in threads of their own at a lower CPU priority
    (``device.lower_priority``), so the page's light work preempts them."""

    def __init__(self, slots: int = 1, max_waiting: int = MAX_WAITING, bound_s: float = GATE_BOUND_S,
                 clock: Callable[[], float] = time.monotonic):
        self.jobs = ThreadPoolExecutor(slots, thread_name_prefix="model-job", initializer=lower_priority)
        self._slots = threading.Semaphore(slots)
        self._lock = threading.Lock()
        self.max_waiting = max_waiting
        self.waiting = 0
        # the slots' work still to do, as seconds of the slots' wall time: with one slot, a job let in now waits the
        # backlog (Admission's shares do not matter here, only the sum, which falls one second a second)
        self.line = Admission(bound_s * slots, clock)
        self._clock, self._slot_count = clock, slots
        self._took: dict[str, float] = {}    # kind -> seconds a unit of its jobs held a slot here, the newest weighing half
        self._sessions: Counter[str] = Counter()   # learner session -> its jobs waiting for the slot
        self._closed: set[str] = set()             # sessions whose tab closed while a job of theirs waited

    def forget(self, session: str | None) -> None:
        """A learner's tab has closed: their jobs waiting for the slot leave the line without running (within
        POLL_S). Gradio would let such a job take the slot and run its first step before it noticed."""
        with self._lock:
            if session is not None and self._sessions[session]:
                self._closed.add(session)

    def _wait_for_slot(self, session: str | None) -> bool:
        """Take the slot when it is free; False if the learner's tab closed first (``forget``)."""
        while not self._slots.acquire(timeout=POLL_S):
            with self._lock:
                if session in self._closed:
                    return False
        return True

    def expected(self, kind: str, units: float = 1.0, first_s_per_unit: float = FIRST_JOB_S) -> float:
        """Seconds a job of this kind and size is expected to hold the slot: ``units`` times what a unit of the last
        ones took here (load included), ``first_s_per_unit`` a unit until one has run."""
        with self._lock:
            return units * self._took.get(kind, first_s_per_unit)

    def _took_now(self, kind: str, seconds_per_unit: float) -> None:
        with self._lock:
            old = self._took.get(kind)
            self._took[kind] = seconds_per_unit if old is None else (old + seconds_per_unit) / 2

    @contextmanager
    def slot(self, lang: str, kind: str = "job", expected_s: float | None = None, units: float = 1.0,
             first_s_per_unit: float = FIRST_JOB_S, session: str | None = None) -> Iterator[int]:
        """Inside: the job has the slot; it yields the threads its model calls take: every core when alone, one
        when others wait (they get the rest). Refused (gr.Error, the learner's language) past the bound. The job
        is expected to take ``expected_s`` where given, else ``units`` of what a unit of its kind took here
        (``expected``). ``session``: the learner's, whose closing tab (``forget``) takes the job out of line."""
        if not units > 0:
            raise ValueError(f"a job's units must be positive, got {units}")
        work = self.expected(kind, units, first_s_per_unit) if expected_s is None else expected_s
        with self._lock:                          # counted and let into the line at once (two at once: one waits)
            if self.waiting >= self.max_waiting:
                raise gr.Error(tr("busy", lang, n=self.waiting))
            wait = self.line.backlog() / self._slot_count
            ticket = self.line.enter(work)
            if isinstance(ticket, Refused):
                raise gr.Error(tr("busy_wait", lang, wait=duration(max(1.0, ticket.wait_s / self._slot_count), lang)))
            self.waiting += 1
            self._sessions[session] += 1
        if wait > NOTICE_S:
            gr.Info(tr("gate_wait", lang, wait=duration(wait, lang)))
        try:
            try:
                got = self._wait_for_slot(session)
            finally:
                with self._lock:
                    self.waiting -= 1
                    crowded = self.waiting > 0
                    self._sessions[session] -= 1
                    if not self._sessions[session]:
                        del self._sessions[session]
                        self._closed.discard(session)
            if not got:                               # nobody is listening; said in their language all the same
                raise gr.Error(tr("gate_left", lang), print_exception=False)
            start = self._clock()
            try:
                yield 1 if crowded else ALL_CORES
                # what a unit took, learned from jobs that ran to their end (not one refused at once or stopped)
                self._took_now(kind, (self._clock() - start) / units)
            finally:
                self._slots.release()
        finally:
            self.line.leave(ticket)


def _request(args: tuple, kwargs: dict) -> gr.Request | None:
    return next((a for a in (*args, *kwargs.values()) if isinstance(a, gr.Request)), None)


_END = object()


def on_threads(n: int, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) with its model calls on ``n`` threads (device.threads)."""
    with threads(n):
        return fn(*args, **kwargs)


def gated(gate: ModelGate, fn: Callable, size: JobSize = ONE_JOB) -> Callable:
    """``fn`` (a handler taking a gr.Request) run inside the gate, on the gate's job thread (in the handler's context,
    so Gradio's progress bar still finds its event); generators stay generators, each step made on that thread.
    The gate expects it to take, per unit of its ``size``, what a unit of the last jobs of the same handler took."""
    kind = f"{fn.__module__}.{fn.__qualname__}"

    def slot(args: tuple, kwargs: dict) -> Any:
        request = _request(args, kwargs)
        return gate.slot(lang_of(request), kind, units=size.of(args), first_s_per_unit=size.first_s_per_unit,
                         session=getattr(request, "session_hash", None))

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with slot(args, kwargs) as n:
                context, steps = contextvars.copy_context(), fn(*args, **kwargs)
                try:
                    while (item := gate.jobs.submit(context.run, on_threads, n, next, steps, _END).result()) is not _END:
                        yield item
                finally:
                    gate.jobs.submit(context.run, steps.close).result()       # stopped: its own cleanup runs
        return stream

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        with slot(args, kwargs) as n:
            return gate.jobs.submit(contextvars.copy_context().run, on_threads, n, fn, *args, **kwargs).result()
    return call


class RunGate:
    """Sampling runs into the shared engine, let in by the work they bring (``Admission``): seconds alone at the
    engine's speed, from the measured cost of a call on ``batch`` images, per image. Refused in the learner's
    language, with the wait."""

    def __init__(self, costs: CallCosts, batch: int, bound_s: float = ADMIT_S):
        self.costs, self.batch, self.admission = costs, batch, Admission(bound_s)

    def stride(self) -> int:
        """Show every stride-th step of a run: 1 for a few runs at once; in a full class fewer frames, so that
        the page work of every run's every step (pictures encoded, sent) does not crowd out the sliders."""
        return max(1, self.admission.running // FRAMES_AT_ONCE)

    def work(self, key: str, images: int, calls: int) -> float:
        per_call = self.costs.per_call(key, self.batch)
        return images * calls * (FALLBACK_S if per_call is None else per_call / self.batch)

    @contextmanager
    def run(self, lang: str, key: str, images: int, calls: int) -> Iterator[Callable[[], bool]]:
        """Inside: the run is in; what it yields tells whether the run is (now) the only one in."""
        ticket = self.admission.enter(self.work(key, images, calls))
        if isinstance(ticket, Refused):
            raise gr.Error(tr("busy_wait", lang, wait=duration(max(1.0, ticket.wait_s), lang)))
        try:
            yield lambda: self.admission.running == 1
        finally:
            self.admission.leave(ticket)
