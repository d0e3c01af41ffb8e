"""A run made ahead of the learner's page: its steps are computed in a thread of their own while the handler encodes
and sends the frames it already has (issue 42: stream at the model's speed).

Without it a streaming handler is one loop: a step's network call, then the step's pictures encoded and sent, then
the next call. The network waits for the pictures and the pictures for the network; on two cores the two can
overlap. The handler learns how far its page is behind the run (``Ahead.behind``) and may skip frames it cannot
send in time; every item still reaches it (the scrubber keeps them all).

    for a in run_ahead(denoise.run_frames(...)):
        keep(a.item)
        if a.behind <= 2:
            yield picture_of(a.item)
"""
from __future__ import annotations

import contextvars
import queue
import threading
from dataclasses import dataclass
from typing import Generic, Iterator, TypeVar

T = TypeVar("T")
_END = object()


@dataclass(frozen=True)
class Ahead(Generic[T]):
    item: T
    behind: int          # items the run has made since this one and the handler has not taken yet


def run_ahead(items: Iterator[T]) -> Iterator[Ahead[T]]:
    """Every item of ``items``, in order, made by a thread of its own (in a copy of this context, so the thread count
    and Gradio's progress still apply). Closing this generator (Stop, a closed tab) stops that thread after the item
    it is making and closes ``items`` there; it returns once the thread has ended, so the run has left the engine.
    An exception raised by ``items`` is raised here, after the items made before it."""
    made: queue.Queue = queue.Queue()
    stop = threading.Event()

    def make() -> None:
        error = None
        try:
            for item in items:
                made.put((item, None))
                if stop.is_set():
                    break
        except BaseException as e:            # noqa: BLE001 - handed to the handler, which raises it as its own
            error = e
        finally:
            try:
                if hasattr(items, "close"):
                    items.close()               # a generator's own cleanup, in the thread that ran it
            finally:
                made.put((_END, error))

    worker = threading.Thread(target=contextvars.copy_context().run, args=(make,), name="run-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = made.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            with made.mutex:
                behind = sum(1 for waiting, _ in made.queue if waiting is not _END)
            yield Ahead(item, behind)
    finally:
        stop.set()
        worker.join()
