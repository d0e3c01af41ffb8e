"""The batching engine (diffusion_core.serving.engine): runs that share its ticks get what each computes alone, a fault in
one call fails only that call, a run that stops leaves nothing behind, and waiting calls really are stacked."""
import threading
import time

import pytest
import torch

from diffusion_core.guidance import LabelGuided
from diffusion_core.models import pretrained
from diffusion_core.paths import assets_dir
from diffusion_core.samplers import SAMPLERS, run, sample, start_noise
from diffusion_core.schedule import NoiseSchedule
from diffusion_core.serving.engine import Engine
from toy import MixtureDenoiser

RUNS = [("ddpm", 30), ("ddim", 20), ("euler", 12), ("heun", 7), ("dpmpp2m", 20), ("ddim", 5)]


def together(fns: list) -> list:
    """Call every fn at once, each in its own thread (as learners' handlers do); their answers in order."""
    out, errors = [None] * len(fns), []
    start = threading.Barrier(len(fns))

    def go(i: int) -> None:
        start.wait()
        try:
            out[i] = fns[i]()
        except Exception as e:              # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(fns))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=600)
    assert not errors, errors
    return out


def runs_of(model, schedule, n: int = 4) -> list:
    """Every sampler, mixed step counts (runs join and leave mid-way), each with its own seed and size."""
    return [lambda name=name, k=k, i=i: sample(model, schedule, sampler=name, num_steps=k, shape=(n + i % 3, 1, 28, 28),
                                               seed=i) for i, (name, k) in enumerate(RUNS)]


def test_closed_form_runs_sharing_ticks_get_exactly_their_own_answers():
    schedule = NoiseSchedule("linear", 1000)
    toy = MixtureDenoiser(schedule.alphas_cumprod)
    alone = [f() for f in runs_of(toy, schedule)]
    engine = Engine()
    shared = together(runs_of(engine.serve(toy), schedule))
    for a, b, (name, _) in zip(alone, shared, RUNS):
        assert torch.equal(a, b), name                 # the toy works pixel by pixel: bit for bit the same
    st = engine.stats()
    assert st.calls == sum(SAMPLERS[name].nfe(k) for name, k in RUNS)
    assert st.ticks < st.calls, "no call was stacked with another"
    engine.close()


@pytest.mark.skipif(not (assets_dir() / "digits.safetensors").exists(), reason="digits model not built")
def test_the_served_digits_net_gives_each_run_its_own_digits():
    """The real net (time experts and guide: each image routed by its own t): a batch's float sums differ from a
    lone call's only in rounding, so each run ends on the same digits. In fp32: under bf16 autocast (served where
    the CPU has it) a batch's rounding differs by ~1e-2, and DDPM's re-noised steps can carry that to
    another digit."""
    model = pretrained.load("digits", precision="fp32")
    alone = [f() for f in runs_of(model, model.schedule)]
    engine = Engine()
    shared = together(runs_of(engine.serve(model), model.schedule))
    for a, b, (name, _) in zip(alone, shared, RUNS):
        assert (a - b).abs().max() < 2e-3, name
    assert engine.stats().mean_batch > 4
    engine.close()


@pytest.mark.skipif(not (assets_dir() / "digits_cond.safetensors").exists(), reason="digits_cond not built")
def test_guided_runs_with_different_labels_share_ticks():
    model = pretrained.load("digits_cond")
    engine = Engine()
    served = engine.serve(model)

    def guided(net, label: int):
        m = LabelGuided(net.eps, model.num_classes, label=label, weight=3.0)
        return lambda: sample(m, model.schedule, sampler="dpmpp2m", num_steps=10, shape=(4, 1, 28, 28), seed=label)

    alone = [guided(model, k)() for k in (3, 7)]
    shared = together([guided(served, k) for k in (3, 7)])
    for a, b in zip(alone, shared):
        assert (a - b).abs().max() < 2e-3
    engine.close()


class Slow:
    """A model that takes a while per call (so that callers pile up) and refuses NaN."""

    def __init__(self, toy):
        self.toy, self.batches = toy, []

    def __call__(self, x, t):
        if torch.isnan(x).any():
            raise ValueError("NaN in x")
        self.batches.append(len(x))
        time.sleep(0.01)
        return self.toy(x, t)


def test_a_fault_in_one_call_does_not_fail_the_others():
    schedule = NoiseSchedule("linear", 1000)
    slow = Slow(MixtureDenoiser(schedule.alphas_cumprod))
    engine = Engine()
    served = engine.serve(slow)
    good = torch.randn(4, 1, 28, 28)
    bad = good.clone()
    bad[0, 0, 0, 0] = float("nan")

    def call(x):
        return lambda: served(x, torch.full((len(x),), 500.0))

    results = [None] * 6
    errors = []

    def go(i, x):
        try:
            results[i] = call(x)()
        except ValueError as e:
            errors.append(e)

    threads = [threading.Thread(target=go, args=(i, bad if i == 2 else good)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(errors) == 1 and "NaN" in str(errors[0])
    expected = slow.toy(good, torch.full((4,), 500.0))
    assert all(torch.equal(results[i], expected) for i in range(6) if i != 2)
    assert served(good, torch.full((4,), 500.0)).shape == good.shape          # still serving
    engine.close()


def test_a_run_that_stops_leaves_the_line_at_once_and_the_others_go_on():
    schedule = NoiseSchedule("linear", 1000)
    slow = Slow(MixtureDenoiser(schedule.alphas_cumprod))
    engine = Engine()
    served = engine.serve(slow)
    x, gen = start_noise((4, 1, 28, 28), 0, "cpu")
    stopped = run(served, schedule, x, sampler="ddim", num_steps=50, generator=gen)
    next(stopped), next(stopped)
    stopped.close()                                       # Stop, or a closed tab: the generator is closed
    assert engine.waiting == 0
    done = sample(served, schedule, sampler="ddim", num_steps=10, shape=(4, 1, 28, 28), seed=1)
    assert torch.equal(done, sample(slow.toy, schedule, sampler="ddim", num_steps=10, shape=(4, 1, 28, 28), seed=1))
    engine.close()


def test_calls_of_different_sizes_are_not_stacked_and_the_cap_holds():
    schedule = NoiseSchedule("linear", 1000)
    slow = Slow(MixtureDenoiser(schedule.alphas_cumprod))
    engine = Engine(max_batch=10)
    served = engine.serve(slow)
    shapes = [(4, 1, 28, 28)] * 4 + [(4, 1, 14, 14)] * 2
    together([lambda s=s: served(torch.randn(s), torch.full((s[0],), 300.0)) for s in shapes])
    assert max(slow.batches) <= 10
    assert sum(slow.batches) == sum(s[0] for s in shapes)
    with pytest.raises(ValueError):
        Engine(max_batch=0)
    engine.close()
