"""A run made ahead of its handler (diffusion_core.serving.ahead.run_ahead) and the core the engine leaves it
(Engine.streaming): every item in order with how far the handler is behind, errors and Stop as a plain loop has
them, and a stopped run gone from the engine when the handler's loop ends."""
import contextvars
import threading
import time

import pytest
import torch

from diffusion_core.device import ALL_CORES
from diffusion_core.serving.ahead import run_ahead
from diffusion_core.serving.engine import Engine

LEARNER = contextvars.ContextVar("learner", default="nobody")


def test_every_item_arrives_in_order_with_how_many_wait_behind_it():
    seen = [(a.item, a.behind) for a in run_ahead(iter(range(50)))]
    assert [item for item, _ in seen] == list(range(50))
    assert all(0 <= behind <= 49 - item for item, behind in seen)


def test_a_slow_handler_learns_that_it_is_behind_and_a_fast_one_that_it_is_not():
    def steps(n: int, pause: float):
        for i in range(n):
            time.sleep(pause)
            yield i

    slow_handler = []
    for a in run_ahead(steps(8, 0.005)):
        slow_handler.append(a.behind)
        time.sleep(0.05)                            # the handler takes ten times a step: the run gets ahead
    assert max(slow_handler) >= 3
    fast_handler = [a.behind for a in run_ahead(steps(8, 0.03))]
    assert fast_handler == [0] * 8


def test_the_run_is_made_in_the_handlers_context_on_a_thread_of_its_own():
    def steps():
        yield LEARNER.get(), threading.get_ident()

    LEARNER.set("ada")
    (who, thread), = [a.item for a in run_ahead(steps())]
    assert who == "ada" and thread != threading.get_ident()


def test_an_error_in_the_run_comes_after_the_items_made_before_it():
    def steps():
        yield 1
        yield 2
        raise ValueError("step 3 failed")

    got = []
    with pytest.raises(ValueError, match="step 3"):
        for a in run_ahead(steps()):
            got.append(a.item)
    assert got == [1, 2]


def test_stopping_the_handler_stops_the_run_and_runs_its_cleanup_before_returning():
    made, cleaned = [], threading.Event()

    def steps():
        try:
            for i in range(1000):
                made.append(i)
                time.sleep(0.002)
                yield i
        finally:
            cleaned.set()

    loop = run_ahead(steps())
    next(loop), next(loop)
    loop.close()                                    # Stop, or a closed tab
    assert cleaned.is_set(), "the run's own cleanup has run when close returns"
    count = len(made)
    time.sleep(0.05)
    assert len(made) == count < 1000, "nothing is made after the stop"


def test_the_engine_leaves_a_streaming_runs_handler_a_core_and_a_crowd_every_core():
    """One run's tick computes on one core fewer while a run streams; a tick of several runs, or with no run
    streaming, on every core. Measured inside the network call."""
    threads_seen = []

    def net(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        threads_seen.append(torch.get_num_threads())
        time.sleep(0.02)
        return x

    engine = Engine()
    x, t = torch.zeros(2, 1, 4, 4), torch.full((2,), 10.0)
    engine.call(net, x, t)
    with engine.streaming():
        engine.call(net, x, t)
        calls = [threading.Thread(target=engine.call, args=(net, x, t)) for _ in range(6)]
        for c in calls:
            c.start()
        for c in calls:
            c.join()
    engine.call(net, x, t)
    engine.close()
    assert threads_seen[0] == threads_seen[-1] == ALL_CORES
    assert threads_seen[1] == max(1, ALL_CORES - 1)
    assert ALL_CORES in threads_seen[2:-1], "a tick that stacks several runs' calls takes every core"
