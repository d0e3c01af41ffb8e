"""Admission by cost, not by count: how much sampling work the engine takes on before it asks a learner to wait.

Runs let in share the engine's ticks (diffusion_core.serving.engine), so none waits for another to finish; each only
slows the rest. The engine is modelled as processor sharing: while k runs are in, each gets 1/k of its speed, so
every second of wall time takes one second of work off the runs still in, shared equally. A run's work is its
expected seconds alone at the engine's speed (from measured call costs).

A run is let in when nothing else is in (a long run alone was told its time before it started), or when the work
still to do, its own included, stays within ``bound_s``. Otherwise it is refused, with the wait until it would fit.
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Refused:
    wait_s: float           # seconds until the work in would leave room for this run
    backlog_s: float        # work still to do for the runs already in


class Admission:
    def __init__(self, bound_s: float = 10.0, clock: Callable[[], float] = time.monotonic):
        if not bound_s > 0:
            raise ValueError(f"bound_s must be positive, got {bound_s}")
        self.bound_s, self._clock = bound_s, clock
        self._left: dict[int, float] = {}          # ticket -> its work still to do (seconds)
        self._ids = itertools.count()
        self._at = clock()
        self._lock = threading.Lock()

    def _advance(self) -> None:
        """Take the work done since the last look off the runs in (processor sharing: equal shares)."""
        now = self._clock()
        done, self._at = max(0.0, now - self._at), now
        while done > 1e-12 and any(v > 0 for v in self._left.values()):
            busy = [k for k, v in self._left.items() if v > 0]
            share = min(done / len(busy), min(self._left[k] for k in busy))
            for k in busy:
                self._left[k] -= share
            done -= share * len(busy)

    def backlog(self) -> float:
        """Expected seconds of work still to do for the runs in."""
        with self._lock:
            self._advance()
            return sum(self._left.values())

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._left)

    def enter(self, work_s: float) -> int | Refused:
        """A ticket (give it back with ``leave``) for a run of ``work_s`` seconds, or Refused with the wait."""
        work_s = max(0.0, float(work_s))
        with self._lock:
            self._advance()
            backlog = sum(self._left.values())
            if self._left and backlog + work_s > self.bound_s:
                return Refused(backlog + work_s - self.bound_s, backlog)
            ticket = next(self._ids)
            self._left[ticket] = work_s
            return ticket

    def leave(self, ticket: int) -> None:
        """The run is over (finished, stopped or failed): its work, done or not, leaves the backlog."""
        with self._lock:
            self._advance()
            self._left.pop(ticket, None)
