"""What a run will cost, from what network calls measured on this machine: the expected time a learner is told
before a long run (a DDPM run of 1000 steps on the teacher takes minutes on a 2-core CPU without bf16).

A cost is seconds per network call for (model, batch). Each model is timed once when the app starts (``measure``),
and every finished run updates its figure (``record``): what the learner is told follows what runs take here,
the app's own per-step work (pictures, charts) included once a run has been made.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

import torch

Model = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
LONG_RUN_S = 20.0          # a run expected to take longer is announced, with a shorter way offered


class CallCosts:
    """Seconds per network call by (model key, batch), measured. Thread-safe; a figure per key and batch, the
    newest run weighing half (so one slow run under load does not set it alone)."""

    def __init__(self) -> None:
        self._secs: dict[tuple[str, int], float] = {}
        self._lock = threading.Lock()

    def measure(self, key: str, model: Model, batch: int, shape: tuple[int, ...], t: float = 500.0) -> float:
        """Time one call of ``model`` on ``batch`` inputs of ``shape`` at timestep t (after one warm-up call)."""
        x, tt = torch.zeros(batch, *shape), torch.full((batch,), float(t))
        model(x, tt)
        start = time.perf_counter()
        model(x, tt)
        secs = time.perf_counter() - start
        with self._lock:
            self._secs[(key, batch)] = secs
        return secs

    def record(self, key: str, batch: int, calls: int, seconds: float) -> None:
        """A finished run of ``calls`` network calls on ``batch`` inputs took ``seconds`` (wall time, all in)."""
        if calls <= 0 or not seconds > 0:
            return
        per_call = seconds / calls
        with self._lock:
            old = self._secs.get((key, batch))
            self._secs[(key, batch)] = per_call if old is None else (old + per_call) / 2

    def snapshot(self) -> "CallCosts":
        """A copy of the figures as they are now (later records change only the original)."""
        copy = CallCosts()
        with self._lock:
            copy._secs = dict(self._secs)
        return copy

    def per_call(self, key: str, batch: int) -> float | None:
        """Seconds per call for this batch: its own figure, else interpolated linearly between the measured batches
        either side of it (beyond them: the nearest one's, scaled up in proportion to a larger batch); None if the
        model was never measured."""
        with self._lock:
            known = sorted((b, s) for (k, b), s in self._secs.items() if k == key)
        if not known:
            return None
        below = [(b, s) for b, s in known if b <= batch]
        above = [(b, s) for b, s in known if b >= batch]
        if below and above:
            (b0, s0), (b1, s1) = below[-1], above[0]
            return s0 if b0 == b1 else s0 + (s1 - s0) * (batch - b0) / (b1 - b0)
        b, s = (below[-1] if below else above[0])
        return s * max(1.0, batch / b)

    def expected(self, key: str, batch: int, calls: int) -> float | None:
        """Expected seconds for ``calls`` network calls on ``batch`` inputs; None if the model was never measured."""
        per = self.per_call(key, batch)
        return None if per is None else per * calls
